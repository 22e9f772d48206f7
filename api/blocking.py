"""Candidate pairs: which claims of different articles are worth scoring, and their scores.

A handful of articles (the common case) is scored exhaustively: every pair of claims
of different articles, which is exact and cheap below ``exhaustive`` pairs. Past that,
scoring every pair is quadratic, so candidates come from cheap sources whose union
catches nearly every real match:

1. an inverted index over selective terms (document frequency <= ``max_df``);
2. sorted neighbourhoods over MinHash keys of the content terms: claims whose term
   sets are alike share a key with probability equal to their Jaccard similarity;
3. sorted neighbourhoods over SimHash keys of the embeddings (random hyperplanes), for
   the same fact in other words;
4. counterparts (below).

There each claim keeps only its ``top_k`` best partners: a cluster of 300 outlets
stating one thing needs a connected graph, not all 45,000 edges.

Counterparts are claims that read the same but for their figures (whitespace and case
aside): wire copy reprinted by two outlets, or the same sentence with one number
changed. A claim's counterpart in another article *is* its match there, so its other
pairs with that article are dropped: a verbatim copy's neighbours are not the same
fact just because they share its topic.
"""

from __future__ import annotations

import re
import zlib
from collections import defaultdict
from collections.abc import Iterable, Sequence

import numpy as np

from api.engines.base import CandidatePair
from api.models import Claim
from api.pairscore import ClaimSignals, common, score, signals

FLOOR = 0.02  # below this probability a pair is not kept at all
EXHAUSTIVE = 60_000  # cross-article pairs scored exhaustively at most
_PASSES = 4
_WINDOW = 6
_SEEDS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F)
_SIMHASH_BITS = 16
_FIGURES = re.compile(r"\d[\d,.]*")

Pair = tuple[int, int]


class Matcher:
    """The claims of one comparison, ready to pair: candidates, and any pair on demand."""

    def __init__(self, claims: Sequence[Claim], *, exhaustive: int = EXHAUSTIVE) -> None:
        self.claims = claims
        self.signals = signals(claims)
        self.owners = [c.article_id for c in claims]
        self.shapes = [_shape(c.text) for c in claims]
        self.counterparts = _counterparts(self.owners, self.shapes)
        self.exhaustive = _cross_pairs(self.owners) <= exhaustive
        self._probed: dict[Pair, float] = {}

    def candidates(self, *, top_k: int = 8, max_df: int = 48) -> list[CandidatePair]:
        """Scored pairs of claims from different articles, most likely first.

        ``similarity`` is the probability (api.pairscore) that the two share a fact.
        """
        owners = self.owners
        raw = _all_pairs(owners) if self.exhaustive else _blocked(self.signals, max_df, self.shapes)
        pairs = [(i, j) for i, j in raw if not self._explained_away(i, j)]
        scored = dict(zip(pairs, self._score(pairs), strict=True))
        kept = [pair for pair, p in scored.items() if p >= FLOOR]
        if not self.exhaustive:
            kept = _top_k(kept, scored, top_k)
        claims = self.claims
        out = [CandidatePair(claims[i], claims[j], scored[i, j]) for i, j in kept]
        out.sort(key=lambda p: (-p.similarity, p.a.id, p.b.id))
        return out

    def probe(self, i: int, j: int) -> float:
        """The probability for a pair that ``candidates`` did not return (memoized).

        After an exhaustive pass every such pair scored below ``FLOOR``, or was
        explained away: 0 without scoring again.
        """
        pair = (i, j) if i < j else (j, i)
        if self.exhaustive or self.owners[i] == self.owners[j] or self._explained_away(*pair):
            return 0.0
        if pair not in self._probed:
            self._probed[pair] = self._score([pair])[0]
        return self._probed[pair]

    def _score(self, pairs: Sequence[Pair]) -> list[float]:
        shapes = self.shapes
        probs = score(self.signals, pairs)
        # The same words (figures aside) are the same statement, whatever the model says;
        # no shared word and unlike meaning are not, whatever the setting suggests.
        return [
            1.0 if shapes[i] == shapes[j] else p if common(self.signals, i, j) else 0.0
            for (i, j), p in zip(pairs, probs, strict=True)
        ]

    def _explained_away(self, i: int, j: int) -> bool:
        shapes, owners, counterparts = self.shapes, self.owners, self.counterparts
        if shapes[i] == shapes[j]:
            return False
        return counterparts.get((shapes[i], owners[j]), 0) > 0 or (
            counterparts.get((shapes[j], owners[i]), 0) > 0
        )


def candidate_pairs(claims: Sequence[Claim], **options: int) -> list[CandidatePair]:
    """:meth:`Matcher.candidates` of a fresh matcher: for callers that need no probes."""
    return Matcher(claims).candidates(**options)


def _shape(text: str) -> str:
    return _FIGURES.sub("#", " ".join(text.lower().split()))


def _counterparts(owners: Sequence[str], shapes: Sequence[str]) -> dict[tuple[str, str], int]:
    """(shape, article) -> how many claims of that article have that shape."""
    out: dict[tuple[str, str], int] = defaultdict(int)
    for owner, shape in zip(owners, shapes, strict=True):
        out[shape, owner] += 1
    return out


def _cross_pairs(owners: Sequence[str]) -> int:
    sizes: dict[str, int] = defaultdict(int)
    for owner in owners:
        sizes[owner] += 1
    n = len(owners)
    return (n * n - sum(s * s for s in sizes.values())) // 2


def _all_pairs(owners: Sequence[str]) -> list[Pair]:
    n = len(owners)
    return [(i, j) for i in range(n) for j in range(i + 1, n) if owners[i] != owners[j]]


def _blocked(sig: ClaimSignals, max_df: int, shapes: Sequence[str]) -> list[Pair]:
    owners = [c.article_id for c in sig.claims]
    seen: set[Pair] = set()
    for i, j in _raw_candidates(sig, max_df, shapes):
        if owners[i] != owners[j]:
            seen.add((i, j) if i < j else (j, i))
    return sorted(seen)


def _top_k(pairs: Iterable[Pair], scored: dict[Pair, float], top_k: int) -> list[Pair]:
    best: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for i, j in pairs:
        best[i].append((scored[i, j], j))
        best[j].append((scored[i, j], i))
    kept: set[Pair] = set()
    for i, partners in best.items():
        partners.sort(key=lambda p: (-p[0], p[1]))
        for _, j in partners[:top_k]:
            kept.add((i, j) if i < j else (j, i))
    return sorted(kept)


def _raw_candidates(sig: ClaimSignals, max_df: int, shapes: Sequence[str]) -> list[Pair]:
    vec = sig.terms
    n = len(sig.claims)
    out: list[Pair] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(vec.terms):
        for t in ts:
            if vec.df[t] <= max_df:
                postings[t].append(i)
    for ids in postings.values():
        out.extend((a, b) for k, a in enumerate(ids) for b in ids[k + 1 :])

    for seed in _SEEDS[:_PASSES]:
        out.extend(
            _neighbours(sorted((_minhash(vec.terms[i], seed), i) for i in range(n) if vec.terms[i]))
        )
    for keys in _simhash(sig):
        out.extend(_neighbours(sorted(zip(keys, range(n), strict=True))))

    by_shape: dict[str, list[int]] = defaultdict(list)
    for i, shape in enumerate(shapes):
        by_shape[shape].append(i)
    for ids in by_shape.values():
        # Every article's copy pairs with every other article's: at most one per article.
        out.extend((a, b) for k, a in enumerate(ids[:64]) for b in ids[k + 1 : 64])
    return out


def _neighbours(keyed: Sequence[tuple[object, int]]) -> Iterable[Pair]:
    for k in range(len(keyed)):
        for m in range(k + 1, min(k + 1 + _WINDOW, len(keyed))):
            yield keyed[k][1], keyed[m][1]


def _minhash(terms: frozenset[str], seed: int) -> tuple[int, int]:
    """The two smallest seeded hashes: the second orders claims within a key."""
    hashes = sorted(zlib.crc32(t.encode(), seed) for t in terms)
    return (hashes[0], hashes[1] if len(hashes) > 1 else -1)


def _simhash(sig: ClaimSignals) -> list[list[int]]:
    """Per pass, each claim's sign pattern on fixed random hyperplanes: nearby vectors
    share most bits, so sorting by it puts them side by side."""
    rng = np.random.default_rng(_SEEDS[0])
    weights = 1 << np.arange(_SIMHASH_BITS, dtype=np.int64)
    out: list[list[int]] = []
    for _ in range(_PASSES):
        planes = rng.standard_normal((sig.vectors.shape[1], _SIMHASH_BITS)).astype(np.float32)
        bits = (sig.vectors @ planes) > 0
        out.append([int(k) for k in bits.astype(np.int64) @ weights])
    return out
