"""Deterministic article generation from phrase banks, slugs, and the loader for the demo/data texts."""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote

from demo import banks_pt, banks_ru
from demo.model import DemoArticle, DemoBlock, DemoComment, DemoImage

DATA_DIR = Path(__file__).parent / "data"
MSK = timezone(timedelta(hours=3))
BRT = timezone(timedelta(hours=-3))

# ---------------------------------------------------------------- slugs

_TRANSLIT = dict(
    zip(
        "абвгдеёжзийклмнопрстуфхцчшщъыьэюя",
        [
            "a",
            "b",
            "v",
            "g",
            "d",
            "e",
            "yo",
            "zh",
            "z",
            "i",
            "j",
            "k",
            "l",
            "m",
            "n",
            "o",
            "p",
            "r",
            "s",
            "t",
            "u",
            "f",
            "h",
            "c",
            "ch",
            "sh",
            "shh",
            "_",
            "y",
            "_",
            "e",
            "yu",
            "ya",
        ],
        strict=True,
    )
)


def _ascii_words(text: str) -> list[str]:
    low = "".join(_TRANSLIT.get(ch, ch) for ch in text.lower()).replace("_", "")
    low = unicodedata.normalize("NFKD", low)
    low = "".join(ch for ch in low if not unicodedata.combining(ch))
    return re.findall(r"[a-z0-9]+", low)


def slugify(text: str, max_words: int = 10) -> str:
    """WordPress-like ASCII slug (Cyrillic transliterated as by the Cyr-To-Lat plugin, accents removed)."""
    return "-".join(_ascii_words(text)[:max_words])


def cyrillic_slug(text: str, max_words: int = 6) -> str:
    """A non-transliterated WordPress slug: lowercase words, percent-encoded UTF-8 with lowercase hex."""
    words = re.findall(r"[\w]+", text.lower())[:max_words]
    encoded = quote("-".join(words), safe="-")
    return re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), encoded)


# ---------------------------------------------------------------- demo/data texts


@dataclass(frozen=True)
class SourceText:
    """A cleaned text from demo/data: true title, body blocks and the original metadata."""

    name: str
    title: str
    author: str
    date: datetime
    language: str
    outlet: str
    blocks: tuple[DemoBlock, ...]


_FIGURE = re.compile(r'^!\[(?P<alt>[^\]]*)\]\((?P<src>\S+) (?P<w>\d+)x(?P<h>\d+) "(?P<cap>[^"]*)"\)$')


def parse_blocks(body: str) -> tuple[DemoBlock, ...]:
    """Parse the small markdown-like body format described in demo/data/README.md."""
    blocks: list[DemoBlock] = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [line.strip() for line in chunk.strip().splitlines() if line.strip()]
        if not lines:
            continue
        first = lines[0]
        if fig := _FIGURE.match(first):
            image = DemoImage(src=fig["src"], alt=fig["alt"], caption=fig["cap"])
            blocks.append(DemoBlock("figure", image=image, width=int(fig["w"]), height=int(fig["h"])))
        elif first.startswith("## "):
            blocks.append(DemoBlock("h2", first[3:].strip()))
        elif first.startswith("> "):
            blocks.append(DemoBlock("quote", " ".join(line.removeprefix("> ") for line in lines)))
        elif first.startswith("- "):
            blocks.extend(DemoBlock("li", line[2:].strip()) for line in lines)
        elif re.match(r"\d+\. ", first):
            blocks.extend(DemoBlock("oli", line.split(". ", 1)[1].strip()) for line in lines)
        else:
            blocks.append(DemoBlock("p", " ".join(lines)))
    return tuple(blocks)


def load_text(name: str) -> SourceText:
    """Read one demo/data text file (header lines, blank line, body)."""
    raw = (DATA_DIR / name).read_text(encoding="utf-8")
    head, _, body = raw.partition("\n\n")
    meta = dict(line.split(": ", 1) for line in head.splitlines())
    return SourceText(
        name=name,
        title=meta["title"],
        author=meta["author"],
        date=datetime.fromisoformat(meta["date"]),
        language=meta["language"],
        outlet=meta.get("outlet", ""),
        blocks=parse_blocks(body),
    )


# ---------------------------------------------------------------- template filling

_SLOT = re.compile(r"\{(\w+)(?:\.(\w+))?\}")
_GENDER = re.compile(r"\[([^|\]]*)\|([^\]]*)\]")
_SENTENCE_START = re.compile(r"(^|[.!?»]\s+)(\w)")
_RU_OB = re.compile(r"(?<![\w-])([оО]) (?=[аоуэиыАОУЭИ])")


def capitalize(text: str) -> str:
    """Upper-case the first letter of the text and of every sentence in it."""
    return _SENTENCE_START.sub(lambda m: m.group(1) + m.group(2).upper(), text)


class Filler:
    """Expands ``{slot}``, ``{slot.form}`` and ``[masculine|feminine]`` in bank templates."""

    def __init__(self, rng: random.Random, ctx: dict[str, Any]) -> None:
        self.rng = rng
        self.ctx = ctx
        self._decks: dict[str, list[str]] = {}

    def draw(self, name: str) -> str:
        """Next value of a list slot; values repeat only after the whole list was used (per article)."""
        deck = self._decks.setdefault(name, [])
        if not deck:
            deck.extend(self.ctx[name])
            self.rng.shuffle(deck)
        return deck.pop()

    def fill(self, template: str) -> str:
        speaker: tuple[str, str, str] = self.rng.choice(self.ctx["speakers"])
        return self._expand(template, speaker, 0)

    def _expand(self, template: str, speaker: tuple[str, str, str], depth: int) -> str:
        if depth > 4:
            raise ValueError(f"template recursion too deep: {template!r}")

        def slot(m: re.Match[str]) -> str:
            name, form = m.group(1), m.group(2)
            if name == "speaker":
                return speaker[0]
            if name == "speaker_short":
                return speaker[2]
            value = self.ctx[name]
            if form:
                return str(value[form])
            if isinstance(value, list):
                value = self.draw(name)
            return self._expand(str(value), speaker, depth + 1)

        text = _SLOT.sub(slot, template)
        text = _GENDER.sub(lambda m: m.group(1) if speaker[1] == "m" else m.group(2), text)
        return _RU_OB.sub(r"\1б ", text)  # Russian "о" becomes "об" before a vowel: "об отмене"


# ---------------------------------------------------------------- article generation

_SIZES = [(2048, 1365), (1600, 1067), (1280, 853), (1920, 1280), (1200, 800), (1600, 1200), (2048, 1536)]
_LENGTHS = [2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 8, 9, 10, 12, 14, 16, 19, 22, 25]


@dataclass(frozen=True)
class Language:
    """Language-specific parts of the generator."""

    code: str
    bank: ModuleType
    tz: timezone

    def when(self, rng: random.Random, day: datetime) -> str:
        if self.code == "ru":
            date = f"{day.day} {banks_ru.MONTHS_GEN[day.month - 1]}"
            return rng.choice([date, f"{banks_ru.WEEKDAYS_ACC[day.weekday()]}, {date},", "накануне"])
        return f"{banks_pt.WEEKDAYS[day.weekday()]} ({day.day})"


RU = Language("ru", banks_ru, MSK)
PT = Language("pt", banks_pt, BRT)


class ArticleGenerator:
    """Generates unique articles for one site from a seeded random.Random."""

    def __init__(
        self, lang: Language, seed: int, taken_titles: set[str] | None = None, taken_texts: set[str] | None = None
    ) -> None:
        self.lang = lang
        self.rng = random.Random(seed)
        self.titles: set[str] = set(taken_titles or ())
        self.paragraphs: set[str] = set(taken_texts or ())  # every block text generated so far on the site
        self._rotation: dict[str, int] = {}

    def _rotate(self, name: str, options: list[Any]) -> Any:
        """Cycle through ``options`` from a random start, so that articles of a topic differ."""
        if name not in self._rotation:
            self._rotation[name] = self.rng.randrange(len(options))
        self._rotation[name] += 1
        return options[self._rotation[name] % len(options)]

    # -- public

    def generate(self, count: int, start: datetime, end: datetime, key_prefix: str) -> list[DemoArticle]:
        rng = self.rng
        topics: list[dict[str, Any]] = list(self.lang.bank.TOPICS)
        order = [topics[i % len(topics)] for i in range(count)]
        rng.shuffle(order)
        lengths = [rng.choice(_LENGTHS) for _ in range(count)]
        if count >= 6:
            lengths[1], lengths[4] = 2, 25
        span = int((end - start).total_seconds())
        stamps = sorted(rng.randrange(span) for _ in range(count))
        authors: list[str] = list(self.lang.bank.AUTHORS)
        articles = []
        for i, topic in enumerate(order):
            published = (start + timedelta(seconds=stamps[i])).astimezone(self.lang.tz).replace(microsecond=0)
            if published.hour < 8:  # newsrooms publish in the daytime
                published += timedelta(hours=9)
            if "month" in topic["issues"][0]:
                published = self._event_date(topic, published, start, end)
            author = authors[i % len(authors)] if i < len(authors) else rng.choice(authors)
            key = f"{key_prefix}-{i + 1:02d}-{topic['key']}"
            articles.append(self._article(key, topic, published, lengths[i], author, end))
        return articles

    def short_posts(
        self, count: int, start: datetime, end: datetime, key_prefix: str, words: tuple[int, int] = (10, 40)
    ) -> list[DemoArticle]:
        """``count`` notes of one paragraph between ``words`` words (a statement, a call to an act),
        without images: the posts whose text a theme's widget lines outweigh."""
        low, high = words
        notes = []
        for article in self.generate(max(40, count * 8), start, end, key_prefix):
            blocks = tuple(b for b in article.blocks if b.kind == "p")[:1]
            size = len(blocks[0].text.split()) if blocks else 0
            if low <= size <= high and len(notes) < count:
                notes.append(
                    replace(article, blocks=blocks, paragraphs=(blocks[0].text,), images=(), key=f"{article.key}-note")
                )
        return notes

    def update_paragraph(self, day: datetime) -> str:
        """The paragraph added to an article on the second night."""
        if self.lang.code == "ru":
            date = f"{day.day} {banks_ru.MONTHS_GEN[day.month - 1]}"
            return (
                f"Дополнение. {date} в МГК КПРФ поступил официальный ответ из управы района, в котором сообщается "
                "о создании рабочей группы для рассмотрения обращений жителей. Коммунисты расценивают это как "
                "первый результат совместной борьбы, но намерены добиваться конкретных решений."
            )
        return (
            f"Atualização: em {day.day} de {banks_pt.MONTHS[day.month - 1]}, o governo recebeu uma comissão das "
            "entidades e prometeu apresentar uma proposta por escrito. O movimento mantém a mobilização até que "
            "as reivindicações sejam atendidas."
        )

    # -- internals

    def _event_date(self, topic: dict[str, Any], around: datetime, start: datetime, end: datetime) -> datetime:
        """Commemorations are published on (or the day after) the anniversary they celebrate."""
        rng = self.rng
        for _ in range(20):
            iss = rng.choice(topic["issues"])
            year = rng.randint(start.year, end.year)
            day = datetime(year, int(iss["month"]), int(iss["day"]), around.hour, around.minute, tzinfo=self.lang.tz)
            day += timedelta(days=rng.choice([0, 0, 1]))
            if start <= day <= end:
                return day
        return around

    def _ctx(self, topic: dict[str, Any], day: datetime) -> dict[str, Any]:
        rng, bank = self.rng, self.lang.bank
        ctx: dict[str, Any] = dict(bank.COMMON)
        for name, value in topic.items():
            if name not in ("sentences", "titles", "leads", "quotes", "demands", "issues"):
                ctx[name] = value
        avoid: list[str] = topic.get("avoid", [])
        for name in ("sentence", "claim", "subhead", "list_intro"):
            ctx[name] = [t for t in bank.COMMON[name] if not any(a in t for a in avoid)]
        issues = topic["issues"]
        if "month" in issues[0]:
            matching = [
                i
                for i in issues
                if (int(i["month"]), int(i["day"]))
                in {(day.month, day.day), ((day - timedelta(days=1)).month, (day - timedelta(days=1)).day)}
            ]
            issues = matching or issues
        ctx["issue"] = self._rotate(f"{topic['key']}:issue", issues) if len(issues) > 1 else issues[0]
        ctx["speakers"] = rng.sample(bank.SPEAKERS, k=rng.randint(2, 3))
        places = banks_ru.DISTRICTS if self.lang.code == "ru" else banks_pt.CITIES
        ctx["district"] = ctx["city"] = rng.choice(places)
        event_day = day - timedelta(days=rng.choice([0, 0, 1, 1, 2]))
        ctx["when"] = self.lang.when(rng, event_day)
        return ctx

    @staticmethod
    def _fresh(make: Any, pool: set[str], tries: int = 40) -> str | None:
        """A text from ``make()`` that is not in ``pool`` yet (then added to it), or None."""
        for _ in range(tries):
            text = str(make())
            if text not in pool:
                pool.add(text)
                return text
        return None

    def _unique(self, make: Any, pool: set[str]) -> str:
        text = self._fresh(make, pool)
        if text is None:
            raise RuntimeError("the phrase banks are too small for this many unique texts")
        return text

    def _article(
        self, key: str, topic: dict[str, Any], published: datetime, n_par: int, author: str, end: datetime
    ) -> DemoArticle:
        rng = self.rng
        ctx = self._ctx(topic, published)
        filler = Filler(rng, ctx)
        title = self._unique(
            lambda: capitalize(filler.fill(self._rotate(f"{topic['key']}:title", topic["titles"]))), self.titles
        )

        deck: list[str] = []
        used: set[str] = set()

        def sentence() -> str:
            for _ in range(25):
                if not deck:
                    deck.extend(topic["sentences"] + ctx["sentence"])
                    rng.shuffle(deck)
                text = capitalize(filler.fill(deck.pop()))
                if text not in used:
                    used.add(text)
                    return text
            return text

        def paragraph(first: bool = False) -> str:
            def make() -> str:
                parts = [capitalize(filler.fill(rng.choice(topic["leads"])))] if first else []
                many = rng.randint(1, 3) if n_par > 12 else rng.randint(2, 4)
                parts += [sentence() for _ in range(rng.randint(0, 1) if first else many)]
                return " ".join(parts)

            return self._unique(make, self.paragraphs)

        sections: list[list[DemoBlock]] = [[DemoBlock("p", paragraph(first=True))]]
        sections += [[DemoBlock("p", paragraph())] for _ in range(n_par - 1)]
        # every block text is unique on the site: a repeated line would look like template boilerplate
        if n_par >= 4 and rng.random() < 0.45:
            at = rng.randint(1, n_par - 1)
            items = [d for d in topic["demands"] if d not in self.paragraphs and rng.random() < 0.85]
            intro = self._fresh(lambda: capitalize(filler.fill(rng.choice(ctx["list_intro"]))), self.paragraphs)
            if intro and len(items) >= 2:
                self.paragraphs.update(items)
                kind = "oli" if rng.random() < 0.3 else "li"
                sections[at] = [DemoBlock("p", intro)] + [DemoBlock(kind, item) for item in items] + sections[at]
        if n_par >= 3 and rng.random() < 0.45:
            quotes = [q + "." for q in topic["quotes"] if q + "." not in self.paragraphs]
            if quotes:
                quote = rng.choice(quotes)
                self.paragraphs.add(quote)
                sections[rng.randint(1, n_par - 1)].append(DemoBlock("quote", quote))
        if n_par >= 10:
            spots = sorted(rng.sample(range(2, n_par), k=min(3, n_par // 6)))
            for at in spots:
                head = self._fresh(lambda: capitalize(filler.fill(rng.choice(ctx["subhead"]))), self.paragraphs)
                if head:
                    sections[at].insert(0, DemoBlock("h2", head))
        if rng.random() < 0.45:
            n_img = rng.randint(1, 3)
            for k, at in enumerate(sorted(rng.sample(range(n_par), k=min(n_img, n_par)))):
                sections[at].append(self._figure(filler, title, published, k))
        blocks = tuple(b for section in sections for b in section)

        modified = None
        if rng.random() < 0.55:
            modified = published + timedelta(minutes=rng.randint(20, 60 * 24 * 20))
            modified = min(modified, end)
        return DemoArticle(
            key=key,
            path="",
            title=title,
            authors=(author,),
            published=published,
            modified=modified,
            language=self.lang.code,
            categories=tuple(topic["categories"][: rng.randint(1, len(topic["categories"]))]),
            tags=tuple(rng.sample(topic["tags"], k=rng.randint(1, len(topic["tags"])))),
            paragraphs=tuple(b.text for b in blocks if b.kind != "figure"),
            images=tuple(b.image for b in blocks if b.image is not None),
            republished_key=None,
            blocks=blocks,
            comments=self.comments(published),
            comments_open=rng.random() < 0.9,
        )

    def _figure(self, filler: Filler, title: str, published: datetime, k: int) -> DemoBlock:
        rng = self.rng
        width, height = rng.choice(_SIZES)
        style = rng.choice(["camera", "slug", "hex"])
        if style == "camera":
            name = f"IMG_{published:%Y%m%d}_{rng.randint(80000, 235959):06d}"
        elif style == "slug":
            name = f"{slugify(title, 4)}-{k + 1}"
        else:
            name = "-".join(f"{rng.getrandbits(b * 4):0{b}X}" for b in (8, 4, 4, 4, 12))
        ext = rng.choice([".jpg", ".jpg", ".jpeg"])
        src = f"/wp-content/uploads/{published:%Y/%m}/{name}{ext}"
        alt = filler.fill(rng.choice(filler.ctx["image_alt"])) if rng.random() < 0.8 else ""
        caption = ""
        if rng.random() < 0.75:
            options = [c for c in filler.ctx["image_caption"] if alt or "{alt}" not in c]
            caption = filler.fill(rng.choice(options).replace("{alt}", alt))
        return DemoBlock(
            "figure", image=DemoImage(src, capitalize(alt), capitalize(caption)), width=width, height=height
        )

    def comments(self, published: datetime, always: bool = False) -> tuple[DemoComment, ...]:
        """2-4 reader comments (none for about a third of the articles unless ``always``)."""
        rng, common = self.rng, self.lang.bank.COMMON
        if not always and rng.random() < 0.3:
            return ()
        out: list[DemoComment] = []
        when = published
        texts = rng.sample(common["comment"], k=rng.randint(2, 4))
        for k, text in enumerate(texts):
            when = when + timedelta(minutes=rng.randint(7, 60 * 30))
            parent = k if k and rng.random() < 0.3 else 0  # 1-based index of the parent, fixed up by the site
            out.append(DemoComment(0, rng.choice(common["comment_author"]), when, text, parent))
        return tuple(out)
