"""Grounding: find a model's quote in the article, as exact offsets, or not at all.

A quote is found exactly, or else in a normalized view of both texts where runs of
whitespace are one space and curly quotes, primes and dashes are their ASCII forms;
a normalized hit is mapped back to exact offsets in the original, so the evidence is
always ``text[start:end]``, the article's own characters. A quote found nowhere is
dropped by the caller: nothing an article says can make Parallax show a claim the
article does not contain.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from api.text.normalize import normalize_text
from api.text.terms import content_terms

_FOLD = str.maketrans(
    {
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "`": "'",
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "″": '"',
        "‐": "-",
        "‑": "-",
        "‒": "-",
        "–": "-",
        "—": "-",
        "−": "-",
    }
)
_SPACE = re.compile(r"\s+")
_WRAPPING = "\"'“”‘’«» "
MIN_QUOTE_CHARS = 8
# A claim whose statement is mostly words its quote does not contain is replaced by
# the quote itself: the statement must restate the evidence, not add to it.
MAX_UNSUPPORTED_SHARE = 0.5


def _normalize(text: str) -> tuple[str, list[int]]:
    """The normalized text and, for each of its characters, the original offset."""
    out: list[str] = []
    where: list[int] = []
    folded = text.translate(_FOLD)
    pos = 0
    for m in _SPACE.finditer(folded):
        out.append(folded[pos : m.start()])
        where.extend(range(pos, m.start()))
        out.append(" ")
        where.append(m.start())
        pos = m.end()
    out.append(folded[pos:])
    where.extend(range(pos, len(folded)))
    return "".join(out), where


class Locator:
    """Finds quotes in one text; build it once per article."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._norm: tuple[str, list[int]] | None = None

    def find(self, quote: str, hint: int = 0) -> tuple[int, int] | None:
        """Offsets of ``quote`` in the text, preferring a hit at or after ``hint``."""
        # The article went through normalize_text before any offset existed; a model
        # echoing its raw source (zero-width, bidi, NBSP) gets the same treatment.
        quote = normalize_text(quote)
        for candidate in dict.fromkeys((quote.strip(), quote.strip().strip(_WRAPPING))):
            if len(candidate) < MIN_QUOTE_CHARS:
                continue
            span = self._exact(candidate, hint) or self._normalized(candidate, hint)
            if span is not None:
                return span
        return None

    def _exact(self, quote: str, hint: int) -> tuple[int, int] | None:
        at = self.text.find(quote, hint)
        if at < 0:
            at = self.text.find(quote)
        return None if at < 0 else (at, at + len(quote))

    def _normalized(self, quote: str, hint: int) -> tuple[int, int] | None:
        if self._norm is None:
            self._norm = _normalize(self.text)
        norm, where = self._norm
        needle = _normalize(quote)[0].strip()
        if len(needle) < MIN_QUOTE_CHARS:
            return None
        start_hint = bisect_left(where, hint)
        at = norm.find(needle, start_hint)
        if at < 0:
            at = norm.find(needle)
        if at < 0:
            return None
        return where[at], where[at + len(needle) - 1] + 1


def supported_statement(statement: str, quote: str, source: str | None = None) -> str:
    """``statement`` if it restates ``quote`` (most of its content words are the
    quote's or the speaker's), else the quote itself on one line."""
    said = set(content_terms(quote)) | set(content_terms(source or ""))
    terms = content_terms(statement)
    if terms:
        unsupported = sum(1 for t in terms if t not in said)
        if unsupported / len(terms) <= MAX_UNSUPPORTED_SHARE:
            return statement.strip()
    return " ".join(quote.split())
