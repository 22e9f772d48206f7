"""Counted nouns: the noun after a figure ("10,000 Ukrainian soldiers" -> "soldier"),
synonyms outlets use interchangeably, and singular and plural forms."""

from __future__ import annotations

import re

from api.claims.quantities.text import word_list

# Counted nouns that outlets use interchangeably, keyed by singular (or invariant) form.
UNIT_SYNONYMS = {
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
    word_list(
        "people personnel police dead killed injured wounded children men women servicemen aircraft"
    )
)

# Unit nouns after which a bare "one" is a count ("one soldier"), not an idiom.
ONE_NOUNS = frozenset(UNIT_SYNONYMS.values()) | frozenset(
    word_list(
        "vehicle tank drone missile rocket aircraft jet helicopter ship boat bridge village "
        "town city country hospital school building house home journalist official victim "
        "prisoner hostage officer member brigade battalion strike attack"
    )
)

# Words ending in -s that are not plural nouns.
_NOT_PLURAL = frozenset(
    word_list(
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
    word_list(
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
_NEXT_WORD = re.compile(r"\s+([^\W\d_][^\W\d_'’]*(?:-[^\W\d_]+)*)")
_OF = re.compile(r"\s+of(?:\s+(?:the|these|those|their|its|our))?(?=\s)", re.IGNORECASE)


def counted_noun(text: str, pos: int, hi: int, allow_of: bool) -> str | None:
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
        known = UNIT_SYNONYMS.get(lw) or UNIT_SYNONYMS.get(single)
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


def percent_of(text: str, pos: int, hi: int) -> str | None:
    """ "40% of voters" -> "voter"; plain "40%" -> None."""
    om = _OF.match(text, pos, hi)
    if om is None:
        return None
    return counted_noun(text, om.end(), hi, allow_of=False)


# Plurals for display that the -s/-es/-ies rules get wrong.
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


def plural(unit: str | None, value: float) -> str:
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
