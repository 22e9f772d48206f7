"""Markdown reports: readable as plain text in a terminal and rendered on GitHub.

Everything that comes from an article or a model (labels, quotes, outlet names,
titles, the brief, error messages) goes through :func:`md_text`, which flattens it to
one line and escapes what Markdown would otherwise interpret: headings, lists,
emphasis, links, code spans and raw HTML tags all come out as literal text.

The view objects here (:class:`ComparisonView` and friends) resolve ids into outlet
names and evidence quotes once; the HTML report renders the same view.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.models import (
    ArticleResult,
    Claim,
    ClaimKind,
    Cluster,
    ClusterStatus,
    Comparison,
    EngineInfo,
    ErrorEntry,
    Summaries,
    Usage,
)

# A quote longer than this is cut (with an ellipsis) so each stays a readable line.
MAX_QUOTE_CHARS = 400
# A conflict value (what one article states) is shorter: it is shown beside its quote.
MAX_VALUE_CHARS = 160

# ---------------------------------------------------------------------------------
# Escaping


_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<|~])")
_HEADING_SPECIAL = re.compile(r"([\\`*_\[\]<|~#])")
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_ORDERED_MARKER = re.compile(r"^(\d+)([.)])")
_LEADING_SPECIAL = frozenset("#>-+=")


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space."""
    return " ".join(text.split())


def clip(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


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
# View: ids resolved to names and quotes, shared with the HTML report


@dataclass(frozen=True, slots=True)
class EvidenceView:
    article_id: str
    claim_id: str
    outlet: str
    quote: str  # one line, clipped; not escaped
    value: str | None = None  # what this article states, for conflicts


@dataclass(frozen=True, slots=True)
class ClusterView:
    id: str
    status: ClusterStatus
    label: str
    article_ids: tuple[str, ...]
    outlets: tuple[str, ...]
    total: int
    evidence: tuple[EvidenceView, ...]
    conflict_kind: str | None = None

    @property
    def coverage(self) -> str:
        n = len(self.article_ids)
        if n >= self.total > 1:
            return f"all {self.total} outlets"
        return f"{n} of {self.total} outlet{'s' if self.total != 1 else ''}"


@dataclass(frozen=True, slots=True)
class OutletGroup:
    article_id: str
    outlet: str
    clusters: tuple[ClusterView, ...]


@dataclass(frozen=True, slots=True)
class ComparisonView:
    outlets: tuple[str, ...]
    names: dict[str, str]  # article id -> display name
    brief: str
    agreed: tuple[ClusterView, ...]
    conflicts: tuple[ClusterView, ...]
    unique: tuple[OutletGroup, ...]
    omitted: tuple[OutletGroup, ...]
    errors: tuple[ErrorEntry, ...]
    footer: tuple[tuple[str, str], ...]


def display_names(articles: Sequence[ArticleResult]) -> dict[str, str]:
    """Article id -> outlet name; an outlet that appears twice gets the id appended."""
    base = {a.id: one_line(a.outlet) or a.id for a in articles}
    counts: dict[str, int] = {}
    for name in base.values():
        counts[name] = counts.get(name, 0) + 1
    return {aid: (f"{name} ({aid})" if counts[name] > 1 else name) for aid, name in base.items()}


def _unique_in_order(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _conflict_value(value: str | None, quote: str) -> str | None:
    """The value as one clipped line; None when it merely repeats the quote."""
    if value is None:
        return None
    value = one_line(value)
    trim = ".,;:!?”’\"' "
    if value.rstrip(trim) == one_line(quote).rstrip(trim):
        return None
    return clip(value, MAX_VALUE_CHARS)


def _cluster_view(
    cluster: Cluster, claims: dict[str, Claim], names: dict[str, str], total: int
) -> ClusterView:
    evidence: list[EvidenceView] = []
    if cluster.conflict is not None and cluster.conflict.values:
        pairs: list[tuple[str, str | None]] = [
            (v.claim_id, v.value) for v in cluster.conflict.values
        ]
    else:
        pairs = [(cid, None) for cid in cluster.claims]
    for claim_id, value in pairs:
        claim = claims.get(claim_id)
        if claim is None:
            continue
        evidence.append(
            EvidenceView(
                article_id=claim.article_id,
                claim_id=claim.id,
                outlet=names.get(claim.article_id, claim.article_id),
                quote=clip(one_line(claim.evidence.quote)),
                value=_conflict_value(value, claim.evidence.quote),
            )
        )
    article_ids = _unique_in_order(cluster.articles)
    return ClusterView(
        id=cluster.id,
        status=cluster.status,
        label=one_line(cluster.label),
        article_ids=article_ids,
        outlets=tuple(names.get(aid, aid) for aid in article_ids),
        total=total,
        evidence=tuple(evidence),
        conflict_kind=cluster.conflict.kind.value if cluster.conflict else None,
    )


def _footer(
    engine: EngineInfo, usage: Usage, created_at: str, *extra: tuple[str, str]
) -> tuple[tuple[str, str], ...]:
    rows: list[tuple[str, str]] = [("Engine", f"{engine.name}, model {engine.model}")]
    if engine.prompt_versions:
        rows.append(
            ("Prompts", ", ".join(f"{k} {v}" for k, v in sorted(engine.prompt_versions.items())))
        )
    usage_text = (
        f"{usage.article_tokens:,} article tokens; "
        f"{usage.prompt_tokens:,} prompt + {usage.completion_tokens:,} completion tokens; "
        f"{usage.llm_calls} LLM calls ({usage.cached_calls} cached, {usage.retries} retries)"
    )
    if usage.dropped_ungrounded:
        usage_text += f"; {usage.dropped_ungrounded} ungrounded claims dropped"
    if usage.cost_usd is not None:
        usage_text += f"; ${usage.cost_usd:.4f}"
    rows.append(("Usage", usage_text))
    rows.extend(extra)
    rows.append(("Created", created_at))
    return tuple(rows)


def build_comparison_view(c: Comparison) -> ComparisonView:
    names = display_names(c.articles)
    claims = {claim.id: claim for a in c.articles for claim in a.claims}
    total = len(c.articles)
    views = {cl.id: _cluster_view(cl, claims, names, total) for cl in c.clusters}
    ordered = [views[cl.id] for cl in c.clusters]

    consensus = [v for v in ordered if v.status is ClusterStatus.consensus]
    partial = sorted(
        (v for v in ordered if v.status is ClusterStatus.partial),
        key=lambda v: -len(v.article_ids),
    )
    conflicts = [v for v in ordered if v.status is ClusterStatus.conflict]

    unique: list[OutletGroup] = []
    for article in c.articles:
        only = tuple(
            v
            for v in ordered
            if v.status is ClusterStatus.unique and v.article_ids[:1] == (article.id,)
        )
        if only:
            unique.append(OutletGroup(article.id, names[article.id], only))

    omitted: list[OutletGroup] = []
    for omission in c.omissions:
        missing = tuple(views[cid] for cid in omission.clusters if cid in views)
        if missing:
            name = names.get(omission.article_id, omission.article_id)
            omitted.append(OutletGroup(omission.article_id, name, missing))

    footer = _footer(c.engine, c.usage, c.created_at, ("Brief budget", f"{c.max_words} words"))
    return ComparisonView(
        outlets=tuple(names[a.id] for a in c.articles),
        names=names,
        brief=c.summary.strip(),
        agreed=(*consensus, *partial),
        conflicts=tuple(conflicts),
        unique=tuple(unique),
        omitted=tuple(omitted),
        errors=tuple(c.errors),
        footer=footer,
    )


# ---------------------------------------------------------------------------------
# Rendering


def _paragraphs(text: str) -> list[str]:
    return [md_text(p) for p in re.split(r"\n\s*\n", text) if p.strip()]


def _evidence_lines(ev: EvidenceView, *, with_value: bool = False) -> str:
    outlet = f"**{md_text(ev.outlet)}**"
    if with_value and ev.value is not None:
        return f"  - {outlet} — {md_text(ev.value)} — {md_quote(ev.quote)}"
    return f"  - {outlet}: {md_quote(ev.quote)}"


def _cluster_lines(v: ClusterView, *, coverage: bool = True) -> list[str]:
    head = f"- {md_text(v.label)}"
    if coverage:
        head += f" *({v.coverage}: {md_text(', '.join(v.outlets))})*"
    return [head, *(_evidence_lines(ev) for ev in v.evidence)]


def _errors_lines(errors: Sequence[ErrorEntry]) -> list[str]:
    lines = ["## Errors", ""]
    for e in errors:
        lines.append(f"- {md_code(e.source)}: {md_text(e.message)} ({md_code(e.code)})")
    lines.append("")
    return lines


def _footer_lines(rows: Sequence[tuple[str, str]]) -> list[str]:
    return ["---", "", *(f"- {k}: {md_text(v)}" for k, v in rows)]


def render_comparison_md(c: Comparison) -> str:
    v = build_comparison_view(c)
    n = len(c.articles)
    lines = [
        f"# Parallax comparison: {n} article{'s' if n != 1 else ''}",
        "",
        f"Outlets compared: {md_text(' · '.join(v.outlets))}",
        "",
    ]
    if v.errors:
        lines += [f"**Partial result:** {len(v.errors)} input(s) failed; see Errors.", ""]

    lines += ["## Brief", "", *(p + "\n" for p in _paragraphs(v.brief) or ["*(empty)*"])]

    lines += ["## Agreed", ""]
    if v.agreed:
        for cv in v.agreed:
            lines += _cluster_lines(cv)
        lines.append("")
    else:
        lines += ["*No claim is reported by more than one outlet.*", ""]

    lines += ["## Conflicting", ""]
    if v.conflicts:
        for cv in v.conflicts:
            kind = f" *({md_text(cv.conflict_kind)})*" if cv.conflict_kind else ""
            lines.append(f"- {md_text(cv.label)}{kind}")
            lines += [_evidence_lines(ev, with_value=True) for ev in cv.evidence]
        lines.append("")
    else:
        lines += ["*No conflicting claims found.*", ""]

    lines += ["## Only in one outlet", ""]
    if v.unique:
        for group in v.unique:
            lines += [f"### Only in {md_heading_text(group.outlet)}", ""]
            for cv in group.clusters:
                lines.append(f"- {md_text(cv.label)}")
                lines += [f"  - {md_quote(ev.quote)}" for ev in cv.evidence]
            lines.append("")
    else:
        lines += ["*None.*", ""]

    lines += ["## Omitted", ""]
    if v.omitted:
        for group in v.omitted:
            lines += [f"### Not in {md_heading_text(group.outlet)}", ""]
            for cv in group.clusters:
                lines.append(
                    f"- {md_text(cv.label)} *(reported by {md_text(', '.join(cv.outlets))})*"
                )
                lines += [_evidence_lines(ev) for ev in cv.evidence[:1]]
            lines.append("")
    else:
        lines += ["*Every outlet reports every shared claim.*", ""]

    if v.errors:
        lines += _errors_lines(v.errors)

    lines += _footer_lines(v.footer)
    return "\n".join(lines).rstrip() + "\n"


def render_summaries_md(s: Summaries) -> str:
    names = display_names(s.articles)
    n = len(s.articles)
    lines = [
        f"# Parallax summaries: {n} article{'s' if n != 1 else ''}",
        "",
        f"Outlets: {md_text(' · '.join(names[a.id] for a in s.articles))}",
        "",
    ]
    if s.errors:
        lines += [f"**Partial result:** {len(s.errors)} input(s) failed; see Errors.", ""]

    for a in s.articles:
        lines += [f"## {md_heading_text(names[a.id])}: {md_heading_text(a.title)}", ""]
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

    if s.errors:
        lines += _errors_lines(s.errors)

    lines += _footer_lines(_footer(s.engine, s.usage, s.created_at))
    return "\n".join(lines).rstrip() + "\n"
