"""extract_article on small hand-made pages: body images and links, edge residue, the line model, captions,
metadata signals with their provenance, date fallback, discards that keep their text."""

from __future__ import annotations

from datetime import UTC, datetime

from transforms.body import CHARS_PER_WORD, words
from transforms.extract import extract_article
from transforms.lines import FEATURES, WEIGHTS, boilerplate_lines
from transforms.records import Article, Discard

PARAGRAPHS = [
    "The city council voted on Tuesday to extend the tram line to the northern districts of the town.",
    "Residents had collected more than four thousand signatures for the extension over two years.",
    "The works are expected to start next spring and to last about eighteen months in total.",
]


def post(head: str = "", article_class: str = "post-7 post type-post", extra: str = "", tail: str = "") -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS[:2])
    return f"""<html><head><title>Tram line extended - City News</title>{head}</head><body>
<nav><a href="/">Home</a> <a href="/city/">City</a></nav>
<article class="{article_class}"><h1 class="entry-title">Tram line extended</h1>
<div class="entry-content">
<p><a href="https://twitter.com/share">Tweet</a> <a href="https://facebook.com/share">Share</a></p>
<p>Tram line extended</p>
{body}
<figure class="wp-block-image"><img src="/img/tram-300x200.jpg" alt="A tram"
 srcset="/img/tram-300x200.jpg 300w, /img/tram-1024x683.jpg 1024w, /img/tram.jpg 2048w"
 sizes="100vw"><figcaption>The new tram at the depot. Photo: City News</figcaption></figure>
<p>{PARAGRAPHS[2]} See <a href="https://council.example.org/decisions/42?utm_source=x">the decision</a>
 and <a href="/2024/05/earlier-story/">our earlier story</a>.</p>
{extra}
<p><a href="/2024/06/next-story/">Read more</a></p>
</div></article>{tail}
<footer><p>© City News</p></footer></body></html>"""


URL = "https://news.example.com/2024/06/tram-line-extended/"


def extract(html: str) -> Article:
    result = extract_article(html.encode(), URL, "text/html; charset=utf-8")
    assert isinstance(result, Article), result
    return result


def test_body_text_has_no_title_share_or_read_more_residue() -> None:
    article = extract(post())
    lines = article.text.split("\n")
    assert lines[0] == PARAGRAPHS[0]
    assert lines[-1].startswith(PARAGRAPHS[2])
    for residue in ("Tweet", "Share", "Read more", "Tram line extended"):
        assert residue not in article.text and residue not in article.markdown


def test_line_model_drops_a_trailing_teaser_and_copyright_line_but_no_paragraph() -> None:
    teaser = "Also on this topic: <a href='/2024/06/bus-lanes/'>New Bus Lanes For The Old Town</a>"
    extra = f"<div><p>{teaser}</p><p>© 2024 City News Media Group | All Rights Reserved</p></div>"
    article = extract(post(extra=extra))
    assert article.text.split("\n")[:2] == PARAGRAPHS[:2]
    assert article.text.split("\n")[-1].startswith(PARAGRAPHS[2])
    for residue in ("Bus Lanes", "All Rights Reserved"):
        assert residue not in article.text and residue not in article.markdown
    assert not any("bus-lanes" in link for link in article.links)


def test_line_model_never_drops_every_line() -> None:
    certain = [0.0] * len(WEIGHTS)
    certain[0] = 1.0
    weights = [100.0] + [0.0] * (len(WEIGHTS) - 1)  # judges every line boilerplate
    assert boilerplate_lines({0: certain, 1: certain}, weights) == set()
    assert len(FEATURES) == len(WEIGHTS)


def test_image_is_the_largest_candidate_with_alt_and_caption_never_in_the_text() -> None:
    article = extract(post())
    assert [(i.url, i.alt, i.caption) for i in article.images] == [
        ("https://news.example.com/img/tram.jpg", "A tram", "The new tram at the depot. Photo: City News")
    ]
    assert "The new tram at the depot" not in article.text
    md = article.markdown.split("\n\n")
    image_line = '![A tram](https://news.example.com/img/tram.jpg "The new tram at the depot. Photo: City News")'
    assert md.index(image_line) == md.index(PARAGRAPHS[1]) + 1


def test_links_of_the_body_are_absolute_and_canonical() -> None:
    article = extract(post())
    assert article.links == (
        "https://council.example.org/decisions/42",
        "https://news.example.com/2024/05/earlier-story/",
    )
    assert article.provenance["links"]


def test_wordpress_classes_give_categories_and_tags_when_nothing_better_does() -> None:
    article = extract(post(article_class="post-7 post type-post category-city-hall tag-trams tag-public-transport"))
    assert article.categories == ("city hall",)
    assert article.tags == ("trams", "public transport")
    assert article.provenance["categories"] == article.provenance["tags"] == "html:wp-post-class"


def test_structured_metadata_wins_and_names_its_source() -> None:
    head = """<link rel="canonical" href="https://news.example.com/2024/06/tram-line-extended/?utm_medium=x">
<meta property="og:site_name" content="City News"><meta property="og:type" content="article">
<meta property="article:published_time" content="2024-06-04T09:30:00+02:00">
<meta property="article:modified_time" content="2024-06-05T10:00:00+02:00">
<meta property="article:tag" content="trams"><meta name="description" content="The tram goes north.">"""
    extra = '<p class="byline">By <span itemprop="author" itemscope><span itemprop="name">Ana Silva</span></span></p>'
    article = extract(post(head=head, extra=extra, article_class="post type-post category-city"))
    assert article.published_at == datetime(2024, 6, 4, 7, 30, tzinfo=UTC)
    assert article.modified_at == datetime(2024, 6, 5, 8, 0, tzinfo=UTC)
    assert article.authors == ("Ana Silva",)
    assert article.canonical_url == URL
    assert (article.site_name, article.description, article.tags) == ("City News", "The tram goes north.", ("trams",))
    assert article.provenance["published_at"] == "meta:article:published_time"
    assert article.provenance["authors"] == "microdata:author"
    assert article.provenance["tags"] == "meta:article:tag"
    assert article.provenance["canonical_url"] == "link:canonical"
    assert article.language == "en" and article.language_confidence and article.language_confidence > 0.5


def test_htmldate_dates_only_without_structured_ones() -> None:
    html = post(extra="<p class='date'>Published 2024-06-03</p>")
    result = extract_article(html.encode(), "https://news.example.com/tram-line-extended/", None)
    assert isinstance(result, Article)
    assert result.published_at is not None and result.published_at.date().isoformat() == "2024-06-03"
    assert result.provenance["published_at"] == "htmldate"
    structured = post(head='<meta property="article:published_time" content="2024-06-01T08:00:00Z">')
    assert extract(structured).provenance["published_at"] == "meta:article:published_time"


def test_a_static_page_is_kept_as_a_page_with_its_text() -> None:
    """A page of article length is a document of kind ``page`` (no longer a discard); the signal
    that decided is in the provenance (transforms/kind.py)."""
    html = post(head='<meta property="og:type" content="website">').replace("type-post", "type-page")
    result = extract_article(html.encode(), "https://news.example.com/about/", None)
    assert isinstance(result, Article) and result.doc_kind == "page"
    assert result.provenance["kind"] == "html:wp-post-class"
    assert PARAGRAPHS[0] in result.text


LEAD = (
    "The northern districts get their tram at last: the council approved the extension after two years "
    "of petitions, and the works start next spring."
)


def lead_page(lead_html: str, description: str) -> str:
    head = f'<meta property="og:description" content="{description}">'
    return post(head=head).replace('<div class="entry-content">', f'{lead_html}\n<div class="entry-content">')


def test_a_lead_left_out_of_the_body_is_put_back_when_the_page_describes_itself_with_it() -> None:
    # a description cut short with an ellipsis still names the lead block
    page = lead_page(f'<header class="entry-header"><p class="standfirst">{LEAD}</p></header>', LEAD[:80] + "…")
    article = extract(page)
    assert article.text.split("\n")[:2] == [LEAD, PARAGRAPHS[0]]
    assert article.markdown.startswith(f"{LEAD}\n\n")
    assert article.text.count(LEAD) == 1


def test_no_lead_from_a_short_description_a_link_or_a_block_that_is_not_described() -> None:
    short = "Tram news from the city"
    assert short not in extract(lead_page(f"<p>{short}</p>", short)).text
    linked = f'<p><a href="/2024/06/other/">{LEAD}</a></p>'
    assert LEAD not in extract(lead_page(linked, LEAD)).text
    other = "A different summary of the council's decision on the tram line, written for the search engines only."
    assert LEAD not in extract(lead_page(f"<p>{LEAD}</p>", other)).text


def test_a_site_tagline_taken_as_a_lead_is_learned_as_boilerplate_and_stripped() -> None:
    """A site that describes every page with the same tagline and prints it above each article:
    the lead rule takes it, the site-level learner (over the source's documents) removes it."""
    from transforms.boilerplate import count_lines, learn, strip

    tagline = "Independent reporting on the city, its council and its neighbourhoods since nineteen ninety"
    texts = []
    for i in range(12):
        own = [f"Story {i}: the council met on day {i} and discussed item {i * 3} of its agenda at length today."]
        page = lead_page(f'<div class="site-tagline"><p>{tagline}</p></div>', tagline).replace(
            f"<p>{PARAGRAPHS[0]}</p>", f"<p>{own[0]}</p>"
        )
        article = extract_article(page.encode(), URL.replace("tram", f"story-{i}"), "text/html; charset=utf-8")
        assert isinstance(article, Article)
        texts.append((article.text, article.markdown))
    assert sum(tagline in text for text, _ in texts) == len(texts)  # each page alone: taken as its lead
    model = learn("site", count_lines(text for text, _ in texts), len(texts))
    for text, markdown in texts:
        cleaned, cleaned_md, removed = strip(text, markdown, model)
        assert tagline not in cleaned and tagline not in cleaned_md and removed >= 1
        assert "the council met on day" in cleaned


def test_a_lead_that_only_opens_like_the_description_after_a_dateline_is_put_back() -> None:
    # the description ends otherwise than the lead, and the lead starts with a dateline
    description = LEAD.rsplit(",", 1)[0] + ", as the mayor said on the radio."
    page = lead_page(f'<div class="intro"><p>Berlin. {LEAD}</p></div>', description)
    assert extract(page).text.split("\n")[:2] == [f"Berlin. {LEAD}", PARAGRAPHS[0]]


def test_an_image_caption_that_repeats_the_description_is_never_the_lead() -> None:
    figure = f'<figure><img src="/img/x.jpg" alt="x"><figcaption>{LEAD} Photo: City News</figcaption></figure>'
    assert LEAD not in extract(lead_page(f"<div>{figure}</div>", LEAD)).text


def test_a_headline_with_its_kicker_and_the_lines_above_it_leave_the_text() -> None:
    kicker = '<p>City transport</p><p>Tram line extended | City News</p><p class="date">Stand: 4 June 2024</p>'
    article = extract(post().replace("<p>Tram line extended</p>", kicker))
    assert article.text.split("\n")[0] == "Stand: 4 June 2024" or article.text.startswith(PARAGRAPHS[0])
    assert "Tram line extended" not in article.text and "City transport" not in article.text


def test_an_info_box_and_an_article_appended_by_infinite_scroll_leave_the_text() -> None:
    box = (
        '<div class="factbox"><p>Facts about the tram network: it has eleven lines, two depots and carries about '
        "ninety thousand passengers on a working day.</p></div>"
    )
    more = "".join(
        f"<p>The council also discussed the timetable of the new line, point {i} of its agenda.</p>" for i in range(20)
    )
    other = "".join(f"<p>The appended story says something else entirely, sentence {i} of many.</p>" for i in range(30))
    tail = f'<article class="next"><h1>Another story</h1>{other}</article>'
    article = extract(post(extra=box + more, tail=tail))
    assert "Facts about the tram network" not in article.text and "appended story" not in article.text
    assert PARAGRAPHS[0] in article.text and "point 19 of its agenda" in article.text


def test_a_script_rendered_page_is_read_from_the_html_its_inline_script_carries() -> None:
    import json

    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS * 2)
    state = json.dumps({"article": {"id": 7, "contentHtml": body.replace("<", "\\u003c")}}).replace("\\\\", "\\")
    page = f'<html><head><title>Tram</title></head><body><div id="app"></div><script>window.__STATE__ = {state};</script></body></html>'
    article = extract(page)
    assert article.text.split("\n")[:3] == PARAGRAPHS


def test_a_body_split_into_chunks_between_promotions_is_read_whole() -> None:
    first = "".join(
        f"<p>First part of the story, paragraph {i}, with enough words to be read as prose.</p>" for i in range(6)
    )
    second = "".join(
        f"<p>Second part of the story, paragraph {i}, after the promotion in between.</p>" for i in range(6)
    )
    page = f"""<html><head><title>Split story</title></head><body><main><h1>Split story</h1>
<div class="grid"><div class="body article__body">{first}</div></div>
<div class="promo"><a href="/subscribe">Subscribe</a></div>
<div class="grid"><div class="body article__body">{second}</div></div>
</main></body></html>"""
    text = extract(page).text
    assert "paragraph 5, with enough" in text and "Second part of the story, paragraph 5" in text


def test_hidden_elements_leave_the_text() -> None:
    hidden = '<h2 class="visually-hidden">Article content</h2><p hidden>Thank you for visiting, please update your browser.</p>'
    article = extract(post().replace("<p>Tram line extended</p>", hidden))
    assert article.text.startswith(PARAGRAPHS[0])
    assert "Article content" not in article.text and "Thank you for visiting" not in article.text


def test_words_count_scripts_written_without_spaces_by_their_characters() -> None:
    assert words("The storm reached the coast, twice.") == 6
    assert words("熊本県：阿蘇市、産山村") == 9 / CHARS_PER_WORD  # punctuation is no word
    assert words("Tokyo 東京") == 1 + 2 / CHARS_PER_WORD


def test_a_page_whose_only_text_is_its_header_run_together_is_no_article() -> None:
    # a post whose body is missing: trafilatura finds only the header (kicker, headline, byline,
    # dates, share buttons) run together in one line of over 200 characters
    title = "Tram line extended to the new district across the river after two years of works"
    header = (
        f"<p>City {title} Por Ana Paula Ferreira - 28 de janeiro de 2023 326 Compartilhar Facebook "
        "Twitter WhatsApp Telegram LinkedIn E-mail</p>"
    )
    for heading in (f"<h1>{title}</h1>", ""):
        page = (
            f"<html><head><title>{title}</title></head>"
            f"<body><main><article>{heading}{header}</article></main></body></html>"
        )
        result = extract_article(page, "https://city.example/2024/06/tram/")
        assert isinstance(result, Discard) and result.reason in ("too_short", "not_article"), result
