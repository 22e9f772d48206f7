"""Alignment as a whole: which article states which claim, then the rows.

1. ``Coverage(articles)`` scores every claim against every other article's sentences
   (api.align.support) and lets the rules answer what they are sure of
   (api.align.decide);
2. ``questions`` are the rest: a claim and the passage of another article that comes
   closest, for the engine's judge (one batch of questions, however many articles);
3. ``rows(verdicts)`` builds the rows from both (api.align.rows).

A stated claim is checked for a conflict against the claims of the passage that
states it, one atomic claim against another, so that a figure elsewhere in a long
sentence is not taken for the other side.
"""

from __future__ import annotations

from collections.abc import Sequence

from api.align import decide, rows, rules
from api.align.relations import Relations
from api.align.support import Context, Sentence, Support
from api.align.types import CandidatePair, Relation, Verdict
from api.models import ArticleResult, Claim, Cluster, Evidence, Omission

# A passage that states less of a claim than this is not worth a question: no judge
# would find the claim stated there, and nothing is said either way.
ASK_FROM = 0.4
# What lined the claims up, recorded in each result (EngineInfo.alignment).
COVERAGE_MODEL = "parallax-coverage-2 (atomic claims, directional support, copy rules)"


class Coverage:
    def __init__(self, results: Sequence[ArticleResult]) -> None:
        self.article_ids = [r.id for r in results]
        self.claims = [c for r in results for c in r.claims]
        self._texts = {r.id: r.text for r in results}
        self.support = Support(self._texts, self.claims)
        self._passage_claims: dict[tuple[str, int], Claim] = {}
        self._conflicts: dict[tuple[str, str], bool] = {}
        self._order = {aid: i for i, aid in enumerate(self.article_ids)}
        # What the rules decided, by context and article (api.align.relations).
        self._table: dict[Context, dict[str, Relation]] = {}
        # One question per distinct (context, passage): wire copy asks each once.
        self.questions: list[CandidatePair] = []
        self._waiting: list[tuple[Claim, str]] = []  # the claim and article of each
        for c in self.claims:
            context = self.support.context(c)
            if context in self._table:
                continue
            row = self._table[context] = {}
            # Every article, the claim's own included: another claim with this quote
            # may stand in another article, and reads this one.
            for x, passage in self.support.passages(c).items():
                relation = rules.rule(c, passage, self.support)
                if relation is not None:
                    row[x] = self._checked(c, x, relation)
                elif passage.sentence is not None and passage.found >= ASK_FROM:
                    self.questions.append(
                        CandidatePair(c, self._passage(passage.sentence), passage.found)
                    )
                    self._waiting.append((c, x))

    @property
    def relations(self) -> Relations:
        """The rules' relations alone (the judge's questions unanswered)."""
        return Relations(self._table, self.support, self._order)

    def rows(self, answers: Sequence[Verdict] = ()) -> tuple[list[Cluster], list[Omission]]:
        """The rows, with the judge's ``answers`` to :attr:`questions`, in order."""
        if len(answers) != len(self.questions):
            raise ValueError(f"{len(answers)} answers to {len(self.questions)} questions")
        table = {context: dict(row) for context, row in self._table.items()}
        for (claim, x), answer in zip(self._waiting, answers, strict=True):
            table[self.support.context(claim)][x] = self._checked(claim, x, answer.relation)
        relations = Relations(table, self.support, self._order)
        return rows.build(self.article_ids, self.claims, relations, self.support)

    def _checked(self, claim: Claim, article_id: str, relation: Relation) -> Relation:
        """``states`` becomes ``contradicts`` when a claim of the stating passage gives
        the fact a value that cannot also be true."""
        if relation is not Relation.states:
            return relation
        passage = self.support.passages(claim)[article_id]
        sentence = passage.sentence
        if sentence is None or sentence.text_id == self.support.sentence_of(claim).text_id:
            return relation  # the claim's own sentence, word for word: no other value
        if passage.clashes:
            # The sentence that states the claim gives its figure another value ("in
            # 6 seconds" / "in 9 seconds"), which a short claim may not carry enough
            # words around for conflict_kind to see.
            return Relation.contradicts
        d = self._counterpart(claim, article_id, sentence)
        if d is None or d.evidence.quote.casefold() == claim.evidence.quote.casefold():
            # The same words state the same thing. Who said them is a claim of its own
            # ("said Steve Pitt"), checked against the other's attribution.
            return relation
        key = (claim.evidence.quote, d.evidence.quote)
        clash = self._conflicts.get(key)
        if clash is None:
            clash = self._conflicts[key] = decide.conflict_kind(claim, d) is not None
        return Relation.contradicts if clash else relation

    def _counterpart(self, claim: Claim, article_id: str, sentence: Sentence) -> Claim | None:
        """The claim of ``sentence`` that says most of what ``claim`` says: the one to
        check for another value. Not every claim of the sentence: "payments starting
        April 6, followed by another round beginning May 18" gives two dates of two
        facts, and the first is not in conflict with the second."""
        mine = self.support.terms(claim)
        kinds = {q.kind for q in claim.quantities}
        best: Claim | None = None
        best_key = (0.0, 0)
        for d in self.support.claims_in(article_id, sentence.index):
            shared = sum(w for t, w in mine.items() if t in self.support.terms(d))
            key = (shared, sum(q.kind in kinds for q in d.quantities))
            if key > best_key:
                best, best_key = d, key
        return best

    def _passage(self, sentence: Sentence) -> Claim:
        """The sentence as a claim-shaped passage, for the judge."""
        key = (sentence.article_id, sentence.index)
        hit = self._passage_claims.get(key)
        if hit is None:
            quote = sentence.span.of(self._texts[sentence.article_id])
            hit = Claim(
                id=f"{sentence.article_id}.s{sentence.index + 1}",
                article_id=sentence.article_id,
                text=quote,
                evidence=Evidence(quote=quote, start=sentence.span.start, end=sentence.span.end),
                quantities=list(sentence.quantities),
            )
            self._passage_claims[key] = hit
        return hit
