"""Dates: ISO dates, "March 5, 2025", "5 March", "March 2025", a month or weekday in
context ("in early February", "on Friday"), and years ("in 2016"), normalized to ISO
forms ("2025-03-05", "--03", "friday"); :func:`date_parts` reads those forms back."""

from __future__ import annotations

import calendar
import re

from api.claims.quantities.names import MONTH_ABBR, MONTHS, WEEKDAYS, capitalized_name_before
from api.claims.quantities.text import behind, glued_before, rev
from api.claims.quantities.units import UNIT_SYNONYMS
from api.models import Qualifier, Quantity, QuantityKind

MONTH_RE = "|".join(MONTHS)

# A full month name, or an abbreviation with an optional period ("Sept. 11").
MONTH_ANY_RE = (
    rf"(?:{'|'.join(MONTHS)})\b|(?:{'|'.join(sorted(MONTH_ABBR, key=len, reverse=True))})\b\.?"
)
WEEKDAY_RE = "|".join(WEEKDAYS)
DAY_RE = r"(?:3[01]|[12][0-9]|0?[1-9])(?![0-9])"
YEAR_RE = r"(?:1[0-9]{3}|20[0-9]{2}|2100)(?![0-9]|[,.][0-9])"

# Words that make a date approximate ("early March", "around 2016").
_DATE_QUALIFIERS = behind(
    r"(?:\s+|\s*[-‐])(?P<q>{})",
    "early|late|mid|around|about|approximately|circa|the end of|the beginning of"
    "|the start of|the middle of",
)

# Words that make a bare month name a date ("in February", "mid-March").
_MONTH_CONTEXT = behind(
    r"[\s‐-]+(?:{})",
    "in|early|late|mid|since|until|till|by|from|to|through|throughout|during|before|after"
    "|last|next|this|of|between|and|or|on|end|start",
)
_MAY_CONTEXT = behind(
    r"[\s‐-]+(?:{})",
    "in|early|late|mid|since|until|till|by|during|last|next|this|through|throughout",
)

# Prepositions that make a four-digit number a year ("in 2016").
_YEAR_CONTEXT = behind(
    r"[\s‐-]+(?:{})",
    "in|since|by|until|till|from|to|of|during|before|after|through|throughout|early|late"
    "|mid|year|years|between|and|summer|winter|spring|autumn|fall|circa",
)
_DETERMINER_BEFORE = behind(r"\s+(?:{})", "the|a|an|its|their|his|her|our|this|that|these|those")
_DATE_FORMS = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?"
    r"|--(?P<m2>[0-9]{2})(?:-(?P<d2>[0-9]{2}))?"
)


def read_date(text: str, m: re.Match[str], group: str, lo: int) -> Quantity | None:
    """The date matched by the scan's ``group`` ("iso", "md", "dm", "my", "mon", "wd")."""
    s, e = m.start(), m.end()
    before = rev(text, lo, s, 40)
    iso: str | None
    if group == "iso":
        if glued_before(text, s):
            return None
        iso = _ymd(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    elif group == "md":
        iso = _ymd(_year(m["md_y"]), _month(m["md_m"]), int(m["md_d"]))
    elif group == "dm":
        if glued_before(text, m.start("dm_d")) and m["dm_wd"] is None:
            return None
        iso = _ymd(_year(m["dm_y"]), _month(m["dm_m"]), int(m["dm_d"]))
    elif group == "my":
        iso = _ymd(int(m["my_y"]), MONTHS[m["my_m"]], None)
    elif group == "mon":
        word = m[group]
        context = _MAY_CONTEXT if word == "May" else _MONTH_CONTEXT
        if context.match(before) is None:
            return None
        iso = f"--{MONTHS[word]:02d}"
    else:  # weekday
        if capitalized_name_before(before):
            return None
        iso = m[group].lower()
    if iso is None:
        return None
    return date_quantity(text, s, e, before, iso)


def date_quantity(text: str, s: int, e: int, before: str, iso: str) -> Quantity:
    """The date ``iso`` stated by ``text[s:e]``; a qualifier in ``before`` (the reversed
    text before ``s``: "early", "around") makes it approximate and part of the text."""
    qualifier = Qualifier.exact
    qm = _DATE_QUALIFIERS.match(before)
    if qm is not None:
        qualifier = Qualifier.approx
        s -= qm.end("q")
    return Quantity(
        text=text[s:e],
        kind=QuantityKind.date,
        value=None,
        unit=None,
        date=iso,
        qualifier=qualifier,
        start=s,
        end=e,
    )


def year_or_skip(before: str, year: int, unit: str | None) -> str:
    """A bare four-digit integer: "date", "number" or "skip" (ambiguous)."""
    if 1000 <= year <= 2100 and _YEAR_CONTEXT.match(before):
        return "date"
    if not 1900 <= year <= 2100:
        return "number"
    if capitalized_name_before(before):
        return "skip"  # "Windows 2000", "Vision 2030"
    if unit is None:
        return "date"
    if _DETERMINER_BEFORE.match(before):
        return "skip"  # "the 2016 elections" or "the 2000 soldiers"?
    return "number" if unit in UNIT_SYNONYMS.values() else "skip"


def _month(name: str) -> int:
    name = name.rstrip(".")
    return MONTHS.get(name) or MONTH_ABBR[name]


def _year(raw: str | None) -> int | None:
    return int(raw) if raw else None


def _ymd(year: int | None, month: int, day: int | None) -> str | None:
    if not 1 <= month <= 12 or (year is not None and not 1000 <= year <= 2999):
        return None
    if day is not None:
        last = calendar.monthrange(year if year is not None else 2000, month)[1]
        if not 1 <= day <= last:
            return None
    if year is None:
        return f"--{month:02d}" + (f"-{day:02d}" if day is not None else "")
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day is not None else "")


def date_parts(iso: str) -> tuple[int | None, int | None, int | None] | str | None:
    m = _DATE_FORMS.fullmatch(iso)
    if m is None:
        low = iso.lower()
        return low if low.capitalize() in WEEKDAYS else None
    month = m["m"] or m["m2"]
    day = m["d"] or m["d2"]
    return (
        int(m["y"]) if m["y"] else None,
        int(month) if month else None,
        int(day) if day else None,
    )
