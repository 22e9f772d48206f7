"""Stories: the articles of a feed that report one event, grouped.

    stories = group(items)               # list of index lists, one per story

(api/stories/label.py names them; api/stories/feed.py compares each one.)

Algorithm, in four steps, each near-linear in the number of articles N:

1. *Vectors.* Each article becomes a sparse TF-IDF vector over its content terms
   (``api.text.terms.content_terms``: lowercased, lightly stemmed, stopwords and figures
   dropped), the headline's terms counted ``TITLE_WEIGHT`` times extra, sublinear tf,
   smoothed idf over the feed itself, unit length.
2. *Blocking.* Each article's ``KEYS`` heaviest terms are its blocking keys; two
   articles are candidates only if they share a key whose key-posting is at most
   ``MAX_POSTING`` long (a key that many articles carry is a topic, not an event). So
   pairs are O(N * KEYS * MAX_POSTING), never N^2; each article then keeps its
   ``TOP_K`` best candidates by exact cosine.
3. *Time.* When both articles carry ``published`` and lie more than ``MAX_GAP`` apart,
   their similarity is 0: the same topic days apart is usually another event.
4. *Average linkage on the candidate graph.* Clusters merge, best first, while the mean
   similarity over all their cross pairs (a pair that is not a candidate counts 0) is at
   least ``THRESHOLD``. Average linkage does not chain the way single linkage does.

Libraries: numpy and what already ships (the project tokenizer ``api.text.terms``, the
wordllama embeddings of ``api.text.embeddings``). scikit-learn,
datasketch or pynndescent would each bring a dependency (and scipy) for what is here
~150 lines; the candidate graph from rare shared keys is both the block and the
nearest-neighbour list. Output is deterministic: no randomness, no set iteration
order in any result, ties broken by index.
"""

from __future__ import annotations

import heapq
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from api.text.embeddings import embed, pair_cosines
from api.text.terms import content_terms

THRESHOLD = 0.14  # mean pair similarity over cross pairs for two clusters to merge
TITLE_WEIGHT = 1  # headline terms counted this many extra times
GRAM = 5  # character n-grams (within words) for spelling-level overlap
CHAR_SHARE = 0.5  # of the lexical similarity: char n-gram cosine vs word-term cosine
EMBED_SHARE = 0.2  # of the pair similarity: the static-embedding cosine
EMBED_FLOOR = 0.5  # embedding cosines below this (unrelated news sits ~0.1-0.45) add 0
KEYS = 12  # blocking keys per article (its heaviest terms)
MAX_POSTING = 60  # a key shared by more articles than this blocks nothing
TOP_K = 20  # candidates an article keeps (by exact cosine)
MAX_GAP = timedelta(days=3)
EMBED_BATCH = 256

Floats = npt.NDArray[np.float32]
Ints = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True)
class FeedItem:
    text: str
    title: str = ""
    published: datetime | None = None


@dataclass(frozen=True, slots=True)
class Vectors:
    """Unit TF-IDF rows in CSR form; each row's term ids sorted."""

    indptr: Ints
    indices: Ints
    data: Floats

    def row(self, i: int) -> tuple[Ints, Floats]:
        lo, hi = self.indptr[i], self.indptr[i + 1]
        return self.indices[lo:hi], self.data[lo:hi]


def group(articles: Sequence[FeedItem], threshold: float = THRESHOLD) -> list[list[int]]:
    """Stories as lists of article indices (each sorted), ordered by first member."""
    if not articles:
        return []
    pairs, sims = graph(articles)
    return link(len(articles), pairs, sims, threshold)


def graph(articles: Sequence[FeedItem]) -> tuple[Ints, Floats]:
    """The candidate graph: pairs (i < j) and their similarities (step 1-3)."""
    words = term_vectors(articles)
    left, right = _block(words)
    sims = _similarity(articles, words, left, right)
    keep = _top_k(left, right, sims)
    return np.stack([left[keep], right[keep]], axis=1), sims[keep]


def term_vectors(articles: Sequence[FeedItem]) -> Vectors:
    """Each article's unit TF-IDF row over its content terms (headline counted extra)."""
    return _vectorize([_terms(a) for a in articles])


def _terms(item: FeedItem) -> list[str]:
    terms = content_terms(item.text)
    if item.title:
        title = content_terms(item.title)
        if not item.text.startswith(item.title):
            terms += title  # the headline is part of the article in any case
        terms += title * TITLE_WEIGHT
    return terms


_WORD = re.compile(r"\w+")


def _grams(item: FeedItem) -> list[str]:
    """Character GRAM-grams of the lowercased words (a word shorter than GRAM is one)."""
    text = item.text if item.text.startswith(item.title) else f"{item.title} {item.text}"
    out: list[str] = []
    for word in _WORD.findall(f"{text} {item.title}".lower()):
        padded = f" {word} "
        out += [padded[k : k + GRAM] for k in range(max(1, len(padded) - GRAM + 1))]
    return out


def _vectorize(docs: Sequence[list[str]]) -> Vectors:
    """Unit TF-IDF rows (sublinear tf, smoothed idf over these documents)."""
    vocab: dict[str, int] = {}
    counts: list[dict[int, int]] = []
    for doc in docs:
        row: dict[int, int] = {}
        for t in doc:
            tid = vocab.setdefault(t, len(vocab))
            row[tid] = row.get(tid, 0) + 1
        counts.append(dict(sorted(row.items())))
    lengths = np.fromiter((len(r) for r in counts), dtype=np.int64, count=len(counts))
    indptr = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=indptr[1:])
    total = int(indptr[-1])
    indices = np.fromiter((t for r in counts for t in r), np.int64, total)
    tf = np.fromiter((c for r in counts for c in r.values()), np.float32, total)
    df = np.bincount(indices, minlength=len(vocab))
    idf = (np.log((1 + len(docs)) / (1 + df)) + 1).astype(np.float32)
    data = (1 + np.log(tf)) * idf[indices]
    row_of = np.repeat(np.arange(len(counts)), lengths)
    norms = np.sqrt(
        np.bincount(row_of, weights=data.astype(np.float64) ** 2, minlength=len(counts))
    )
    unit = data / np.where(norms > 0, norms, 1)[row_of]
    return Vectors(indptr, indices, unit.astype(np.float32))


def _block(vectors: Vectors) -> tuple[Ints, Ints]:
    """Candidate pairs (left < right, sorted): articles that share a blocking key (one
    of each one's KEYS heaviest terms) held by at most MAX_POSTING articles."""
    n = len(vectors.indptr) - 1
    key_doc: list[Ints] = []
    key_term: list[Ints] = []
    for i in range(n):
        idx, w = vectors.row(i)
        top = np.argsort(-w, kind="stable")[:KEYS]  # ties by term id: deterministic
        key_doc.append(np.full(len(top), i, dtype=np.int64))
        key_term.append(idx[top])
    docs = np.concatenate(key_doc)
    terms = np.concatenate(key_term)
    order = np.lexsort((docs, terms))
    docs, terms = docs[order], terms[order]
    firsts: list[Ints] = []
    seconds: list[Ints] = []
    for posting in np.split(docs, np.flatnonzero(np.diff(terms)) + 1):
        m = len(posting)
        if 2 <= m <= MAX_POSTING:
            a, b = np.triu_indices(m, 1)
            firsts.append(posting[a])
            seconds.append(posting[b])
    if not firsts:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    keys = np.unique(np.concatenate(firsts) * n + np.concatenate(seconds))
    return keys // n, keys % n  # left < right: each posting is sorted by article


def _similarity(articles: Sequence[FeedItem], words: Vectors, left: Ints, right: Ints) -> Floats:
    """Each candidate pair's similarity: word and char n-gram TF-IDF cosines and the
    static-embedding cosine, blended; 0 for articles published too far apart."""
    if not len(left):
        return np.zeros(0, np.float32)
    lexical = (1 - CHAR_SHARE) * _pair_cosines(words, left, right)
    lexical += CHAR_SHARE * _pair_cosines(_vectorize([_grams(a) for a in articles]), left, right)
    texts = [a.text if a.text.startswith(a.title) else f"{a.title} {a.text}" for a in articles]
    # In slices: the model pads a batch to its longest text (10,000 at once: gigabytes).
    emb = np.concatenate(
        [embed(texts[k : k + EMBED_BATCH]) for k in range(0, len(texts), EMBED_BATCH)]
    )
    cos = pair_cosines(emb, np.stack([left, right], axis=1))  # chunked gathers
    semantic = np.clip((cos - EMBED_FLOOR) / (1 - EMBED_FLOOR), 0, 1)
    sims = ((1 - EMBED_SHARE) * lexical + EMBED_SHARE * semantic).astype(np.float32)
    return _time_gate(articles, left, right, sims)


def _pair_cosines(vectors: Vectors, left: Ints, right: Ints) -> Floats:
    """Exact cosines of the pairs (sorted by left): one dense scatter per left row."""
    out = np.zeros(len(left), dtype=np.float32)
    buf = np.zeros(int(vectors.indices.max(initial=0)) + 1, dtype=np.float32)
    if not len(left):
        return out
    starts = np.flatnonzero(np.r_[True, left[1:] != left[:-1]])
    ends = np.r_[starts[1:], len(left)]
    ip, ix, dt = vectors.indptr, vectors.indices, vectors.data
    for s, e in zip(starts, ends, strict=True):
        i = int(left[s])
        idx, w = vectors.row(i)
        buf[idx] = w
        js = right[s:e]
        lens = ip[js + 1] - ip[js]
        seg = np.repeat(np.arange(len(js)), lens)
        gather = np.repeat(ip[js] - np.cumsum(lens) + lens, lens) + np.arange(len(seg))
        prods = buf[ix[gather]] * dt[gather]
        out[s:e] = np.bincount(seg, weights=prods, minlength=len(js))
        buf[idx] = 0
    return out


def _time_gate(articles: Sequence[FeedItem], left: Ints, right: Ints, sims: Floats) -> Floats:
    """0 for pairs whose two ``published`` lie more than MAX_GAP apart (a naive datetime
    is taken as UTC); pairs with a date missing keep their similarity."""
    if all(a.published is None for a in articles):
        return sims
    stamps = np.array(
        [np.nan if a.published is None else _epoch(a.published) for a in articles],
        dtype=np.float64,
    )
    far = np.abs(stamps[left] - stamps[right]) > MAX_GAP.total_seconds()  # NaN: False
    return np.where(far, np.float32(0), sims).astype(np.float32)


def _epoch(stamp: datetime) -> float:
    return (stamp if stamp.tzinfo else stamp.replace(tzinfo=UTC)).timestamp()


def _top_k(left: Ints, right: Ints, sims: Floats) -> npt.NDArray[np.bool_]:
    """Pairs within TOP_K of either end (ranked by cosine, then partner index)."""
    keep = np.zeros(len(left), dtype=bool)
    for a, b in ((left, right), (right, left)):
        order = np.lexsort((b, -sims, a))
        ranked_a = a[order]
        first = np.searchsorted(ranked_a, ranked_a, side="left")
        rank = np.arange(len(order)) - first
        keep[order[rank < TOP_K]] = True
    return keep & (sims > 0)


def link(n: int, pairs: Ints, sims: Floats, threshold: float = THRESHOLD) -> list[list[int]]:
    """Greedy average linkage over a sparse graph (absent pairs count as 0)."""
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    links: dict[int, dict[int, float]] = {i: {} for i in range(n)}
    for (i, j), s in zip(pairs.tolist(), sims.tolist(), strict=True):
        links[i][j] = links[i].get(j, 0.0) + s
        links[j][i] = links[j].get(i, 0.0) + s
    heap = [
        (-s, i, j)
        for (i, j), s in zip(pairs.tolist(), sims.tolist(), strict=True)
        if s >= threshold
    ]
    heapq.heapify(heap)
    while heap:
        neg, a, b = heapq.heappop(heap)
        if a not in members or b not in members:
            continue
        current = links[a].get(b, 0.0) / (len(members[a]) * len(members[b]))
        if not math.isclose(current, -neg, rel_tol=1e-9, abs_tol=1e-12):
            continue  # stale entry: a or b has changed since it was pushed
        keep, gone = (a, b) if a < b else (b, a)  # the lower id survives: deterministic
        members[keep] += members.pop(gone)
        merged = links[keep]
        for c, s in links.pop(gone).items():
            if c == keep:
                continue
            merged[c] = merged.get(c, 0.0) + s
            other = links[c]
            other[keep] = other.get(keep, 0.0) + other.pop(gone)
        merged.pop(gone, None)
        size = len(members[keep])
        for c in sorted(merged):
            avg = merged[c] / (size * len(members[c]))
            if avg >= threshold:
                heapq.heappush(heap, (-avg, min(keep, c), max(keep, c)))
    return sorted(sorted(m) for m in members.values())


def dot(a: tuple[Ints, Floats], b: tuple[Ints, Floats]) -> float:
    """Dot product of two sparse rows (sorted term ids)."""
    common, ia, ib = np.intersect1d(a[0], b[0], assume_unique=True, return_indices=True)
    return float(np.dot(a[1][ia], b[1][ib])) if len(common) else 0.0
