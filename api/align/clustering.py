"""Clusters of claims that state one fact, and what each outlet leaves out.

A cluster is a set of claims of at least two articles in which every two claims of
different articles are *linked*: judged the same fact (or the same fact with clashing
details), or, for a pair nobody judged, scored at ``LINK`` by the pair model. Links do
not chain: A1 ~ B1 and B1 ~ C1 put A1 and C1 together only if they are linked too.
Clusters grow greedily from the strongest link not yet covered, so:

- a cluster may hold several claims of one article (a headline and a lede that repeat
  one fact are both "reported", never one of them "only in" that outlet);
- a claim may sit in several clusters (a sentence that states two facts, each reported
  by a different outlet).

Statuses, each a statement about coverage that must be true:

- ``consensus``: every article states it; ``partial``: two or more do;
- ``conflict``: linked claims give details that cannot both be true;
- ``unique``: one claim that nothing in any other article comes close to
  (probability below ``UNIQUE_BELOW``, for every claim of its sentence);
- ``unmatched``: one claim with no link but a possible match elsewhere. Parallax does
  not call it "only in" that outlet, because it cannot be sure.

An article *omits* a consensus or partial cluster only when none of its claims comes
close (``OMIT_BELOW``) to any claim of the cluster: "omitted by X" means X states none
of it.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence

from api.align.decide import CONFLICT_MIN, Decision, conflict_of
from api.align.types import Relation
from api.models import Claim, Cluster, ClusterStatus, Omission

# The highest cut-off at which no "only in" is false on the labelled events, fitted
# or cross-validated (0.2 makes 2 of 18 false).
UNIQUE_BELOW = 0.18
# An article states none of a cluster when none of its claims scores this much with
# any member: well below a link, since a claim that close may state part of it.
OMIT_BELOW = 0.3
# Links to members of other articles a claim needs to join a cluster when not every
# pair was scored (api.align.blocking): see _grow.
_LINKS_WHEN_BLOCKED = 3
# Rows in report order: what all agree on first, then disputes, then the rest.
ROW_RANK = {
    ClusterStatus.consensus: 0,
    ClusterStatus.conflict: 1,
    ClusterStatus.partial: 2,
    ClusterStatus.unique: 3,
    ClusterStatus.unmatched: 4,
}

Pair = tuple[int, int]
# For groups of claim indices, the articles with a claim close in meaning to each group.
Near = Callable[[Sequence[Sequence[int]]], list[set[str]]]


def _key(i: int, j: int) -> Pair:
    return (i, j) if i < j else (j, i)


class _Graph:
    """Decisions indexed by claim position: who was scored with whom, and the links."""

    def __init__(
        self, claims: Sequence[Claim], decisions: Sequence[Decision], *, exhaustive: bool
    ) -> None:
        self.exhaustive = exhaustive
        index = {c.id: i for i, c in enumerate(claims)}
        self.owner = [c.article_id for c in claims]
        self.near: list[dict[int, float]] = [{} for _ in claims]  # partner -> score
        self.links: list[set[int]] = [set() for _ in claims]
        self.edges: list[tuple[float, Pair]] = []  # linked pairs, with their scores
        self.conflicts: dict[Pair, Decision] = {}
        for d in decisions:
            i, j = index[d.pair.a.id], index[d.pair.b.id]
            p = d.pair.similarity
            self.near[i][j] = p
            self.near[j][i] = p
            if d.verdict.relation is not Relation.absent:
                self.links[i].add(j)
                self.links[j].add(i)
                self.edges.append((p, _key(i, j)))
            if d.verdict.relation is Relation.contradicts:
                self.conflicts[_key(i, j)] = d

    def closeness(self, i: int) -> float:
        """The best score any claim of another article reaches with claim ``i``."""
        return max(self.near[i].values(), default=0.0)


def build(
    article_ids: Sequence[str],
    claims: Sequence[Claim],
    decisions: Sequence[Decision],
    sentence_of: Mapping[str, tuple[str, int]],
    *,
    exhaustive: bool = True,
    near: Near | None = None,
) -> tuple[list[Cluster], list[Omission]]:
    """Clusters (ids k1, k2, ... in report order) and each article's omissions.

    ``sentence_of`` maps a claim id to its sentence (any key shared by the claims of one
    sentence): a clause whose sentence is matched elsewhere is not "only in" its outlet.
    ``exhaustive`` says every pair of claims of different articles was scored (see
    api.align.blocking.Matcher); otherwise a pair never scored counts neither for nor against
    a cluster, and ``near`` (the articles with a claim close in meaning to each group of
    claims) keeps an article that was never scored against a cluster from "omitting" it.
    """
    graph = _Graph(claims, decisions, exhaustive=exhaustive)
    groups = _cover(graph)
    order = {aid: i for i, aid in enumerate(article_ids)}
    built = [_cluster(g, claims, graph, order, len(article_ids)) for g in groups]
    grouped = {i for g in groups for i in g}
    sentence_best: dict[tuple[str, int], float] = defaultdict(float)
    for i, c in enumerate(claims):
        key = sentence_of[c.id]
        sentence_best[key] = max(sentence_best[key], graph.closeness(i))
    for i, c in enumerate(claims):
        if i not in grouped:
            alone = sentence_best[sentence_of[c.id]] < UNIQUE_BELOW
            status = ClusterStatus.unique if alone else ClusterStatus.unmatched
            built.append(single(c, status))
    ranked = sorted(
        zip(built, [*groups, *([i] for i in range(len(claims)) if i not in grouped)], strict=True),
        key=lambda kg: (
            ROW_RANK[kg[0].status],
            -len(kg[0].articles),
            _first(kg[1], claims, order),
        ),
    )
    clusters = [k.model_copy(update={"id": f"k{n}"}) for n, (k, _) in enumerate(ranked, 1)]
    members = [g for _, g in ranked]
    return clusters, _omissions(article_ids, clusters, members, graph, near)


def _cover(graph: _Graph) -> list[list[int]]:
    """Greedy cover of the links by clusters, strongest uncovered link first.

    Conflicts come first and stay tight: a claim joins a conflict's cluster only when it
    is a close match (``CONFLICT_MIN``) of every member, so the cluster shows the one fact
    the outlets disagree on. Other clusters never take in both sides of a conflict.
    """
    links = [
        pair
        for _, pair in sorted(graph.edges, key=lambda e: (e[1] not in graph.conflicts, -e[0], e[1]))
    ]
    covered: set[Pair] = set()
    placed: set[int] = set()
    groups: list[list[int]] = []
    for i, j in links:
        # A link between two claims that already have clusters adds a cluster that
        # mostly repeats theirs: the report would list one fact over and over.
        if (i, j) in covered or (i in placed and j in placed):
            continue
        members = _grow(graph, i, j, placed, tight=(i, j) in graph.conflicts)
        inside = set(members)
        placed |= inside
        for m in members:
            covered.update(_key(m, x) for x in graph.links[m] if x in inside)
        groups.append(members)
    return groups


def _grow(graph: _Graph, i: int, j: int, placed: set[int], *, tight: bool) -> list[int]:
    """The cluster seeded by the link i ~ j: every claim linked to all its members (to
    all of them that it was scored with, when scoring was not exhaustive).

    Candidates are the links of every member, strongest first, so a fact reported by
    300 outlets gathers in one cluster although each claim keeps only a few partners.
    What each candidate has with the members is counted as members join, so a join
    costs the new member's partners, not the cluster's size. A claim already in a
    cluster joins another only when linked to both of its seeds: a sentence that states
    two facts belongs to both, but a cluster does not swallow its neighbours' members.
    """
    owner = graph.owner
    members: list[int] = []
    per_article: dict[str, int] = defaultdict(int)
    linked_to: dict[int, int] = defaultdict(int)  # candidate -> members it is linked to
    barred: set[int] = set()  # a member is scored unlinked (or, tight, weak) with it
    frontier: list[tuple[float, int]] = []

    def join(m: int) -> None:
        members.append(m)
        per_article[owner[m]] += 1
        barred.add(m)
        linked = graph.links[m]
        for x, p in graph.near[m].items():
            if x in linked:
                linked_to[x] += 1
                heapq.heappush(frontier, (-p, x))
            if (
                x not in linked
                or (tight and p < CONFLICT_MIN)
                or (not tight and graph.conflicts and _key(m, x) in graph.conflicts)
            ):
                barred.add(x)

    join(i)
    join(j)
    while frontier:
        _, k = heapq.heappop(frontier)
        if k in barred:
            continue
        others = len(members) - per_article[owner[k]]
        # Exhaustive scoring: linked to every member of another article. Otherwise a
        # member it was never scored with counts neither way, so a link or two would
        # let a chain of loosely related claims grow into one cluster: it takes three,
        # or all of them in a smaller cluster (it is seen again as more members link
        # to it). Measured on bench/speed.py's 30 articles, whose filler sentences
        # share a template: with two, 85 of them chained into one cluster.
        if graph.exhaustive:
            if linked_to[k] < others:
                barred.add(k)
                continue
        elif linked_to[k] < min(_LINKS_WHEN_BLOCKED, others):
            continue
        if k in placed and not all(
            k in graph.links[seed] for seed in (i, j) if owner[seed] != owner[k]
        ):
            barred.add(k)
            continue
        join(k)
    return members


def _cluster(
    group: Sequence[int],
    claims: Sequence[Claim],
    graph: _Graph,
    order: Mapping[str, int],
    total: int,
) -> Cluster:
    members = sorted(
        (claims[i] for i in group), key=lambda c: (order[c.article_id], c.evidence.start, c.id)
    )
    articles = sorted({c.article_id for c in members}, key=order.__getitem__)
    inside = set(group)
    clashes = sorted(
        {_key(i, j) for i in group for j in graph.links[i] if j in inside} & graph.conflicts.keys()
    )
    clash = (
        max((graph.conflicts[pair] for pair in clashes), key=lambda d: d.pair.similarity)
        if clashes
        else None
    )
    if clash is not None:
        status = ClusterStatus.conflict
    elif len(articles) == total:
        status = ClusterStatus.consensus
    else:
        status = ClusterStatus.partial
    return Cluster(
        id="",
        status=status,
        label=claims[group[0]].text,  # the seed: one side of the strongest link
        label_claim=claims[group[0]].id,
        claims=[c.id for c in members],
        articles=articles,
        conflict=conflict_of(members, clash) if clash else None,
    )


def single(claim: Claim, status: ClusterStatus) -> Cluster:
    """A row of one claim: only in its article, or not matched."""
    return Cluster(
        id="",
        status=status,
        label=claim.text,
        label_claim=claim.id,
        claims=[claim.id],
        articles=[claim.article_id],
    )


def _first(
    group: Sequence[int], claims: Sequence[Claim], order: Mapping[str, int]
) -> tuple[int, int]:
    first = min((claims[i] for i in group), key=lambda c: (order[c.article_id], c.evidence.start))
    return (order[first.article_id], first.evidence.start)


def _omissions(
    article_ids: Sequence[str],
    clusters: Sequence[Cluster],
    members: Sequence[Sequence[int]],
    graph: _Graph,
    near_in_meaning: Near | None,
) -> list[Omission]:
    """Per article, the consensus and partial clusters none of its claims comes close to."""
    omitted: dict[str, list[str]] = {aid: [] for aid in article_ids}
    shared = (ClusterStatus.consensus, ClusterStatus.partial)
    candidates = [
        (cluster, group)
        for cluster, group in zip(clusters, members, strict=True)
        if cluster.status in shared and len(cluster.articles) < len(article_ids)
    ]
    screened: list[set[str]]
    if graph.exhaustive:
        screened = [set() for _ in candidates]
    elif near_in_meaning is None:  # pairs went unscored and nothing vouches for an omission
        candidates, screened = [], []
    else:
        screened = near_in_meaning([g for _, g in candidates])
    close_to = _close_articles(graph)
    for (cluster, group), close in zip(candidates, screened, strict=True):
        near = close.union(*(close_to[i] for i in group))
        for aid in article_ids:
            if aid not in cluster.articles and aid not in near:
                omitted[aid].append(cluster.id)
    return [Omission(article_id=aid, clusters=omitted[aid]) for aid in article_ids]


def _close_articles(graph: _Graph) -> list[frozenset[str]]:
    """Per claim, the articles with a claim linked to it or scored ``OMIT_BELOW`` or more."""
    return [
        frozenset(graph.owner[j] for j, p in near.items() if p >= OMIT_BELOW or j in graph.links[i])
        for i, near in enumerate(graph.near)
    ]
