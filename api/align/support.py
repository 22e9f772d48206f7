"""Directional support: how much of a claim another article's sentence states.

"X states c" holds when c's content is contained in what X says, so the score is a
*recall* of c's content in one sentence of X, never a symmetric closeness: a broader
sentence ("the court left the law in place") does not state a narrower claim ("the
justices did not comment"), because it lacks the claim's words.

- Each content term of c weighs its idf over the comparison's sentences: rare words
  (names, the detail that tells one fact from another) count most.
- A term is found when the sentence has the same stem, or the same five-letter prefix
  ("requiring" / "requires"), which counts a little less.
- Each figure of c is found when the sentence gives a compatible one (api.claims
  .quantities); an incompatible figure of the same kind fills the slot too, and is
  kept as a clash: the same fact with another value is a conflict, not another fact.

``Passage`` records, for one claim and one other article, the sentence that states
the most of it, with what the decision rules need: the share and weight found, the
weight of the rarest term left out, and the clashes.

Outlets reprint wire copy, whole or trimmed, so two rules read copied sentences:

- an article that has the claim's own sentence word for word states the claim, however
  little the claim says on its own ("including Hope Hicks");
- a sentence of X that is a copy of *another* sentence of the claim's own article says
  what that sentence says, so it is passed over for the claim unless it holds every
  term of it: the trimmed copy of a story, whose other sentences it repeats, does not
  state the paragraph it cut.

Both depend on the sentence a quote stands in, so passages are kept per *context*, the
quote and its sentence's text (``Support.context``), not per quote alone.

Blocking keeps this near N log N: a claim is only scored against the sentences that
share one of its *keys*, its rarest terms, taken until the terms left out weigh no more
than "absent" allows; when its figures are still left, a key per figure kind (a
sentence can only give a figure of the same kind, api.claims.quantities.compatible).
A sentence sharing no key then states none of the claim, so
"X states none of it" is exact even though most sentences were never scored. A key
held by more than ``MAX_POSTING`` sentences ends the search early; that claim's
"absent" is then not known, and nothing is said of it.
"""

from __future__ import annotations

import bisect
import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from api.claims.quantities import compatible, extract_quantities
from api.models import Claim, Quantity, QuantityKind
from api.text.sentences import Span, sentences
from api.text.terms import content_terms

PREFIX_CREDIT = 0.9  # "requiring" found as "requires": nearly, not quite, the word
FIGURE_WEIGHT = 1.5  # a figure weighs about as much as a fairly rare word
# A sentence that states at most this share of a claim, and at most this much of its
# weight (about one word of middling rarity), states none of it: in a long claim a small
# share can still be a whole fact of its own.
ABSENT = 0.15
ABSENT_WEIGHT = 0.8
# A key term held by more sentences than this is too common to search by: a claim
# that would need it is not searched exhaustively (nothing "absent" is said of it).
MAX_POSTING = 300
# Sentences of one article scored in full for a claim: those sharing the most key weight.
CANDIDATES = 2


@dataclass(frozen=True, slots=True)
class Sentence:
    article_id: str
    index: int  # within its article
    span: Span
    text_id: int  # sentences with the same words share one: a claim scores them once
    terms: frozenset[str]
    prefixes: frozenset[str]
    quantities: tuple[Quantity, ...]


@dataclass(frozen=True, slots=True)
class Passage:
    """The sentence of one other article that states the most of a claim."""

    sentence: Sentence | None  # None: no sentence of that article shares a key
    found: float  # share of the claim's weight the sentence states, in [0, 1]
    missing: float  # idf of the rarest term of the claim the sentence lacks (0: none)
    weight: float = 0.0  # the weight of the claim the sentence states
    clashes: tuple[tuple[Quantity, Quantity], ...] = ()


NOWHERE = Passage(None, 0.0, math.inf)

# A quote and the text of the sentence it stands in: what its passages depend on.
Context = tuple[str, int]


@dataclass(slots=True)
class _Weights:
    terms: dict[str, float] = field(default_factory=dict)
    quantities: tuple[Quantity, ...] = ()
    keys: tuple[tuple[str, float], ...] = ()  # (key, the weight a sentence holding it shares)
    exhaustive: bool = True  # every sentence that could score above ABSENT is a candidate
    total: float = 0.0  # the claim's whole weight: its terms' and its figures'


def _kind_key(kind: QuantityKind) -> str:
    """The posting of the sentences giving a figure of ``kind`` (no term has a '#')."""
    return f"#{kind.value}"


def _prefix(term: str) -> str | None:
    return term[:5] if len(term) >= 5 else None


class Support:
    """Every claim of one comparison against every other article's sentences."""

    def __init__(self, texts: Mapping[str, str], claims: Sequence[Claim]) -> None:
        self.sentences: dict[str, list[Sentence]] = {}
        postings: dict[str, list[Sentence]] = defaultdict(list)
        text_ids: dict[str, int] = {}
        for aid, text in texts.items():
            own: list[Sentence] = []
            for i, span in enumerate(sentences(text)):
                body = span.of(text)
                terms = frozenset(content_terms(body))
                s = Sentence(
                    aid,
                    i,
                    span,
                    text_ids.setdefault(body, len(text_ids)),
                    terms,
                    frozenset(p for t in terms if (p := _prefix(t))),
                    tuple(extract_quantities(text, span.start, span.end)),
                )
                own.append(s)
                for t in terms:
                    postings[t].append(s)
                for kind in sorted({q.kind for q in s.quantities}):
                    postings[_kind_key(kind)].append(s)
            self.sentences[aid] = own
        self._postings = postings
        self._starts = {aid: [s.span.start for s in own] for aid, own in self.sentences.items()}
        n = sum(len(v) for v in self.sentences.values())
        self._idf = {t: math.log(1 + n / (1 + len(p))) for t, p in postings.items()}
        self._n = n
        self._weights = {c.id: self._weigh(c) for c in claims}
        self._claims_in: dict[tuple[str, int], list[Claim]] = defaultdict(list)
        self._contexts: dict[str, Context] = {}  # by claim id: every lookup reads one
        for c in claims:
            s = self.sentence_of(c)
            self._claims_in[(s.article_id, s.index)].append(c)
            self._contexts[c.id] = (c.evidence.quote, s.text_id)
        # Copied sentences (the module's two copy rules): each sentence text's first
        # sentence in every article that has it, and each article's sentence texts.
        self._copies: dict[int, dict[str, Sentence]] = defaultdict(dict)
        for aid, own in self.sentences.items():
            for s in own:
                self._copies[s.text_id].setdefault(aid, s)
        self._texts_of = {
            aid: frozenset(s.text_id for s in own) for aid, own in self.sentences.items()
        }
        self._cache: dict[Context, dict[str, Passage]] = {}

    def idf(self, term: str) -> float:
        return self._idf.get(term, math.log(1 + self._n))

    def weight(self, claim: Claim) -> float:
        return self._weights[claim.id].total

    def terms(self, claim: Claim) -> dict[str, float]:
        return self._weights[claim.id].terms

    def exhaustive(self, claim: Claim) -> bool:
        return self._weights[claim.id].exhaustive

    def claims_in(self, article_id: str, index: int) -> Sequence[Claim]:
        """The claims whose evidence starts in that sentence, in text order."""
        return self._claims_in.get((article_id, index), ())

    def context(self, claim: Claim) -> Context:
        known = self._contexts.get(claim.id)
        if known is not None and known[0] == claim.evidence.quote:
            return known
        return claim.evidence.quote, self.sentence_of(claim).text_id

    def sentence_of(self, claim: Claim) -> Sentence:
        """The sentence the claim's evidence starts in."""
        own = self.sentences[claim.article_id]
        i = bisect.bisect_right(self._starts[claim.article_id], claim.evidence.start) - 1
        return own[max(i, 0)]

    def _weigh(self, claim: Claim) -> _Weights:
        terms: dict[str, float] = {}
        for t in content_terms(claim.evidence.quote):
            terms[t] = self.idf(t)
        quantities = tuple(claim.quantities)
        total = sum(terms.values()) + FIGURE_WEIGHT * len(quantities)
        keys: list[tuple[str, float]] = []
        left = total
        exhaustive = True
        bound = min(ABSENT * total, ABSENT_WEIGHT)
        for t in sorted(terms, key=lambda t: (-terms[t], t)):
            if left <= bound:
                break
            if len(self._postings.get(t, ())) > MAX_POSTING:
                exhaustive = False
                break
            keys.append((t, terms[t]))
            left -= terms[t]
        if exhaustive and left > bound:
            # Only figures left to find: the sentences giving a figure of their kinds.
            kinds = Counter(q.kind for q in quantities)
            for kind in sorted(kinds):
                key = _kind_key(kind)
                if len(self._postings.get(key, ())) > MAX_POSTING:
                    exhaustive = False
                    break
                keys.append((key, FIGURE_WEIGHT * kinds[kind]))
        return _Weights(terms, quantities, tuple(keys), exhaustive, total)

    def passages(self, claim: Claim) -> dict[str, Passage]:
        """For each article, the sentence that states the most of ``claim``.

        The claim's own article is in it too (its own sentence, as a rule): read the
        other articles. Outlets reprint wire copy, so a context is scored once against
        every article and the mapping is shared by each claim with that context."""
        key = self.context(claim)
        everywhere = self._cache.get(key)
        if everywhere is None:
            everywhere = self._everywhere(self._weights[claim.id], self.sentence_of(claim))
            self._cache[key] = everywhere
        return everywhere

    def _everywhere(self, w: _Weights, own: Sentence) -> dict[str, Passage]:
        # The key weight each candidate shares, summed along the postings; only the
        # CANDIDATES best sentences of each article by it are scored in full.
        shared: dict[tuple[str, int], float] = defaultdict(float)
        at: dict[tuple[str, int], Sentence] = {}
        for t, weight in w.keys:
            for s in self._postings.get(t, ()):
                key = (s.article_id, s.index)
                shared[key] += weight
                at[key] = s
        per_article: dict[str, list[tuple[float, int]]] = defaultdict(list)
        for (aid, index), weight in shared.items():
            per_article[aid].append((-weight, index))
        # The other sentences of the claim's own article: their copies elsewhere say
        # what they say (the module's second copy rule).
        elsewhere = self._texts_of[own.article_id]
        best: dict[str, Passage] = {}
        scored: dict[int, Passage] = {}  # by sentence text
        for aid, copy in self._copies[own.text_id].items():
            best[aid] = self._scored(w, copy, scored)  # the very sentence: all of it
        for aid, ranked in per_article.items():
            if aid in best:
                continue
            ranked.sort()
            kept = 0
            for _, index in ranked:
                if kept == CANDIDATES:
                    break
                p = self._scored(w, at[(aid, index)], scored)
                text = at[(aid, index)].text_id
                if text != own.text_id and text in elsewhere and p.found < 1.0:
                    continue  # a copy of another sentence of the claim's own article
                kept += 1
                old = best.get(aid)
                if old is None or (p.found, -p.missing) > (old.found, -old.missing):
                    best[aid] = p
        return best

    def _scored(self, w: _Weights, s: Sentence, scored: dict[int, Passage]) -> Passage:
        known = scored.get(s.text_id)
        if known is None:
            known = scored[s.text_id] = self._score(w, s)
        return Passage(s, known.found, known.missing, known.weight, known.clashes)

    @staticmethod
    def _score(w: _Weights, s: Sentence) -> Passage:
        total = got = 0.0
        missing = 0.0
        for t, weight in w.terms.items():
            total += weight
            if t in s.terms:
                got += weight
                continue
            p = _prefix(t)
            if p is not None and p in s.prefixes:
                got += weight * PREFIX_CREDIT
            else:
                missing = max(missing, weight)
        clashes: list[tuple[Quantity, Quantity]] = []
        for q in w.quantities:
            total += FIGURE_WEIGHT
            verdicts = [(compatible(q, r), r) for r in s.quantities]
            # The same words are the same figure, whether or not it can be compared
            # ("Tuesday" with "Tuesday": a weekday has no date to compare).
            if any(v is True or r.text.casefold() == q.text.casefold() for v, r in verdicts):
                got += FIGURE_WEIGHT
                continue
            other = next((r for v, r in verdicts if v is False), None)
            if other is not None:
                got += FIGURE_WEIGHT
                clashes.append((q, other))
            else:
                missing = max(missing, FIGURE_WEIGHT)
        return Passage(s, got / total if total else 0.0, missing, got, tuple(clashes))
