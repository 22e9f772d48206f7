"""The map step of one article: extraction requests, and what to do when a reply is
cut off.

The whole article goes in one call when prompt + article + max output fit the context
window; otherwise it is cut into chunks that each take a third of the room, so that
the claim lists of two or three chunks fit one reduce call. Every request bounds the
claims it may return (:func:`claim_limit`), so a model under constrained decoding
stops on time. Claims are atomic (one checkable fact each, prompts/extract.md), so a
sentence may yield several, each quoting the span of it that states its fact. A reply
that is cut off all the same (``finish_reason == "length"``)
is not the article's end: that piece is halved at a sentence break and each half
asked again, up to :data:`MAX_SPLITS` times; a piece that cannot be split further is
skipped, and only when every piece is, does the article fail.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from dataclasses import dataclass

from api.engines.llm.bounds import bounded_schema
from api.engines.llm.caller import Caller, Request
from api.engines.llm.prompts import fence, load_prompt, marker
from api.engines.llm.schemas import ClaimReply, ExtractReply
from api.errors import LLMTruncated
from api.text.chunking import chunk_text
from api.text.sentences import Span, sentences

log = logging.getLogger(__name__)

MAX_SPLITS = 3
# Room kept free for the fence lines and the part note around each chunk.
_CHUNK_MARGIN = 64
_CHUNK_SHARE = 3
# Output tokens of one claim object as models write it. A claim that restated a whole
# sentence came to 100-170 (SmolLM2 under constrained decoding wrote about 170, its
# attribution fields long); an atomic claim states one fact of it and quotes the
# clause that holds the fact, about half a sentence, so ~100; the bounds on each
# string (api.engines.llm.bounds) keep the worst case near 250.
CLAIM_TOKENS = 100
# Atomic claims of one sentence, at most, for the claim budget: "The law, which had
# been blocked since 2017, will take effect, said Steve Pitt, general counsel to Gov.
# Matt Bevin" holds four.
CLAIMS_PER_SENTENCE = 4
_SUMMARY_TOKENS_PER_WORD = 2
_REPLY_FRAME_TOKENS = 40
_SPLIT_NOTE = "one part of the article"
# What JSON escapes inside a string, and the shortest piece between two worth quoting.
_ESCAPED = re.compile(r'["\\\x00-\x1f]')
# Where a sentence's clauses divide, for the quotes a constraining server offers: a
# comma, semicolon or colon before a space (not the one inside "12,000"), a spaced
# dash, a bracket.
_CLAUSE = re.compile(r"[,;:](?=\s)|\s[—–-]{1,2}\s|[()]")
_MIN_PIECE = 20


@dataclass(frozen=True, slots=True)
class Part:
    """The analysis of one stretch of the article: where its quotes are searched first."""

    summary: str
    claims: list[ClaimReply]
    hint: int = 0


@dataclass(frozen=True, slots=True)
class Piece:
    """A stretch of the article, ``text[start:end]``, and its extraction request."""

    start: int
    end: int
    request: Request


def claim_limit(sentence_count: int, max_output_tokens: int, max_words: int) -> int:
    """Claims one reply may hold: no more than :data:`CLAIMS_PER_SENTENCE` atomic claims
    per sentence of the text, nor than fit the output budget after the summary."""
    budget = max_output_tokens - _REPLY_FRAME_TOKENS - _SUMMARY_TOKENS_PER_WORD * max_words
    return max(1, min(sentence_count * CLAIMS_PER_SENTENCE, budget // CLAIM_TOKENS))


def quote_choices(quotes: list[str]) -> list[str]:
    """The quotes a constraining server may hold the model to: each sentence, then its
    clauses (an atomic claim quotes the span that states its fact, often shorter than
    the sentence), except that a sentence JSON must escape is offered as its pieces
    between the escaped characters. llama-cpp-python (0.3.36) copies enum values into
    its grammar without escaping a backslash, so a '"' or a '\\' in one breaks the
    grammar and stops the server."""
    out: list[str] = []
    for quote in quotes:
        pieces = [quote] if _plain(quote) else _ESCAPED.split(quote)
        for piece in (p.strip() for p in pieces):
            if len(piece) < _MIN_PIECE or not _plain(piece):
                continue
            clauses = [c.strip() for c in _CLAUSE.split(piece)]
            out += [piece, *(c for c in clauses if len(c) >= _MIN_PIECE and c != piece)]
    return list(dict.fromkeys(out))


def _plain(text: str) -> bool:
    return json.dumps(text, ensure_ascii=False)[1:-1] == text


class Extractor:
    def __init__(self, caller: Caller) -> None:
        self.caller = caller
        self.prompt = load_prompt("extract")

    def request(self, text: str, max_words: int, part: str = "") -> Request:
        nonce = marker(text)
        note = f"\nThe text is {part}; the other parts are analysed separately.\n" if part else ""
        quotes = [s.of(text) for s in sentences(text)]
        limit = claim_limit(len(quotes), self.caller.settings.llm_max_output_tokens, max_words)
        return self.caller.build(
            self.prompt,
            bounded_schema(ExtractReply, items={"claims": limit}, summary_words=max_words),
            choices={"quote": quote_choices(quotes)},
            marker=nonce,
            part_note=note,
            max_words=str(max_words),
            max_claims=str(limit),
            article=fence("ARTICLE", nonce, text),
        )

    def plan(self, text: str, max_words: int) -> list[Piece]:
        """The extraction calls of one article: one, or one per chunk."""
        whole = self.request(text, max_words)
        if self.caller.fits(whole.tokens):
            return [Piece(0, len(text), whole)]
        settings = self.caller.settings
        overhead = self.request("", max_words, part="part 1 of 2").tokens
        room = settings.llm_context_window - settings.llm_max_output_tokens - overhead
        budget = (room - _CHUNK_MARGIN) // _CHUNK_SHARE
        if budget < 64:
            return [Piece(0, len(text), whole)]  # hopeless: the caller refuses it as too large
        chunks = chunk_text(text, max_tokens=budget)
        return [
            Piece(
                c.start,
                c.end,
                self.request(c.text, max_words, f"part {c.index + 1} of {len(chunks)}"),
            )
            for c in chunks
        ]

    async def run(self, text: str, max_words: int) -> list[Part]:
        """Every piece's part, in text order; cut-off pieces are split and asked again."""
        found = await asyncio.gather(
            *(self._extract(text, piece, max_words, 0) for piece in self.plan(text, max_words))
        )
        parts = [p for group in found for p in group if isinstance(p, Part)]
        if not parts:  # every piece was cut off, even at its smallest
            raise next(e for group in found for e in group if isinstance(e, LLMTruncated))
        return parts

    async def _extract(
        self, text: str, piece: Piece, max_words: int, splits: int
    ) -> list[Part | LLMTruncated]:
        try:
            reply = await self.caller.call(piece.request, ExtractReply)
        except LLMTruncated as exc:
            halves = self._halves(text, piece, max_words) if splits < MAX_SPLITS else []
            if not halves:
                log.warning("an extraction reply was cut off at its smallest piece; skipped")
                return [exc]
            found = await asyncio.gather(
                *(self._extract(text, h, max_words, splits + 1) for h in halves)
            )
            return [p for group in found for p in group]
        return [Part(reply.summary, reply.claims, piece.start)]

    def _halves(self, text: str, piece: Piece, max_words: int) -> list[Piece]:
        """The piece in two at the sentence break nearest its middle; none when it is a
        single sentence (a quote is a sentence or a clause: halving one loses it)."""
        spans = sentences(text, Span(piece.start, piece.end))
        if len(spans) < 2:
            return []
        middle = (piece.start + piece.end) // 2
        cut = min((s.start for s in spans[1:]), key=lambda at: abs(at - middle))
        return [
            Piece(start, end, self.request(text[start:end], max_words, _SPLIT_NOTE))
            for start, end in ((piece.start, cut), (cut, piece.end))
        ]
