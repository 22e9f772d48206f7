"""Capitalized words next to a figure: month and weekday names, and the test for a
figure that follows a proper name ("Boeing 737", "Article 5", "Good Friday")."""

from __future__ import annotations

import re

from api.claims.quantities.text import word_list

MONTHS = {
    name: i
    for i, name in enumerate(
        word_list(
            "January February March April May June July August September October November December"
        ),
        start=1,
    )
}
MONTH_ABBR = {
    "Jan": 1,
    "Feb": 2,
    "Mar": 3,
    "Apr": 4,
    "Jun": 6,
    "Jul": 7,
    "Aug": 8,
    "Sep": 9,
    "Sept": 9,
    "Oct": 10,
    "Nov": 11,
    "Dec": 12,
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Capitalized words that may directly precede a figure (sentence starts, qualifiers).
_FUNCTION_WORDS = frozenset(
    word_list(
        """
        the a an in on at by for from to of with about around some nearly almost over under
        only just roughly approximately and but or since until after before during all
        another every each those these its their his her our my your up more fewer less
        least than as no not nor so yet both while when where if although though because
        then there here this that what which who out through across against among between
        within without per via last next first such many several few exactly estimated
        close upwards circa fully barely killing killed perhaps maybe possibly reportedly
        officially altogether also once including excluding plus minus like unlike
        """
    )
)
_FUNCTION_WORDS_ALL = _FUNCTION_WORDS | {m.lower() for m in MONTHS} | {d.lower() for d in WEEKDAYS}
_PREV_WORD = re.compile(r"\s+([\w'’.]+)")


def capitalized_name_before(before: str) -> bool:
    """The figure follows a capitalized word that is not a function word: "Boeing 737",
    "Article 5", "Formula One", "Good Friday". ``before`` is the reversed text before."""
    pm = _PREV_WORD.match(before)
    if pm is None:
        return False
    word = pm.group(1)[::-1].lstrip("0123456789_.'’")
    if not word or not word[0].isupper():
        return False
    if word.endswith(("'s", "’s", "s'", "s’")):
        return False
    return word.rstrip(".").lower() not in _FUNCTION_WORDS_ALL
