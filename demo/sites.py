"""The two demo sites (kprf_demo, movimento_demo): dataclasses and the deterministic build_sites()."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime

from demo.content import BRT, MSK, PT, RU, ArticleGenerator, SourceText, cyrillic_slug, load_text, slugify
from demo.model import DemoArticle, DemoBlock, DemoComment, DemoImage, DemoPage, DemoSite

__all__ = [
    "KPRF_BOILERPLATE",
    "MOVIMENTO_BOILERPLATE",
    "REPUBLISHED_KEY",
    "DemoArticle",
    "DemoBlock",
    "DemoComment",
    "DemoImage",
    "DemoPage",
    "DemoSite",
    "build_sites",
]

# ------------------------------------------------------------------ site-level boilerplate texts

KPRF_CTA = (
    "Подписывайтесь на нашего Telegram-бота, если хотите помогать в агитации за КПРФ и получать актуальную "
    "информацию. Для этого достаточно иметь Telegram на любом устройстве, пройти по ссылке @mskkprfBot и нажать "
    "кнопку Start. Подробная инструкция."
)
KPRF_COOKIE = (
    "Мы используем файлы cookie, чтобы сайт работал лучше. Оставаясь на сайте, вы соглашаетесь "
    "с политикой обработки персональных данных."
)
KPRF_COPYRIGHT = (
    "© 2011–2025 Московское городское отделение КПРФ. При использовании материалов ссылка на сайт обязательна."
)
KPRF_FOOTER_ABOUT = "Официальный сайт Московского городского отделения Коммунистической партии Российской Федерации."
KPRF_RELATED = "Читайте также"
KPRF_BOILERPLATE = (KPRF_CTA, KPRF_COOKIE, KPRF_COPYRIGHT, KPRF_FOOTER_ABOUT, KPRF_RELATED)

MOV_WIDGET_PSOL = "Parlamentares do Movimento Esquerda Socialista (PSOL)"
MOV_WIDGET_PODCAST = "Podcast Em Movimento"
MOV_WIDGET_COVER = "Capa da última edição da Revista Movimento"
MOV_BLURB = (
    "Esta é a vigésima quarta edição da Revista Movimento. Iniciando nossas publicações em 2022, preparamos uma "
    "edição com um dossiê de mulheres, organizado pelas mulheres do Movimento Esquerda Socialista (MES)."
)
MOV_COOKIE = (
    "Utilizamos cookies para oferecer a melhor experiência em nosso site. Ao continuar navegando, "
    "você concorda com a nossa Política de Privacidade."
)
MOV_NEWSLETTER = "Receba as novidades da Revista Movimento no seu e-mail."
MOV_COPYRIGHT = "© Revista Movimento 2025 - Todos os direitos reservados"
MOV_RELATED = "Leia também"
MOV_TAGLINE = "Revista Movimento — teoria e política da esquerda socialista"
# the widget area the theme puts inside <main>, right after the post: lines in every page's HTML
# that trafilatura takes into the text of short posts only
MOV_PODCAST_TEASER = "Podcast Em Movimento: toda semana, a conjuntura do Brasil e do mundo em meia hora de conversa."
MOV_COVER_CAPTION = "Capa da última edição da Revista Movimento: dossiê sobre o trabalho por aplicativos."
MOV_MAIN_WIDGETS = (MOV_PODCAST_TEASER, MOV_COVER_CAPTION, MOV_TAGLINE)
MOVIMENTO_BOILERPLATE = (
    MOV_WIDGET_PSOL,
    MOV_WIDGET_PODCAST,
    MOV_WIDGET_COVER,
    MOV_BLURB,
    MOV_COOKIE,
    MOV_NEWSLETTER,
    MOV_COPYRIGHT,
    MOV_RELATED,
    *MOV_MAIN_WIDGETS,
)
# short posts (notes of 10 to 40 words) on movimento_demo
MOV_SHORT_POSTS = 3

REPUBLISHED_KEY = "tdo-udaltsov-coalition-2017"

# ------------------------------------------------------------------ helpers


def _from_text(text: SourceText, key: str, **fields: object) -> DemoArticle:
    blocks = text.blocks
    base = DemoArticle(
        key=key,
        path="",
        title=text.title,
        authors=(text.author,),
        published=text.date,
        modified=None,
        language=text.language,
        categories=(),
        tags=(),
        paragraphs=tuple(b.text for b in blocks if b.kind != "figure"),
        images=tuple(b.image for b in blocks if b.image is not None),
        republished_key=None,
        blocks=blocks,
    )
    return replace(base, **fields)  # type: ignore[arg-type]


def _tdo_credit(text: SourceText) -> str:
    return f"{text.author} – {text.outlet} – {text.date:%d.%m.%Y}"


def _finish(articles: list[DemoArticle], first_id: int, first_comment: int, seed: int) -> list[DemoArticle]:
    """Assign WordPress post ids (growing with the publication date) and global comment ids."""
    rng = random.Random(seed)
    out: list[DemoArticle] = []
    post_id, comment_id = first_id, first_comment
    for art in sorted(articles, key=lambda a: a.published):
        post_id += rng.randint(3, 60)
        comments: list[DemoComment] = []
        for c in art.comments:
            comment_id += rng.randint(1, 9)
            parent = comments[c.parent - 1].comment_id if c.parent else 0
            comments.append(replace(c, comment_id=comment_id, parent=parent))
        out.append(replace(art, post_id=post_id, comments=tuple(comments)))
    return out


def _with_paths(articles: list[DemoArticle], pattern: str, cyrillic: frozenset[str]) -> list[DemoArticle]:
    """Permalinks from ``pattern`` (strftime + {slug}); WordPress appends -2 to a duplicate slug."""
    out: list[DemoArticle] = []
    seen: set[str] = set()
    for art in articles:
        slug = cyrillic_slug(art.title) if art.key in cyrillic else slugify(art.title)
        path = art.published.strftime(pattern).replace("{slug}", slug)
        n = 2
        while path in seen:
            path = art.published.strftime(pattern).replace("{slug}", f"{slug}-{n}")
            n += 1
        seen.add(path)
        out.append(replace(art, path=path))
    return out


def _page(key: str, path: str, title: str, paragraphs: tuple[str, ...], date: datetime, post_id: int) -> DemoPage:
    return DemoPage(key, path, title, paragraphs, date, date, post_id)


# The "about" pages are of article length (several hundred words), as on the real sites: only
# their kind (a WordPress page: REST type page, the page sitemap, og:type website, schema.org
# AboutPage, no date) tells them from a post. The contacts pages stay short (a discard).
KPRF_ABOUT = (
    "Московское городское отделение КПРФ объединяет коммунистов столицы, работающих в районных и "
    "первичных отделениях партии. Оно было воссоздано в 1993 году, вскоре после восстановления "
    "Коммунистической партии, и с тех пор участвует во всех городских и федеральных избирательных кампаниях.",
    "Высший орган городского отделения — конференция, которая собирается не реже одного раза в два года. "
    "Между конференциями работу ведёт городской комитет, а текущие вопросы решает его бюро. В каждом "
    "административном округе действуют окружные комитеты, которые координируют работу местных отделений.",
    "Основу партии составляют первичные отделения по месту жительства и по месту работы. Их члены проводят "
    "встречи с жителями, собирают подписи в защиту скверов и парков, помогают с обращениями в управы и "
    "следят за работой управляющих компаний.",
    "Депутаты фракции КПРФ в Московской городской думе добиваются пересмотра программы реновации, "
    "сохранения бесплатных поликлиник и школ, снижения тарифов на жилищно-коммунальные услуги и "
    "отчитываются о своей работе на регулярных приёмах избирателей в округах.",
    "На этом сайте публикуются новости о деятельности городского комитета, заявления бюро, материалы "
    "депутатов и отчёты районных отделений. Мы также публикуем аналитические статьи о положении дел в "
    "городском хозяйстве, транспорте, здравоохранении и образовании.",
    "Вступить в партию может гражданин России старше восемнадцати лет, разделяющий её программу. "
    "Для этого нужно подать заявление в первичное отделение по месту жительства, познакомиться с уставом "
    "и пройти собеседование. Кандидатский стаж длится от трёх до шести месяцев.",
    "Сторонники, которые пока не готовы вступить в партию, могут участвовать в работе как волонтёры: "
    "наблюдать на выборах, распространять газету, помогать в организации митингов и просветительских "
    "лекций. Мы рады каждому, кто хочет сделать наш город справедливее.",
    "Городское отделение издаёт газету «Правда Москвы» и ведёт страницы в социальных сетях. Каждую "
    "неделю в приёмной городского комитета проходят бесплатные юридические консультации для жителей: "
    "юристы помогают составить жалобу, обращение в суд или запрос в органы власти.",
)
MOVIMENTO_ABOUT = (
    "A Revista Movimento é uma publicação dedicada ao debate teórico e político da esquerda socialista "
    "brasileira e internacional. Nascida em 2016, reúne militantes, pesquisadores e ativistas de diversos "
    "movimentos sociais em torno de um projeto editorial comum.",
    "Publicamos análises de conjuntura, entrevistas, dossiês temáticos e traduções de textos de organizações "
    "de todo o mundo. Nosso objetivo é oferecer ferramentas para compreender a crise do capitalismo "
    "contemporâneo e as lutas que se desenvolvem contra ela.",
    "A revista tem uma edição impressa semestral e uma edição digital atualizada diariamente. Cada número "
    "impresso é organizado em torno de um tema central, como o trabalho por aplicativos, a crise climática, "
    "a educação pública ou a luta contra a extrema direita.",
    "O conselho editorial é formado por militantes de diferentes regiões do país e se reúne mensalmente para "
    "discutir as pautas, avaliar as propostas recebidas e planejar os próximos dossiês. Nenhum dos membros "
    "recebe remuneração pelo trabalho editorial.",
    "Aceitamos colaborações de autores de todos os lugares. Os textos devem ter entre oito mil e vinte mil "
    "caracteres, trazer referências quando for o caso e dialogar com os debates da esquerda. As traduções "
    "precisam da autorização dos autores ou das publicações originais.",
    "A Movimento se mantém graças às assinaturas e às contribuições voluntárias de seus leitores. Não aceitamos "
    "publicidade de empresas nem financiamento de partidos da ordem, o que garante a independência da nossa "
    "linha editorial.",
    "Quem quiser apoiar o projeto pode assinar a edição impressa, divulgar nossos textos nas redes, organizar "
    "debates de lançamento em sua cidade ou universidade e escrever para a redação com sugestões de pautas.",
    "Além da revista, mantemos uma editora que publica livros de formação política, organizamos cursos "
    "abertos sobre a história do movimento operário e participamos de redes internacionais de publicações "
    "socialistas, com as quais trocamos textos e traduções regularmente.",
)


# ------------------------------------------------------------------ kprf_demo


def _kprf(night: int) -> DemoSite:
    seed = load_text("kprf-smolensk-2023.ru.txt")
    tdo = load_text("tdo-udaltsov-coalition-2017.en.txt")
    gen = ArticleGenerator(RU, seed=1917, taken_titles={seed.title, tdo.title})
    generated = gen.generate(30, datetime(2023, 1, 10, 9, tzinfo=MSK), datetime(2025, 9, 30, 21, tzinfo=MSK), "kprf")
    cp1251 = {generated[7].key, generated[16].key}
    generated = [replace(a, encoding="windows-1251") if a.key in cp1251 else a for a in generated]
    cyrillic = frozenset({generated[2].key, generated[12].key, generated[21].key})
    articles = [
        _from_text(
            seed,
            "kprf-smolensk-2023",
            modified=datetime(2023, 5, 21, 10, 5, tzinfo=MSK),
            categories=("Новости", "Аналитика"),
            tags=("Коалиция", "Левый фронт", "Выборы"),
            comments=gen.comments(seed.date, always=True),
        ),
        _from_text(
            tdo,
            "kprf-tdo-udaltsov-2017",
            published=datetime(2017, 8, 12, 11, 20, tzinfo=MSK),
            categories=("Аналитика",),
            tags=("Левый фронт", "Коалиция"),
            republished_key=REPUBLISHED_KEY,
            credit=_tdo_credit(tdo),
            comments_open=False,
        ),
        *generated,
    ]
    articles = _finish(articles, first_id=1180, first_comment=300, seed=11)
    if night >= 2:
        titles, texts = {a.title for a in articles}, {p for a in articles for p in a.paragraphs}
        extra = ArticleGenerator(RU, seed=20251, taken_titles=titles, taken_texts=texts).generate(
            2, datetime(2025, 10, 10, 9, tzinfo=MSK), datetime(2025, 10, 16, 20, tzinfo=MSK), "kprf-n2"
        )
        articles += _finish(extra, first_id=articles[-1].post_id + 40, first_comment=2000, seed=12)
        edited_key = generated[5].key
        day = datetime(2025, 10, 14, 16, 5, tzinfo=MSK)
        update = DemoBlock("p", gen.update_paragraph(day))
        articles = [
            replace(a, blocks=(*a.blocks, update), paragraphs=(*a.paragraphs, update.text), modified=day)
            if a.key == edited_key
            else a
            for a in articles
        ]
    articles = _with_paths(articles, "/%Y/%m/%d/{slug}/", cyrillic)
    pages = (
        _page(
            "kprf-about",
            "/o-nas/",
            "О нас",
            KPRF_ABOUT,
            datetime(2019, 3, 1, 12, 0, tzinfo=MSK),
            2,
        ),
        _page(
            "kprf-contacts",
            "/kontakty/",
            "Контакты",
            (
                "Адрес городского комитета: Москва, ул. Образцова, д. 7 (демонстрационный адрес).",
                "Приёмная работает по будним дням с 10:00 до 18:00. Телефон: +7 (495) 000-00-00.",
                "Telegram-бот для сторонников: @mskkprfBot. Нажмите кнопку Start и следуйте подсказкам.",
            ),
            datetime(2021, 9, 15, 12, 0, tzinfo=MSK),
            5,
        ),
    )
    return DemoSite(
        key="kprf_demo",
        name="МГК КПРФ",
        language="ru",
        articles=tuple(articles),
        boilerplate=KPRF_BOILERPLATE,
        pages=pages,
        night=night,
        description="Московское городское отделение КПРФ",
        rest_api=True,
        timezone="+03:00",
    )


# ------------------------------------------------------------------ movimento_demo


def _movimento(night: int) -> DemoSite:
    antiwar = load_text("movimento-antiwar-resolution.en.txt")
    tdo = load_text("tdo-udaltsov-coalition-2017.en.txt")
    strike = load_text("movimento-federal-universities-strike.en.txt")
    argentina = load_text("movimento-argentina-university-march.en.txt")
    taken = {t.title for t in (antiwar, tdo, strike, argentina)}
    gen = ArticleGenerator(PT, seed=1979, taken_titles=taken)
    generated = gen.generate(
        28, datetime(2023, 1, 10, 9, tzinfo=BRT), datetime(2025, 9, 30, 21, tzinfo=BRT), "movimento"
    )
    signed = [i for i, a in enumerate(generated) if a.authors[0] != "Redação"]
    for i in (signed[3], signed[15]):  # two co-authored articles
        first = generated[i].authors[0]
        second = next(a for a in PT.bank.AUTHORS[1:] if a != first)
        generated[i] = replace(generated[i], authors=(first, second))
    titles, texts = taken | {a.title for a in generated}, {p for a in generated for p in a.paragraphs}
    notes = ArticleGenerator(PT, seed=1980, taken_titles=titles, taken_texts=texts).short_posts(
        MOV_SHORT_POSTS, datetime(2023, 3, 1, 9, tzinfo=BRT), datetime(2025, 9, 20, 21, tzinfo=BRT), "movimento-nota"
    )
    articles = [
        _from_text(
            antiwar,
            "movimento-antiwar-resolution",
            categories=("Internacional",),
            tags=("guerra", "Rússia"),
            comments=gen.comments(antiwar.date, always=True),
        ),
        _from_text(
            tdo,
            "movimento-tdo-udaltsov-2017",
            published=datetime(2017, 8, 14, 9, 15, tzinfo=BRT),
            modified=datetime(2017, 8, 14, 12, 40, tzinfo=BRT),
            categories=("Internacional",),
            tags=("Rússia",),
            republished_key=REPUBLISHED_KEY,
            credit=_tdo_credit(tdo),
        ),
        _from_text(
            strike,
            "movimento-federal-universities-strike",
            modified=datetime(2024, 6, 29, 11, 2, tzinfo=BRT),
            categories=("Brasil", "Movimento"),
            tags=("educação", "greve", "trabalhadores"),
            comments=gen.comments(strike.date),
        ),
        _from_text(
            argentina,
            "movimento-argentina-university-march",
            categories=("Internacional", "Juventude"),
            tags=("educação", "juventude"),
            comments=gen.comments(argentina.date, always=True),
        ),
        *generated,
        *notes,
    ]
    articles = _finish(articles, first_id=20310, first_comment=4100, seed=21)
    if night >= 2:
        titles, texts = {a.title for a in articles}, {p for a in articles for p in a.paragraphs}
        extra = ArticleGenerator(PT, seed=20252, taken_titles=titles, taken_texts=texts).generate(
            1, datetime(2025, 10, 11, 9, tzinfo=BRT), datetime(2025, 10, 15, 20, tzinfo=BRT), "movimento-n2"
        )
        articles += _finish(extra, first_id=articles[-1].post_id + 55, first_comment=6000, seed=22)
    articles = _with_paths(articles, "/%Y/%m/{slug}/", frozenset())
    gone: tuple[str, ...] = ()
    if night >= 2:
        removed = next(a for a in articles if a.key == generated[9].key)
        gone = (removed.path,)
        articles = [a for a in articles if a is not removed]
    pages = (
        _page(
            "movimento-about",
            "/quem-somos/",
            "Quem somos",
            MOVIMENTO_ABOUT,
            datetime(2020, 5, 4, 10, 0, tzinfo=BRT),
            2,
        ),
        _page(
            "movimento-contact",
            "/contato/",
            "Contato",
            (
                "Para propor artigos, entrevistas ou traduções, escreva para a redação (endereço de demonstração).",
                "Respondemos às mensagens em até cinco dias úteis.",
            ),
            datetime(2022, 2, 1, 10, 0, tzinfo=BRT),
            7,
        ),
    )
    return DemoSite(
        key="movimento_demo",
        name="Revista Movimento",
        language="pt",
        articles=tuple(articles),
        boilerplate=MOVIMENTO_BOILERPLATE,
        pages=pages,
        gone=gone,
        night=night,
        description=MOV_TAGLINE,
        timezone="-03:00",
    )


def build_sites(night: int = 1) -> dict[str, DemoSite]:
    """Build both demo sites for ``night`` (1 = initial content; 2 = one edit, three new posts, one removed)."""
    if night not in (1, 2):
        raise ValueError(f"night must be 1 or 2, not {night}")
    return {"kprf_demo": _kprf(night), "movimento_demo": _movimento(night)}
