"""One article through the LLM: extract (:mod:`api.engines.llm.extract`), reduce, ground.

The extraction pieces come back as parts; more than one part is reduced over their
claim lists (the model names the claims to keep), in groups that fit the window,
recursing at most :data:`MAX_REDUCE_DEPTH` levels; past that the parts are merged
without the model (claims concatenated, duplicates by quote dropped). Every claim is
then grounded in the article (:mod:`api.claims.grounding`); its figures are recomputed from
the evidence span rather than taken from the model.
"""

from __future__ import annotations

import asyncio
import json

from api.claims.grounding import Locator, supported_statement
from api.claims.quantities import extract_quantities
from api.engines.llm.bounds import bounded_schema
from api.engines.llm.caller import Caller, Request
from api.engines.llm.extract import Extractor, Part, Piece
from api.engines.llm.prompts import fence, load_prompt, marker
from api.engines.llm.schemas import ClaimReply, ReduceReply
from api.models import Article, ArticleAnalysis, Attribution, Claim, ClaimKind, Evidence

MAX_REDUCE_DEPTH = 3
_REDUCE_WORDS = 16


def trim_words(text: str, max_words: int) -> str:
    words = text.split()
    return text.strip() if len(words) <= max_words else " ".join(words[:max_words]) + "…"


class Analyzer:
    def __init__(self, caller: Caller) -> None:
        self.caller = caller
        self.extractor = Extractor(caller)
        self.reduce = load_prompt("reduce")

    def plan(self, article: Article, max_words: int) -> list[Piece]:
        """The extraction calls of ``article`` (also what --dry-run lists)."""
        return self.extractor.plan(article.text, max_words)

    async def analyze(self, article: Article, max_words: int) -> tuple[ArticleAnalysis, int]:
        """The analysis and the number of claims dropped as ungrounded."""
        parts = await self.extractor.run(article.text, max_words)
        part = parts[0] if len(parts) == 1 else await self._reduce(parts, max_words, 1)
        claims, dropped = ground_claims(article, part)
        return ArticleAnalysis(summary=trim_words(part.summary, max_words), claims=claims), dropped

    def reduce_request(self, parts: list[Part], max_words: int) -> Request:
        numbered = []
        n = 0
        for i, part in enumerate(parts, 1):
            claims = []
            for c in part.claims:
                n += 1
                # Enough of the quote to recognise a repeat; the claim itself stays ours.
                claims.append({"n": n, "claim": trim_words(c.text, _REDUCE_WORDS)})
            numbered.append({"part": i, "summary": part.summary, "claims": claims})
        data = json.dumps(numbered, ensure_ascii=False)
        nonce = marker(data)
        return self.caller.build(
            self.reduce,
            bounded_schema(ReduceReply, items={"keep": n}, summary_words=max_words),
            marker=nonce,
            max_words=str(max_words),
            parts=fence("PARTS", nonce, data),
        )

    async def _reduce(self, parts: list[Part], max_words: int, depth: int) -> Part:
        if len(parts) == 1:
            return parts[0]
        if depth > MAX_REDUCE_DEPTH:
            return _merge(parts)
        groups = self._groups(parts, max_words)
        if len(groups) == len(parts):  # no two parts fit one call: nothing to gain
            return _merge(parts)
        merged = await asyncio.gather(*(self._reduce_group(g, max_words) for g in groups))
        return await self._reduce(list(merged), max_words, depth + 1)

    def _groups(self, parts: list[Part], max_words: int) -> list[list[Part]]:
        groups: list[list[Part]] = []
        for part in parts:
            if groups and self.caller.fits(
                self.reduce_request([*groups[-1], part], max_words).tokens
            ):
                groups[-1].append(part)
            else:
                groups.append([part])
        return groups

    async def _reduce_group(self, group: list[Part], max_words: int) -> Part:
        if len(group) == 1:
            return group[0]
        claims = [(c, p.hint) for p in group for c in p.claims]
        reply = await self.caller.call(
            self.reduce_request(group, max_words), ReduceReply, {"claims": len(claims)}
        )
        kept = [claims[k - 1] for k in dict.fromkeys(reply.keep)]
        # Quotes are searched from each claim's own part; keep the group's first hint.
        return Part(reply.summary, [c for c, _ in kept], group[0].hint)


def _merge(parts: list[Part]) -> Part:
    seen: set[str] = set()
    claims: list[ClaimReply] = []
    for part in parts:
        for c in part.claims:
            if c.quote not in seen:
                seen.add(c.quote)
                claims.append(c)
    return Part(" ".join(p.summary for p in parts), claims, parts[0].hint)


def ground_claims(article: Article, part: Part) -> tuple[list[Claim], int]:
    """Claims whose quotes are found in the article, in text order, and how many were
    dropped because their quote is not there."""
    locator = Locator(article.text)
    lowered = article.text.lower()
    spans: dict[tuple[int, int], ClaimReply] = {}
    dropped = 0
    for reply in part.claims:
        span = locator.find(reply.quote, part.hint)
        if span is None:
            dropped += 1
        else:
            spans.setdefault(span, reply)
    claims: list[Claim] = []
    for (start, end), reply in sorted(spans.items()):
        quote = article.text[start:end]
        source, cue = (
            (reply.attribution_source or "").strip(),
            (reply.attribution_cue or "").strip(),
        )
        # An attribution is kept only if the article names that source.
        attribution = (
            Attribution(source=source, cue=cue)
            if source and cue and source.lower() in lowered
            else None
        )
        claims.append(
            Claim(
                id=f"{article.id}.c{len(claims) + 1}",
                article_id=article.id,
                text=supported_statement(reply.text, quote, source),
                evidence=Evidence(quote=quote, start=start, end=end),
                kind=ClaimKind(reply.kind),
                attribution=attribution,
                quantities=extract_quantities(article.text, start, end),
                negated=reply.negated,
            )
        )
    return claims, dropped
