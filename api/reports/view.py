"""Format-neutral report views: ids resolved into outlet names and evidence quotes.

:func:`build_comparison_view` groups a comparison's rows by status (agreed,
conflicting, unique to one outlet, not matched, omitted by one), looks up each row's
claims and outlets, and prepares one-line, clipped quotes and conflict values. The
Markdown and HTML reports both render this view; neither escapes here, each does its
own.

Every row is read through its label claim: the label is that claim's text, and the
quotes under it are the evidence of the claims of the articles that state it (the
label claim's own first). A report says an outlet *reports* a row only when the row
lists the article, *omits* it only when the article's omission lists the row (and the
row is one an outlet can omit), and says nothing about any other outlet. A row that
qualifies another (``detail_of``) is listed right after that row, one level deeper,
wherever both are listed (:func:`nest`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

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

# Rows whose omission an outlet's ``Omission`` may list: a unique row says itself that
# the others state none of it, and an unmatched one says nothing about them.
OMITTABLE = frozenset({ClusterStatus.consensus, ClusterStatus.partial, ClusterStatus.conflict})
# How a status is written in a report; the JSON keeps ``ClusterStatus``'s values.
STATUS_WORDS: Mapping[ClusterStatus, str] = {
    **{s: s.value for s in ClusterStatus},
    ClusterStatus.unmatched: "not matched",
}


def status_word(status: ClusterStatus) -> str:
    return STATUS_WORDS[status]


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
    side: str | None = None  # the value it takes that side with (one line, clipped)


@dataclass(frozen=True, slots=True)
class ClusterView:
    id: str
    status: ClusterStatus
    label: str  # the label claim's text
    label_claim: str
    article_ids: tuple[str, ...]  # the articles that state the label claim
    outlets: tuple[str, ...]
    total: int
    evidence: tuple[EvidenceView, ...]  # per outlet, the label claim's first
    conflict_kind: str | None = None
    own_article: str | None = None  # the label claim's article
    detail_of: str | None = None  # the row whose fact this row's fact qualifies
    depth: int = 0  # levels below the row it qualifies, in the list at hand (see nest)

    @property
    def word(self) -> str:
        """The status as a report writes it."""
        return status_word(self.status)

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
    omits: dict[str, tuple[str, ...]]  # cluster id -> the articles that omit it
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
    label_claim = claims.get(cluster.label_claim)
    article_ids = _unique_in_order(cluster.articles)
    own = label_claim.article_id if label_claim is not None else None
    # Whose quotes are listed: the articles that state the label claim, the label's
    # own first; of an unmatched row, only the label's own (it says nothing of others).
    if cluster.status is ClusterStatus.unmatched:
        quoted: tuple[str, ...] = (own,) if own is not None else article_ids[:1]
    else:
        quoted = _unique_in_order([*([own] if own in article_ids else []), *article_ids])
    values: dict[str, str | None] = {}
    if cluster.status is ClusterStatus.conflict and cluster.conflict is not None:
        values = {v.claim_id: v.value for v in cluster.conflict.values}
    by_article: dict[str, list[EvidenceView]] = {aid: [] for aid in quoted}
    for claim_id in _unique_in_order([cluster.label_claim, *cluster.claims, *values]):
        claim = claims.get(claim_id)
        if claim is None or claim.article_id not in by_article:
            continue
        value = values.get(claim_id)
        by_article[claim.article_id].append(
            EvidenceView(
                article_id=claim.article_id,
                claim_id=claim.id,
                outlet=names.get(claim.article_id, claim.article_id),
                quote=clip(one_line(claim.evidence.quote)),
                value=_conflict_value(value, claim.evidence.quote),
                clashes=value is not None,
                side=clip(one_line(value), MAX_VALUE_CHARS) if value is not None else None,
            )
        )
    return ClusterView(
        id=cluster.id,
        status=cluster.status,
        label=one_line(label_claim.text if label_claim is not None else cluster.label),
        label_claim=cluster.label_claim,
        article_ids=article_ids,
        outlets=tuple(names.get(aid, aid) for aid in article_ids),
        total=total,
        evidence=tuple(ev for group in by_article.values() for ev in group),
        conflict_kind=cluster.conflict.kind.value if cluster.conflict else None,
        own_article=own,
        detail_of=cluster.detail_of,
    )


def nest(views: Sequence[ClusterView]) -> tuple[ClusterView, ...]:
    """``views`` with each detail row moved right after the row it qualifies.

    A detail row comes after its parent (and the parent's earlier details), its
    ``depth`` one more than the parent's. One whose parent is not in ``views`` (or
    that qualifies itself through a loop) stays in its own place, at depth 0.
    """
    ids = {v.id for v in views}
    by_id = {v.id: v for v in views}

    def parent(v: ClusterView) -> str | None:
        return v.detail_of if v.detail_of in ids and v.detail_of != v.id else None

    def in_loop(v: ClusterView) -> bool:
        """Whether following ``detail_of`` up from ``v`` comes back to ``v``."""
        seen = {v.id}
        up = parent(v)
        while up is not None and up not in seen:
            seen.add(up)
            up = parent(by_id[up])
        return up == v.id

    children: dict[str, list[ClusterView]] = {}
    roots: list[ClusterView] = []
    for v in views:
        up = parent(v)
        if up is None or in_loop(v):
            roots.append(v)
        else:
            children.setdefault(up, []).append(v)
    out: list[ClusterView] = []
    placed: set[str] = set()

    def place(v: ClusterView, depth: int) -> None:
        placed.add(v.id)
        out.append(v if v.depth == depth else replace(v, depth=depth))
        for child in children.get(v.id, ()):
            if child.id not in placed:
                place(child, depth + 1)

    for v in roots:
        if v.id not in placed:
            place(v, 0)
    return tuple(out)


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
        mine = [v for v in views if v.status is status and _owner(v) == article.id]
        if mine:
            groups.append(OutletGroup(article.id, names[article.id], nest(mine)))
    return groups


def _owner(v: ClusterView) -> str | None:
    if v.own_article is not None:
        return v.own_article
    return v.article_ids[0] if v.article_ids else None


def omitted_by(c: Comparison, views: Mapping[str, ClusterView]) -> dict[str, tuple[str, ...]]:
    """Cluster id -> the articles whose omission lists it, in article order.

    Only rows an outlet can omit count, and never for an article the row lists as
    stating it: a report then says "omits" of nothing it also says "reports" of.
    """
    order = {a.id: i for i, a in enumerate(c.articles)}
    found: dict[str, list[str]] = {}
    for omission in c.omissions:
        for cid in dict.fromkeys(omission.clusters):
            v = views.get(cid)
            if v is None or v.status not in OMITTABLE or omission.article_id in v.article_ids:
                continue
            found.setdefault(cid, []).append(omission.article_id)
    return {
        cid: _unique_in_order(sorted(aids, key=lambda a: order.get(a, len(order))))
        for cid, aids in found.items()
    }


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

    omits = omitted_by(c, views)
    listed: dict[str, list[str]] = {}
    for omission in c.omissions:
        listed.setdefault(omission.article_id, []).extend(omission.clusters)
    omitted: list[OutletGroup] = []
    for aid, cids in listed.items():
        missing = nest([views[cid] for cid in dict.fromkeys(cids) if aid in omits.get(cid, ())])
        if missing:
            omitted.append(OutletGroup(aid, names.get(aid, aid), missing))

    footer = footer_rows(c.engine, c.usage, c.created_at, ("Brief budget", f"{c.max_words} words"))
    return ComparisonView(
        outlets=tuple(names[a.id] for a in c.articles),
        names=names,
        brief=c.summary.strip(),
        clusters=tuple(ordered),
        omits=omits,
        agreed=nest([*consensus, *partial]),
        conflicts=nest(conflicts),
        unique=_capped(unique),
        unmatched=_capped(unmatched),
        omitted=_capped(omitted),
        errors=tuple(c.errors),
        footer=footer,
    )
