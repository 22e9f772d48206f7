"""The extraction: scan for candidates, read each as a date or a figure, then apply
what surrounds the figure (suffix, qualifier, counted noun, context that rules it
out) to assemble :class:`~api.models.Quantity` objects."""

from __future__ import annotations

import re

from api.claims.quantities.dates import date_quantity, read_date, year_or_skip
from api.claims.quantities.names import capitalized_name_before
from api.claims.quantities.numbers import Figure, read_figure
from api.claims.quantities.ranges import merge_ranges
from api.claims.quantities.scan import ANCHOR, ANCHOR_PREFIX, SCAN, may_hold_quantity
from api.claims.quantities.suffixes import read_suffix
from api.claims.quantities.text import HYPHEN, rev, reversed_phrases
from api.claims.quantities.units import ONE_NOUNS, UNIT_SYNONYMS, counted_noun, percent_of
from api.models import Qualifier, Quantity, QuantityKind

# Qualifiers before a figure; the approximate ones follow.
QUALIFIER_KIND = {
    "no more than": Qualifier.at_most,
    "not more than": Qualifier.at_most,
    "no fewer than": Qualifier.at_least,
    "no less than": Qualifier.at_least,
    "not less than": Qualifier.at_least,
    "at least": Qualifier.at_least,
    "more than": Qualifier.at_least,
    "greater than": Qualifier.at_least,
    "upwards of": Qualifier.at_least,
    "in excess of": Qualifier.at_least,
    "over": Qualifier.at_least,
    "above": Qualifier.at_least,
    "exceeding": Qualifier.at_least,
    "as few as": Qualifier.at_least,
    "at most": Qualifier.at_most,
    "up to": Qualifier.at_most,
    "fewer than": Qualifier.at_most,
    "less than": Qualifier.at_most,
    "under": Qualifier.at_most,
    "below": Qualifier.at_most,
    "as many as": Qualifier.at_most,
    "as much as": Qualifier.at_most,
    # Slightly below or above, not just a bound: "nearly 1,861.81" is not 1,861.82, and
    # "nearly 10,000" is not 5,000 (a plain "under" would admit it).
    "nearly": Qualifier.just_under,
    "almost": Qualifier.just_under,
    "just under": Qualifier.just_under,
    "just below": Qualifier.just_under,
    "just short of": Qualifier.just_under,
    "just shy of": Qualifier.just_under,
    "just over": Qualifier.just_over,
    "just above": Qualifier.just_over,
    "slightly more than": Qualifier.just_over,
    "slightly over": Qualifier.just_over,
}
_APPROX_WORDS = (
    "approximately|approx.|about|around|roughly|some|an estimated|estimated|close to|circa"
)
_QUALIFIERS = re.compile(
    r"\s*(?P<q>"
    + reversed_phrases("|".join(QUALIFIER_KIND) + "|" + _APPROX_WORDS)
    + r"(?![^\W\d_])|~)",
    re.IGNORECASE,
)

# Context that rules a figure out: an id ("No. 5"), a ratio ("one in five"), a time.
_ID_BEFORE = re.compile(r"\s*(?:\#|\.?(?:oN|rN)(?![^\W\d_])|(?i:rebmun)(?![^\W\d_]))")
_RATIO_BEFORE = re.compile(
    r"\s+(?:ni|fo\s+tuo)\s+(?:[0-9]|(?:"
    + reversed_phrases("one|two|three|four|five|six|seven|eight|nine|ten")
    + r")(?![^\W\d_]))",
    re.IGNORECASE,
)
_RATIO_AFTER = re.compile(
    r"\s+(?i:in|out\s+of)\s+(?:[0-9]{1,3}(?:,[0-9]{3})*(?![0-9])"
    r"|(?i:a|one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand)\b)"
)
_TIME_AFTER = re.compile(
    r"\s*(?:[ap]\.m\.|[ap]m\b|[AP]M\b|GMT\b|UTC\b|BST\b|CET\b|EST\b|EDT\b|PST\b|hrs\b"
    r"|o['’]clock\b|local\s+time\b)"
)
_STRONG = re.compile(r"[-‐‑](?i:strong)\b")
_GLUED_UNIT = re.compile(r"(?:km|kg|mph|kph|MW|GW)(?![^\W_])")


def extract_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Figures and dates in ``text[start:end]``, sorted and non-overlapping.

    Offsets are absolute into ``text`` and ``text[q.start:q.end] == q.text``.
    """
    n = len(text)
    start = min(max(start, 0), n)
    end = n if end is None else min(max(end, start), n)
    if not may_hold_quantity(text, start, end):
        return []
    found: list[Quantity] = []
    last_end = pos = start
    while pos < end:
        anchor = ANCHOR.search(text, pos, end)
        if anchor is None:
            break
        at = anchor.start()
        m = None
        prefix = ANCHOR_PREFIX.match(rev(text, pos, at, 12))
        if prefix is not None and (prefix.group("sym") is None or text[at] == "$"):
            m = SCAN.match(text, at - prefix.end(), end)
            if m is not None and m.end() <= at:
                m = None
        if m is None:
            m = SCAN.match(text, at, end)
        if m is None:
            pos = anchor.end()
            continue
        pos = max(m.end(), anchor.end())
        q = _from_match(text, m, last_end, end)
        if q is not None:
            found.append(q)
            last_end = q.end
            pos = max(pos, q.end)
    if len(found) > 1:
        found = merge_ranges(text, found)
    return found


def _from_match(text: str, m: re.Match[str], lo: int, hi: int) -> Quantity | None:
    group = m.lastgroup
    if group is None:
        return None
    if group in ("iso", "md", "dm", "my", "mon", "wd"):
        return read_date(text, m, group, lo)
    fig = read_figure(text, m, group)
    if fig is None:
        return None
    return _quantity(text, fig, lo, hi)


def _quantity(text: str, fig: Figure, lo: int, hi: int) -> Quantity | None:
    s, e, value = fig.start, fig.end, fig.value
    if e > hi:
        return None
    kind = QuantityKind.number
    unit: str | None = None
    currency = fig.currency
    nxt = text[e : e + 1]

    # Glued on the right: "5G", "1990s", "2nd", "3.5.1", "10:30", "2014-15".
    if nxt and (nxt.isalnum() or nxt == "_"):
        gm = _GLUED_UNIT.match(text, e, hi)
        if gm is None or currency is not None:
            return None
        unit = UNIT_SYNONYMS.get(gm.group().lower(), gm.group())
        e = gm.end()
    elif (nxt in ".,:/" and text[e + 1 : e + 2].isdigit()) or (
        nxt and nxt in HYPHEN and text[e + 1 : e + 2].isdigit()
    ):
        return None
    before = rev(text, lo, s, 40)
    if _TIME_AFTER.match(text, e, hi) or _ID_BEFORE.match(before):
        return None

    tail = read_suffix(text, e, hi, fig)
    if tail is not None:
        kind, value, unit_found, e, currency_word = tail
        unit = unit_found if unit_found is not None else unit
        if currency_word is not None:
            if currency is not None and currency != currency_word:
                return None
            currency = currency_word
    elif fig.duration_only:
        return None
    elif text[e : e + 1] in HYPHEN and text[e + 1 : e + 2].isalpha():
        sm = _STRONG.match(text, e, hi)
        if sm is None:
            return None  # "two-thirds", "one-off", "18-member" (conservative)
        e = sm.end()
    if currency is not None:
        if kind not in (QuantityKind.number, QuantityKind.money):
            return None
        kind, unit = QuantityKind.money, currency

    # Qualifier before the figure ("approximately", "at least") is part of the text.
    qualifier = fig.qualifier
    qm = None if fig.vague else _QUALIFIERS.match(before)
    q_start = s
    if qm is not None:
        q = " ".join(qm.group("q")[::-1].lower().split())
        qualifier = QUALIFIER_KIND.get(q, Qualifier.approx)
        q_start = s - qm.end("q")

    if kind is QuantityKind.number:
        if unit is None:
            unit = counted_noun(text, e, hi, fig.countable)
        if fig.single_one and unit not in ONE_NOUNS:
            return None
        if _RATIO_AFTER.match(text, e, hi) or _RATIO_BEFORE.match(before):
            return None
        plain = qm is None and fig.currency is None
        figure_text = text[s:e]
        if plain and len(figure_text) == 4 and figure_text.isdigit():
            year = year_or_skip(before, int(figure_text), unit)
            if year == "skip":
                return None
            if year == "date":
                return date_quantity(text, s, e, before, figure_text)
        if plain and capitalized_name_before(before):
            return None
    elif kind is QuantityKind.percent and unit is None:
        unit = percent_of(text, e, hi)

    return Quantity(
        text=text[q_start:e],
        kind=kind,
        value=value,
        unit=unit,
        date=None,
        qualifier=qualifier,
        start=q_start,
        end=e,
    )
