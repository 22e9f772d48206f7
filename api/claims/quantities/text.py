"""Text primitives shared by the quantity scanners.

Look-behind checks match a reversed window anchored at the figure ("more than 10"
reads "01 naht erom"), so each is a single anchored match instead of a search:
:func:`rev` cuts the window, :func:`reversed_phrases` and :func:`behind` build the
patterns.
"""

from __future__ import annotations

import re

HYPHEN = "-‐‑–"
ASCII_WORD = re.compile(r"[A-Za-z]+")
# Non-ASCII letters that case-insensitive regexes match as ASCII ones.
_CASE_FOLD = str.maketrans({"ſ": "s", "K": "k", "ı": "i", "İ": "i"})


def word_list(spaced: str) -> list[str]:
    return spaced.split()


def fold(word: str) -> str:
    return word.translate(_CASE_FOLD).lower()


def rev(text: str, lo: int, pos: int, width: int) -> str:
    """Up to ``width`` characters before ``pos`` (not before ``lo``), reversed."""
    return text[max(lo, pos - width) : pos][::-1]


def reversed_phrases(phrases: str) -> str:
    """Alternatives "more than|over" as a reversed regex ("naht erom|revo"), longest first."""
    alternatives = [p.strip() for p in phrases.split("|")]
    return "|".join(
        r"\s+".join(re.escape(word[::-1]) for word in reversed(phrase.split()))
        for phrase in sorted(alternatives, key=len, reverse=True)
    )


def behind(pattern: str, phrases: str) -> re.Pattern[str]:
    """``pattern`` (reversed, with ``{}`` for the phrases) followed by a word start."""
    return re.compile(pattern.format(reversed_phrases(phrases)) + r"(?![^\W\d_])", re.IGNORECASE)


def glued_before(text: str, pos: int) -> bool:
    """A figure at ``pos`` is glued to a name: "G7", "MiG-29", "A/320", "10:30"."""
    if pos == 0:
        return False
    prev = text[pos - 1]
    if prev.isalnum() or prev == "_":
        return True
    if prev in HYPHEN or prev in "/.:,+#":
        return pos >= 2 and (text[pos - 2].isalnum() or text[pos - 2] in HYPHEN)
    return False
