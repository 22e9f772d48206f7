"""Alignment: decide how candidate claim pairs relate, then group claims into clusters.

``assess`` is the offline judgement of one pair. Pairs it is confident about are
settled here; the rest (``ambiguous``) go to the engine's judge: the offline engine
settles them with the same rules at a middle threshold, the LLM engine asks a model.

Clusters are connected components over "same" and "conflict" edges, taken best
first, and a cluster never holds two claims of one article: one claim cannot absorb a
neighbouring article's near-duplicates, and chains of look-alikes cannot glue a whole
topic into one cluster.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from api.engines.base import CandidatePair, Relation, Verdict
from api.models import (
    Claim,
    Cluster,
    ClusterStatus,
    Conflict,
    ConflictKind,
    ConflictValue,
    Omission,
    Quantity,
)
from api.quantities import compatible
from api.terms import content_terms

SURE_SAME = 0.55  # at or above: the offline rules decide without a judge
SURE_UNRELATED = 0.3  # below: unrelated without a judge
MIDDLE = 0.42  # the offline judge's cut-off inside the ambiguous band
ACTOR_SIMILARITY = 0.7  # Jaccard, names aside: the same statement in different mouths


@dataclass(frozen=True, slots=True)
class Decision:
    pair: CandidatePair
    verdict: Verdict


def is_ambiguous(pair: CandidatePair) -> bool:
    return SURE_UNRELATED <= pair.similarity < SURE_SAME


def assess(pair: CandidatePair, threshold: float = SURE_SAME) -> Verdict:
    """The offline rules: related above ``threshold``; a conflict when related claims
    differ in a figure or date, in polarity, or in who said it."""
    if pair.similarity < threshold:
        return Verdict(Relation.unrelated, f"similarity {pair.similarity:.2f}")
    kind = conflict_kind(pair.a, pair.b)
    if kind is not None:
        return Verdict(Relation.conflict, kind.value)
    return Verdict(Relation.same, f"similarity {pair.similarity:.2f}")


def conflict_kind(a: Claim, b: Claim) -> ConflictKind | None:
    clash = _clashing_quantities(a, b)
    if clash is not None:
        return ConflictKind.date if clash[0].kind == "date" else ConflictKind.quantity
    if a.negated != b.negated and _denies_other(a, b):
        return ConflictKind.negation
    if (
        a.attribution is not None
        and b.attribution is not None
        and not _same_source(a.attribution.source, b.attribution.source)
        and _said_alike(a, b)
    ):
        return ConflictKind.actor
    return None


def _said_alike(a: Claim, b: Claim) -> bool:
    """The two claims say the same once the speakers' names are set aside; the names
    would otherwise dilute the similarity of exactly the pairs that matter here."""
    names = {
        t for c in (a, b) if c.attribution is not None for t in content_terms(c.attribution.source)
    }
    xs = set(content_terms(a.text)) - names
    ys = set(content_terms(b.text)) - names
    return bool(xs and ys) and len(xs & ys) / len(xs | ys) >= ACTOR_SIMILARITY


def _clashing_quantities(a: Claim, b: Claim) -> tuple[Quantity, Quantity] | None:
    """A pair of figures for the same thing that cannot both be true, unless another
    figure for that same thing agrees (then the outlets agree and add detail)."""
    clashes: dict[tuple[str, str | None], tuple[Quantity, Quantity]] = {}
    agreed: set[tuple[str, str | None]] = set()
    for qa in a.quantities:
        for qb in b.quantities:
            verdict = compatible(qa, qb)
            key = (qa.kind.value, qa.unit)
            if verdict is True:
                agreed.add(key)
            elif verdict is False:
                clashes.setdefault(key, (qa, qb))
    for key, pair in clashes.items():
        if key not in agreed:
            return pair
    return None


_NEGATED = re.compile(
    r"\b(?:not|never|no longer|no|n['’]t)\b\s+((?:\S+\s+){0,3}\S+)", re.IGNORECASE
)


def _denies_other(a: Claim, b: Claim) -> bool:
    """The negated claim denies a term the other asserts: "have not retreated" against
    "are retreating". A "not" elsewhere in a long sentence is no conflict."""
    return _denied_term(a, b) is not None


def _denied_term(a: Claim, b: Claim) -> str | None:
    negative, positive = (a, b) if a.negated else (b, a)
    asserted = set(content_terms(positive.text))
    for match in _NEGATED.finditer(negative.text):
        denied = content_terms(match.group(1))
        if denied and denied[0] in asserted:
            return denied[0]
    return None


_PUNCTUATION = ".,;:!?\"'“”‘’()"


def _polarity_value(claim: Claim, term: str) -> str:
    """The words that carry each side of a negation conflict: "not retreated" against
    "retreating", rather than both whole sentences."""
    if claim.negated:
        for match in _NEGATED.finditer(claim.text):
            words = match.group(0).split()
            for n in range(1, len(words)):
                if content_terms(words[n]) == [term]:
                    return " ".join(words[: n + 1]).rstrip(_PUNCTUATION)
    else:
        for word in claim.text.split():
            if content_terms(word) == [term]:
                return word.strip(_PUNCTUATION)
    return claim.text


def _same_source(x: str, y: str) -> bool:
    # "Perpetua" and "Andrew Perpetua" are one person; compare on the shorter name.
    xs, ys = set(x.lower().split()), set(y.lower().split())
    return xs <= ys or ys <= xs


def build_clusters(
    article_ids: Sequence[str], claims: Sequence[Claim], decisions: Sequence[Decision]
) -> list[Cluster]:
    by_id = {c.id: c for c in claims}
    parent = {c.id: c.id for c in claims}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    # A cluster holds at most one claim per article. Without this, chains of "alike"
    # pairs (A1~B1, B1~C1, C1~A2, ...) glue whole topics into one cluster.
    outlets = {c.id: {c.article_id} for c in claims}
    conflicts: dict[str, list[Decision]] = defaultdict(list)
    edges = [d for d in decisions if d.verdict.relation is not Relation.unrelated]
    edges.sort(key=lambda d: (-d.pair.similarity, d.pair.a.id, d.pair.b.id))
    for d in edges:
        ra, rb = find(d.pair.a.id), find(d.pair.b.id)
        if ra == rb or outlets[ra] & outlets[rb]:
            continue
        if len(outlets[ra]) < len(outlets[rb]):
            ra, rb = rb, ra
        parent[rb] = ra
        outlets[ra] |= outlets.pop(rb)
        if d.verdict.relation is Relation.conflict:
            conflicts[d.pair.a.id].append(d)

    members: dict[str, list[Claim]] = defaultdict(list)
    for c in claims:
        members[find(c.id)].append(c)
    root_conflicts: dict[str, Decision] = {}
    for claim_id, ds in conflicts.items():
        root_conflicts.setdefault(find(claim_id), ds[0])

    order = {aid: i for i, aid in enumerate(article_ids)}
    total = len(article_ids)
    built: list[Cluster] = []
    for root, group in members.items():
        group.sort(key=lambda c: (order[c.article_id], c.evidence.start))
        articles = sorted({c.article_id for c in group}, key=order.__getitem__)
        conflict = root_conflicts.get(root)
        if conflict is not None:
            status = ClusterStatus.conflict
        elif len(articles) == 1:
            status = ClusterStatus.unique
        elif len(articles) == total:
            status = ClusterStatus.consensus
        else:
            status = ClusterStatus.partial
        built.append(
            Cluster(
                id="",
                status=status,
                label=group[0].text,
                claims=[c.id for c in group],
                articles=articles,
                conflict=_conflict(group, conflict) if conflict else None,
            )
        )
    rank = {
        ClusterStatus.consensus: 0,
        ClusterStatus.conflict: 1,
        ClusterStatus.partial: 2,
        ClusterStatus.unique: 3,
    }
    built.sort(
        key=lambda k: (
            rank[k.status],
            -len(k.articles),
            order[by_id[k.claims[0]].article_id],
            by_id[k.claims[0]].evidence.start,
        )
    )
    return [k.model_copy(update={"id": f"k{i}"}) for i, k in enumerate(built, 1)]


def _conflict(group: Sequence[Claim], decision: Decision) -> Conflict:
    """Each article's side of the conflict, in the terms the conflict is about."""
    try:
        kind = ConflictKind(decision.verdict.reason)
    except ValueError:
        kind = conflict_kind(decision.pair.a, decision.pair.b) or ConflictKind.statement
    a, b = decision.pair.a, decision.pair.b
    clash = _clashing_quantities(a, b)
    denied = _denied_term(a, b) if a.negated != b.negated else None
    values = [
        ConflictValue(
            article_id=claim.article_id,
            claim_id=claim.id,
            value=_value_of(claim, kind, clash[0] if clash else None, denied),
        )
        for claim in group
    ]
    return Conflict(kind=kind, values=values)


def _value_of(claim: Claim, kind: ConflictKind, like: Quantity | None, denied: str | None) -> str:
    if kind in (ConflictKind.quantity, ConflictKind.date) and like is not None:
        for q in claim.quantities:
            if q.kind == like.kind and q.unit == like.unit:
                return q.text  # as written: "approximately ten thousand", not "10000"
    if kind is ConflictKind.actor and claim.attribution is not None:
        return claim.attribution.source
    if kind is ConflictKind.negation and denied is not None:
        return _polarity_value(claim, denied)
    return claim.text


def omissions(article_ids: Sequence[str], clusters: Sequence[Cluster]) -> list[Omission]:
    """Per article, the consensus and partial clusters it does not report."""
    shared = [k for k in clusters if k.status in (ClusterStatus.consensus, ClusterStatus.partial)]
    return [
        Omission(article_id=aid, clusters=[k.id for k in shared if aid not in k.articles])
        for aid in article_ids
    ]
