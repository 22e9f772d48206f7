"""Markdown and HTML reports, rendered from a Comparison built by hand."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from api.models import (
    ArticleResult,
    Claim,
    Cluster,
    ClusterStatus,
    Comparison,
    Conflict,
    ConflictKind,
    ConflictValue,
    EngineInfo,
    ErrorEntry,
    Evidence,
    Omission,
    Summaries,
    Usage,
)
from api.reports.html import article_segments, render_comparison_html, safe_url
from api.reports.markdown import md_text, render_comparison_md, render_summaries_md

LEDGER = (
    "Russian drones destroyed hundreds of vehicles on the Kursk–Sudzha road.\n"
    "Ukraine's garrison of about 12,000 soldiers is under pressure.\n"
    '"You should have started worrying about Kursk," Andrew Perpetua wrote.\n'
    "Officials did not comment on the bridges."
)
COURIER = (
    "Drone strikes have destroyed hundreds of vehicles between Kursk and Sudzha.\n"
    "Ukraine's garrison of some 10,000 troops in the region is under significant pressure.\n"
    '"You should have started worrying about Kursk," Andrew Perpetua wrote.'
)
XSS_TEXT = (
    "Hundreds of vehicles were destroyed on the road to Sudzha.\n"
    "# Breaking: <script>alert(1)</script> was posted with "
    "<img src=x onerror=alert(2)> and [a link](javascript:alert(3)).\n"
    "| col | umn | and *stars* and `ticks` and &amp; entity."
)
UNESCAPED_LT = re.compile(r"(?<!\\)<")
XSS_QUOTE = "# Breaking: <script>alert(1)</script> was posted with <img src=x onerror=alert(2)>"


def claim(article_id: str, n: int, text: str, quote: str) -> Claim:
    start = text.index(quote)
    return Claim(
        id=f"{article_id}.c{n}",
        article_id=article_id,
        text=quote,
        negated=False,
        evidence=Evidence(quote=quote, start=start, end=start + len(quote)),
    )


def make_comparison() -> Comparison:
    a1 = [
        claim("a1", 1, LEDGER, "Russian drones destroyed hundreds of vehicles"),
        claim("a1", 2, LEDGER, "You should have started worrying about Kursk"),
        claim("a1", 3, LEDGER, "Ukraine's garrison of about 12,000 soldiers"),
        claim("a1", 4, LEDGER, "Officials did not comment on the bridges."),
    ]
    a2 = [
        claim("a2", 1, COURIER, "Drone strikes have destroyed hundreds of vehicles"),
        claim("a2", 2, COURIER, "You should have started worrying about Kursk"),
        claim("a2", 3, COURIER, "Ukraine's garrison of some 10,000 troops"),
    ]
    a3 = [
        claim("a3", 1, XSS_TEXT, "Hundreds of vehicles were destroyed"),
        claim("a3", 2, XSS_TEXT, XSS_QUOTE),
    ]
    articles = [
        ArticleResult(
            id="a1",
            title="Kursk garrison under pressure",
            outlet="The Northern Ledger",
            url="https://example.com/ledger/kursk",
            published="2025-03-10",
            source="seeds/northern-ledger.txt",
            text=LEDGER,
            summary="Russian drones hit the Kursk road.",
            claims=a1,
        ),
        ArticleResult(
            id="a2",
            title="Kursk garrison fights on",
            outlet="The Harbour Courier",
            source="harbour.txt",
            text=COURIER,
            summary="The garrison holds out.",
            claims=a2,
        ),
        ArticleResult(
            id="a3",
            title="<script>alert('title')</script>",
            outlet="<b>Evil</b> Outlet",
            url="javascript:alert(4)",
            source="evil.html",
            text=XSS_TEXT,
            summary="Evil <script>alert(5)</script> summary.",
            claims=a3,
        ),
    ]
    clusters = [
        Cluster(
            id="k1",
            status=ClusterStatus.consensus,
            label="Drones destroyed hundreds of vehicles on the Kursk–Sudzha road",
            claims=["a1.c1", "a2.c1", "a3.c1"],
            articles=["a1", "a2", "a3"],
        ),
        Cluster(
            id="k2",
            status=ClusterStatus.partial,
            label="Perpetua: you should have started worrying about Kursk",
            claims=["a1.c2", "a2.c2"],
            articles=["a1", "a2"],
        ),
        Cluster(
            id="k3",
            status=ClusterStatus.conflict,
            label="Size of the Ukrainian garrison",
            claims=["a1.c3", "a2.c3"],
            articles=["a1", "a2"],
            conflict=Conflict(
                kind=ConflictKind.quantity,
                values=[
                    ConflictValue(article_id="a1", claim_id="a1.c3", value="about 12,000"),
                    ConflictValue(article_id="a2", claim_id="a2.c3", value="some 10,000"),
                ],
            ),
        ),
        Cluster(
            id="k4",
            status=ClusterStatus.unique,
            label="Officials did not comment on the bridges",
            claims=["a1.c4"],
            articles=["a1"],
        ),
        Cluster(
            id="k5",
            status=ClusterStatus.unique,
            label=XSS_QUOTE,
            claims=["a3.c2"],
            articles=["a3"],
        ),
    ]
    return Comparison(
        articles=articles,
        clusters=clusters,
        summary="All three outlets report destroyed vehicles.\n\n# Not a heading <i>x</i>",
        omissions=[
            Omission(article_id="a3", clusters=["k2"]),
            Omission(article_id="a1", clusters=[]),
        ],
        engine=EngineInfo(name="offline", model="offline-1", prompt_versions={"brief": "v2"}),
        usage=Usage(article_tokens=321, prompt_tokens=45, completion_tokens=6, llm_calls=1),
        errors=[
            ErrorEntry(source="bad.bin", code="binary_input", message="looks like binary data")
        ],
        max_words=75,
        created_at="2025-03-11T09:00:00+00:00",
    )


# --- Markdown ----------------------------------------------------------------------


def test_markdown_sections_in_order() -> None:
    md = render_comparison_md(make_comparison())
    headings = [
        "# Parallax comparison: 3 articles",
        "## Brief",
        "## Agreed",
        "## Conflicting",
        "## Only in one outlet",
        "## Omitted",
        "## Errors",
    ]
    positions = [md.index("\n" + h + "\n") if i else md.index(h) for i, h in enumerate(headings)]
    assert positions == sorted(positions)
    assert md.index("## Errors") < md.index("offline-1")  # footer last
    assert "Outlets compared: The Northern Ledger · The Harbour Courier" in md


def test_markdown_agreed_names_outlets_and_quotes_evidence() -> None:
    md = render_comparison_md(make_comparison())
    agreed = md.split("## Agreed")[1].split("## Conflicting")[0]
    assert "(all 3 outlets: The Northern Ledger, The Harbour Courier" in agreed
    assert "(2 of 3 outlets: The Northern Ledger, The Harbour Courier)" in agreed
    assert agreed.index("all 3 outlets") < agreed.index("2 of 3 outlets")  # consensus first
    assert "**The Harbour Courier**: “Drone strikes have destroyed hundreds of vehicles”" in agreed
    assert "“You should have started worrying about Kursk”" in agreed


def test_markdown_conflict_lists_outlet_value_and_quote() -> None:
    md = render_comparison_md(make_comparison())
    conflicting = md.split("## Conflicting")[1].split("## Only in one outlet")[0]
    assert "- Size of the Ukrainian garrison *(quantity)*" in conflicting
    assert (
        "**The Northern Ledger** — about 12,000 — “Ukraine's garrison of about 12,000 soldiers”"
        in conflicting
    )
    assert "**The Harbour Courier** — some 10,000 — “Ukraine's garrison of some 10,000 troops”" in (
        conflicting
    )


def test_markdown_unique_omitted_errors_footer() -> None:
    md = render_comparison_md(make_comparison())
    assert "### Only in The Northern Ledger" in md
    assert "“Officials did not comment on the bridges.”" in md
    assert "### Only in \\<b>Evil\\</b> Outlet" in md
    omitted = md.split("## Omitted")[1].split("## Errors")[0]
    assert "### Not in \\<b>Evil\\</b> Outlet" in omitted
    assert "Perpetua: you should have started worrying about Kursk" in omitted
    assert "Not in The Northern Ledger" not in omitted  # empty omission: no heading
    errors = md.split("## Errors")[1]
    assert "`bad.bin`: looks like binary data (`binary_input`)" in errors
    assert "**Partial result:** 1 input(s) failed" in md
    footer = md.split("\n---\n")[-1]
    for part in ("offline, model offline-1", "brief v2", "321 article tokens", "45 prompt"):
        assert part in footer
    assert "2025-03-11T09:00:00+00:00" in footer
    assert "75 words" in footer


def test_markdown_escapes_article_text() -> None:
    md = render_comparison_md(make_comparison())
    assert not UNESCAPED_LT.search(md)  # every '<' is a literal, never a tag
    assert "](javascript:" not in md
    # No article-derived line turns into a heading, and each quote stays on one line.
    headings = [line for line in md.splitlines() if line.startswith("#")]
    assert all(not h.startswith("# Breaking") and "Not a heading" not in h for h in headings)
    assert "\\# Not a heading \\<i>x\\</i>" in md
    assert "“\\# Breaking: \\<script>alert(1)\\</script> was posted with \\<img" in md


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("# heading", "\\# heading"),
        ("> quote", "\\> quote"),
        ("- item", "\\- item"),
        ("1. first", "1\\. first"),
        ("a | b", "a \\| b"),
        ("<script>x</script>", "\\<script>x\\</script>"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("*bold* _it_ `code` ~~s~~", "\\*bold\\* \\_it\\_ \\`code\\` \\~\\~s\\~\\~"),
        ("&amp; & AT&T", "\\&amp; & AT&T"),
        ("two\nlines\n\n  here", "two lines here"),
        ("back\\slash", "back\\\\slash"),
    ],
)
def test_md_text_escapes(raw: str, escaped: str) -> None:
    assert md_text(raw) == escaped


def test_markdown_clips_long_quotes_to_one_line() -> None:
    c = make_comparison()
    long_quote = "word " * 300
    text = long_quote + "\nend."
    c.articles[0].text = text
    c.articles[0].claims[3] = claim("a1", 4, text, long_quote.strip())
    md = render_comparison_md(c)
    line = next(line for line in md.splitlines() if "word word" in line)
    assert line.endswith("…”")
    assert len(line) < 450


def test_markdown_without_optional_sections() -> None:
    c = make_comparison()
    c.errors = []
    c.omissions = []
    c.clusters = [cl for cl in c.clusters if cl.status is not ClusterStatus.conflict]
    md = render_comparison_md(c)
    assert "## Errors" not in md
    assert "Partial result" not in md
    assert "No conflicting claims found." in md
    assert "Every outlet reports every shared claim." in md


def test_duplicate_outlets_are_told_apart() -> None:
    c = make_comparison()
    c.articles[1].outlet = c.articles[0].outlet
    md = render_comparison_md(c)
    assert "The Northern Ledger (a1) · The Northern Ledger (a2)" in md


def test_summaries_markdown() -> None:
    c = make_comparison()
    s = Summaries(
        articles=c.articles,
        engine=c.engine,
        usage=c.usage,
        errors=c.errors,
        created_at=c.created_at,
    )
    md = render_summaries_md(s)
    assert md.startswith("# Parallax summaries: 3 articles\n")
    assert "## The Northern Ledger: Kursk garrison under pressure" in md
    assert "Russian drones hit the Kursk road." in md
    assert "“Russian drones destroyed hundreds of vehicles”" in md
    assert "`https://example.com/ledger/kursk`" in md
    assert "## Errors" in md
    assert not UNESCAPED_LT.search(md)
    assert "\\<script>alert('title')\\</script>" in md
    assert "offline-1" in md.split("\n---\n")[-1]


# --- HTML --------------------------------------------------------------------------


class _TagCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.data: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.data.append(data)


def parse(html: str) -> _TagCollector:
    parser = _TagCollector()
    parser.feed(html)
    parser.close()
    return parser


def test_html_escapes_hostile_article_text() -> None:
    html = render_comparison_html(make_comparison())
    assert "<script" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in html
    parsed = parse(html)
    tags = {tag for tag, _ in parsed.tags}
    assert not tags & {"script", "img", "iframe", "object", "embed", "b", "i", "link"}
    for _, attrs in parsed.tags:
        for name, value in attrs:
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")
    # The javascript: URL is shown as text, never as a link.
    hrefs = [v for tag, attrs in parsed.tags if tag == "a" for k, v in attrs if k == "href"]
    assert "https://example.com/ledger/kursk" in hrefs
    assert all(h and (h.startswith("#") or h.startswith("https://")) for h in hrefs)
    assert "javascript:alert(4)" in "".join(parsed.data)


def test_html_is_self_contained() -> None:
    html = render_comparison_html(make_comparison())
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert "<style>" in html
    assert "Content-Security-Policy" in html
    parsed = parse(html)
    for tag, attrs in parsed.tags:
        for name, value in attrs:
            if name in ("src", "href") and tag != "a":
                raise AssertionError(f"external resource: <{tag} {name}={value}>")
    assert "http://" not in html.replace("https://example.com/ledger/kursk", "")


def test_html_has_sections_and_marks() -> None:
    html = render_comparison_html(make_comparison())
    order = [
        "Brief",
        "Agreed",
        "Conflicting",
        "Only in one outlet",
        "Omitted",
        "Errors",
        "Articles",
    ]
    positions = [html.index(f"<h2>{h}</h2>") for h in order]
    assert positions == sorted(positions)
    for status in ("consensus", "partial", "conflict", "unique"):
        assert f'<mark class="status-{status}" id="claim-' in html
    assert (
        '<mark class="status-conflict" id="claim-a1.c3" title="conflict: Size of the Ukrainian '
        'garrison">Ukraine&#39;s garrison of about 12,000 soldiers</mark>'
    ) in html
    assert "about 12,000" in html and "some 10,000" in html
    assert "Only in The Northern Ledger" in html
    assert "Not in &lt;b&gt;Evil&lt;/b&gt; Outlet" in html
    assert "looks like binary data" in html
    assert "offline-1" in html and "2025-03-11T09:00:00+00:00" in html
    assert "2 of 3 outlets" in html and "all 3 outlets" in html


def test_article_segments_cover_text_exactly_once() -> None:
    c = make_comparison()
    article = c.articles[0]
    # An overlapping span and one past the end of the text must not duplicate or crash.
    article.claims.append(
        Claim(
            id="a1.c5",
            article_id="a1",
            text="overlap",
            negated=False,
            evidence=Evidence(quote="x", start=10, end=60),
        )
    )
    article.claims.append(
        Claim(
            id="a1.c6",
            article_id="a1",
            text="out of range",
            negated=False,
            evidence=Evidence(quote="x", start=len(LEDGER) + 5, end=len(LEDGER) + 9),
        )
    )
    marks = {cl.id: (ClusterStatus.unique, "label") for cl in article.claims}
    segments = article_segments(article, marks)
    assert "".join(s.text for s in segments) == LEDGER
    marked = [s for s in segments if s.status]
    assert marked[0].text == "Russian drones destroyed hundreds of vehicles"
    assert "a1.c6" not in {s.claim_id for s in segments}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.com", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_conflict_value_that_repeats_the_quote_is_not_shown_twice() -> None:
    c = make_comparison()
    conflict = c.clusters[2].conflict
    assert conflict is not None
    conflict.values[0].value = "Ukraine's garrison of about 12,000 soldiers."
    md = render_comparison_md(c)
    assert "- **The Northern Ledger**: “Ukraine's garrison of about 12,000 soldiers”" in md
    assert "— some 10,000 —" in md
