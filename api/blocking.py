"""Candidate blocking: which claim pairs are worth scoring at all.

Scoring every claim against every other is quadratic, so candidates come from three
cheap sources whose union catches nearly every real match:

1. an inverted index over selective terms (document frequency <= ``max_df``): exact
   for the common case of a handful of articles;
2. sorted neighbourhoods over MinHash keys (a standard record-linkage blocker): claims
   whose term sets are alike share a MinHash key with probability equal to their
   Jaccard similarity, so after sorting by key they sit next to each other. This is
   what keeps 300 articles on one event at N log N when every term is common;
3. identical normalized text, for claims with no content terms at all.

Each claim keeps only its ``top_k`` best partners: a cluster of 300 outlets stating one
thing needs a connected graph, not all 45,000 edges.
"""

from __future__ import annotations

import math
import zlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from api.engines.base import CandidatePair
from api.models import Claim
from api.terms import content_terms

_PASSES = 4
_WINDOW = 6
_SEEDS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F)


@dataclass(frozen=True, slots=True)
class TermVectors:
    """Binary, idf-weighted term vectors of a batch of claims."""

    terms: list[frozenset[str]]
    weights: dict[str, float]  # idf squared, per term
    norms: list[float]
    df: dict[str, int]

    def cosine(self, i: int, j: int) -> float:
        if not self.norms[i] or not self.norms[j]:
            return 0.0
        # fsum is exactly rounded, so the result does not depend on set order (which
        # changes with PYTHONHASHSEED) and ties at the top_k cut-off break the same way.
        dot = math.fsum(map(self.weights.__getitem__, self.terms[i] & self.terms[j]))
        return dot / (self.norms[i] * self.norms[j])


def vectorize(claims: Sequence[Claim]) -> TermVectors:
    terms = [frozenset(content_terms(c.text)) for c in claims]
    df: dict[str, int] = defaultdict(int)
    for ts in terms:
        for t in ts:
            df[t] += 1
    n = max(len(claims), 1)
    weights = {t: math.log(1.0 + n / d) ** 2 for t, d in df.items()}
    norms = [math.sqrt(math.fsum(weights[t] for t in ts)) for ts in terms]
    return TermVectors(terms, weights, norms, dict(df))


def candidate_pairs(
    claims: Sequence[Claim],
    vectors: TermVectors | None = None,
    *,
    min_similarity: float = 0.25,
    top_k: int = 8,
    max_df: int = 48,
) -> list[CandidatePair]:
    """Scored pairs of claims from different articles, best partners first per claim."""
    vec = vectors or vectorize(claims)
    texts = [_norm(c.text) for c in claims]  # once per claim, not once per pair
    owners = [c.article_id for c in claims]
    seen: set[tuple[int, int]] = set()
    for i, j in _raw_candidates(claims, vec, max_df, texts):
        if owners[i] != owners[j]:
            seen.add((i, j) if i < j else (j, i))

    sims: dict[tuple[int, int], float] = {}
    best: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i, j in seen:
        sim = 1.0 if texts[i] == texts[j] else vec.cosine(i, j)
        if sim >= min_similarity:
            sims[i, j] = sim
            best[i].append((sim, j))
            best[j].append((sim, i))

    kept: set[tuple[int, int]] = set()
    for i, partners in best.items():
        partners.sort(key=lambda p: (-p[0], p[1]))
        for _, j in partners[:top_k]:
            kept.add((i, j) if i < j else (j, i))
    pairs = [CandidatePair(claims[i], claims[j], sims[i, j]) for i, j in kept]
    pairs.sort(key=lambda p: (-p.similarity, p.a.id, p.b.id))
    return pairs


def _raw_candidates(
    claims: Sequence[Claim], vec: TermVectors, max_df: int, texts: Sequence[str]
) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(vec.terms):
        for t in ts:
            if vec.df[t] <= max_df:
                postings[t].append(i)
    for ids in postings.values():
        out.extend((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])

    for seed in _SEEDS[:_PASSES]:
        keyed = sorted(
            (_minhash(vec.terms[i], seed), i) for i in range(len(claims)) if vec.terms[i]
        )
        for k in range(len(keyed)):
            for m in range(k + 1, min(k + 1 + _WINDOW, len(keyed))):
                out.append((keyed[k][1], keyed[m][1]))

    by_text: dict[str, list[int]] = defaultdict(list)
    for i, text in enumerate(texts):
        by_text[text].append(i)
    for ids in by_text.values():
        # Every article's copy pairs with every other article's: at most one per article.
        out.extend((a, b) for k, a in enumerate(ids[:64]) for b in ids[k + 1 : 64])
    return out


def _minhash(terms: frozenset[str], seed: int) -> tuple[int, int]:
    """The two smallest seeded hashes: the second orders claims within a key."""
    hashes = sorted(zlib.crc32(t.encode(), seed) for t in terms)
    return (hashes[0], hashes[1] if len(hashes) > 1 else -1)


def _norm(text: str) -> str:
    return " ".join(text.lower().split())
