"""``parallax compare --dry-run``: the LLM calls a comparison would make, counted, sent
nowhere.

Extraction requests are built exactly as the engine builds them (one per article, or
one per chunk plus a reduce). Judge and brief requests depend on the claims the model
will return, so they are estimated from the offline engine's claims and clusters on
the same articles, put through the same request builders. A call already in the
cache is marked so: a repeated comparison plans zero calls.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from typing import Literal

from pydantic import Field

from api.align import decide
from api.align.blocking import candidate_pairs
from api.compare.pipeline import compare
from api.engines.base import BriefRequest
from api.engines.llm.caller import Request
from api.engines.llm.engine import LLMEngine
from api.engines.llm.extract import Part
from api.engines.llm.schemas import ClaimReply
from api.engines.offline import OfflineEngine
from api.models import Article, Claim, Model
from api.text.tokens import count_tokens


class PlannedCall(Model):
    step: Literal["extract", "reduce", "judge", "brief"]
    article_id: str | None = None
    prompt_tokens: int
    max_output_tokens: int
    cached: bool = False
    estimated: bool = Field(False, description="Built from the offline engine's claims.")


class Plan(Model):
    model: str
    context_window: int
    article_tokens: int
    calls: list[PlannedCall]

    @property
    def to_send(self) -> list[PlannedCall]:
        return [c for c in self.calls if not c.cached]

    def render(self) -> str:
        lines = [
            f"Dry run: model {self.model}, context window {self.context_window} tokens; "
            f"articles {self.article_tokens} tokens.",
            "",
            f"{'step':<8} {'article':<8} {'prompt':>7} {'max out':>7}  note",
        ]
        for c in self.calls:
            note = ", ".join(
                n for n, on in (("cached", c.cached), ("estimated", c.estimated)) if on
            )
            lines.append(
                f"{c.step:<8} {c.article_id or '-':<8} {c.prompt_tokens:>7} "
                f"{c.max_output_tokens:>7}  {note}"
            )
        send = self.to_send
        lines += [
            "",
            f"{len(send)} call(s) to send ({len(self.calls) - len(send)} cached), "
            f"{sum(c.prompt_tokens for c in send)} prompt tokens, "
            f"at most {sum(c.max_output_tokens for c in send)} output tokens. Nothing was sent.",
        ]
        return "\n".join(lines)


def _as_reply(claim: Claim) -> ClaimReply:
    return ClaimReply(
        text=claim.text,
        quote=claim.evidence.quote,
        kind=claim.kind.value,
        attribution_source=claim.attribution.source if claim.attribution else None,
        attribution_cue=claim.attribution.cue if claim.attribution else None,
        negated=claim.negated,
        quantities=[q.text for q in claim.quantities],
    )


async def plan_comparison(
    engine: LLMEngine, articles: Sequence[Article], *, max_words: int, summary_max_words: int
) -> Plan:
    offline = await compare(
        articles, OfflineEngine(), max_words=max_words, summary_max_words=summary_max_words
    )
    by_article = {r.id: r.claims for r in offline.articles}
    calls: list[PlannedCall] = []

    def add(step: str, request: Request, article_id: str | None, estimated: bool) -> None:
        cache = engine.cache
        cached = cache is not None and cache.get(engine.caller.key(request)) is not None
        calls.append(
            PlannedCall.model_validate(
                {
                    "step": step,
                    "article_id": article_id,
                    "prompt_tokens": request.tokens,
                    "max_output_tokens": engine.settings.llm_max_output_tokens,
                    "cached": cached,
                    "estimated": estimated,
                }
            )
        )

    for article in articles:
        planned = engine.analyzer.plan(article, summary_max_words)
        for piece in planned:
            add("extract", piece.request, article.id, False)
        if len(planned) > 1:  # one reduce over the chunks' claim lists (at least)
            starts = [piece.start for piece in planned] + [len(article.text) + 1]
            parts = [
                Part(
                    "",
                    [_as_reply(c) for c in by_article[article.id] if lo <= c.evidence.start < hi],
                    lo,
                )
                for lo, hi in pairwise(starts)
            ]
            add(
                "reduce", engine.analyzer.reduce_request(parts, summary_max_words), article.id, True
            )

    claims = [c for r in offline.articles for c in r.claims]
    ambiguous = [p for p in candidate_pairs(claims) if decide.is_ambiguous(p)]
    for _, request in engine.judging.batches(ambiguous):
        add("judge", request, None, True)
    brief, _ = engine.judging.brief_request(
        BriefRequest(
            articles=offline.articles,
            claims={c.id: c for c in claims},
            clusters=offline.clusters,
            max_words=max_words,
        )
    )
    add("brief", brief, None, True)
    return Plan(
        model=engine.caller.model,
        context_window=engine.settings.llm_context_window,
        article_tokens=sum(count_tokens(a.text) for a in articles),
        calls=calls,
    )
