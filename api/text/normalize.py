"""Text normalization: the one canonical form every offset in Parallax points into.

``normalize_text`` must be idempotent (it runs on text that may already be normalized,
e.g. a JSON body that came out of an earlier run) and linear in the input size, because
it sees untrusted input of up to ``max_article_bytes``. Everything here is therefore
``str.translate``, ``str.split`` and regexes without nested quantifiers.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MAX_MARK_RUN", "clean_field", "normalize_text", "one_line"]

# UAX #15 "stream-safe" limit. No real script stacks more than a handful of combining
# marks; longer runs are "zalgo" noise, and CPython's canonical reordering is an
# insertion sort, so NFC of a long unordered run is quadratic (measured: 160k marks
# take ~20 s). Capping runs before NFC keeps normalization linear.
MAX_MARK_RUN = 30

_TABLE: dict[int, str | None] = {}
# C0 and C1 controls (and DEL) are invisible noise, typically from copy-paste or broken
# encoders; deleting them also removes any chance of them splitting a quote.
# Tab and newline are not in the table (translate leaves them alone); tab is handled
# with the other spaces below.
for _cp in [*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0)]:
    _TABLE[_cp] = None
# Zero-width characters, bidi controls and the soft hyphen: invisible, but they would
# make visually identical quotes compare unequal across articles.
for _cp in [
    0x00AD,  # soft hyphen (HTML articles are full of them)
    0x061C,  # Arabic letter mark (bidi)
    0x180E,  # Mongolian vowel separator (a space until Unicode 6.3, now format)
    0x200B,
    0x200C,
    0x200D,
    0x200E,
    0x200F,
    *range(0x202A, 0x202F),
    0x2060,
    *range(0x2066, 0x206A),
    0xFEFF,
]:
    _TABLE[_cp] = None
# Characters that str.splitlines() treats as line breaks become "\n" rather than being
# deleted, so words on either side of a form feed or LS/PS do not get glued together.
for _cp in [0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E, 0x85, 0x2028, 0x2029]:
    _TABLE[_cp] = "\n"
# Every other character with str.isspace() (tab, NBSP, the U+2000 block, ideographic
# space, ...) is a plain space for our purposes.
for _cp in [0x09, 0x1F, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x202F, 0x205F, 0x3000]:
    _TABLE[_cp] = " "
# The only "non-starter decompositions" (UAX #15): NFC expands each into two combining
# marks, though three of them have combining class 0 themselves. Expanding them up front
# (NFC produces the same) lets the mark-run cap below see every mark.
_TABLE.update(
    {
        0x0344: "\u0308\u0301",
        0x0F73: "\u0f71\u0f72",
        0x0F75: "\u0f71\u0f74",
        0x0F81: "\u0f71\u0f80",
    }
)
del _cp

# Runs on the bytes(combining class) view of the text: one byte per character.
_LONG_MARK_RUN = re.compile(rb"[^\x00]{%d,}" % (MAX_MARK_RUN + 1))
_SPACE_RUN = re.compile(r" {2,}")
_BLANK_RUN = re.compile(r"\n{3,}")


def _cap_mark_runs(text: str) -> str:
    """Cut every run of combining marks to ``MAX_MARK_RUN`` characters."""
    # Combining classes are 0..240, so they fit a bytes object index-aligned with text,
    # and the scan runs in C rather than a Python loop.
    classes = bytes(map(unicodedata.combining, text))
    pieces: list[str] = []
    pos = 0
    for match in _LONG_MARK_RUN.finditer(classes):
        pieces.append(text[pos : match.start() + MAX_MARK_RUN])
        pos = match.end()
    if not pieces:
        return text
    pieces.append(text[pos:])
    return "".join(pieces)


def normalize_text(text: str) -> str:
    """Return the canonical form of ``text``; see the module docstring.

    NFC; zero-width, bidi and control characters removed; line breaks as ``\\n``; all
    other whitespace as single spaces; no spaces at line edges; at most one blank line
    in a row; no leading or trailing whitespace. ``normalize_text`` is idempotent.
    """
    text = text.replace("\r\n", "\n").translate(_TABLE)
    if not text.isascii():
        # Deletion happens before NFC so that "e<ZWSP><U+0301>" composes to "é" at
        # once instead of on a second pass. Capping again after NFC keeps the output
        # invariant (no run above the cap) that makes the function idempotent.
        text = _cap_mark_runs(text)
        text = unicodedata.normalize("NFC", text)
        text = _cap_mark_runs(text)
    text = _SPACE_RUN.sub(" ", text)
    text = "\n".join(line.strip(" ") for line in text.split("\n"))
    text = _BLANK_RUN.sub("\n\n", text)
    return text.strip(" \n")


def one_line(text: str) -> str:
    """Normalize ``text`` and fold it onto one line (for titles and outlet names)."""
    return " ".join(line for line in normalize_text(text).split("\n") if line)


def clean_field(value: str | None) -> str | None:
    """One-line, normalized metadata (title, outlet, ...); None when nothing is left."""
    return (one_line(value) or None) if value is not None else None
