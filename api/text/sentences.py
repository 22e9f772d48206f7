"""Sentence and paragraph boundaries, as character spans into the text.

One splitter serves chunking, claim extraction and summaries, so that every step
agrees on where a sentence starts and ends. It is a single linear regex scan:
pathological input (a megabyte without a full stop) yields one long span in
linear time, never a backtracking blow-up.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

# Abbreviations whose trailing period does not end a sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sr",
        "jr",
        "st",
        "mt",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "cmdr",
        "adm",
        "gov",
        "sen",
        "rep",
        "pres",
        "rev",
        "no",
        "vs",
        "etc",
        "inc",
        "ltd",
        "co",
        "corp",
        "dept",
        "univ",
        "est",
        "approx",
        "fig",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.g",
        "i.e",
        "a.m",
        "p.m",
        "d.c",
    ]
)

# A candidate end: terminal punctuation, optional closing quotes/brackets, then space.
# The lookbehind and possessive quantifiers keep a run of a million "!" linear.
# CJK full stops end a sentence with no space after them.
_END = re.compile(r"""(?<![.!?…])[.!?…]++["'”’)\]]*+(?=\s)|[。！？]++[」』”’]*+""")
_PARAGRAPH = re.compile(r"\n[ \t]*\n|\n(?=[ \t]*\S)")
_WORD_BEFORE = re.compile(r"([\w.]+)$")


@dataclass(frozen=True, slots=True)
class Span:
    start: int
    end: int

    def of(self, text: str) -> str:
        return text[self.start : self.end]


def paragraphs(text: str) -> list[Span]:
    """Non-blank lines or blank-line-separated blocks, trimmed of outer whitespace."""
    spans: list[Span] = []
    pos = 0
    for match in _PARAGRAPH.finditer(text):
        _append_trimmed(spans, text, pos, match.start())
        pos = match.end()
    _append_trimmed(spans, text, pos, len(text))
    return spans


def sentences(text: str, within: Span | None = None) -> list[Span]:
    """Sentence spans inside ``within`` (default: all of ``text``), never crossing a
    paragraph break."""
    if within is None and len(text) <= _CACHED_CHARS:
        return list(_cached_sentences(text))
    return _sentences(text, within or Span(0, len(text)))


# One comparison splits each article for its claims, its summary, the clustering and
# the brief: the spans of recent articles are kept (they are immutable). The bounds cap
# what the cache can hold at about 25 MB of text.
_CACHED_CHARS = 50_000
_CACHED_TEXTS = 512


@lru_cache(maxsize=_CACHED_TEXTS)
def _cached_sentences(text: str) -> tuple[Span, ...]:
    return tuple(_sentences(text, Span(0, len(text))))


def _sentences(text: str, outer: Span) -> list[Span]:
    result: list[Span] = []
    for para in paragraphs(text[outer.start : outer.end]):
        base = outer.start + para.start
        result.extend(_split_paragraph(text, base, outer.start + para.end))
    return result


def _split_paragraph(text: str, start: int, end: int) -> list[Span]:
    spans: list[Span] = []
    pos = start
    for match in _END.finditer(text, start, end):
        if not _is_boundary(text, match.start(), match.end(), end):
            continue
        _append_trimmed(spans, text, pos, match.end())
        pos = match.end()
    _append_trimmed(spans, text, pos, end)
    return spans


def _is_boundary(text: str, punct_start: int, punct_end: int, limit: int) -> bool:
    if text[punct_start] in "。！？":
        return True
    if text[punct_start] == ".":
        word = _WORD_BEFORE.search(text, max(0, punct_start - 20), punct_start)
        if word:
            token = word.group(1).lower().strip(".")
            if token in _ABBREVIATIONS:
                return False
            # A single capital ("J. Smith") is an initial, not a sentence end.
            if len(token) == 1 and token.isalpha():
                return False
    # The next sentence should start with a capital, digit, or opening quote.
    nxt = punct_end
    while nxt < limit and text[nxt].isspace():
        nxt += 1
    if nxt >= limit:
        return True
    ch = text[nxt]
    return ch.isupper() or ch.isdigit() or ch in "\"'“‘(["


def _append_trimmed(spans: list[Span], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append(Span(start, end))


class SentenceIndex:
    """Which sentence of its article an offset falls in: exact, and O(log n) a lookup."""

    def __init__(self, texts: Mapping[str, str]) -> None:
        self._text = dict(texts)
        self._spans = {aid: sentences(text) for aid, text in texts.items()}
        self._starts = {aid: [s.start for s in spans] for aid, spans in self._spans.items()}

    def locate(self, article_id: str, offset: int) -> int:
        """The sentence's index in its article; -1 before the first sentence."""
        return bisect.bisect_right(self._starts[article_id], offset) - 1

    def text(self, article_id: str, offset: int) -> str | None:
        i = self.locate(article_id, offset)
        return self._spans[article_id][i].of(self._text[article_id]) if i >= 0 else None
