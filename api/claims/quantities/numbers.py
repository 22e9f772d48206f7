"""Figures: digits with currency and multipliers ("$1.5bn", "10,000", "3k"), number
words ("two hundred and fifty thousand", "a dozen"), and vague amounts ("hundreds of",
"several thousand"), each read into a :class:`Figure`."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from api.claims.quantities.money import CURRENCY_PREFIX
from api.claims.quantities.text import ASCII_WORD, fold, glued_before, word_list
from api.models import Qualifier

SMALL = {
    w: i
    for i, w in enumerate(
        word_list(
            "one two three four five six seven eight nine ten eleven twelve thirteen "
            "fourteen fifteen sixteen seventeen eighteen nineteen"
        ),
        start=1,
    )
}
TENS = {
    w: 10 * i
    for i, w in enumerate(word_list("twenty thirty forty fifty sixty seventy eighty ninety"), 2)
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

# Regex fragments for the scan: a number word below a hundred, and a scale word.
ATOM_RE = (
    r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)"
    r"(?:[-‐ ](?:one|two|three|four|five|six|seven|eight|nine)\b)?"
    r"|nineteen|eighteen|seventeen|sixteen|fifteen|fourteen|thirteen|twelve|eleven|ten"
    r"|nine|eight|seven|six|five|four|three|two|one)\b"
)
SCALE_RE = r"(?:hundred|thousand|million|billion|trillion|dozen)\b"


@dataclass(slots=True)
class Figure:
    """A figure found by the scan, before its suffix and context are read."""

    start: int
    end: int
    value: float
    qualifier: Qualifier = Qualifier.exact
    vague: bool = False  # "hundreds of": a floor, qualifiers do not apply
    currency: str | None = None
    countable: bool = False  # "dozens", "thousand": an "of" may follow
    single_one: bool = False  # a bare "one"
    duration_only: bool = False  # the "a" of "a decade"


def read_figure(text: str, m: re.Match[str], group: str) -> Figure | None:
    """The figure matched by the scan's ``group`` ("num", "words", "vague", ...)."""
    s, e = m.start(), m.end()
    if group == "num":
        return _digits_figure(text, m)
    if group == "words":
        value, stop, dozen, single = _parse_words(m[group])
        if stop == 0 or glued_before(text, s):
            return None
        return Figure(
            s,
            s + stop,
            value,
            Qualifier.approx if dozen else Qualifier.exact,
            countable=dozen or value >= 100,
            single_one=single,
        )
    if group == "vague":
        base = _VAGUE.get(fold(m["vague_s"]))
        pre = _VAGUE_PRE.get(fold(m["vague_pre"])) if m["vague_pre"] else 1.0
        if base is None or pre is None:
            return None
        return Figure(s, e, base * pre, Qualifier.at_least, vague=True, countable=True)
    if group == "sev":
        base = _SEVERAL.get(fold(m["sev_s"]))
        if base is None:
            return None
        return Figure(s, e, base, Qualifier.at_least, vague=True, countable=True)
    if group == "half":
        base = _SEVERAL.get(fold(m["half_s"]))
        if base is None:
            return None
        return Figure(s, e, 0.5 * base, countable=True)
    if group == "adur":
        # "a decade": the figure is the "a"; the duration suffix does the rest.
        return Figure(s, s + 1, 1.0, Qualifier.approx, duration_only=True)
    return None


def _digits_figure(text: str, m: re.Match[str]) -> Figure | None:
    s = m.start()
    currency = None
    if m["cur"]:
        cur = m["cur"]
        currency = CURRENCY_PREFIX.get(cur, cur)
    digits_start = m.start("digits")
    if currency is None and glued_before(text, digits_start):
        return None
    if currency is not None and glued_before(text, s):
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
    return Figure(s, m.end(), value, currency=currency, countable=countable)


def _parse_words(phrase: str) -> tuple[float, int, bool, bool]:
    """Parse "two hundred and fifty thousand": (value, end offset of the valid prefix,
    uses dozen, is a bare "one"). An end of 0 means no number."""
    tokens = [(t.group().lower(), t.end()) for t in ASCII_WORD.finditer(phrase)]
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
        elif word in SMALL:
            v = SMALL[word]
            if v < 10 and last == "tens":
                cur += v
                last = "tens_unit"
            elif last in ("", "hundred", "scale", "and"):
                cur += v
                last = "unit" if v < 10 else "teen"
            else:
                break
        elif word in TENS:
            if last not in ("", "hundred", "scale", "and"):
                break
            cur += TENS[word]
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
