"""Markdown and HTML reports, rendered from a Comparison built by hand."""

from __future__ import annotations

import json
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
from api.reports.html import render_comparison_html
from api.reports.markdown import md_text, render_comparison_md, render_summaries_md
from api.reports.matrix import CellState, build_matrix
from api.reports.view import ClusterView, build_comparison_view, clip, nest

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
# The label claims' statements (claim texts), which the reports show as row labels.
K1 = "Drones destroyed hundreds of vehicles on the Kursk–Sudzha road"
K2 = "Perpetua: you should have started worrying about Kursk"
K3 = "Size of the Ukrainian garrison"
K4 = "Officials did not comment on the bridges"
K6 = "The garrison is under significant pressure"
K7 = "The vehicles were destroyed on the Kursk–Sudzha road"
K8 = "The garrison is under pressure"
K9 = "Andrew Perpetua wrote it"
XSS_QUOTE = "# Breaking: <script>alert(1)</script> was posted with <img src=x onerror=alert(2)>"


def claim(article_id: str, n: int, text: str, quote: str, statement: str | None = None) -> Claim:
    """Claim ``n`` of an article: ``quote`` (found in ``text``) states ``statement``."""
    start = text.index(quote)
    return Claim(
        id=f"{article_id}.c{n}",
        article_id=article_id,
        text=statement or quote,
        negated=False,
        evidence=Evidence(quote=quote, start=start, end=start + len(quote)),
    )


def make_comparison() -> Comparison:
    a1 = [
        claim("a1", 1, LEDGER, "Russian drones destroyed hundreds of vehicles", K1),
        claim("a1", 2, LEDGER, "You should have started worrying about Kursk", K2),
        claim("a1", 3, LEDGER, "Ukraine's garrison of about 12,000 soldiers", K3),
        claim("a1", 4, LEDGER, "Officials did not comment on the bridges.", K4),
    ]
    a2 = [
        claim("a2", 1, COURIER, "Drone strikes have destroyed hundreds of vehicles"),
        claim("a2", 2, COURIER, "You should have started worrying about Kursk"),
        claim("a2", 3, COURIER, "Ukraine's garrison of some 10,000 troops"),
        claim("a2", 4, COURIER, "in the region is under significant pressure", K6),
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
            label_claim="a1.c1",
            claims=["a1.c1", "a2.c1", "a3.c1"],
            articles=["a1", "a2", "a3"],
        ),
        Cluster(
            id="k2",
            status=ClusterStatus.partial,
            label="Perpetua: you should have started worrying about Kursk",
            label_claim="a1.c2",
            claims=["a1.c2", "a2.c2"],
            articles=["a1", "a2"],
        ),
        Cluster(
            id="k3",
            status=ClusterStatus.conflict,
            label="Size of the Ukrainian garrison",
            label_claim="a1.c3",
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
            label_claim="a1.c4",
            claims=["a1.c4"],
            articles=["a1"],
        ),
        Cluster(
            id="k5",
            status=ClusterStatus.unique,
            label=XSS_QUOTE,
            label_claim="a3.c2",
            claims=["a3.c2"],
            articles=["a3"],
        ),
        Cluster(
            id="k6",
            status=ClusterStatus.unmatched,
            label="The garrison is under significant pressure",
            label_claim="a2.c4",
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
    assert "neither calls it only in that outlet nor says whether the others" in unmatched


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
    c.articles[0].claims[3] = claim("a1", 4, text, long_quote.strip(), K4)
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
                    claim(
                        aid, 1, text, "Drones destroyed 40 vehicles.", "Drones destroyed vehicles"
                    ),
                    claim(aid, 2, text, "The garrison holds.", "The garrison holds"),
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
                label_claim="a1.c1",
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
                label_claim="a2.c2",
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


# --- Rows read through their label claims: details, unmatched rows, cells ----------------


def detailed_comparison() -> Comparison:
    """make_comparison() with detail rows, a stray claim and omissions that assert nothing.

    - k7 (partial) is the place of k1's fact, given by the Ledger and the Courier and
      omitted by the third outlet; k8 (unique) is a detail of the conflict row k3;
      k9 (unique) qualifies a row that is not in the comparison.
    - k2 lists a claim of the third outlet, which the row does not list as stating it
      and whose omission lists the row: that outlet omits k2, and nothing of it is quoted.
    - The Ledger's omission lists the unmatched row k6 and the Courier's the unique row
      k4: neither row says anything about those outlets.
    """
    c = make_comparison()
    ledger, courier, _ = c.articles
    ledger.claims += [
        claim("a1", 5, LEDGER, "on the Kursk–Sudzha road", K7),
        claim("a1", 6, LEDGER, "is under pressure", K8),
        claim("a1", 7, LEDGER, "Andrew Perpetua wrote", K9),
    ]
    courier.claims.append(claim("a2", 5, COURIER, "between Kursk and Sudzha"))
    c.clusters[1].claims.append("a3.c1")
    c.clusters += [
        Cluster(
            id="k7",
            status=ClusterStatus.partial,
            label=K7,
            label_claim="a1.c5",
            claims=["a1.c5", "a2.c5"],
            articles=["a1", "a2"],
            detail_of="k1",
        ),
        Cluster(
            id="k8",
            status=ClusterStatus.unique,
            label=K8,
            label_claim="a1.c6",
            claims=["a1.c6"],
            articles=["a1"],
            detail_of="k3",
        ),
        Cluster(
            id="k9",
            status=ClusterStatus.unique,
            label=K9,
            label_claim="a1.c7",
            claims=["a1.c7"],
            articles=["a1"],
            detail_of="k404",
        ),
    ]
    c.omissions = [
        Omission(article_id="a3", clusters=["k2", "k7"]),
        Omission(article_id="a1", clusters=["k6"]),
        Omission(article_id="a2", clusters=["k4"]),
    ]
    return c


def coverage_rows(md: str) -> list[list[str]]:
    """The coverage table's body rows, cell by cell."""
    coverage = md.split("\n## Coverage\n")[1].split("\n## Agreed\n")[0]
    lines = [line for line in coverage.splitlines() if line.startswith("|")][2:]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines]


def md_section(md: str, title: str, after: str) -> str:
    return md.split(f"\n## {title}\n")[1].split(f"\n## {after}\n")[0]


def test_markdown_coverage_states_only_what_the_rows_say_and_nests_details() -> None:
    rows = coverage_rows(render_comparison_md(detailed_comparison()))
    assert rows == [
        [
            "conflict",
            "Size of the Ukrainian garrison",
            "**conflicts**: about 12,000",
            "**conflicts**: some 10,000",
            "—",
        ],
        ["unique", "↳ " + K8, "reports", "—", "—"],  # right after the row it qualifies
        ["consensus", K1, "reports", "reports", "reports"],
        ["partial", "↳ " + K7, "reports", "reports", "omits"],
        # The third outlet's claim in k2 does not make it report k2: its omission does.
        ["partial", K2, "reports", "reports", "omits"],
        # A unique row says nothing of the others, whatever an omission lists.
        ["unique", K4, "reports", "—", "—"],
        ["unique", md_text(clip(XSS_QUOTE, 70)), "—", "—", "reports"],
        ["unique", K9, "reports", "—", "—"],  # its parent is missing: its own place
        # Not matched: its own outlet reports it; nothing, not even "omits", of the others.
        ["not matched", K6, "—", "reports", "—"],
    ]


def test_markdown_sections_nest_details_where_their_parent_is_listed() -> None:
    md = render_comparison_md(detailed_comparison())
    agreed = md_section(md, "Agreed", "Conflicting").strip().splitlines()
    assert agreed == [
        f"- {K1} *(all 3 outlets: The Northern Ledger, The Harbour Courier, "
        "\\<b>Evil\\</b> Outlet)*",
        "  - **The Northern Ledger**: “Russian drones destroyed hundreds of vehicles”",
        "  - **The Harbour Courier**: “Drone strikes have destroyed hundreds of vehicles”",
        "  - **\\<b>Evil\\</b> Outlet**: “Hundreds of vehicles were destroyed”",
        f"- ↳ {K7} *(2 of 3 outlets: The Northern Ledger, The Harbour Courier)*",
        "  - **The Northern Ledger**: “on the Kursk–Sudzha road”",
        "  - **The Harbour Courier**: “between Kursk and Sudzha”",
        f"- {K2} *(2 of 3 outlets: The Northern Ledger, The Harbour Courier)*",
        "  - **The Northern Ledger**: “You should have started worrying about Kursk”",
        "  - **The Harbour Courier**: “You should have started worrying about Kursk”",
    ]
    # The conflict row k3 is not in this list: its detail k8 stands in its own place.
    unique = md_section(md, "Only in one outlet", "Not matched with confidence")
    ledger = unique.split("### Only in The Northern Ledger\n")[1].split("\n### ")[0]
    assert ledger.strip().splitlines() == [
        f"- {K4}",
        "  - “Officials did not comment on the bridges.”",
        f"- {K8}",
        "  - “is under pressure”",
        f"- {K9}",
        "  - “Andrew Perpetua wrote”",
    ]
    unmatched = md_section(md, "Not matched with confidence", "Omitted")
    assert "### Stated by The Harbour Courier" in unmatched
    assert unmatched.rstrip().endswith(f"- {K6}\n  - “in the region is under significant pressure”")
    omitted = md_section(md, "Omitted", "Errors")
    # Only the third outlet's omission lists rows it can omit; the other two list a
    # unique and an unmatched row, which say nothing about them.
    assert omitted.count("### Omitted by") == 1
    assert omitted.strip().splitlines() == [
        "### Omitted by \\<b>Evil\\</b> Outlet",
        "",
        f"- {K2} *(reported by The Northern Ledger, The Harbour Courier)*",
        "  - **The Northern Ledger**: “You should have started worrying about Kursk”",
        f"- {K7} *(reported by The Northern Ledger, The Harbour Courier)*",
        "  - **The Northern Ledger**: “on the Kursk–Sudzha road”",
    ]
    # k2 lists a claim of the third outlet, which does not state it: not quoted under k2.
    assert agreed[-2:] == [
        "  - **The Northern Ledger**: “You should have started worrying about Kursk”",
        "  - **The Harbour Courier**: “You should have started worrying about Kursk”",
    ]


def test_a_row_is_read_through_its_label_claim() -> None:
    c = make_comparison()
    consensus = c.clusters[0]
    consensus.label = "a stale label"  # what reports show is the label claim's text
    consensus.label_claim = "a2.c1"
    md = render_comparison_md(c)
    agreed = md_section(md, "Agreed", "Conflicting").splitlines()
    head = next(i for i, line in enumerate(agreed) if "destroyed hundreds" in line)
    assert agreed[head].startswith("- Drone strikes have destroyed hundreds of vehicles *(all 3")
    # The label's own outlet comes first, quoting the label claim.
    assert agreed[head + 1] == (
        "  - **The Harbour Courier**: “Drone strikes have destroyed hundreds of vehicles”"
    )
    assert "a stale label" not in md
    assert coverage_rows(md)[1][1] == "Drone strikes have destroyed hundreds of vehicles"


def test_the_label_claim_is_quoted_first_among_its_outlets_claims() -> None:
    c = make_comparison()
    text = c.articles[0].text
    c.articles[0].claims.append(claim("a1", 5, text, "Russian drones", K1))
    partial = c.clusters[1]  # the Ledger states k2 in two claims; the label is its second
    partial.claims = ["a1.c1", "a1.c2", "a2.c2"]
    partial.label_claim = "a1.c2"
    view = build_comparison_view(c)
    [k2] = [v for v in view.clusters if v.id == "k2"]
    assert [ev.claim_id for ev in k2.evidence] == ["a1.c2", "a1.c1", "a2.c2"]
    omitted = md_section(render_comparison_md(c), "Omitted", "Errors")
    assert "  - **The Northern Ledger**: “You should have started worrying about Kursk”" in omitted


def test_an_unmatched_row_quotes_only_its_own_outlet() -> None:
    c = make_comparison()
    unmatched = c.clusters[5]
    unmatched.claims.append("a1.c3")  # another outlet's claim, which the row cannot place
    c.omissions.append(Omission(article_id="a3", clusters=["k6"]))
    md = render_comparison_md(c)
    section = md_section(md, "Not matched with confidence", "Omitted")
    assert "“in the region is under significant pressure”" in section
    assert "12,000" not in section and "Northern Ledger" not in section
    [row] = [r for r in coverage_rows(md) if r[1] == K6]
    assert row == ["not matched", K6, "—", "reports", "—"]
    html = render_comparison_html(c)
    [tr] = [r for r in html.split("<tr data-cluster=")[1:] if r.startswith('"k6"')]
    assert tr.count('class="cell-blank"') == 2 and 'class="cell-omits"' not in tr


def test_an_omission_of_a_row_the_article_states_is_not_shown() -> None:
    c = make_comparison()
    c.omissions = [Omission(article_id="a1", clusters=["k1", "k2"])]  # a1 states both
    md = render_comparison_md(c)
    assert "omits" not in "\n".join("|".join(r) for r in coverage_rows(md))
    assert "Every outlet reports every shared claim." in md


def test_a_conflict_cell_names_the_value_even_when_it_repeats_the_quote() -> None:
    c = make_comparison()
    conflict = c.clusters[2].conflict
    assert conflict is not None
    conflict.values[0].value = "Ukraine's garrison of about 12,000 soldiers."
    [row] = [r for r in coverage_rows(render_comparison_md(c)) if r[0] == "conflict"]
    assert row[2] == "**conflicts**: Ukraine's garrison of about 1…"  # clipped to 30
    assert row[3] == "**conflicts**: some 10,000"


def test_nest_follows_chains_and_leaves_loops_and_orphans_in_place() -> None:
    def row(cid: str, parent: str | None) -> ClusterView:
        return ClusterView(
            id=cid,
            status=ClusterStatus.partial,
            label=cid,
            label_claim=f"{cid}.c1",
            article_ids=("a1",),
            outlets=("A",),
            total=2,
            evidence=(),
            detail_of=parent,
        )

    views = [
        row("d2", "d1"),  # a detail of a detail
        row("p", None),
        row("x", "y"),  # x and y qualify each other: neither moves
        row("d1", "p"),
        row("y", "x"),
        row("o", "gone"),  # its parent is not listed
        row("s", "s"),
        row("d3", "p"),
        row("z", "x"),  # qualifies a row of the loop, which is listed: follows it
    ]
    assert [(v.id, v.depth) for v in nest(views)] == [
        ("p", 0),
        ("d1", 1),
        ("d2", 2),
        ("d3", 1),
        ("x", 0),
        ("z", 1),
        ("y", 0),
        ("o", 0),
        ("s", 0),
    ]


def test_markdown_marks_each_level_of_a_chain_of_details() -> None:
    c = detailed_comparison()
    c.articles[1].claims.append(claim("a2", 6, COURIER, "Kursk and Sudzha"))
    c.clusters.append(
        Cluster(
            id="k10",
            status=ClusterStatus.unique,
            label="Sudzha",
            label_claim="a2.c6",
            claims=["a2.c6"],
            articles=["a2"],
            detail_of="k7",
        )
    )
    labels = [r[1] for r in coverage_rows(render_comparison_md(c))]
    at = labels.index(K1)
    assert labels[at : at + 3] == [K1, "↳ " + K7, "↳ ↳ Kursk and Sudzha"]


# --- HTML, cell by cell ----------------------------------------------------------------


def html_matrix_rows(html: str) -> list[tuple[str, str, list[str]]]:
    """(cluster id, the row's <tr> attributes and label cell, its cells' text)."""
    table = html.split('<table class="matrix">')[1].split("</table>")[0]
    out = []
    for chunk in table.split("<tr data-cluster=")[1:]:
        cid = chunk.split('"')[1]
        head = chunk.split("</th>")[0]
        cells = re.findall(r"<td class=\"cell-(\w+)\">(.*?)</td>", chunk)
        out.append(
            (cid, head, [f"{kind}:{re.sub(r'<[^>]+>', ' ', body).split()}" for kind, body in cells])
        )
    return out


def test_html_matrix_cells_and_nested_detail_rows() -> None:
    rows = html_matrix_rows(render_comparison_html(detailed_comparison()))
    assert [cid for cid, _, _ in rows] == ["k3", "k8", "k1", "k7", "k2", "k4", "k5", "k9", "k6"]
    by_id = {cid: (head, cells) for cid, head, cells in rows}
    blank = "blank:['—', 'no', 'statement']"
    assert by_id["k3"][1] == [
        "conflicts:['conflicts', 'about', '12,000']",
        "conflicts:['conflicts', 'some', '10,000']",
        blank,
    ]
    assert by_id["k8"][1] == ["reports:['reports']", blank, blank]
    assert by_id["k1"][1] == ["reports:['reports']"] * 3
    assert by_id["k7"][1] == ["reports:['reports']", "reports:['reports']", "omits:['omits']"]
    assert by_id["k2"][1] == ["reports:['reports']", "reports:['reports']", "omits:['omits']"]
    assert by_id["k4"][1] == ["reports:['reports']", blank, blank]
    assert by_id["k9"][1] == ["reports:['reports']", blank, blank]
    assert by_id["k6"][1] == [blank, "reports:['reports']", blank]
    for cid in ("k8", "k7"):
        assert by_id[cid][0].startswith('"' + cid + '" class="detail" data-depth="1">')
        assert '<span class="detail-mark" aria-hidden="true">↳ </span>' in by_id[cid][0]
    for cid in ("k3", "k1", "k2", "k9", "k6"):
        assert "detail" not in by_id[cid][0]
    assert '<span class="badge status-unmatched">not matched</span>' + K6 in by_id["k6"][0]


def test_html_sections_nest_details_and_state_only_what_rows_say() -> None:
    html = render_comparison_html(detailed_comparison())

    def section(name: str) -> str:
        return html.split(f'<section id="{name}"')[1].split("</section>")[0]

    agreed = section("agreed")
    items = re.findall(r"<li( class=\"detail\" data-depth=\"\d\")?><span class=\"badge", agreed)
    assert items == ["", ' class="detail" data-depth="1"', ""]
    assert agreed.index(K1) < agreed.index(K7) < agreed.index(K2)
    assert "Hundreds of vehicles were destroyed" in agreed.split(K2)[0]  # k1's, not k2's
    assert "a3.c1" not in agreed.split(K2)[1]
    unmatched = section("unmatched")
    assert '<span class="badge status-unmatched">not matched</span>' + K6 in unmatched
    assert unmatched.count("<q>") == 1 and "#claim-a2.c4" in unmatched
    omitted = section("omitted")
    assert omitted.count("<h3>") == 1 and "Omitted by &lt;b&gt;Evil&lt;/b&gt; Outlet" in omitted
    assert K4 not in omitted and K6 not in omitted
    unique = section("unique")
    assert 'class="detail"' not in unique  # k8's parent is not listed there


def test_html_panel_data_says_nothing_of_other_outlets_for_unmatched_rows() -> None:
    c = detailed_comparison()
    c.clusters[5].claims.append("a1.c3")
    block = render_comparison_html(c).split('id="parallax-data">')[1].split("</script>")[0]
    data = json.loads(block)["clusters"]
    assert data["k6"] == {
        "status": "unmatched",
        "word": "not matched",
        "label": K6,
        "articles": [1],
        "omits": [],
    }
    assert data["k7"]["detail_of"] == K1 and data["k7"]["omits"] == [2]
    assert "detail_of" not in data["k9"]  # its parent is not in the comparison
    assert data["k2"]["articles"] == [0, 1] and data["k2"]["omits"] == [2]
    assert data["k4"]["omits"] == []
