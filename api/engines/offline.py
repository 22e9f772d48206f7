"""The offline engine: deterministic heuristics, no network, no key.

It is the embedded default, so a new user gets a real comparison at once. Summaries
and the brief are extractive (the brief notes the other side of a disputed figure);
claims come from api.claims.extract; the judge applies the alignment rules at a middle
threshold to the pairs that were left ambiguous.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence

from api import gcpause
from api.align import decide
from api.align.types import CandidatePair, Relation, Verdict
from api.claims.extract import extract_atomic_claims, extract_claims
from api.engines import extractive
from api.engines.base import BriefRequest
from api.models import (
    Article,
    ArticleAnalysis,
    Claim,
    Conflict,
    ConflictKind,
    EngineInfo,
    Usage,
)
from api.text.sentences import SentenceIndex

ALGORITHM = "parallax-offline-3"

_UNSURE = Verdict(Relation.unsure, "the rules cannot tell")


class OfflineEngine:
    """Stateless. Its CPU work runs in worker threads so that it never blocks the loop.

    ``atomic``: claims cut one fact each (api.claims.atoms), for the coverage alignment."""

    atomic = False  # the class default, for subclasses that keep their own __init__

    def __init__(self, *, atomic: bool = False) -> None:
        self.atomic = atomic

    @property
    def info(self) -> EngineInfo:
        return EngineInfo(name="offline", model=ALGORITHM + ("-atomic" if self.atomic else ""))

    @property
    def usage(self) -> Usage:
        return Usage()

    async def analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        return await asyncio.to_thread(self._analyze, article, max_words)

    @gcpause.paused
    def _analyze(self, article: Article, max_words: int) -> ArticleAnalysis:
        extract = extract_atomic_claims if self.atomic else extract_claims
        return ArticleAnalysis(
            summary=extractive.summarize_article(article.text, max_words),
            claims=extract(article),
        )

    async def judge(self, pairs: Sequence[CandidatePair]) -> list[Verdict]:
        if self.atomic:
            # The coverage alignment's rules already said all they can of these
            # directional questions: nothing more is known offline.
            return [_UNSURE] * len(pairs)  # one frozen verdict: there may be 100,000
        return await asyncio.to_thread(self._judge, pairs)

    @staticmethod
    @gcpause.paused
    def _judge(pairs: Sequence[CandidatePair]) -> list[Verdict]:
        return [decide.assess(p, decide.LINK) for p in pairs]

    async def brief(self, request: BriefRequest) -> str:
        return await asyncio.to_thread(self._brief, request)

    @staticmethod
    @gcpause.paused
    def _brief(request: BriefRequest) -> str:
        # Keyed by the sentence that holds each claim, so the brief's lookups are exact.
        index = SentenceIndex({a.id: a.text for a in request.articles})

        def sentence_of(claim: Claim) -> str:
            found = index.text(claim.article_id, claim.evidence.start)
            return claim.evidence.quote if found is None else found

        total = max(len(request.articles) - 1, 1)
        support: dict[str, float] = {}
        withheld: set[str] = set()
        notes: dict[str, list[tuple[str, str]]] = {}
        label = {a.id: a.outlet or a.id for a in request.articles}
        for cluster in request.clusters:
            sentences = {sentence_of(request.claims[c]) for c in cluster.claims}
            if cluster.conflict is not None:
                _contested(cluster.conflict, request, sentence_of, label, withheld, notes)
            if len(cluster.articles) > 1:
                share = (len(cluster.articles) - 1) / total
                for sentence in sentences:
                    support[sentence] = max(support.get(sentence, 0.0), share)
        return extractive.brief(
            [a.text for a in request.articles],
            request.max_words,
            support,
            withheld,
            {s: n for s, n in notes.items() if s not in withheld},  # a denial outranks a note
        )


def _contested(
    conflict: Conflict,
    request: BriefRequest,
    sentence_of: Callable[[Claim], str],
    label: Mapping[str, str],
    withheld: set[str],
    notes: dict[str, list[tuple[str, str]]],
) -> None:
    """The sentences that state a side of ``conflict``: a figure or date is shown with
    what the other outlets give instead; a denial or a speaker in dispute is withheld.
    A sentence that reports the fact without a value of its own may still lead."""
    stated = [(v.article_id, v.claim_id, v.value) for v in conflict.values if v.value]
    # Each value (case aside) once, as first written, with the articles that give it.
    sides: dict[str, tuple[str, list[str]]] = {}
    for article_id, _, value in stated:
        articles = sides.setdefault(value.lower(), (value, []))[1]
        if article_id not in articles:
            articles.append(article_id)
    figure = conflict.kind in (ConflictKind.quantity, ConflictKind.date)
    for article_id, claim_id, value in stated:
        sentence = sentence_of(request.claims[claim_id])
        others = [
            (written, [a for a in articles if a != article_id])
            for key, (written, articles) in sides.items()
            if key != value.lower()
        ]
        note = "; ".join(f"{_outlets(a, label)}: {w}" for w, a in others if a)
        if figure and note and value in sentence:
            if (value, note) not in notes.setdefault(sentence, []):
                notes[sentence].append((value, note))
        else:
            withheld.add(sentence)


def _outlets(article_ids: Sequence[str], label: Mapping[str, str]) -> str:
    """Who gives a value, in a note: two outlets by name, more by count."""
    if len(article_ids) <= 2:
        return ", ".join(label[a] for a in article_ids)
    return f"{len(article_ids)} outlets"
