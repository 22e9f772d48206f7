"""Markdown and HTML reports, rendered from a Comparison built by hand."""

from __future__ import annotations

import re

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
from api.reports.markdown import md_text, render_comparison_md, render_summaries_md
from api.reports.matrix import CellState, build_matrix
from api.reports.view import build_comparison_view

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
        claim("a2", 4, COURIER, "in the region is under significant pressure"),
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
        Cluster(
            id="k6",
            status=ClusterStatus.unmatched,
            label="The garrison is under significant pressure",
            claims=["a2.c4"],
            articles=["a2"],
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
        engine=EngineInfo(
            name="offline",
            model="offline-1",
            prompt_versions={"brief": "v2"},
            alignment="parallax-align-3 (wordllama l2_supercat_256)",
        ),
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
        "## Not matched with confidence",
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
    omitted = md.split("\n## Omitted\n")[1].split("## Errors")[0]
    assert "### Omitted by \\<b>Evil\\</b> Outlet" in omitted
    assert "Perpetua: you should have started worrying about Kursk" in omitted
    assert "Omitted by The Northern Ledger" not in omitted  # empty omission: no heading
    errors = md.split("## Errors")[1]
    assert "`bad.bin`: looks like binary data (`binary_input`)" in errors
    assert "**Partial result:** 1 input(s) failed" in md
    footer = md.split("\n---\n")[-1]
    for part in (
        "offline, model offline-1",
        "Alignment: parallax-align-3 (wordllama l2\\_supercat\\_256)",  # Markdown-escaped
        "brief v2",
        "321 article tokens",
        "45 prompt",
    ):
        assert part in footer
    assert "2025-03-11T09:00:00+00:00" in footer
    assert "75 words" in footer


def test_markdown_lists_unmatched_claims_apart_from_unique_ones() -> None:
    md = render_comparison_md(make_comparison())
    unique = md.split("\n## Only in one outlet\n")[1].split("\n## Not matched")[0]
    unmatched = md.split("\n## Not matched with confidence\n")[1].split("\n## Omitted")[0]
    assert "under significant pressure" not in unique
    assert "### Stated by The Harbour Courier" in unmatched
    assert "“in the region is under significant pressure”" in unmatched
    assert "does not call it only in that outlet" in unmatched


def test_a_conflict_member_without_a_value_of_its_own_reports_it() -> None:
    c = make_comparison()
    conflict = c.clusters[2]
    assert conflict.conflict is not None
    conflict.claims.append("a3.c1")
    conflict.articles.append("a3")
    conflict.conflict.values.append(ConflictValue(article_id="a3", claim_id="a3.c1", value=None))
    [row] = [r for r in build_matrix(c, build_comparison_view(c)).rows if r.cluster.id == "k3"]
    assert [cell.state for cell in row.cells] == [
        CellState.conflicts,
        CellState.conflicts,
        CellState.reports,
    ]


def test_footer_names_the_negotiated_structured_output_mode() -> None:
    info = EngineInfo(name="llm", model="smollm2", structured_output="json_object_schema")
    md = render_comparison_md(make_comparison().model_copy(update={"engine": info}))
    footer = md.split("\n---\n")[-1]
    assert "llm, model smollm2, structured output json\\_object\\_schema" in footer


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


def test_conflict_value_that_repeats_the_quote_is_not_shown_twice() -> None:
    c = make_comparison()
    conflict = c.clusters[2].conflict
    assert conflict is not None
    conflict.values[0].value = "Ukraine's garrison of about 12,000 soldiers."
    md = render_comparison_md(c)
    assert "- **The Northern Ledger**: “Ukraine's garrison of about 12,000 soldiers”" in md
    assert "— some 10,000 —" in md


# --- Coverage matrix and large comparisons ------------------------------------------


def test_markdown_coverage_matrix_is_a_table_with_a_column_per_outlet() -> None:
    md = render_comparison_md(make_comparison())
    coverage = md.split("\n## Coverage\n")[1].split("\n## Agreed\n")[0]
    assert (
        "Columns: **A** The Northern Ledger · **B** The Harbour Courier · "
        "**C** \\<b>Evil\\</b> Outlet"
    ) in coverage
    rows = [line for line in coverage.splitlines() if line.startswith("|")]
    assert rows[0] == "| Status | Claim | A | B | C |"
    assert rows[1] == "|---|---|---|---|---|"
    # Conflicts first, each outlet with its value; the third outlet takes no part.
    assert rows[2] == (
        "| conflict | Size of the Ukrainian garrison | **conflicts**: about 12,000 "
        "| **conflicts**: some 10,000 | — |"
    )
    perpetua = next(r for r in rows if "Perpetua" in r)
    assert perpetua.endswith("| reports | reports | omits |")
    # Article text in a cell cannot break the table: '|' and '<' are escaped.
    evil = next(r for r in rows if "Breaking" in r)
    assert evil.count(" | ") == 4
    assert not UNESCAPED_LT.search(evil)


def many_outlets(n: int) -> Comparison:
    """``n`` articles that all report one claim and conflict on a figure."""
    text = "Drones destroyed 40 vehicles. The garrison holds."
    articles = []
    for i in range(1, n + 1):
        aid = f"a{i}"
        articles.append(
            ArticleResult(
                id=aid,
                title=f"Report {i}",
                outlet=f"Outlet {i}",
                source=f"{aid}.txt",
                text=text,
                summary="s",
                claims=[
                    claim(aid, 1, text, "Drones destroyed 40 vehicles."),
                    claim(aid, 2, text, "The garrison holds."),
                ],
            )
        )
    ids = [a.id for a in articles]
    return Comparison(
        articles=articles,
        clusters=[
            Cluster(
                id="k1",
                status=ClusterStatus.conflict,
                label="Drones destroyed vehicles",
                claims=[f"{a}.c1" for a in ids],
                articles=ids,
                conflict=Conflict(
                    kind=ConflictKind.quantity,
                    values=[
                        ConflictValue(article_id=a, claim_id=f"{a}.c1", value=f"{i} vehicles")
                        for i, a in enumerate(ids)
                    ],
                ),
            ),
            Cluster(
                id="k2",
                status=ClusterStatus.partial,
                label="The garrison holds",
                claims=[f"{a}.c2" for a in ids[1:]],
                articles=ids[1:],
            ),
        ],
        summary="Brief.",
        omissions=[Omission(article_id="a1", clusters=["k2"])],
        engine=EngineInfo(name="offline", model="offline-1"),
        max_words=75,
    )


def test_markdown_with_many_outlets_counts_instead_of_columns_and_caps_lists() -> None:
    md = render_comparison_md(many_outlets(30))
    coverage = md.split("\n## Coverage\n")[1].split("\n## Agreed\n")[0]
    assert "| Status | Claim | reports | conflicts | omits |" in coverage
    assert "| conflict | Drones destroyed vehicles | 0 | 30 | 0 |" in coverage
    assert "| partial | The garrison holds | 29 | 0 | 1 |" in coverage
    conflicting = md.split("## Conflicting")[1].split("## Only in")[0]
    assert conflicting.count("  - **Outlet") == 6
    assert "… and 24 more outlets" in conflicting
    assert "(29 of 30 outlets: Outlet 2, Outlet 3, " in md
    assert "Outlet 9 and 21 more)" in md
