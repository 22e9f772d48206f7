"""Cluster growth when not every pair was scored (blocking at scale): a chain of
claims each linked only to its neighbours is not one cluster."""

from __future__ import annotations

import itertools

from api.align import clustering
from api.align.decide import Decision
from api.align.types import CandidatePair, Relation, Verdict
from api.models import Claim, ClusterStatus, Evidence


def claim(article: str, text: str) -> Claim:
    return Claim(
        id=f"{article}.c1",
        article_id=article,
        text=text,
        evidence=Evidence(quote=text, start=0, end=len(text)),
    )


def linked(a: Claim, b: Claim, p: float = 0.9) -> Decision:
    return Decision(CandidatePair(a, b, p), Verdict(Relation.states, "test"))


def build(claims: list[Claim], decisions: list[Decision]) -> list[list[str]]:
    ids = sorted({c.article_id for c in claims})
    sentence_of = {c.id: (c.article_id, 0) for c in claims}
    clusters, _ = clustering.build(
        ids, claims, decisions, sentence_of, exhaustive=False, near=lambda g: [set() for _ in g]
    )
    return [k.claims for k in clusters if k.status is not ClusterStatus.unmatched]


def test_a_chain_of_single_links_is_not_one_cluster_when_pairs_went_unscored() -> None:
    chain = [claim(f"a{n}", f"claim {n}") for n in range(1, 7)]
    decisions = [linked(x, y) for x, y in itertools.pairwise(chain)]
    groups = build(chain, decisions)
    assert max(len(g) for g in groups) == 2


def test_a_fact_every_claim_links_to_three_members_of_is_one_cluster() -> None:
    fact = [claim(f"a{n}", f"the same fact, outlet {n}") for n in range(1, 9)]
    # Each claim keeps only its nearest partners (here the next four): most pairs
    # went unscored, yet each later claim links to at least three members.
    decisions = [
        linked(fact[i], fact[j]) for i in range(len(fact)) for j in range(i + 1, min(i + 5, 8))
    ]
    groups = build(fact, decisions)
    assert sorted(len(g) for g in groups)[-1] == 8
