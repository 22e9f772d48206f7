"""Figures and dates in claim text, normalized so that outlets can be compared.

``extract_quantities`` finds counts ("approximately ten thousand soldiers"), money
("$100M"), percentages ("40 per cent"), durations ("seven-month-long") and dates
("March 5, 2025", "in early February", "on Friday") and returns them as
:class:`~api.models.Quantity` with exact offsets into the text.

``compatible`` decides whether two quantities can both be true; ``display`` renders
one for reports.

Design rules:

* Conservative. A spurious quantity later becomes a spurious conflict, which is worse
  than a missed one, so anything ambiguous is dropped: figures glued to letters
  ("MiG-29", "COVID-19", "G7", "5G", "1990s"), times of day, ratios ("one in five"),
  hyphenated ranges ("2014-15", "5-7"), a bare "one" that is not followed by a
  countable noun ("one of the", "no one"), a number right after a capitalized name
  ("Boeing 737", "Article 5").
* Linear time. One precompiled scan finds candidate figures; every check after that
  is an anchored regex on a bounded window. Text without a digit, number word, month
  or weekday is rejected by a single cheap search.
* Never raises on arbitrary text (only ASCII digits are parsed).
"""

from __future__ import annotations

import calendar
import math
import re
from dataclasses import dataclass

from api.models import Qualifier, Quantity, QuantityKind

__all__ = ["compatible", "display", "extract_quantities"]

# --------------------------------------------------------------------------- vocab


def _words(spaced: str) -> list[str]:
    return spaced.split()


_MONTHS = {
    name: i
    for i, name in enumerate(
        _words(
            "January February March April May June July August September October November December"
        ),
        start=1,
    )
}
_MONTH_ABBR = {
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
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

_SMALL = {
    w: i
    for i, w in enumerate(
        _words(
            "one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        ),
        start=1,
    )
}
_TENS = {
    w: 10 * i
    for i, w in enumerate(_words("twenty thirty forty fifty sixty seventy eighty ninety"), 2)
}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_VAGUE = {"dozens": 12.0, "hundreds": 100.0, "thousands": 1e3, "millions": 1e6, "billions": 1e9}
_VAGUE_PRE = {"tens": 10.0, "hundreds": 100.0}
_SEVERAL = {"dozen": 12.0, "hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9}

_MULT_ABBR = {
    "k": 1e3,
    "K": 1e3,
    "M": 1e6,
    "m": 1e6,
    "mn": 1e6,
    "b": 1e9,
    "B": 1e9,
    "bn": 1e9,
    "tn": 1e12,
    "trn": 1e12,
}
# Abbreviations that mean "million"/"billion" only next to a currency ("100m" is
# also metres, "5b" anything).
_MULT_NEEDS_CURRENCY = frozenset({"m", "b"})

_CURRENCY_PREFIX = {
    "US$": "USD",
    "$": "USD",
    "A$": "AUD",
    "C$": "CAD",
    "€": "EUR",
    "£": "GBP",
    "¥": "JPY",
    "₽": "RUB",
    "₴": "UAH",
    "₹": "INR",
}
_CURRENCY_CODES = ("USD", "EUR", "GBP", "RUB", "UAH", "JPY", "CNY", "CHF", "CAD", "AUD")
_CURRENCY_WORDS = {
    "dollar": "USD",
    "dollars": "USD",
    "euro": "EUR",
    "euros": "EUR",
    "pounds sterling": "GBP",
    "ruble": "RUB",
    "rubles": "RUB",
    "rouble": "RUB",
    "roubles": "RUB",
    "hryvnia": "UAH",
    "hryvnias": "UAH",
    "hryvnas": "UAH",
    "yuan": "CNY",
    "yen": "JPY",
}
_CURRENCY_SYMBOL = {"USD": "$", "EUR": "€", "GBP": "£"}

# Duration units, normalized; decades and centuries become years.
_DURATION_UNITS = {
    "second": ("second", 1.0),
    "minute": ("minute", 1.0),
    "hour": ("hour", 1.0),
    "day": ("day", 1.0),
    "week": ("week", 1.0),
    "month": ("month", 1.0),
    "year": ("year", 1.0),
    "decade": ("year", 10.0),
    "century": ("year", 100.0),
}
_DAYS_PER = {
    "second": 1 / 86400,
    "minute": 1 / 1440,
    "hour": 1 / 24,
    "day": 1.0,
    "week": 7.0,
    "month": 30.436875,
    "year": 365.2425,
}

# Counted nouns that outlets use interchangeably, keyed by singular (or invariant) form.
_UNIT_SYNONYMS = {
    "troop": "soldier",
    "soldier": "soldier",
    "serviceman": "soldier",
    "servicemen": "soldier",
    "servicemember": "soldier",
    "personnel": "soldier",
    "people": "people",
    "person": "people",
    "individual": "people",
    "resident": "people",
    "civilian": "civilian",
    "dead": "dead",
    "killed": "dead",
    "death": "dead",
    "fatality": "dead",
    "injured": "injured",
    "wounded": "injured",
    "injury": "injured",
    "child": "child",
    "children": "child",
    "kid": "child",
    "man": "man",
    "men": "man",
    "woman": "woman",
    "women": "woman",
    "police": "police",
    "kilometre": "km",
    "kilometer": "km",
    "km": "km",
    "metre": "metre",
    "meter": "metre",
    "kilogram": "kg",
    "kg": "kg",
    "ton": "tonne",
    "tonne": "tonne",
}
# Nouns whose plural does not end in -s (or that are plural already).
_INVARIANT_PLURALS = frozenset(
    _words(
        "people personnel police dead killed injured wounded children men women servicemen aircraft"
    )
)
# Unit nouns after which a bare "one" is a count ("one soldier"), not an idiom.
_ONE_NOUNS = frozenset(_UNIT_SYNONYMS.values()) | frozenset(
    _words(
        "vehicle tank drone missile rocket aircraft jet helicopter ship boat bridge village "
        "town city country hospital school building house home journalist official victim "
        "prisoner hostage officer member brigade battalion strike attack"
    )
)
# Words ending in -s that are not plural nouns.
_NOT_PLURAL = frozenset(
    _words(
        """
        this its his hers has was is as us yes thus always perhaps towards afterwards
        besides whereas sometimes nevertheless plus minus across less unless news series
        species means overseas various previous chaos bus gas lens bonus status campus virus
        census consensus thesis crisis basis analysis whereabouts outskirts headquarters
        """
    )
)
# A run of words after a figure ends at any of these.
_STOP_WORDS = frozenset(
    _words(
        """
        of and or but nor in on at to for from by with without into onto over under about
        around after before during since until than as the a an this that these those its
        their his her our your my were was are is be been being have has had will would
        could should may might must can do does did who which what when where while whom
        whose more less fewer most least ago later earlier each per apiece alone so such not
        no yet also too very just only there here then through across along against among
        between within near inside outside toward towards via if because although though it
        they them he she we you i out up down off again already still times time percent
        """
    )
)
# Capitalized words that may directly precede a figure (sentence starts, qualifiers).
_FUNCTION_WORDS = frozenset(
    _words(
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
_FUNCTION_WORDS_ALL = (
    _FUNCTION_WORDS | {m.lower() for m in _MONTHS} | {d.lower() for d in _WEEKDAYS}
)

# --------------------------------------------------------------------------- regexes

_MONTH_RE = "|".join(_MONTHS)
# A full month name, or an abbreviation with an optional period ("Sept. 11").
_MONTH_ANY_RE = (
    rf"(?:{'|'.join(_MONTHS)})\b|(?:{'|'.join(sorted(_MONTH_ABBR, key=len, reverse=True))})\b\.?"
)
_WEEKDAY_RE = "|".join(_WEEKDAYS)
_ATOM_RE = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-‐ ](?:one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"|nineteen|eighteen|seventeen|sixteen|fifteen|fourteen|thirteen|twelve|eleven|ten"
    r"|nine|eight|seven|six|five|four|three|two|one)\b"
)
_SCALE_RE = r"(?:hundred|thousand|million|billion|trillion|dozen)\b"
_DAY_RE = r"(?:3[01]|[12][0-9]|0?[1-9])(?![0-9])"
_YEAR_RE = r"(?:1[0-9]{3}|20[0-9]{2}|2100)(?![0-9]|[,.][0-9])"
_HYPHEN = "-‐‑–"

_SCAN = re.compile(
    rf"""
    (?P<iso>(?P<iso_y>[0-9]{{4}})-(?P<iso_m>[0-9]{{2}})-(?P<iso_d>[0-9]{{2}})(?![0-9]))
    |(?P<md>\b(?:(?P<md_wd>{_WEEKDAY_RE}),?\s+)?(?P<md_m>{_MONTH_ANY_RE})\s+
        (?P<md_d>{_DAY_RE})(?:st|nd|rd|th)?(?![^\W_]|,[0-9]|\s*[{_HYPHEN}]\s*[0-9])
        (?:,?\s+(?P<md_y>{_YEAR_RE}))?)
    |(?P<dm>(?:\b(?P<dm_wd>{_WEEKDAY_RE}),?\s+)?(?P<dm_d>{_DAY_RE})(?:st|nd|rd|th)?\s+
        (?:of\s+)?(?P<dm_m>{_MONTH_ANY_RE})(?:,?\s+(?P<dm_y>{_YEAR_RE}))?)
    |(?P<my>\b(?P<my_m>{_MONTH_RE})(?:\s+of)?,?\s+(?P<my_y>{_YEAR_RE}))
    |(?P<mon>\b(?:{_MONTH_RE})\b)
    |(?P<wd>\b(?:{_WEEKDAY_RE})\b)
    |(?P<adur>\b(?i:a\s+(?:decade|century))\b)
    |(?P<half>\b(?i:half\s+a\s+(?P<half_s>hundred|thousand|million|billion|dozen))\b)
    |(?P<vague>\b(?i:(?:(?P<vague_pre>tens|hundreds)\s+of\s+)?
        (?P<vague_s>dozens|hundreds|thousands|millions|billions))\b)
    |(?P<sev>\b(?i:(?:several|a\s+few|many)\s+
        (?P<sev_s>dozen|hundred|thousand|million|billion)s?)\b)
    |(?P<words>\b(?i:(?:a(?=\s+{_SCALE_RE})|{_ATOM_RE})
        (?:[\s‐-]+(?:and\s+)?(?:{_ATOM_RE}|{_SCALE_RE})|\s+and\s+a\s+half\b)*))
    |(?P<num>(?:(?P<cur>US\$|A\$|C\$|[$€£¥₽₴₹]|\b(?:{"|".join(_CURRENCY_CODES)})\b)\s?)?
        (?P<digits>[0-9]{{1,3}}(?:,[0-9]{{3}})+(?![0-9])(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)
        (?P<mult>\s?(?:mn|bn|tn|trn|[kKMmbB])(?![^\W_])
            |\s+(?i:thousand|million|billion|trillion)\b)?)
    """,
    re.VERBOSE,
)

# Where a figure or date can begin. Case-sensitive literal alternatives behind one
# ``\b`` keep this a fast scan; ``_SCAN`` is then only tried at these positions.
_ANCHOR_WORDS = [
    *_SMALL,
    *_TENS,
    *_words("hundred thousand million billion trillion dozen decade century half several many"),
    "tens",
]
_ANCHOR = re.compile(
    r"[0-9$€£¥₽₴₹]|\b(?:"
    + "|".join(
        sorted(
            {
                *_ANCHOR_WORDS,
                *(w.capitalize() for w in _ANCHOR_WORDS),
                *_MONTHS,
                *_MONTH_ABBR,
                *_WEEKDAYS,
            },
            key=len,
            reverse=True,
        )
    )
    + ")"
)
# Look-behind checks match a reversed window anchored at the figure ("more than 10"
# reads "01 naht erom"), so each is a single anchored match instead of a search.


def _reversed_phrases(phrases: str) -> str:
    """Alternatives "more than|over" as a reversed regex ("naht erom|revo"), longest first."""
    alternatives = [p.strip() for p in phrases.split("|")]
    return "|".join(
        r"\s+".join(re.escape(word[::-1]) for word in reversed(phrase.split()))
        for phrase in sorted(alternatives, key=len, reverse=True)
    )


def _behind(pattern: str, phrases: str) -> re.Pattern[str]:
    """``pattern`` (reversed, with ``{}`` for the phrases) followed by a word start."""
    return re.compile(pattern.format(_reversed_phrases(phrases)) + r"(?![^\W\d_])", re.IGNORECASE)


# Cheap pre-check: most sentences have no digit and none of these words.
_MAYBE_DIGIT = re.compile(r"[0-9$€£¥₽₴₹]")
_ASCII_WORD = re.compile(r"[A-Za-z]+")
_TRIGGER_WORDS = frozenset(
    {
        *_ANCHOR_WORDS,
        *(w + "s" for w in _ANCHOR_WORDS),
        *(w.capitalize() for w in _ANCHOR_WORDS),
        *(w.capitalize() + "s" for w in _ANCHOR_WORDS),
        *_MONTHS,
        *_MONTH_ABBR,
        *_WEEKDAYS,
    }
)

# What may precede an anchor within the same figure: "a dozen", "a few thousand",
# "US$5", "USD 5".
_ANCHOR_PREFIX = re.compile(
    r"(?:\s+(?:wef\s+)?[Aa]|\s?(?:"
    + "|".join(c[::-1] for c in _CURRENCY_CODES)
    + r")|(?P<sym>SU|A|C))(?![^\W\d_])"
)
_QUALIFIER_KIND = {
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
}
_APPROX_WORDS = (
    "approximately|approx.|about|around|roughly|some|nearly|almost|an estimated|estimated"
    "|close to|circa"
)
_QUALIFIERS = re.compile(
    r"\s*(?P<q>"
    + _reversed_phrases("|".join(_QUALIFIER_KIND) + "|" + _APPROX_WORDS)
    + r"(?![^\W\d_])|~)",
    re.IGNORECASE,
)
_DATE_QUALIFIERS = _behind(
    r"(?:\s+|\s*[-‐])(?P<q>{})",
    "early|late|mid|around|about|approximately|circa|the end of|the beginning of"
    "|the start of|the middle of",
)
# Words that make a bare month name a date ("in February", "mid-March").
_MONTH_CONTEXT = _behind(
    r"[\s‐-]+(?:{})",
    "in|early|late|mid|since|until|till|by|from|to|through|throughout|during|before|after"
    "|last|next|this|of|between|and|or|on|end|start",
)
_MAY_CONTEXT = _behind(
    r"[\s‐-]+(?:{})",
    "in|early|late|mid|since|until|till|by|during|last|next|this|through|throughout",
)
# Prepositions that make a four-digit number a year ("in 2016").
_YEAR_CONTEXT = _behind(
    r"[\s‐-]+(?:{})",
    "in|since|by|until|till|from|to|of|during|before|after|through|throughout|early|late"
    "|mid|year|years|between|and|summer|winter|spring|autumn|fall|circa",
)
_DETERMINER_BEFORE = _behind(r"\s+(?:{})", "the|a|an|its|their|his|her|our|this|that|these|those")
_PREV_WORD = re.compile(r"\s+([\w'’.]+)")
_ID_BEFORE = re.compile(r"\s*(?:\#|\.?(?:oN|rN)(?![^\W\d_])|(?i:rebmun)(?![^\W\d_]))")
_RATIO_BEFORE = re.compile(
    r"\s+(?:ni|fo\s+tuo)\s+(?:[0-9]|(?:"
    + _reversed_phrases("one|two|three|four|five|six|seven|eight|nine|ten")
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
_PERCENT = re.compile(
    r"(?P<sym>\s?%)|(?:\s+|[-‐])(?i:percent|per\s+cent|pct)\b"
    r"|(?P<pts>\s+(?i:percentage[\s-]+points?)\b)"
)
_PERCENT_POINTS = re.compile(r"\s+(?i:percentage\s+)?points?\b")
_DURATION = re.compile(
    r"(?:\s+|[-‐‑])(?P<u>(?i:seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?"
    r"|century|centuries))\b(?P<long>[-‐‑](?i:long)\b)?(?P<old>[-‐‑\s]+(?i:old)\b)?"
)
_CURRENCY_AFTER = re.compile(
    r"\s+(?:of\s+)?(?:(?:US|U\.S\.)\s+)?(?P<w>(?i:dollars?|euros?|pounds\s+sterling|roubles?"
    r"|rubles?|hryvnias?|hryvnas|yuan|yen)\b|(?:" + "|".join(_CURRENCY_CODES) + r")\b)"
)
_STRONG = re.compile(r"[-‐‑](?i:strong)\b")
_GLUED_UNIT = re.compile(r"(?:km|kg|mph|kph|MW|GW)(?![^\W_])")
_NEXT_WORD = re.compile(r"\s+([^\W\d_][^\W\d_'’]*(?:-[^\W\d_]+)*)")
_OF = re.compile(r"\s+of(?:\s+(?:the|these|those|their|its|our))?(?=\s)", re.IGNORECASE)
_WORD_TOKEN = re.compile(r"[A-Za-z]+")
_RANGE_GAP = re.compile(r"\s*(?:(?P<w>to|and|or)\s+|[-–—]\s*)\Z", re.IGNORECASE)
_BETWEEN = re.compile(r"(?<![^\W\d_])between\s+\Z", re.IGNORECASE)
_FROM = re.compile(r"(?<![^\W\d_])from\s+\Z", re.IGNORECASE)
_DATE_FORMS = re.compile(
    r"(?P<y>[0-9]{4})(?:-(?P<m>[0-9]{2})(?:-(?P<d>[0-9]{2}))?)?"
    r"|--(?P<m2>[0-9]{2})(?:-(?P<d2>[0-9]{2}))?"
)

# --------------------------------------------------------------------------- extract


@dataclass(slots=True)
class _Figure:
    start: int
    end: int
    value: float
    qualifier: Qualifier = Qualifier.exact
    vague: bool = False  # "hundreds of": a floor, qualifiers do not apply
    currency: str | None = None
    countable: bool = False  # "dozens", "thousand": an "of" may follow
    single_one: bool = False  # a bare "one"
    duration_only: bool = False  # the "a" of "a decade"


def extract_quantities(text: str, start: int = 0, end: int | None = None) -> list[Quantity]:
    """Figures and dates in ``text[start:end]``, sorted and non-overlapping.

    Offsets are absolute into ``text`` and ``text[q.start:q.end] == q.text``.
    """
    n = len(text)
    start = min(max(start, 0), n)
    end = n if end is None else min(max(end, start), n)
    if _MAYBE_DIGIT.search(text, start, end) is None and _TRIGGER_WORDS.isdisjoint(
        _ASCII_WORD.findall(text, start, end)
    ):
        return []
    found: list[Quantity] = []
    last_end = pos = start
    while pos < end:
        anchor = _ANCHOR.search(text, pos, end)
        if anchor is None:
            break
        at = anchor.start()
        m = None
        prefix = _ANCHOR_PREFIX.match(_rev(text, pos, at, 12))
        if prefix is not None and (prefix.group("sym") is None or text[at] == "$"):
            m = _SCAN.match(text, at - prefix.end(), end)
            if m is not None and m.end() <= at:
                m = None
        if m is None:
            m = _SCAN.match(text, at, end)
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
        found = _merge_ranges(text, found)
    return found


def _from_match(text: str, m: re.Match[str], lo: int, hi: int) -> Quantity | None:
    group = m.lastgroup
    if group is None:
        return None
    if group in ("iso", "md", "dm", "my", "mon", "wd"):
        return _date(text, m, group, lo)
    fig = _figure(text, m, group)
    if fig is None:
        return None
    return _quantity(text, fig, lo, hi)


# ..................................................................... dates


def _date(text: str, m: re.Match[str], group: str, lo: int) -> Quantity | None:
    s, e = m.start(), m.end()
    before = _rev(text, lo, s, 40)
    iso: str | None
    if group == "iso":
        if _glued_before(text, s):
            return None
        iso = _ymd(int(m["iso_y"]), int(m["iso_m"]), int(m["iso_d"]))
    elif group == "md":
        iso = _ymd(_year(m["md_y"]), _month(m["md_m"]), int(m["md_d"]))
    elif group == "dm":
        if _glued_before(text, m.start("dm_d")) and m["dm_wd"] is None:
            return None
        iso = _ymd(_year(m["dm_y"]), _month(m["dm_m"]), int(m["dm_d"]))
    elif group == "my":
        iso = _ymd(int(m["my_y"]), _MONTHS[m["my_m"]], None)
    elif group == "mon":
        word = m[group]
        context = _MAY_CONTEXT if word == "May" else _MONTH_CONTEXT
        if context.match(before) is None:
            return None
        iso = f"--{_MONTHS[word]:02d}"
    else:  # weekday
        if _capitalized_name_before(before):
            return None
        iso = m[group].lower()
    if iso is None:
        return None
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


# Non-ASCII letters that case-insensitive regexes match as ASCII ones.
_CASE_FOLD = str.maketrans({"ſ": "s", "K": "k", "ı": "i", "İ": "i"})


def _fold(word: str) -> str:
    return word.translate(_CASE_FOLD).lower()


def _rev(text: str, lo: int, pos: int, width: int) -> str:
    """Up to ``width`` characters before ``pos`` (not before ``lo``), reversed."""
    return text[max(lo, pos - width) : pos][::-1]


def _month(name: str) -> int:
    name = name.rstrip(".")
    return _MONTHS.get(name) or _MONTH_ABBR[name]


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


# ..................................................................... figures


def _figure(text: str, m: re.Match[str], group: str) -> _Figure | None:
    s, e = m.start(), m.end()
    if group == "num":
        return _digits_figure(text, m)
    if group == "words":
        value, stop, dozen, single = _parse_words(m[group])
        if stop == 0 or _glued_before(text, s):
            return None
        return _Figure(
            s,
            s + stop,
            value,
            Qualifier.approx if dozen else Qualifier.exact,
            countable=dozen or value >= 100,
            single_one=single,
        )
    if group == "vague":
        base = _VAGUE.get(_fold(m["vague_s"]))
        pre = _VAGUE_PRE.get(_fold(m["vague_pre"])) if m["vague_pre"] else 1.0
        if base is None or pre is None:
            return None
        return _Figure(s, e, base * pre, Qualifier.at_least, vague=True, countable=True)
    if group == "sev":
        base = _SEVERAL.get(_fold(m["sev_s"]))
        if base is None:
            return None
        return _Figure(s, e, base, Qualifier.at_least, vague=True, countable=True)
    if group == "half":
        base = _SEVERAL.get(_fold(m["half_s"]))
        if base is None:
            return None
        return _Figure(s, e, 0.5 * base, countable=True)
    if group == "adur":
        # "a decade": the figure is the "a"; the duration suffix does the rest.
        return _Figure(s, s + 1, 1.0, Qualifier.approx, duration_only=True)
    return None


def _digits_figure(text: str, m: re.Match[str]) -> _Figure | None:
    s = m.start()
    currency = None
    if m["cur"]:
        cur = m["cur"]
        currency = _CURRENCY_PREFIX.get(cur, cur)
    digits_start = m.start("digits")
    if currency is None and _glued_before(text, digits_start):
        return None
    if currency is not None and _glued_before(text, s):
        return None
    try:
        value = float(m["digits"].replace(",", ""))
    except ValueError:  # pragma: no cover - the regex admits only ASCII digits
        return None
    mult = m["mult"]
    countable = False
    if mult:
        word = mult.strip()
        factor = _MULT_ABBR.get(word) or _SCALES.get(word.lower())
        if factor is None:
            return None
        if word in _MULT_NEEDS_CURRENCY and currency is None:
            return None
        value *= factor
        countable = word.lower() in _SCALES
    if not math.isfinite(value):
        return None
    return _Figure(s, m.end(), value, currency=currency, countable=countable)


def _parse_words(phrase: str) -> tuple[float, int, bool, bool]:
    """Parse "two hundred and fifty thousand": (value, end offset of the valid prefix,
    uses dozen, is a bare "one"). An end of 0 means no number."""
    tokens = [(t.group().lower(), t.end()) for t in _WORD_TOKEN.finditer(phrase)]
    total = cur = 0.0
    last = ""
    last_scale = math.inf
    best = (0.0, 0, False, False)
    dozen = False
    i = 0
    count = 0
    while i < len(tokens):
        word, tend = tokens[i]
        if word == "a" and i == 0:
            cur, last = 1.0, "a"
        elif word == "and":
            if (
                last in ("unit", "teen", "tens", "tens_unit")
                and i + 2 < len(tokens)
                and tokens[i + 1][0] == "a"
                and tokens[i + 2][0] == "half"
            ):
                cur += 0.5
                last = "half"
                word, tend = tokens[i + 2]
                i += 2
            elif last in ("hundred", "scale"):
                last = "and"
            else:
                break
        elif word in _SMALL:
            v = _SMALL[word]
            if v < 10 and last == "tens":
                cur += v
                last = "tens_unit"
            elif last in ("", "hundred", "scale", "and"):
                cur += v
                last = "unit" if v < 10 else "teen"
            else:
                break
        elif word in _TENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            cur += _TENS[word]
            last = "tens"
        elif word == "hundred":
            if last not in ("a", "unit", "teen", "tens", "tens_unit") or not 1 <= cur < 100:
                break
            cur *= 100
            last = "hundred"
        elif word in _SCALES:
            scale = _SCALES[word]
            if last not in ("a", "unit", "teen", "tens", "tens_unit", "hundred", "half"):
                break
            if scale >= last_scale:
                break
            total += cur * scale
            cur = 0.0
            last_scale = scale
            last = "scale"
        elif word == "dozen":
            if last not in ("a", "unit", "teen", "tens", "tens_unit") or total:
                break
            cur *= 12
            dozen = True
            last = "dozen"
        else:
            break
        count += 1
        if last not in ("a", "and"):
            best = (total + cur, tend, dozen, count == 1 and word == "one")
        if last == "dozen":
            break
        i += 1
    return best


def _glued_before(text: str, pos: int) -> bool:
    """A figure at ``pos`` is glued to a name: "G7", "MiG-29", "A/320", "10:30"."""
    if pos == 0:
        return False
    prev = text[pos - 1]
    if prev.isalnum() or prev == "_":
        return True
    if prev in _HYPHEN or prev in "/.:,+#":
        return pos >= 2 and (text[pos - 2].isalnum() or text[pos - 2] in _HYPHEN)
    return False


def _capitalized_name_before(before: str) -> bool:
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


# ..................................................................... quantities


def _quantity(text: str, fig: _Figure, lo: int, hi: int) -> Quantity | None:
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
        unit = _UNIT_SYNONYMS.get(gm.group().lower(), gm.group())
        e = gm.end()
    elif (nxt in ".,:/" and text[e + 1 : e + 2].isdigit()) or (
        nxt and nxt in _HYPHEN and text[e + 1 : e + 2].isdigit()
    ):
        return None
    before = _rev(text, lo, s, 40)
    if _TIME_AFTER.match(text, e, hi) or _ID_BEFORE.match(before):
        return None

    tail = _suffix(text, e, hi, fig)
    if tail is not None:
        kind, value, unit_found, e, currency_word = tail
        unit = unit_found if unit_found is not None else unit
        if currency_word is not None:
            if currency is not None and currency != currency_word:
                return None
            currency = currency_word
    elif fig.duration_only:
        return None
    elif text[e : e + 1] in _HYPHEN and text[e + 1 : e + 2].isalpha():
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
        qualifier = _QUALIFIER_KIND.get(q, Qualifier.approx)
        q_start = s - qm.end("q")

    if kind is QuantityKind.number:
        if unit is None:
            unit = _counted_noun(text, e, hi, fig.countable)
        if fig.single_one and unit not in _ONE_NOUNS:
            return None
        if _RATIO_AFTER.match(text, e, hi) or _RATIO_BEFORE.match(before):
            return None
        plain = qm is None and fig.currency is None
        figure_text = text[s:e]
        if plain and len(figure_text) == 4 and figure_text.isdigit():
            year = _year_or_skip(before, int(figure_text), unit)
            if year == "skip":
                return None
            if year == "date":
                return _year_date(text, s, e, before)
        if plain and _capitalized_name_before(before):
            return None
    elif kind is QuantityKind.percent and unit is None:
        unit = _percent_of(text, e, hi)

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


def _suffix(
    text: str, e: int, hi: int, fig: _Figure
) -> tuple[QuantityKind, float, str | None, int, str | None] | None:
    """Percent, duration or currency word after the figure:
    (kind, value, unit, new end, currency)."""
    value = fig.value
    if not fig.vague:
        pm = _PERCENT.match(text, e, hi)
        if pm is not None:
            end = pm.end()
            unit = None
            if pm.group("pts"):
                unit = "point"
            else:
                ptm = _PERCENT_POINTS.match(text, end, hi)
                if ptm is not None and "percentage" in ptm.group().lower():
                    unit, end = "point", ptm.end()
            return QuantityKind.percent, value, unit, end, None
        dm = _DURATION.match(text, e, hi)
        if dm is not None and fig.currency is None:
            raw = _fold(dm.group("u"))
            base = "century" if raw.startswith("centur") else raw.rstrip("s")
            if base not in _DURATION_UNITS:
                return None
            unit, factor = _DURATION_UNITS[base]
            end = dm.end("long") if dm.group("long") else dm.end("u")
            if dm.group("old"):
                if dm.group("long"):
                    return None
                return QuantityKind.number, value, f"{base}-old", dm.end("old"), None
            if fig.single_one and base == "day":
                return None  # "one day" is usually the idiom
            return QuantityKind.duration, value * factor, unit, end, None
    cm = _CURRENCY_AFTER.match(text, e, hi)
    if cm is not None and (fig.countable or not cm.group().lstrip().lower().startswith("of")):
        word = cm.group("w")
        code = _CURRENCY_WORDS.get(" ".join(_fold(word).split()), word.upper())
        return QuantityKind.money, value, code, cm.end(), code
    return None


def _year_date(text: str, s: int, e: int, before: str) -> Quantity:
    qualifier = Qualifier.exact
    qm = _DATE_QUALIFIERS.match(before)
    q_start = s
    if qm is not None:
        qualifier = Qualifier.approx
        q_start = s - qm.end("q")
    return Quantity(
        text=text[q_start:e],
        kind=QuantityKind.date,
        value=None,
        unit=None,
        date=text[s:e],
        qualifier=qualifier,
        start=q_start,
        end=e,
    )


def _year_or_skip(before: str, year: int, unit: str | None) -> str:
    """A bare four-digit integer: "date", "number" or "skip" (ambiguous)."""
    if 1000 <= year <= 2100 and _YEAR_CONTEXT.match(before):
        return "date"
    if not 1900 <= year <= 2100:
        return "number"
    if _capitalized_name_before(before):
        return "skip"  # "Windows 2000", "Vision 2030"
    if unit is None:
        return "date"
    if _DETERMINER_BEFORE.match(before):
        return "skip"  # "the 2016 elections" or "the 2000 soldiers"?
    return "number" if unit in _UNIT_SYNONYMS.values() else "skip"


def _counted_noun(text: str, pos: int, hi: int, allow_of: bool) -> str | None:
    """The noun counted by the figure ending at ``pos``: "soldiers" -> "soldier"."""
    if allow_of:
        om = _OF.match(text, pos, hi)
        if om is not None:
            pos = om.end()
    words: list[str] = []
    while len(words) < 4:
        wm = _NEXT_WORD.match(text, pos, hi)
        if wm is None:
            break
        word = wm.group(1)
        if word.lower() in _STOP_WORDS:
            break
        words.append(word)
        pos = wm.end()
    # The first plural is the head noun ("Ukrainian soldiers", "civilian deaths"); a
    # capitalized one only if no lowercase plural follows ("300 Abrams tanks").
    first_known: str | None = None
    first_name: str | None = None
    for word in words:
        lw = word.lower().rstrip("'’")
        single = _singular(lw)
        known = _UNIT_SYNONYMS.get(lw) or _UNIT_SYNONYMS.get(single)
        if _is_plural(lw):
            if not word[0].isupper() or known is not None:
                return known or single
            first_name = first_name or single
        elif known is not None and first_known is None:
            first_known = known
    return first_name or first_known


def _is_plural(word: str) -> bool:
    if word in _INVARIANT_PLURALS:
        return True
    return (
        len(word) > 3
        and word.endswith("s")
        and not word.endswith(("ss", "us", "is", "'s", "’s"))
        and word not in _NOT_PLURAL
    )


def _singular(word: str) -> str:
    if word in _INVARIANT_PLURALS:
        return word
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "xes", "sses", "zes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _percent_of(text: str, pos: int, hi: int) -> str | None:
    """ "40% of voters" -> "voter"; plain "40%" -> None."""
    om = _OF.match(text, pos, hi)
    if om is None:
        return None
    return _counted_noun(text, om.end(), hi, allow_of=False)


def _merge_ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """ "between 10,000 and 12,000 troops", "10 to 12 percent": one quantity whose
    floor is the lower end (``at_least``), so a range never yields a false conflict
    against a figure inside it."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        a = found[i]
        if i + 1 < len(found):
            b = found[i + 1]
            merged = _range(text, a, b)
            if merged is not None and (not out or merged.start >= out[-1].end):
                out.append(merged)
                i += 2
                continue
        out.append(a)
        i += 1
    return out


def _range(text: str, a: Quantity, b: Quantity) -> Quantity | None:
    if QuantityKind.date in (a.kind, b.kind) or a.value is None or b.value is None:
        return None
    if a.qualifier is not Qualifier.exact or b.qualifier is not Qualifier.exact:
        return None
    if a.kind is not b.kind and a.kind is not QuantityKind.number:
        return None
    gm = _RANGE_GAP.match(text[a.end : b.start])
    if gm is None:
        return None
    before = text[max(0, a.start - 12) : a.start]
    word = (gm.group("w") or "").lower()
    start = a.start
    if word == "and":
        bm = _BETWEEN.search(before)
        if bm is None:
            return None
        start = a.start - len(before) + bm.start()
    elif _FROM.search(before) or _BETWEEN.search(before):
        return None  # "from 10 to 12" is a change, not a range
    if a.kind is b.kind and a.unit is not None and b.unit is not None and a.unit != b.unit:
        return None
    return Quantity(
        text=text[start : b.end],
        kind=b.kind,
        value=min(a.value, b.value),
        unit=b.unit if b.unit is not None else a.unit,
        date=None,
        qualifier=Qualifier.at_least,
        start=start,
        end=b.end,
    )


# --------------------------------------------------------------------------- compare


def compatible(a: Quantity, b: Quantity) -> bool | None:
    """Whether ``a`` and ``b`` can both be true.

    Qualifiers give intervals: exact X is [X, X] (0.5% tolerance), approx X is
    [0.9X, 1.1X], at_least X is [X, inf), at_most X is [0, X]; the two are compatible
    when either figure lies in the other's interval. Durations in different units are
    compared in days, as approximate figures.

    ``None`` when they are not about the same thing (different kinds, different units,
    a counted noun on one side only, dates without a common field).
    """
    if a.kind is not b.kind:
        return None
    if a.kind is QuantityKind.date:
        return _dates_compatible(a.date, b.date)
    if a.value is None or b.value is None:
        return None
    va, vb = a.value, b.value
    qa, qb = a.qualifier, b.qualifier
    if a.kind is QuantityKind.duration and a.unit != b.unit:
        da, db = _DAYS_PER.get(a.unit or ""), _DAYS_PER.get(b.unit or "")
        if da is None or db is None:
            return None
        # "three months" vs "90 days": units of different size are never exact.
        va, vb = va * da, vb * db
        qa = Qualifier.approx if qa is Qualifier.exact else qa
        qb = Qualifier.approx if qb is Qualifier.exact else qb
    elif a.unit != b.unit:
        return None
    # Compatible when either stated figure is admissible under the other's qualifier:
    # "at least 17" admits 17, "about 10,000" admits 10,500, but "about 10,000" and
    # "about 12,000" do not admit each other. Exact figures match within 0.5%.
    tol = 0.005 * max(abs(va), abs(vb))
    lo_a, hi_a = _interval(va, qa)
    lo_b, hi_b = _interval(vb, qb)
    return lo_b - tol <= va <= hi_b + tol or lo_a - tol <= vb <= hi_a + tol


def _interval(value: float, qualifier: Qualifier) -> tuple[float, float]:
    if qualifier is Qualifier.approx:
        lo, hi = value * 0.9, value * 1.1
        return (min(lo, hi), max(lo, hi))
    if qualifier is Qualifier.at_least:
        return (value, math.inf)
    if qualifier is Qualifier.at_most:
        return (min(0.0, value), value)
    return (value, value)


def _dates_compatible(a: str | None, b: str | None) -> bool | None:
    if a is None or b is None:
        return None
    pa, pb = _date_parts(a), _date_parts(b)
    if isinstance(pa, str) or isinstance(pb, str):
        if isinstance(pa, str) and isinstance(pb, str):
            return pa == pb
        return None  # weekday vs calendar date
    if pa is None or pb is None:
        return None
    shared = [(x, y) for x, y in zip(pa, pb, strict=True) if x is not None and y is not None]
    if not shared:
        return None
    return all(x == y for x, y in shared)


def _date_parts(iso: str) -> tuple[int | None, int | None, int | None] | str | None:
    m = _DATE_FORMS.fullmatch(iso)
    if m is None:
        low = iso.lower()
        return low if low.capitalize() in _WEEKDAYS else None
    month = m["m"] or m["m2"]
    day = m["d"] or m["d2"]
    return (
        int(m["y"]) if m["y"] else None,
        int(month) if month else None,
        int(day) if day else None,
    )


# --------------------------------------------------------------------------- display

_QUALIFIER_WORD = {
    Qualifier.exact: "",
    Qualifier.approx: "about ",
    Qualifier.at_least: "at least ",
    Qualifier.at_most: "at most ",
}
_IRREGULAR_PLURALS = {
    "person": "people",
    "child": "children",
    "man": "men",
    "woman": "women",
    "km": "km",
    "kg": "kg",
    "mph": "mph",
    "kph": "kph",
    "MW": "MW",
    "GW": "GW",
    "aircraft": "aircraft",
}


def display(q: Quantity) -> str:
    """Short human form: "10,000 soldiers", "about 10,000", "7 months", "2025-02"."""
    if q.kind is QuantityKind.date:
        return _display_date(q)
    if q.value is None:
        return q.text
    prefix = _QUALIFIER_WORD[q.qualifier]
    number = _format_number(q.value)
    if q.kind is QuantityKind.money:
        symbol = _CURRENCY_SYMBOL.get(q.unit or "")
        body = f"{symbol}{number}" if symbol else f"{number} {q.unit or ''}".strip()
    elif q.kind is QuantityKind.percent:
        if q.unit == "point":
            body = f"{number} percentage point" + ("" if q.value == 1 else "s")
        else:
            body = f"{number}%" + (f" of {_plural(q.unit, 2)}" if q.unit else "")
    elif q.unit is not None and q.unit.endswith("-old"):
        body = f"{number}-{q.unit}"
    elif q.unit is not None:
        body = f"{number} {_plural(q.unit, q.value)}"
    else:
        body = number
    return prefix + body


def _format_number(value: float) -> str:
    for size, name in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if abs(value) >= size:
            scaled = value / size
            if abs(scaled * 100 - round(scaled * 100)) < 1e-6:
                return f"{_plain(scaled)} {name}"
            break
    return _plain(value)


def _plain(value: float) -> str:
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def _plural(unit: str | None, value: float) -> str:
    if unit is None:
        return ""
    if value == 1:
        return "person" if unit == "people" else unit
    if unit in _INVARIANT_PLURALS:
        return unit
    if unit in _IRREGULAR_PLURALS:
        return _IRREGULAR_PLURALS[unit]
    if unit.endswith("y") and len(unit) > 1 and unit[-2] not in "aeiou":
        return unit[:-1] + "ies"
    if unit.endswith(("s", "x", "ch", "sh", "z")):
        return unit + "es"
    return unit + "s"


def _display_date(q: Quantity) -> str:
    iso = q.date or q.text
    parts = _date_parts(iso)
    prefix = "around " if q.qualifier is Qualifier.approx else ""
    if isinstance(parts, str):
        return prefix + parts.capitalize()
    if parts is not None and parts[0] is None and parts[1] is not None:
        month = calendar.month_name[parts[1]]
        return prefix + (f"{month} {parts[2]}" if parts[2] is not None else month)
    return prefix + iso
