"""How likely two claims of different articles state at least one same fact.

Outlets word one fact their own way, so no single signal is enough: word overlap
misses "left in place" / "allowed to stand", embeddings alone join any two sentences
on one topic. A logistic model weighs a few cheap signals of a pair:

- meaning: cosine of the two claims' static embeddings (api.text.embeddings);
- words: idf-weighted cosine and Jaccard of content terms, and how many they share;
- anchors: names and figures both claims mention;
- headlines: an article's first claim (its headline, or its lede) carries the event's
  main fact, so two first claims that mean alike share a fact more often than their
  words say (the count of first claims, times their cosine: two unrelated headlines
  gain nothing). Later positions are left out on purpose: the labelled articles are
  short, and a weight for "late" learnt there would sink every claim of a long article;
- centrality: a claim close to everything the other outlets say is about the main
  event, not background;
- size: the longer two articles are, the smaller the share of their claim pairs that
  share a fact (the prior shifts; see ``_SIZE_FLOOR``);
- spelling: Jaccard of character 4-grams, which sees "refused" / "refusing" and
  "Kentucky's" / "Kentucky" that whole words miss;
- quotation: one claim quotes someone and the other does not.

"Both claims among their article's first two" ranks better still on the labelled
snippets (CV AUC 0.878), but there it stands in for their size: fitted with it, the
size weight halves, and long articles' pairs would all score higher. It is left out.

The weights were fitted on the labelled real coverage in ``align-dev.jsonl`` (40
events, 1,142 claim pairs; ``bench/fit_alignment.py`` re-derives them). They are global
choices: nothing here knows any event. Every feature is computed from the claims of one
comparison, so a result never depends on other requests.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from api.models import Claim
from api.text.chargrams import Bitsets, bitsets, jaccard
from api.text.embeddings import Vectors, embed, pair_cosines
from api.text.terms import STOPWORDS, has_quote_mark
from api.text.termvectors import TermVectors, vectorize

FEATURES = (
    "embedding",
    "idf_cosine",
    "jaccard",
    "shared_terms",
    "shared_names",
    "shared_figures",
    "headlines",
    "centrality",
    "min_centrality",
    "article_size",
    "char_grams",
    "one_quoted",
)
# Fitted by bench/fit_alignment.py on align-dev.jsonl (standardized features, L2 = 1).
# fmt: off
_MEAN = np.array([0.3502, 0.0858, 0.1062, 0.3457, 0.0978, 0.0232, 0.2546, 0.3502, 0.2931,
                  1.3159, 0.092, 0.1576])
_SCALE = np.array([0.2175, 0.1108, 0.1211, 0.3231, 0.208, 0.1113, 0.3575, 0.1482, 0.1653,
                   0.206, 0.0883, 0.3644])
_WEIGHTS = np.array([-0.0703, 1.1281, -1.597, 0.7832, -0.0889, 0.5979, 0.6034, 0.0954,
                     0.4773, -0.3089, 1.1914, -0.2036])
# fmt: on
_BIAS = 0.3707
MODEL = "parallax-align-3"
# The labelled articles are snippets of about three claims. Longer articles have
# proportionally fewer related pairs (a claim restates a fact or two of the other
# article, not a share of it), which ``article_size`` learns; below the snippets'
# size there is nothing to learn from, so shorter articles count as three claims.
_SIZE_FLOOR = math.log(3)
UNLIKE_BELOW = 0.2  # embedding cosine under which two claims mean unlike things

_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_FIGURE = re.compile(r"\d(?:[\d,.]*\d)?")

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
    size: list[int]  # how many claims its article has
    centrality: npt.NDArray[np.float32]
    grams: Bitsets  # character 4-grams (api.text.chargrams)
    quoted: list[bool]
    # Which distinct text each claim has (claims with the same text share an id):
    # outlets reprint wire copy, and what depends only on the words is computed once.
    text_ids: npt.NDArray[np.intp]


def signals(claims: Sequence[Claim]) -> ClaimSignals:
    texts = [c.text for c in claims]
    vectors = embed(texts)
    ids: dict[str, int] = {}
    text_ids = np.array([ids.setdefault(t, len(ids)) for t in texts], dtype=np.intp)
    names = [_names(t) for t in ids]
    figures = [frozenset(_FIGURE.findall(t)) for t in ids]
    position: list[int] = []
    seen: dict[str, int] = {}
    for c in claims:
        position.append(seen.get(c.article_id, 0))
        seen[c.article_id] = position[-1] + 1
    return ClaimSignals(
        claims=claims,
        vectors=vectors,
        terms=vectorize(claims),
        names=[names[k] for k in text_ids.tolist()],
        figures=[figures[k] for k in text_ids.tolist()],
        position=position,
        size=[seen[c.article_id] for c in claims],
        centrality=_centrality(claims, vectors),
        grams=bitsets(list(ids))[text_ids],
        quoted=[has_quote_mark(t) for t in texts],
        text_ids=text_ids,
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


Pairs = Sequence[tuple[int, int]] | npt.NDArray[np.intp]


def features(s: ClaimSignals, pairs: Pairs) -> Matrix:
    """One row of :data:`FEATURES` per pair of claim indices."""
    x = np.zeros((len(pairs), len(FEATURES)))
    if not len(pairs):
        return x
    both = np.asarray(pairs, dtype=np.intp).reshape(-1, 2)
    left, right = both[:, 0], both[:, 1]
    x[:, 0] = cosines(s, both)
    x[:, 1:6] = _word_features(s, both)
    first = np.asarray(s.position) == 0
    x[:, 6] = (first[left].astype(float) + first[right]) * np.maximum(x[:, 0], 0.0)
    cen_l, cen_r = s.centrality[left], s.centrality[right]
    x[:, 7] = (cen_l + cen_r) / 2
    x[:, 8] = np.minimum(cen_l, cen_r)
    sizes = np.asarray(s.size, dtype=np.float64)
    x[:, 9] = np.maximum(np.log(sizes[left] * sizes[right]) / 2, _SIZE_FLOOR)
    x[:, 10] = jaccard(s.grams, both)
    quoted = np.asarray(s.quoted)
    x[:, 11] = quoted[left] != quoted[right]
    return x


def cosines(s: ClaimSignals, both: npt.NDArray[np.intp]) -> Vectors:
    """Embedding cosine of each pair of claim indices, once per distinct pair of texts."""
    text_pairs, inverse = _text_pairs(s, both, symmetric=False)
    return pair_cosines(s.vectors, text_pairs)[inverse]


def _text_pairs(
    s: ClaimSignals, both: npt.NDArray[np.intp], *, symmetric: bool
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]]:
    """The distinct pairs of texts among ``both`` (ordered, unless ``symmetric``), each
    as a pair of the first claims with those texts; and per row of ``both``, its one."""
    ids = s.text_ids
    first = np.unique(ids, return_index=True)[1]  # per text id, its first claim
    a, b = ids[both[:, 0]], ids[both[:, 1]]
    if symmetric:
        a, b = np.minimum(a, b), np.maximum(a, b)
    width = len(first)
    distinct, inverse = np.unique(a.astype(np.int64) * width + b, return_inverse=True)
    pairs = np.stack([first[distinct // width], first[distinct % width]], axis=1)
    return pairs.astype(np.intp), inverse.reshape(-1).astype(np.intp)


def _word_features(s: ClaimSignals, both: npt.NDArray[np.intp]) -> Matrix:
    """idf cosine, Jaccard, shared terms, names and figures: set work, one pass.

    They depend only on the two texts, and are symmetric: each distinct unordered pair
    of texts is worked out once.
    """
    text_pairs, inverse = _text_pairs(s, both, symmetric=True)
    return _text_pair_features(s, text_pairs.tolist())[inverse]


def _text_pair_features(s: ClaimSignals, pairs: Sequence[Sequence[int]]) -> Matrix:
    terms, weight, norms = s.terms.terms, s.terms.weights.__getitem__, s.terms.norms
    names, figures = s.names, s.figures
    rows: list[tuple[float, float, float, float, float]] = []
    for i, j in pairs:
        ti, tj = terms[i], terms[j]
        shared = ti & tj
        k = len(shared)
        if k:
            # fsum is exactly rounded: the sum does not depend on set order.
            cosine = math.fsum(map(weight, shared)) / (norms[i] * norms[j])
            jaccard = k / (len(ti) + len(tj) - k)
        else:
            cosine = jaccard = 0.0
        rows.append(
            (
                cosine,
                jaccard,
                min(k, 6) / 6,
                min(len(names[i] & names[j]), 3) / 3,
                min(len(figures[i] & figures[j]), 2) / 2,
            )
        )
    return np.array(rows, dtype=np.float64)


def probabilities(x: Matrix) -> Matrix:
    z = ((x - _MEAN) / _SCALE) @ _WEIGHTS + _BIAS
    # Rounded: the JSON shows the same figures whatever the last bits of a platform's
    # float arithmetic.
    p: Matrix = np.round(1.0 / (1.0 + np.exp(-z)), 6)
    return p


def score(s: ClaimSignals, pairs: Pairs) -> list[float]:
    """P(the two claims share a fact) for each pair of claim indices.

    A pair with nothing in common (no word, name or figure, and meanings far apart)
    scores 0: the setting features (headlines, centrality, size) lift every pair of an
    event, and would otherwise lift two unrelated claims too.
    """
    x = features(s, pairs)
    p = probabilities(x)
    apart = (x[:, 3] == 0) & (x[:, 4] == 0) & (x[:, 5] == 0) & (x[:, 0] < UNLIKE_BELOW)
    p[apart] = 0.0
    return [float(v) for v in p]
