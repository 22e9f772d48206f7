"""The candidate scan: where a figure or date can begin (:data:`ANCHOR`), what may
precede it (:data:`ANCHOR_PREFIX`), and the one regex (:data:`SCAN`) whose named group
says what was found there."""

from __future__ import annotations

import re

from api.claims.quantities.dates import DAY_RE, MONTH_ANY_RE, MONTH_RE, WEEKDAY_RE, YEAR_RE
from api.claims.quantities.money import CURRENCY_CODES
from api.claims.quantities.names import MONTH_ABBR, MONTHS, WEEKDAYS
from api.claims.quantities.numbers import ATOM_RE, SCALE_RE, SMALL, TENS
from api.claims.quantities.text import ASCII_WORD, HYPHEN, word_list

SCAN = re.compile(
    rf"""
    (?P<iso>(?P<iso_y>[0-9]{{4}})-(?P<iso_m>[0-9]{{2}})-(?P<iso_d>[0-9]{{2}})(?![0-9]))
    |(?P<md>\b(?:(?P<md_wd>{WEEKDAY_RE}),?\s+)?(?P<md_m>{MONTH_ANY_RE})\s+
        (?P<md_d>{DAY_RE})(?:st|nd|rd|th)?(?![^\W_]|,[0-9]|\s*[{HYPHEN}]\s*[0-9])
        (?:,?\s+(?P<md_y>{YEAR_RE}))?)
    |(?P<dm>(?:\b(?P<dm_wd>{WEEKDAY_RE}),?\s+)?(?P<dm_d>{DAY_RE})(?:st|nd|rd|th)?\s+
        (?:of\s+)?(?P<dm_m>{MONTH_ANY_RE})(?:,?\s+(?P<dm_y>{YEAR_RE}))?)
    |(?P<my>\b(?P<my_m>{MONTH_RE})(?:\s+of)?,?\s+(?P<my_y>{YEAR_RE}))
    |(?P<mon>\b(?:{MONTH_RE})\b)
    |(?P<wd>\b(?:{WEEKDAY_RE})\b)
    |(?P<adur>\b(?i:a\s+(?:decade|century))\b)
    |(?P<half>\b(?i:half\s+a\s+(?P<half_s>hundred|thousand|million|billion|dozen))\b)
    |(?P<vague>\b(?i:(?:(?P<vague_pre>tens|hundreds)\s+of\s+)?
        (?P<vague_s>dozens|hundreds|thousands|millions|billions))\b)
    |(?P<sev>\b(?i:(?:several|a\s+few|many)\s+
        (?P<sev_s>dozen|hundred|thousand|million|billion)s?)\b)
    |(?P<words>\b(?i:(?:a(?=\s+{SCALE_RE})|{ATOM_RE})
        (?:[\s‐-]+(?:and\s+)?(?:{ATOM_RE}|{SCALE_RE})|\s+and\s+a\s+half\b)*))
    |(?P<num>(?:(?P<cur>US\$|A\$|C\$|[$€£¥₽₴₹]|\b(?:{"|".join(CURRENCY_CODES)})\b)\s?)?
        (?P<digits>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)
        (?P<mult>\s?(?:mn|bn|tn|trn|[kKMmbB])(?![^\W_])
            |\s+(?i:thousand|million|billion|trillion)\b)?)
    """,
    re.VERBOSE,
)

# A digit or currency symbol.
_FIGURE_START = "[0-9$€£¥₽₴₹]"
# Where a figure or date can begin. Case-sensitive literal alternatives behind one
# ``\b`` keep this a fast scan; ``SCAN`` is then only tried at these positions.
_ANCHOR_WORDS = [
    *SMALL,
    *TENS,
    *word_list("hundred thousand million billion trillion dozen decade century half several many"),
    "tens",
]
ANCHOR = re.compile(
    _FIGURE_START
    + r"|\b(?:"
    + "|".join(
        sorted(
            {
                *_ANCHOR_WORDS,
                *(w.capitalize() for w in _ANCHOR_WORDS),
                *MONTHS,
                *MONTH_ABBR,
                *WEEKDAYS,
            },
            key=len,
            reverse=True,
        )
    )
    + ")"
)

# Cheap pre-check: most sentences have no digit and none of these words.
_MAYBE_DIGIT = re.compile(_FIGURE_START)
_TRIGGER_WORDS = frozenset(
    {
        *_ANCHOR_WORDS,
        *(w + "s" for w in _ANCHOR_WORDS),
        *(w.capitalize() for w in _ANCHOR_WORDS),
        *(w.capitalize() + "s" for w in _ANCHOR_WORDS),
        *MONTHS,
        *MONTH_ABBR,
        *WEEKDAYS,
    }
)

# What may precede an anchor within the same figure: "a dozen", "a few thousand",
# "US$5", "USD 5".
ANCHOR_PREFIX = re.compile(
    r"(?:\s+(?:wef\s+)?[Aa]|\s?(?:"
    + "|".join(c[::-1] for c in CURRENCY_CODES)
    + r")|(?P<sym>SU|A|C))(?![^\W\d_])"
)


def may_hold_quantity(text: str, start: int, end: int) -> bool:
    """False when ``text[start:end]`` has no digit, currency symbol or trigger word."""
    return _MAYBE_DIGIT.search(text, start, end) is not None or not _TRIGGER_WORDS.isdisjoint(
        ASCII_WORD.findall(text, start, end)
    )
