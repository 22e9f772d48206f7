"""The LLM's share of alignment and the brief.

Judge: each question is directional. An item holds a claim of one article and a
passage of another (the span that comes closest to it), each with its outlet, and
asks whether the passage states the claim (api.align.types): "states", "contradicts"
or "absent"; a broader passage does not state a narrower claim. The questions
(a few per claim, so their number grows linearly with the claims) go out in batches of
``llm_judge_batch_size`` (fewer when the verdicts would not fit the output budget;
more when that many batches would not all be in flight at once, so that judging
stays one round trip), all batches at once; a batch too large for the window is
halved. A batch whose reply is still invalid or cut off is judged by the fallback
(the offline heuristics), so one bad reply costs its pairs' finesse, not the
comparison. Brief: one call over the
clusters; each sentence must cite the clusters it states, and a sentence that shares
too little with what it cites is dropped, and so is one that restates what an earlier
sentence of the brief gave (api.engines.extractive.restates: three outlets' headlines
of one event are one fact).
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from api.align.types import CandidatePair, Relation, Verdict
from api.engines.base import BriefRequest
from api.engines.extractive import restates
from api.engines.llm.analyze import trim_words
from api.engines.llm.bounds import bounded_schema
from api.engines.llm.caller import Caller, Request
from api.engines.llm.prompts import fence, load_prompt, marker
from api.engines.llm.schemas import BriefReply, JudgeReply
from api.errors import LLMOutputError, LLMTruncated
from api.models import Article, Claim, ClusterStatus
from api.text.terms import content_terms

log = logging.getLogger(__name__)
Fallback = Callable[[Sequence[CandidatePair]], Awaitable[list[Verdict]]]
# Output tokens of one verdict: {"pair": n, "relation": ..., "reason": ...} with a
# reason of at most 160 characters (api.engines.llm.bounds); of one brief sentence: 300
# characters and its cluster ids.
VERDICT_TOKENS = 60
BRIEF_SENTENCE_TOKENS = 100
_REPLY_FRAME_TOKENS = 20

# Share of a brief sentence's content words that its cited clusters must contain.
MIN_SUPPORT = 0.4
# What the brief prompt shows: the shared clusters first, a few unique ones after,
# and a few claims of each; the brief has room for a handful of sentences anyway.
_CLAIMS_PER_CLUSTER = 3
_MAX_SHARED = 30
_MAX_UNIQUE = 8
# Words of the shortest brief sentence worth writing: the brief's budget in words over
# this bounds the sentences the reply may hold.
_MIN_SENTENCE_WORDS = 8


def _sentences(max_words: int, max_output_tokens: int) -> int:
    fit = (max_output_tokens - _REPLY_FRAME_TOKENS) // BRIEF_SENTENCE_TOKENS
    return max(1, min(max_words // _MIN_SENTENCE_WORDS, fit))


def _outlets(articles: Sequence[Article]) -> dict[str, str]:
    return {a.id: a.outlet for a in articles}


class Judge:
    def __init__(self, caller: Caller, fallback: Fallback) -> None:
        self.caller = caller
        self.fallback = fallback
        self.judge_prompt = load_prompt("judge")
        self.brief_prompt = load_prompt("brief")
        # Article id -> outlet, learnt as articles are analysed; a question names the
        # outlets of its claim and passage (an unknown article goes by its id).
        self.outlets: dict[str, str] = {}

    # -----------------------------------------------------------------------------
    # Judge

    def judge_request(self, pairs: Sequence[CandidatePair]) -> Request:
        """One call's items: {"pair": n, "claim": ..., "passage": ...}. The claim is its
        statement; the passage, the other article's own words (its evidence span)."""

        def side(c: Claim, text: str) -> dict[str, Any]:
            out: dict[str, Any] = {"outlet": self.outlets.get(c.article_id, c.article_id)}
            out["text"] = text
            if c.attribution is not None:
                out["said_by"] = c.attribution.source
            return out

        data = json.dumps(
            [
                {
                    "pair": i,
                    "claim": side(p.a, p.a.text),
                    "passage": side(p.b, p.b.evidence.quote),
                }
                for i, p in enumerate(pairs, 1)
            ],
            ensure_ascii=False,
        )
        nonce = marker(data)
        return self.caller.build(
            self.judge_prompt,
            bounded_schema(JudgeReply, exact_items={"verdicts": len(pairs)}),
            marker=nonce,
            pairs=fence("PAIRS", nonce, data),
        )

    def batches(
        self, pairs: Sequence[CandidatePair]
    ) -> list[tuple[Sequence[CandidatePair], Request]]:
        settings = self.caller.settings
        fit = (settings.llm_max_output_tokens - _REPLY_FRAME_TOKENS) // VERDICT_TOKENS
        # More pairs a call than the setting when that many calls would not all be in
        # flight at once: the calls past the limit would wait for a slot, a second
        # round trip on the critical path. Never more than the output budget holds.
        one_wave = -(-len(pairs) // settings.llm_max_in_flight)
        size = max(1, min(max(settings.llm_judge_batch_size, one_wave), fit))
        todo = [pairs[i : i + size] for i in range(0, len(pairs), size)]
        out: list[tuple[Sequence[CandidatePair], Request]] = []
        while todo:
            batch = todo.pop(0)
            request = self.judge_request(batch)
            if self.caller.fits(request.tokens) or len(batch) == 1:
                out.append((batch, request))
            else:
                half = len(batch) // 2
                todo[:0] = [batch[:half], batch[half:]]
        return out

    async def judge(self, pairs: Sequence[CandidatePair]) -> list[Verdict]:
        batches = await asyncio.gather(*(self._batch(b, req) for b, req in self.batches(pairs)))
        return [v for batch in batches for v in batch]

    async def _batch(self, pairs: Sequence[CandidatePair], request: Request) -> list[Verdict]:
        try:
            reply = await self.caller.call(request, JudgeReply, {"pairs": len(pairs)})
        except (LLMOutputError, LLMTruncated) as exc:
            log.warning("a judge reply was unusable (%s); its pairs judged offline", exc.code)
            self.caller.meter.totals.judged_offline += len(pairs)
            return await self.fallback(pairs)
        return [
            Verdict(Relation(v.relation), v.reason)
            for v in sorted(reply.verdicts, key=lambda v: v.pair)
        ]

    # -----------------------------------------------------------------------------
    # Brief

    def brief_request(self, request: BriefRequest) -> tuple[Request, dict[str, set[str]]]:
        """The request, and each cluster's content words (for checking the reply).
        Unique clusters are left out first, then the least shared, until it fits."""
        outlets = _outlets(request.articles)
        rank = {ClusterStatus.consensus: 0, ClusterStatus.conflict: 1, ClusterStatus.partial: 2}
        shared = [k for k in request.clusters if k.status in rank]
        unique = [k for k in request.clusters if k.status not in rank]
        candidates = shared[:_MAX_SHARED] + unique[:_MAX_UNIQUE]
        keep = len(candidates)
        sentences = _sentences(request.max_words, self.caller.settings.llm_max_output_tokens)
        while True:
            chosen = candidates[:keep]
            data = json.dumps(
                [self._cluster(k, request, outlets) for k in chosen], ensure_ascii=False
            )
            nonce = marker(data)
            built = self.caller.build(
                self.brief_prompt,
                bounded_schema(BriefReply, items={"sentences": sentences}),
                marker=nonce,
                max_words=str(request.max_words),
                clusters=fence("CLUSTERS", nonce, data),
            )
            if self.caller.fits(built.tokens) or keep <= 1:
                break
            keep = max(1, keep * 3 // 4)
        terms = {
            k.id: {t for cid in k.claims for t in content_terms(request.claims[cid].text)}
            | {t for aid in k.articles for t in content_terms(outlets.get(aid, ""))}
            for k in chosen
        }
        return built, terms

    @staticmethod
    def _cluster(k: Any, request: BriefRequest, outlets: dict[str, str]) -> dict[str, Any]:
        claims = [request.claims[c] for c in k.claims[:_CLAIMS_PER_CLUSTER]]
        out: dict[str, Any] = {
            "id": k.id,
            "status": k.status.value,
            "outlets": [outlets.get(a, a) for a in k.articles],
            "claims": [{"outlet": outlets.get(c.article_id), "text": c.text} for c in claims],
        }
        if k.conflict is not None:
            out["values"] = {outlets.get(v.article_id): v.value for v in k.conflict.values}
        return out

    async def brief(self, request: BriefRequest) -> str:
        built, terms = self.brief_request(request)
        reply = await self.caller.call(built, BriefReply, {"clusters": sorted(terms)})
        kept = _distinct(
            [s.text.strip() for s in reply.sentences if _supported(s.text, s.clusters, terms)]
        )
        if not kept:
            raise LLMOutputError(
                "no sentence of the brief states what the clusters it cites say",
                last_completion=json.dumps(reply.model_dump()),
            )
        return _within(kept, request.max_words)


def _supported(sentence: str, cited: Sequence[str], terms: dict[str, set[str]]) -> bool:
    words = content_terms(sentence)
    if not words:
        return False
    known = set().union(*(terms.get(c, set()) for c in cited))
    return sum(1 for w in words if w in known) / len(words) >= MIN_SUPPORT


def _distinct(sentences: Sequence[str]) -> list[str]:
    """The sentences, less each one that restates what the earlier ones give."""
    out: list[str] = []
    given: list[frozenset[str]] = []
    for sentence in sentences:
        terms = frozenset(content_terms(sentence))
        if not restates(terms, given):
            out.append(sentence)
            given.append(terms)
    return out


def _within(sentences: list[str], max_words: int) -> str:
    """Whole sentences up to the word budget; the first one trimmed if it alone is over."""
    out: list[str] = []
    used = 0
    for s in sentences:
        n = len(s.split())
        if used + n > max_words:
            break
        out.append(s)
        used += n
    return " ".join(out) if out else trim_words(sentences[0], max_words)
