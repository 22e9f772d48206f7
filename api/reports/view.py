"""Format-neutral report views: ids resolved into outlet names and evidence quotes.

:func:`build_comparison_view` groups a comparison's clusters by status (agreed,
conflicting, unique to one outlet, omitted by one), looks up each cluster's claims and
outlets, and prepares one-line, clipped quotes and conflict values. The Markdown and
HTML reports both render this view; neither escapes here, each does its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from api.models import (
    ArticleResult,
    Claim,
    Cluster,
    ClusterStatus,
    Comparison,
    EngineInfo,
    ErrorEntry,
    Usage,
)

# A quote longer than this is cut (with an ellipsis) so each stays a readable line.
MAX_QUOTE_CHARS = 400
# A conflict value (what one article states) is shorter: it is shown beside its quote.
MAX_VALUE_CHARS = 160
# Caps that keep a report of hundreds of articles readable (and its file small): the
# quotes listed under one cluster, the outlet names listed in a line, and the clusters
# listed under one outlet's "Omitted by" or "Only in" (fewer each when there are many
# outlets, so the lists hold about LIST_BUDGET items). What is left out is counted.
MAX_EVIDENCE = 6
MAX_NAMES = 8
MAX_PER_OUTLET = 25
MIN_PER_OUTLET = 3
LIST_BUDGET = 600


def one_line(text: str) -> str:
    """Collapse every run of whitespace (newlines included) into one space."""
    return " ".join(text.split())


def clip(text: str, limit: int = MAX_QUOTE_CHARS) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + "…"


def name_list(names: Sequence[str], limit: int = MAX_NAMES) -> str:
    """ "A, B, C" or, past ``limit`` names, "A, B, C and 297 more"."""
    if len(names) <= limit:
        return ", ".join(names)
    return f"{', '.join(names[:limit])} and {len(names) - limit} more"


@dataclass(frozen=True, slots=True)
class EvidenceView:
    article_id: str
    claim_id: str
    outlet: str
    quote: str  # one line, clipped; not escaped
    value: str | None = None  # what this article states, for conflicts (None: as the quote)
    clashes: bool = False  # this claim takes a side in its cluster's conflict


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

    @property
    def outlet_list(self) -> str:
        return name_list(self.outlets)

    @property
    def shown_evidence(self) -> tuple[EvidenceView, ...]:
        return self.evidence[:MAX_EVIDENCE]

    @property
    def more_evidence(self) -> int:
        """How many quotes :attr:`shown_evidence` leaves out."""
        return max(0, len(self.evidence) - MAX_EVIDENCE)


@dataclass(frozen=True, slots=True)
class OutletGroup:
    article_id: str
    outlet: str
    clusters: tuple[ClusterView, ...]  # at most MAX_PER_OUTLET
    more: int = 0  # clusters left out of ``clusters``


def _capped(groups: Sequence[OutletGroup]) -> tuple[OutletGroup, ...]:
    """Each group's list cut to a share of LIST_BUDGET, the rest counted in ``more``."""
    limit = max(MIN_PER_OUTLET, min(MAX_PER_OUTLET, LIST_BUDGET // max(1, len(groups))))
    return tuple(
        OutletGroup(g.article_id, g.outlet, g.clusters[:limit], max(0, len(g.clusters) - limit))
        for g in groups
    )


@dataclass(frozen=True, slots=True)
class ComparisonView:
    outlets: tuple[str, ...]
    names: dict[str, str]  # article id -> display name
    brief: str
    clusters: tuple[ClusterView, ...]  # every cluster, in the comparison's order
    agreed: tuple[ClusterView, ...]
    conflicts: tuple[ClusterView, ...]
    unique: tuple[OutletGroup, ...]
    unmatched: tuple[OutletGroup, ...]
    omitted: tuple[OutletGroup, ...]
    errors: tuple[ErrorEntry, ...]
    footer: tuple[tuple[str, str], ...]

    @property
    def unique_count(self) -> int:
        return sum(len(g.clusters) + g.more for g in self.unique)

    @property
    def unmatched_count(self) -> int:
        return sum(len(g.clusters) + g.more for g in self.unmatched)

    @property
    def omission_count(self) -> int:
        return sum(len(g.clusters) + g.more for g in self.omitted)


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
        pairs: list[tuple[str, str | None, bool]] = [
            (v.claim_id, v.value, v.value is not None) for v in cluster.conflict.values
        ]
    else:
        pairs = [(cid, None, False) for cid in cluster.claims]
    for claim_id, value, clashes in pairs:
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
                clashes=clashes,
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


def footer_rows(
    engine: EngineInfo, usage: Usage, created_at: str, *extra: tuple[str, str]
) -> tuple[tuple[str, str], ...]:
    """The footer as (label, value) rows: engine, prompts, usage, ``extra``, creation time."""
    described = f"{engine.name}, model {engine.model}"
    if engine.structured_output is not None:
        described += f", structured output {engine.structured_output}"
    rows: list[tuple[str, str]] = [("Engine", described)]
    if engine.alignment:
        rows.append(("Alignment", engine.alignment))
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
    # Said, because the result then is not all the model's work.
    if usage.judged_offline:
        usage_text += f"; {usage.judged_offline} pairs judged offline (unusable judge replies)"
    if usage.offline_briefs:
        usage_text += "; brief written offline (unusable model reply)"
    if usage.cost_usd is not None:
        usage_text += f"; ${usage.cost_usd:.4f}"
    rows.append(("Usage", usage_text))
    rows.extend(extra)
    rows.append(("Created", created_at))
    return tuple(rows)


def _by_outlet(
    articles: Sequence[ArticleResult],
    names: dict[str, str],
    views: Sequence[ClusterView],
    status: ClusterStatus,
) -> list[OutletGroup]:
    """The single-outlet clusters of ``status``, grouped under their outlet."""
    groups: list[OutletGroup] = []
    for article in articles:
        mine = tuple(v for v in views if v.status is status and v.article_ids[:1] == (article.id,))
        if mine:
            groups.append(OutletGroup(article.id, names[article.id], mine))
    return groups


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

    unique = _by_outlet(c.articles, names, ordered, ClusterStatus.unique)
    unmatched = _by_outlet(c.articles, names, ordered, ClusterStatus.unmatched)

    omitted: list[OutletGroup] = []
    for omission in c.omissions:
        missing = tuple(views[cid] for cid in omission.clusters if cid in views)
        if missing:
            name = names.get(omission.article_id, omission.article_id)
            omitted.append(OutletGroup(omission.article_id, name, missing))

    footer = footer_rows(c.engine, c.usage, c.created_at, ("Brief budget", f"{c.max_words} words"))
    return ComparisonView(
        outlets=tuple(names[a.id] for a in c.articles),
        names=names,
        brief=c.summary.strip(),
        clusters=tuple(ordered),
        agreed=(*consensus, *partial),
        conflicts=tuple(conflicts),
        unique=_capped(unique),
        unmatched=_capped(unmatched),
        omitted=_capped(omitted),
        errors=tuple(c.errors),
        footer=footer,
    )
