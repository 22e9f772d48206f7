"""How likely two claims of different articles state at least one same fact.

Outlets word one fact their own way, so no single signal is enough: word overlap
misses "left in place" / "allowed to stand", embeddings alone join any two sentences
on one topic. A logistic model weighs a few cheap signals of a pair:

- meaning: cosine of the two claims' static embeddings (api.embeddings);
- words: idf-weighted cosine and Jaccard of content terms, and how many they share;
- anchors: names and figures both claims mention;
- place: headlines and ledes carry an event's main fact, so early claims match more;
- centrality: a claim close to everything the other outlets say is about the main
  event, not background.

The weights were fitted on the labelled real coverage in ``align-dev.jsonl`` (40
events, 1,142 claim pairs; ``bench/fit_alignment.py`` re-derives them). They are global
choices: nothing here knows any event. Every feature is computed from the claims of one
comparison, so a result never depends on other requests.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from api.embeddings import Vectors, embed
from api.models import Claim
from api.terms import STOPWORDS
from api.termvectors import TermVectors, vectorize

FEATURES = (
    "embedding",
    "idf_cosine",
    "jaccard",
    "shared_terms",
    "shared_names",
    "shared_figures",
    "headlines",
    "first_position",
    "last_position",
    "centrality",
    "min_centrality",
)
# Fitted by bench/fit_alignment.py on align-dev.jsonl (standardized features, L2 = 1).
_MEAN = np.array(
    [0.3502, 0.0858, 0.1062, 0.3457, 0.0978, 0.0232, 0.6287, 0.0693, 0.199, 0.3502, 0.2931]
)
_SCALE = np.array(
    [0.2175, 0.1108, 0.1211, 0.3231, 0.208, 0.1113, 0.666, 0.0873, 0.1295, 0.1482, 0.1653]
)
_WEIGHTS = np.array(
    [0.2152, 1.2423, -0.8307, 0.7709, -0.1037, 0.6396, -0.1536, -0.4781, -0.5187, 0.1805, 0.4134]
)
_BIAS = 0.2208
MODEL = "parallax-align-2"

_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_FIGURE = re.compile(r"\d(?:[\d,.]*\d)?")
_POSITION_CAP = 10.0  # claims past the tenth are all "late"

Matrix = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class ClaimSignals:
    """What scoring needs of each claim of one comparison, computed once."""

    claims: Sequence[Claim]
    vectors: Vectors
    terms: TermVectors
    names: list[frozenset[str]]
    figures: list[frozenset[str]]
    position: list[int]  # index of the claim within its article
    centrality: npt.NDArray[np.float32]


def signals(claims: Sequence[Claim], terms: TermVectors | None = None) -> ClaimSignals:
    vectors = embed([c.text for c in claims])
    position: list[int] = []
    seen: dict[str, int] = {}
    for c in claims:
        position.append(seen.get(c.article_id, 0))
        seen[c.article_id] = position[-1] + 1
    return ClaimSignals(
        claims=claims,
        vectors=vectors,
        terms=terms or vectorize(claims),
        names=[_names(c.text) for c in claims],
        figures=[frozenset(_FIGURE.findall(c.text)) for c in claims],
        position=position,
        centrality=_centrality(claims, vectors),
    )


def _names(text: str) -> frozenset[str]:
    found = (m.lower() for m in _NAME.findall(text))
    return frozenset(n for n in found if n not in STOPWORDS)


def _centrality(claims: Sequence[Claim], vectors: Vectors) -> npt.NDArray[np.float32]:
    """Each claim's mean cosine with the other articles' claims, in O(N): the dot
    product with the sum of their vectors (all vectors minus its own article's)."""
    total = vectors.sum(axis=0)
    by_article: dict[str, list[int]] = {}
    for i, c in enumerate(claims):
        by_article.setdefault(c.article_id, []).append(i)
    out = np.zeros(len(claims), dtype=np.float32)
    n = len(claims)
    for rows in by_article.values():
        others = n - len(rows)
        if others:
            rest = total - vectors[rows].sum(axis=0)
            out[rows] = (vectors[rows] @ rest) / others
    return out


def features(s: ClaimSignals, pairs: Sequence[tuple[int, int]]) -> Matrix:
    """One row of :data:`FEATURES` per pair of claim indices."""
    x = np.zeros((len(pairs), len(FEATURES)))
    if not pairs:
        return x
    left = np.fromiter((i for i, _ in pairs), dtype=np.intp, count=len(pairs))
    right = np.fromiter((j for _, j in pairs), dtype=np.intp, count=len(pairs))
    x[:, 0] = np.einsum("ij,ij->i", s.vectors[left], s.vectors[right])
    cen_l, cen_r = s.centrality[left], s.centrality[right]
    x[:, 9] = (cen_l + cen_r) / 2
    x[:, 10] = np.minimum(cen_l, cen_r)
    terms = s.terms.terms
    for row, (i, j) in enumerate(pairs):
        shared = terms[i] & terms[j]
        union = len(terms[i]) + len(terms[j]) - len(shared)
        first, last = sorted((s.position[i], s.position[j]))
        x[row, 1:9] = (
            s.terms.cosine(i, j),
            len(shared) / union if union else 0.0,
            min(len(shared), 6) / 6,
            min(len(s.names[i] & s.names[j]), 3) / 3,
            min(len(s.figures[i] & s.figures[j]), 2) / 2,
            (first == 0) + (last == 0),
            min(first, _POSITION_CAP) / _POSITION_CAP,
            min(last, _POSITION_CAP) / _POSITION_CAP,
        )
    return x


def probabilities(x: Matrix) -> Matrix:
    z = ((x - _MEAN) / _SCALE) @ _WEIGHTS + _BIAS
    # Rounded: the JSON shows the same figures whatever the last bits of a platform's
    # float arithmetic.
    p: Matrix = np.round(1.0 / (1.0 + np.exp(-z)), 6)
    return p


def score(s: ClaimSignals, pairs: Sequence[tuple[int, int]]) -> list[float]:
    """P(the two claims share a fact) for each pair of claim indices."""
    return [float(p) for p in probabilities(features(s, pairs))]
