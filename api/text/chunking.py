"""Split a text into token-bounded chunks with exact character offsets.

A chunk is built from *units*, each counted once and each within the budget alone:
sentences (``api.text.sentences``); the whitespace-delimited words of a sentence over the
budget; pieces cut at token boundaries of a word over the budget. Units are packed
greedily and a chunk ends at the strongest boundary that fits (paragraph > sentence >
word > inside a word). Token counts of parts do not add up exactly to the count of the
whole, so each packed chunk is counted once more and trimmed if it is over.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from itertools import accumulate, pairwise

from api.text.sentences import paragraphs, sentences
from api.text.tokens import count_tokens, encoding

_WORD = re.compile(r"\S+")

# Strength of the boundary in front of a unit; a chunk ends at the strongest one.
_PIECE, _WORD_BREAK, _SENTENCE, _PARAGRAPH, _END = range(5)


@dataclass(frozen=True, slots=True)
class Chunk:
    index: int
    start: int  # char offsets into the text
    end: int
    text: str  # == source[start:end]
    tokens: int


@dataclass(frozen=True, slots=True)
class _Unit:
    start: int
    end: int
    tokens: int
    brk: int  # strength of the boundary in front of this unit
    sentence: bool  # a whole sentence (its words can still serve as overlap)


def chunk_text(text: str, *, max_tokens: int, overlap_tokens: int = 0) -> list[Chunk]:
    """Chunks of at most ``max_tokens`` covering ``text`` in order; each chunk after the
    first starts with up to ``overlap_tokens`` of trailing sentences (or words) of the
    previous one. Raises ValueError on a bad budget, or when ``max_tokens`` < 4 cannot
    hold a single character (one character is at most 4 tokens)."""
    if max_tokens < 1:
        raise ValueError(f"max_tokens must be >= 1, got {max_tokens}")
    if not 0 <= overlap_tokens < max_tokens:
        raise ValueError(f"overlap_tokens must be in [0, max_tokens), got {overlap_tokens}")
    units = _units(text, max_tokens)
    return _Packer(text, units, max_tokens, overlap_tokens).run() if units else []


def _units(text: str, budget: int) -> list[_Unit]:
    units: list[_Unit] = []
    paras = paragraphs(text)
    para = last_para = 0
    for sent in sentences(text):
        # sentences() splits inside paragraphs(), so each sentence lies in one of them.
        while paras[para].end < sent.end:
            para += 1
        brk = _PARAGRAPH if para != last_para else _SENTENCE
        last_para = para
        sent_tokens = count_tokens(sent.of(text))
        if sent_tokens <= budget:
            units.append(_Unit(sent.start, sent.end, sent_tokens, brk, True))
            continue
        # Over the budget: its words become the units (counted once each).
        for i, word in enumerate(_WORD.finditer(text, sent.start, sent.end)):
            start, end = word.span()
            whole = (start, end) == (sent.start, sent.end)
            tokens = sent_tokens if whole else count_tokens(word.group())
            brk = brk if i == 0 else _WORD_BREAK
            if tokens <= budget:
                units.append(_Unit(start, end, tokens, brk, False))
            else:
                units.extend(_split_word(text, start, end, brk, budget))
    return units


def _split_word(text: str, start: int, end: int, brk: int, budget: int) -> list[_Unit]:
    # Cut every `budget` tokens of the word's own encoding: a single encode finds all cut
    # points, so a megabyte without spaces stays linear (no search per piece).
    word = text[start:end]
    enc = encoding()
    _, offsets = enc.decode_with_offsets(enc.encode(word, disallowed_special=()))
    pieces: list[_Unit] = []
    pos = first = 0
    while pos < len(word):
        first = bisect_left(offsets, pos, first)
        cut = offsets[first + budget] if first + budget < len(offsets) else len(word)
        cut = max(cut, pos + 1)
        tokens = count_tokens(word[pos:cut])
        # A slice can encode to more tokens than it had inside the word; shrink it.
        while tokens > budget:
            if cut - pos == 1:
                raise ValueError(f"max_tokens={budget} cannot hold the character {word[pos]!r}")
            cut = pos + max(1, min(cut - pos - 1, (cut - pos) * budget // tokens))
            tokens = count_tokens(word[pos:cut])
        pieces.append(_Unit(start + pos, start + cut, tokens, brk if pos == 0 else _PIECE, False))
        pos = cut
    return pieces


def _gap_cost(text: str, start: int, end: int, memo: dict[str, int]) -> int:
    gap = text[start:end]
    # A single space merges into the next token unless a number follows (cl100k splits
    # " 5" but not " word"); counting it as a token would half-fill chunks of words.
    if gap == " ":
        return 1 if text[end].isnumeric() else 0
    # Line breaks after punctuation join its token (".\n\n" is one token).
    if not gap.strip("\r\n") and not text[start - 1].isalnum():
        return 0
    if gap not in memo:
        memo[gap] = count_tokens(gap)
    return memo[gap]


class _Packer:
    def __init__(self, text: str, units: list[_Unit], budget: int, overlap: int) -> None:
        self.text, self.units, self.budget, self.overlap = text, units, budget, overlap
        self.memo: dict[str, int] = {}
        self.gap = [0] + [_gap_cost(text, a.end, b.start, self.memo) for a, b in pairwise(units)]
        # prefix[i] = estimated tokens of units[:i] with the gaps in front of each.
        self.prefix = list(
            accumulate((u.tokens + g for u, g in zip(units, self.gap, strict=True)), initial=0)
        )

    def est(self, first: int, stop: int) -> int:
        """Estimated tokens of units[first:stop] (inner gaps included)."""
        return self.prefix[stop] - self.prefix[first] - self.gap[first]

    def run(self) -> list[Chunk]:
        units = self.units
        chunks: list[Chunk] = []
        first, start, base = 0, units[0].start, 0
        while first < len(units):
            # base: overlap carried in front of `first`, with the gap between them.
            limit = self.budget - base + self.prefix[first] + self.gap[first]
            stop = max(first + 1, bisect_right(self.prefix, limit, first + 1) - 1)
            while True:
                stop = self._best_stop(first, stop)
                end = units[stop - 1].end
                if stop == first + 1 and start == units[first].start:
                    tokens = units[first].tokens  # exactly one unit: already counted
                    break
                tokens = count_tokens(self.text[start:end])
                if tokens <= self.budget:
                    break
                if stop > first + 1:
                    stop = self._trim(first, stop, tokens - self.budget)
                else:  # the overlap does not fit beside this unit: drop it
                    start = units[first].start
            chunks.append(Chunk(len(chunks), start, end, self.text[start:end], tokens))
            if stop < len(units):
                start, base = self._overlap(start, stop)
            first = stop
        return chunks

    def _best_stop(self, first: int, stop: int) -> int:
        # The latest end among the strongest boundaries within units[first:stop].
        best, best_stop = -1, stop
        for s in range(stop, first, -1):
            strength = self.units[s].brk if s < len(self.units) else _END
            if strength > best:
                best, best_stop = strength, s
                if strength >= _PARAGRAPH:
                    break
        return best_stop

    def _trim(self, first: int, stop: int, excess: int) -> int:
        dropped = 0
        while stop > first + 1 and dropped < excess:
            stop -= 1
            dropped += self.units[stop].tokens + self.gap[stop]
        return stop

    def _overlap(self, chunk_start: int, stop: int) -> tuple[int, int]:
        """Start offset of the next chunk and its overlap's tokens (gap included).
        The overlap is a strict tail of the chunk that ends before units[stop]."""
        units, nxt = self.units, self.units[stop]
        budget = min(self.overlap, self.budget - nxt.tokens - self.gap[stop])
        if budget <= 0:
            return nxt.start, 0
        # (start offset, estimated tokens) of whole trailing units, never inside a word.
        candidates: list[tuple[int, int]] = []
        first = stop - 1
        while first >= 0 and units[first].start > chunk_start:
            est = self.est(first, stop)
            if est > budget:
                break
            if units[first].brk >= _WORD_BREAK:
                candidates.append((units[first].start, est))
            first -= 1
        candidates.reverse()  # longest first
        if not candidates and units[stop - 1].sentence:
            candidates = self._word_candidates(units[stop - 1], budget)
        # Sums of parts only estimate the count: check it, and on excess skip to the
        # candidates estimated to be shorter by at least that much.
        end, i = units[stop - 1].end, 0
        while i < len(candidates):
            start, est = candidates[i]
            tokens = count_tokens(self.text[start:end])
            if tokens <= budget:
                return start, tokens + self.gap[stop]
            target = est - (tokens - budget)
            while i < len(candidates) and candidates[i][1] > target:
                i += 1
        return nxt.start, 0

    def _word_candidates(self, sent: _Unit, budget: int) -> list[tuple[int, int]]:
        # The last sentence is longer than the overlap: offer its trailing words instead.
        words = list(_WORD.finditer(self.text, sent.start, sent.end))
        found: list[tuple[int, int]] = []
        total = 0
        for i in range(len(words) - 1, 0, -1):  # never the whole sentence (word 0)
            total += count_tokens(words[i].group())
            if i + 1 < len(words):
                total += _gap_cost(self.text, words[i].end(), words[i + 1].start(), self.memo)
            if total > budget:
                break
            found.append((words[i].start(), total))
        return found[::-1]  # longest first
