"""Extractive summaries: pick whole sentences, verbatim, within a word budget.

Both the per-article summary and the cross-article brief are selections of real
sentences, so everything they say is grounded in a source by construction. Selection
is greedy with a redundancy penalty (MMR): the best-scoring sentence that still fits
the budget, minus how much it repeats what was already chosen.

The brief never says one thing twice: three outlets' headlines of one event are one
fact. A candidate that :func:`repeats` a sentence already in the brief (most of its
content terms, stems and names, are that sentence's) is skipped, not only penalized,
and so is one nearly all of whose terms the brief already holds. The check is
directional containment, not equality: "Pelosi said talks would go on" repeats
"Speaker Nancy Pelosi told reporters on Thursday that talks would go on", though
neither is a copy of the other, while the longer sentence after the shorter one adds
the day and the audience and stays. As the brief is reordered after selection, the
check runs once more in the order shown.

The one addition to a source's words is an editorial note in square brackets after a
contested figure or date, naming what the other outlets give instead: "a $1 trillion
[centre: $1.2 trillion] bill". Each note quotes another article.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from api.text.sentences import sentences
from api.text.terms import content_terms, has_quote_mark, word_count

_MIN_WORDS = 5  # shorter "sentences" are datelines, bylines and page furniture
_POOL = 60  # MMR looks at this many top-scored sentences, which keeps it linear
_REDUNDANCY = 0.3
_LEAD_WEIGHT = 0.35
# A quotation is one speaker's words; a brief states what the outlets report. Any
# weight from 0.05 to 0.3 ranks the same sentences on NeuS dev (bench/neus.py).
_QUOTED = 0.1
# Share of a sentence's content terms that an earlier brief sentence (or the brief so
# far) must already give for the sentence to restate it: "most of".
REPEATED = 0.5
_REPEATED_BY_ALL = 0.8


@dataclass(frozen=True, slots=True)
class Candidate:
    text: str
    terms: frozenset[str]
    score: float
    source: int  # article index
    position: int  # sentence index within its article
    support: float = 0.0  # the brief's: share of the other outlets that report it


def repeats(terms: Collection[str], given: Collection[str], share: float = REPEATED) -> bool:
    """Whether a sentence with content ``terms`` restates what a sentence with ``given``
    says: at least ``share`` of its terms are there (directional: a short sentence can
    repeat a long one that adds to it, not the other way round)."""
    if not terms:
        return False  # no fact to give twice
    return sum(1 for t in terms if t in given) > share * len(terms)


def restates(terms: frozenset[str], chosen: Sequence[frozenset[str]]) -> bool:
    """Whether a sentence with ``terms`` would give again what the ``chosen`` sentences
    give: it repeats one of them, or nearly all its terms are in them already."""
    if any(repeats(terms, c) for c in chosen):
        return True
    return bool(chosen) and repeats(terms, frozenset().union(*chosen), _REPEATED_BY_ALL)


def select(
    candidates: Sequence[Candidate], max_words: int, *, distinct: bool = False
) -> list[Candidate]:
    """MMR selection within ``max_words``; returned in the order chosen (best first).
    With ``distinct``, a candidate that :func:`restates` what is chosen is never chosen."""
    pool = sorted(candidates, key=lambda c: (-c.score, c.source, c.position))[:_POOL]
    sizes = [word_count(c.text) for c in pool]
    # Each candidate's largest overlap with a chosen sentence, kept up to date as
    # sentences are chosen rather than recomputed against all of them every round.
    overlaps = [0.0] * len(pool)
    chosen: list[Candidate] = []
    used = 0
    while pool:
        best = -1
        best_value = float("-inf")
        for k, cand in enumerate(pool):
            if used + sizes[k] > max_words:
                continue
            value = cand.score - _REDUNDANCY * overlaps[k]
            if value > best_value:
                best, best_value = k, value
        if best < 0:
            break
        pick = pool.pop(best)
        used += sizes.pop(best)
        del overlaps[best]
        chosen.append(pick)
        overlaps = [
            max(o, _overlap(c.terms, pick.terms)) for o, c in zip(overlaps, pool, strict=True)
        ]
        if distinct:  # drop what the brief now states, so that it never comes back
            given = [c.terms for c in chosen]
            keep = [k for k, c in enumerate(pool) if not restates(c.terms, given)]
            pool = [pool[k] for k in keep]
            sizes = [sizes[k] for k in keep]
            overlaps = [overlaps[k] for k in keep]
    if not chosen and pool:
        return [_truncated(pool[0], max_words)]
    return chosen


def _overlap(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a) if a else 1.0


def _truncated(cand: Candidate, max_words: int) -> Candidate:
    words = cand.text.split()[: max(1, max_words - 1)]
    text = " ".join(words) + " …"
    return Candidate(text, cand.terms, cand.score, cand.source, cand.position, cand.support)


def sentence_texts(text: str) -> list[str]:
    out = [s.of(text) for s in sentences(text)]
    kept = [s for s in out if word_count(s) >= _MIN_WORDS]
    return kept or out


def summarize_article(text: str, max_words: int) -> str:
    """Lead-biased centrality within one article; the chosen sentences keep text order."""
    texts = sentence_texts(text)
    bags = [frozenset(content_terms(t)) for t in texts]
    freq = Counter(t for bag in bags for t in bag)
    candidates = []
    for i, (t, bag) in enumerate(zip(texts, bags, strict=True)):
        # Centrality: how many other sentences share this sentence's terms, on average.
        central = sum(freq[w] - 1 for w in bag) / (len(bag) * max(len(texts) - 1, 1)) if bag else 0
        candidates.append(Candidate(t, bag, central + _LEAD_WEIGHT / (1 + i), 0, i))
    chosen = select(candidates, max_words)
    chosen.sort(key=lambda c: c.position)
    return " ".join(c.text for c in chosen)


def brief(
    texts: Sequence[str],
    max_words: int,
    support: Mapping[str, float] | None = None,
    withheld: Collection[str] = (),
    notes: Mapping[str, Sequence[tuple[str, str]]] | None = None,
) -> str:
    """Sentences that the other articles corroborate most, most widely reported first.

    Selection scores a sentence by the share of its terms that each *other* article also
    uses, averaged over those articles, less ``_QUOTED`` for a quotation. The chosen
    sentences are then ordered by ``support`` (sentence -> share of outlets reporting
    its claims), so the brief opens with what the outlets agree on.

    A brief must not state one side of a conflict as settled. A sentence in ``notes``
    (sentence -> (figure as written, what the others give)) states one side of a
    figure or date in dispute, and is shown with the other side after the figure; the
    note counts against the budget. ``withheld`` sentences (one side of a denial or of
    who said something) are left out. No sentence restates what an earlier one gives
    (:func:`restates`), whichever outlet wrote it: checked while selecting, and again
    in the order shown.
    """
    per_article = [sentence_texts(t) for t in texts]
    article_terms = [frozenset(content_terms(t)) for t in texts]
    adf = Counter(term for terms in article_terms for term in terms)
    others = max(len(texts) - 1, 1)
    weight = support or {}
    noted = notes or {}
    candidates: list[Candidate] = []
    for a, sents in enumerate(per_article):
        for i, sent in enumerate(sents):
            bag = frozenset(content_terms(sent))
            if not bag or sent in withheld:
                continue
            # adf[t] - 1: the other articles using t (this article always does).
            lexical = sum(adf[t] - 1 for t in bag) / (len(bag) * others)
            score = lexical - _QUOTED * has_quote_mark(sent)
            shown = annotated(sent, noted.get(sent, ()))
            candidates.append(Candidate(shown, bag, score, a, i, weight.get(sent, 0.0)))
    chosen = select(candidates, max_words, distinct=True)
    # Most widely reported first; among sentences about as widely reported (to a tenth
    # of the outlets), story order, ledes before details, as a reader expects.
    chosen.sort(key=lambda c: (-round(c.support, 1), c.position, c.source))
    kept: list[Candidate] = []
    for c in chosen:  # in the order shown, nothing repeats an earlier sentence
        if not restates(c.terms, [k.terms for k in kept]):
            kept.append(c)
    return " ".join(c.text for c in kept)


def annotated(sentence: str, notes: Sequence[tuple[str, str]]) -> str:
    """``sentence`` with each note in square brackets after the first occurrence of
    its figure: "the $1 trillion [centre: $1.2 trillion] bill"."""
    for figure, note in notes:
        at = sentence.find(figure)
        if at >= 0:
            end = at + len(figure)
            sentence = f"{sentence[:end]} [{note}]{sentence[end:]}"
    return sentence
