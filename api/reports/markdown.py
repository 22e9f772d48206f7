"""Markdown reports: readable as plain text in a terminal and rendered on GitHub.

Everything that comes from an article or a model (labels, quotes, outlet names,
titles, the brief, error messages) goes through :func:`md_text`, which flattens it to
one line and escapes what Markdown would otherwise interpret: headings, lists,
emphasis, links, code spans and raw HTML tags all come out as literal text.

The comparison is rendered from :class:`~api.reports.view.ComparisonView`, which the
HTML report renders too. A row that qualifies another (``detail_of``) follows it with
"↳ " before its label, in the coverage table and in every section list.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from api.models import ArticleResult, ClaimKind, Comparison, ErrorEntry, Summaries
from api.reports.matrix import CellState, CoverageMatrix, MatrixCell, build_matrix
from api.reports.view import (
    ClusterView,
    EvidenceView,
    OutletGroup,
    build_comparison_view,
    clip,
    display_names,
    footer_rows,
    one_line,
)

# Past this many outlets the matrix has a column per outlet only in HTML; here each row
# counts them instead, so the table still fits a terminal.
MAX_MATRIX_OUTLETS = 8
MATRIX_LABEL_CHARS = 70
MATRIX_VALUE_CHARS = 30
DETAIL_MARK = "↳ "

# ---------------------------------------------------------------------------------
# Escaping


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|~])")
_HEADING_SPECIAL = re.compile(r"([\\`*_\[\]<|~#])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")
_LEADING_SPECIAL = frozenset("#>-+=")


def _escape(text: str, special: re.Pattern[str]) -> str:
    out = special.sub(r"\\\1", one_line(text))
    out = _ENTITY.sub(r"\\&", out)
    if out[:1] in _LEADING_SPECIAL:
        out = "\\" + out
    return _ORDERED_MARKER.sub(r"\1\\\2", out)


def md_text(text: str) -> str:
    """Article- or model-derived text as one inert line of Markdown."""
    return _escape(text, _INLINE_SPECIAL)


def md_heading_text(text: str) -> str:
    """Like :func:`md_text`, and no '#' can close the heading early."""
    return _escape(text, _HEADING_SPECIAL)


def md_code(text: str) -> str:
    """A code span (paths, URLs, ids): literal, never a link."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or longest else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def md_quote(text: str) -> str:
    return f"“{md_text(clip(one_line(text)))}”"


# ---------------------------------------------------------------------------------
# Rendering


def _paragraphs(text: str) -> list[str]:
    return [md_text(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _evidence_lines(ev: EvidenceView, *, with_value: bool = False) -> str:
    outlet = f"**{md_text(ev.outlet)}**"
    if with_value and ev.value is not None:
        return f"  - {outlet} — {md_text(ev.value)} — {md_quote(ev.quote)}"
    return f"  - {outlet}: {md_quote(ev.quote)}"


def _more(n: int, what: str) -> list[str]:
    return [f"  - *… and {n} more {what}*"] if n else []


def _label(v: ClusterView, limit: int | None = None) -> str:
    """The row's label, escaped, with one "↳ " per level below the row it qualifies."""
    label = v.label if limit is None else clip(v.label, limit)
    return DETAIL_MARK * v.depth + md_text(label)


def _cluster_lines(v: ClusterView, *, coverage: bool = True) -> list[str]:
    head = f"- {_label(v)}"
    if coverage:
        head += f" *({v.coverage}: {md_text(v.outlet_list)})*"
    return [
        head,
        *(_evidence_lines(ev) for ev in v.shown_evidence),
        *_more(v.more_evidence, "quotes"),
    ]


def _column_key(i: int) -> str:
    """A, B, ..., Z, AA, AB, ...: short column headings for the matrix."""
    key = ""
    i += 1
    while i:
        i, rest = divmod(i - 1, 26)
        key = chr(ord("A") + rest) + key
    return key


def _cell(cell: MatrixCell) -> str:
    if cell.state is CellState.conflicts:
        value = f": {md_text(clip(cell.value, MATRIX_VALUE_CHARS))}" if cell.value else ""
        return f"**conflicts**{value}"
    return "—" if cell.state is CellState.blank else cell.state.value


def _matrix_lines(m: CoverageMatrix) -> list[str]:
    """The coverage matrix as a Markdown table (one column per outlet, or counts)."""
    per_outlet = len(m.outlets) <= MAX_MATRIX_OUTLETS
    if per_outlet:
        keys = [_column_key(i) for i in range(len(m.outlets))]
        intro = "Columns: " + " · ".join(
            f"**{k}** {md_text(name)}" for k, name in zip(keys, m.outlets, strict=True)
        )
    else:
        keys = ["reports", "conflicts", "omits"]
        intro = (
            f"{len(m.outlets)} outlets: each row counts them (the HTML report has a column each)."
        )
    lines = [intro, "", "| Status | Claim | " + " | ".join(keys) + " |"]
    lines.append("|" + "---|" * (len(keys) + 2))
    for row in m.rows:
        label = _label(row.cluster, MATRIX_LABEL_CHARS)
        if per_outlet:
            cells = [_cell(cell) for cell in row.cells]
        else:
            cells = [str(row.count(CellState(k))) for k in keys]
        lines.append(f"| {row.cluster.word} | {label} | " + " | ".join(cells) + " |")
    if m.more:
        lines += ["", f"*{m.more} more claims, the least widely reported, are not shown.*"]
    return lines


def _errors_lines(errors: Sequence[ErrorEntry]) -> list[str]:
    lines = ["## Errors", ""]
    for e in errors:
        lines.append(f"- {md_code(e.source)}: {md_text(e.message)} ({md_code(e.code)})")
    lines.append("")
    return lines


def _footer_lines(rows: Sequence[tuple[str, str]]) -> list[str]:
    return ["---", "", *(f"- {k}: {md_text(v)}" for k, v in rows)]


def _document(
    title: str,
    outlets: str,
    errors: Sequence[ErrorEntry],
    body: list[str],
    footer: Sequence[tuple[str, str]],
) -> str:
    """A report: heading, outlets line, partial-result notice, ``body``, errors, footer."""
    lines = [f"# {title}", "", outlets, ""]
    if errors:
        lines += [f"**Partial result:** {len(errors)} input(s) failed; see Errors.", ""]
    lines += body
    if errors:
        lines += _errors_lines(errors)
    lines += _footer_lines(footer)
    return "\n".join(lines).rstrip() + "\n"


def _articles(n: int) -> str:
    return f"{n} article{'s' if n != 1 else ''}"


def _section(title: str, body: list[str], empty: str) -> list[str]:
    """A "## title" section: ``body``, or ``empty`` in italics when there is none."""
    return [f"## {title}", "", *(body or [f"*{empty}*"]), ""]


def _outlet_groups(
    groups: Sequence[OutletGroup], heading: str, cluster_lines: Callable[[ClusterView], list[str]]
) -> list[str]:
    """One "### heading outlet" subsection per group, separated by blank lines."""
    lines: list[str] = []
    for group in groups:
        if lines:
            lines.append("")
        lines += [f"### {heading} {md_heading_text(group.outlet)}", ""]
        for cv in group.clusters:
            lines += cluster_lines(cv)
        if group.more:
            lines.append(f"- *… and {group.more} more; see Coverage*")
    return lines


def _conflict_lines(cv: ClusterView) -> list[str]:
    kind = f" *({md_text(cv.conflict_kind)})*" if cv.conflict_kind else ""
    return [
        f"- {_label(cv)}{kind}",
        *(_evidence_lines(ev, with_value=True) for ev in cv.shown_evidence),
        *_more(cv.more_evidence, "outlets (see Coverage)"),
    ]


def _unique_lines(cv: ClusterView) -> list[str]:
    return [f"- {_label(cv)}", *(f"  - {md_quote(ev.quote)}" for ev in cv.shown_evidence)]


def _omitted_lines(cv: ClusterView) -> list[str]:
    return [
        f"- {_label(cv)} *(reported by {md_text(cv.outlet_list)})*",
        *(_evidence_lines(ev) for ev in cv.evidence[:1]),
    ]


def render_comparison_md(c: Comparison) -> str:
    v = build_comparison_view(c)
    body = [
        "## Brief",
        "",
        *(p + "\n" for p in _paragraphs(v.brief) or ["*(empty)*"]),
        *_section("Coverage", _matrix_lines(build_matrix(c, v)), "No claims."),
        *_section(
            "Agreed",
            [line for cv in v.agreed for line in _cluster_lines(cv)],
            "No claim is reported by more than one outlet.",
        ),
        *_section(
            "Conflicting",
            [line for cv in v.conflicts for line in _conflict_lines(cv)],
            "No conflicting claims found.",
        ),
        *_section(
            "Only in one outlet", _outlet_groups(v.unique, "Only in", _unique_lines), "None."
        ),
        *_section(
            "Not matched with confidence",
            [
                "Each is stated by one outlet. Another outlet may state it in other words, "
                "so Parallax neither calls it only in that outlet nor says whether the "
                "others state it.",
                "",
                *_outlet_groups(v.unmatched, "Stated by", _unique_lines),
            ]
            if v.unmatched
            else [],
            "None.",
        ),
        *_section(
            "Omitted",
            _outlet_groups(v.omitted, "Omitted by", _omitted_lines),
            "Every outlet reports every shared claim.",
        ),
    ]
    return _document(
        f"Parallax comparison: {_articles(len(c.articles))}",
        f"Outlets compared: {md_text(' · '.join(v.outlets))}",
        v.errors,
        body,
        v.footer,
    )


def _summary_lines(a: ArticleResult, name: str) -> list[str]:
    lines = [f"## {md_heading_text(name)}: {md_heading_text(a.title)}", ""]
    meta = [f"source {md_code(a.source)}"]
    if a.published:
        meta.append(f"published {md_text(a.published)}")
    if a.url:
        meta.append(md_code(a.url))
    lines += [" · ".join(meta), ""]
    lines += [*(p + "\n" for p in _paragraphs(a.summary) or ["*(empty summary)*"])]
    if a.claims:
        lines += [f"Claims ({len(a.claims)}):", ""]
        for claim in a.claims:
            kind = "" if claim.kind is ClaimKind.fact else f" *({claim.kind.value})*"
            lines.append(f"- {md_text(claim.text)}{kind}")
            lines.append(f"  - {md_quote(claim.evidence.quote)}")
        lines.append("")
    return lines


def render_summaries_md(s: Summaries) -> str:
    names = display_names(s.articles)
    return _document(
        f"Parallax summaries: {_articles(len(s.articles))}",
        f"Outlets: {md_text(' · '.join(names[a.id] for a in s.articles))}",
        s.errors,
        [line for a in s.articles for line in _summary_lines(a, names[a.id])],
        footer_rows(s.engine, s.usage, s.created_at),
    )
