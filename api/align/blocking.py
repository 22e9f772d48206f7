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
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from api.align.pairscore import UNLIKE_BELOW, ClaimSignals, cosines, score, signals
from api.align.types import CandidatePair
from api.models import Claim

FLOOR = 0.02  # below this probability a pair is not kept at all
EXHAUSTIVE = 60_000  # cross-article pairs scored exhaustively at most
_PASSES = 3
_WINDOW = 6
_SEEDS = (0x9E3779B1, 0x85EBCA77, 0xC2B2AE3D, 0x27D4EB2F)
_SIMHASH_BITS = 16
_GROUP_CHUNK = 256  # clusters screened per matrix product (memory: chunk x claims)
_FIGURES = re.compile(r"\d[\d,.]*")

Pair = tuple[int, int]


class Matcher:
    """The claims of one comparison, ready to pair."""

    def __init__(self, claims: Sequence[Claim], *, exhaustive: int = EXHAUSTIVE) -> None:
        self.claims = claims
        self.signals = signals(claims)
        self.owners = [c.article_id for c in claims]
        self.shapes = [_shape(c.text) for c in claims]
        self.counterparts = _counterparts(self.owners, self.shapes)
        # The same, as integer codes for vectorized tests over many pairs at once.
        self._shape_ids = _codes(self.shapes)
        self._owner_ids = _codes(self.owners)
        self._owner_count = int(self._owner_ids.max(initial=-1)) + 1
        self._present = np.unique(self._shape_ids * self._owner_count + self._owner_ids)
        # Exhaustive: every pair missing from the candidates scored below FLOOR (or was
        # explained away). Otherwise a missing pair is simply unknown.
        self.exhaustive = _cross_pairs(self.owners) <= exhaustive

    def candidates(self, *, top_k: int = 8, max_df: int = 48) -> list[CandidatePair]:
        """Scored pairs of claims from different articles, most likely first.

        ``similarity`` is the probability (api.align.pairscore) that the two share a fact.
        """
        if self.exhaustive:
            raw = _all_pairs(self.owners)
        else:
            # Many raw pairs share only a common word: keep each claim's nearest in
            # meaning, then score those with every signal.
            raw = _nearest(self.signals, _blocked(self.signals, max_df, self.shapes), top_k + 4)
        pairs = raw[~self._explained_away(raw)]
        probs = self._score(pairs)
        likely = probs >= FLOOR
        pairs, probs = pairs[likely], probs[likely]
        if not self.exhaustive:
            best = _top_k(pairs, probs, top_k)
            pairs, probs = pairs[best], probs[best]
        order = np.lexsort((pairs[:, 1], pairs[:, 0], -probs))  # most likely first
        claims = self.claims
        return [
            CandidatePair(claims[i], claims[j], p)
            for (i, j), p in zip(pairs[order].tolist(), probs[order].tolist(), strict=True)
        ]

    def near_in_meaning(self, groups: Sequence[Sequence[int]]) -> list[set[str]]:
        """Per group of claims, the articles with a claim whose embedding cosine with the
        group's mean reaches ``UNLIKE_BELOW``: what vouches for an omission when not every
        pair was scored (pairs of that cosine or more are 96% of those that score 0.3)."""
        vectors = self.signals.vectors
        order = sorted(range(len(self.owners)), key=self.owners.__getitem__)
        ordered = vectors[order]
        owners = [self.owners[i] for i in order]
        starts = [k for k in range(len(owners)) if k == 0 or owners[k] != owners[k - 1]]
        out: list[set[str]] = []
        for lo in range(0, len(groups), _GROUP_CHUNK):
            chunk = groups[lo : lo + _GROUP_CHUNK]
            means = np.stack([vectors[list(g)].mean(axis=0) for g in chunk])
            means /= np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12)
            best = np.maximum.reduceat(means @ ordered.T, starts, axis=1)
            for row in best >= UNLIKE_BELOW:
                out.append({owners[starts[k]] for k in np.flatnonzero(row)})
        return out

    def _score(self, pairs: npt.NDArray[np.intp]) -> npt.NDArray[np.float64]:
        probs = np.array(score(self.signals, pairs), dtype=np.float64)
        # The same words (figures aside) are the same statement, whatever the model says.
        shape = self._shape_ids
        probs[shape[pairs[:, 0]] == shape[pairs[:, 1]]] = 1.0
        return probs

    def _explained_away(self, pairs: npt.NDArray[np.intp]) -> npt.NDArray[np.bool_]:
        """Per pair (i, j) of different shapes: does j's article have a claim of i's
        shape, or i's article one of j's? (A counterpart there is the match.)"""
        shape, owner, width = self._shape_ids, self._owner_ids, self._owner_count
        i, j = pairs[:, 0], pairs[:, 1]
        there = np.isin(shape[i] * width + owner[j], self._present)
        here = np.isin(shape[j] * width + owner[i], self._present)
        away: npt.NDArray[np.bool_] = (there | here) & (shape[i] != shape[j])
        return away


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


def _codes(values: Sequence[str]) -> npt.NDArray[np.int64]:
    """Each value as a small integer, equal values alike."""
    ids: dict[str, int] = {}
    return np.array([ids.setdefault(v, len(ids)) for v in values], dtype=np.int64)


def _all_pairs(owners: Sequence[str]) -> npt.NDArray[np.intp]:
    n = len(owners)
    found = [(i, j) for i in range(n) for j in range(i + 1, n) if owners[i] != owners[j]]
    return np.array(found, dtype=np.intp).reshape(-1, 2)


def _blocked(sig: ClaimSignals, max_df: int, shapes: Sequence[str]) -> npt.NDArray[np.intp]:
    """Distinct raw candidate pairs (i < j) of claims of different articles, as rows."""
    owner_ids: dict[str, int] = {}
    owners = np.array([owner_ids.setdefault(c.article_id, len(owner_ids)) for c in sig.claims])
    raw = _raw_candidates(sig, max_df, shapes)
    lo, hi = np.minimum(raw[:, 0], raw[:, 1]), np.maximum(raw[:, 0], raw[:, 1])
    keep = owners[lo] != owners[hi]
    n = max(len(sig.claims), 1)
    codes = _distinct(lo[keep].astype(np.int64) * n + hi[keep])
    return np.stack([codes // n, codes % n], axis=1).astype(np.intp)


def _nearest(sig: ClaimSignals, both: npt.NDArray[np.intp], keep: int) -> npt.NDArray[np.intp]:
    """The pairs in which one claim is among the other's ``keep`` nearest by embedding
    cosine: one vectorized pass instead of scoring every raw pair."""
    if not len(both):
        return both
    cos = cosines(sig, both)
    # Each pair seen from both ends: (claim, partner, cosine), best partners first.
    claim = np.concatenate([both[:, 0], both[:, 1]])
    pair_id = np.concatenate([np.arange(len(both)), np.arange(len(both))])
    order = np.lexsort((pair_id, -np.concatenate([cos, cos]), claim))
    claim, pair_id = claim[order], pair_id[order]
    starts = np.flatnonzero(np.r_[True, claim[1:] != claim[:-1]])
    rank = np.arange(len(claim)) - np.repeat(starts, np.diff(np.r_[starts, len(claim)]))
    chosen = _distinct(pair_id[rank < keep])
    return both[chosen]


def _distinct(values: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Sorted distinct values: a sort and a mask, faster here than np.unique's hashing."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _top_k(
    pairs: npt.NDArray[np.intp], probs: npt.NDArray[np.float64], top_k: int
) -> npt.NDArray[np.intp]:
    """Rows of the pairs in which one claim is among the other's ``top_k`` most likely
    partners (ties: the lower index first), in their order."""
    claim = np.concatenate([pairs[:, 0], pairs[:, 1]])
    partner = np.concatenate([pairs[:, 1], pairs[:, 0]])
    pair_id = np.tile(np.arange(len(pairs)), 2)
    order = np.lexsort((partner, -np.concatenate([probs, probs]), claim))
    claim, pair_id = claim[order], pair_id[order]
    starts = np.flatnonzero(np.r_[True, claim[1:] != claim[:-1]])
    rank = np.arange(len(claim)) - np.repeat(starts, np.diff(np.r_[starts, len(claim)]))
    return _distinct(pair_id[rank < top_k])


def _raw_candidates(sig: ClaimSignals, max_df: int, shapes: Sequence[str]) -> npt.NDArray[np.intp]:
    vec = sig.terms
    n = len(sig.claims)
    out: list[npt.NDArray[np.intp]] = [np.zeros((0, 2), dtype=np.intp)]
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ts in enumerate(vec.terms):
        for t in ts:
            if vec.df[t] <= max_df:
                postings[t].append(i)
    # Every article's copy of a shape pairs with every other's: at most 64 of them.
    by_shape: dict[str, list[int]] = defaultdict(list)
    for i, shape in enumerate(shapes):
        by_shape[shape].append(i)
    for ids in (*postings.values(), *(ids[:64] for ids in by_shape.values())):
        if len(ids) > 1:
            rows, cols = np.triu_indices(len(ids), 1)
            group = np.asarray(ids, dtype=np.intp)
            out.append(np.stack([group[rows], group[cols]], axis=1))

    first = np.unique(sig.text_ids, return_index=True)[1].tolist()  # claim per text
    text_of = sig.text_ids.tolist()
    for seed in _SEEDS[:_PASSES]:
        # The keys depend only on the terms: once per distinct text.
        per_text = [_minhash(vec.terms[i], seed) if vec.terms[i] else (0, 0) for i in first]
        keyed = sorted((per_text[text_of[i]], i) for i in range(n) if vec.terms[i])
        out.append(_neighbours(np.array([i for _, i in keyed], dtype=np.intp)))
    for keys in _simhash(sig):
        out.append(_neighbours(np.argsort(keys, kind="stable").astype(np.intp)))
    return np.concatenate(out)


def _neighbours(order: npt.NDArray[np.intp]) -> npt.NDArray[np.intp]:
    """Pairs of claims at most ``_WINDOW`` apart in ``order`` (a sorted neighbourhood)."""
    parts = [
        np.stack([order[:-d], order[d:]], axis=1) for d in range(1, _WINDOW + 1) if d < len(order)
    ]
    return np.concatenate(parts) if parts else np.zeros((0, 2), dtype=np.intp)


def _minhash(terms: frozenset[str], seed: int) -> tuple[int, int]:
    """The two smallest seeded hashes: the second orders claims within a key."""
    hashes = sorted(zlib.crc32(t.encode(), seed) for t in terms)
    return (hashes[0], hashes[1] if len(hashes) > 1 else -1)


def _simhash(sig: ClaimSignals) -> list[npt.NDArray[np.int64]]:
    """Per pass, each claim's sign pattern on fixed random hyperplanes: nearby vectors
    share most bits, so sorting by it puts them side by side."""
    rng = np.random.default_rng(_SEEDS[0])
    weights = 1 << np.arange(_SIMHASH_BITS, dtype=np.int64)
    out: list[npt.NDArray[np.int64]] = []
    for _ in range(_PASSES):
        planes = rng.standard_normal((sig.vectors.shape[1], _SIMHASH_BITS)).astype(np.float32)
        bits = (sig.vectors @ planes) > 0
        out.append(bits.astype(np.int64) @ weights)
    return out
