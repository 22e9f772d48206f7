"""Where a sentence's facts divide: the spans of its atomic claims.

A careful reader checks "The law, which had been blocked since 2017, will now take
effect, said Steve Pitt, general counsel to Gov. Matt Bevin" as four facts: the law
takes effect, it had been blocked since 2017, Pitt said so, Pitt is Bevin's counsel.
Another outlet may give any of them and leave out the rest, so each becomes its own
claim, and "outlet X reports this" can be true of one and false of another.

The cut is lexical and linear in the sentence (no parser fits the speed budget):

1. at punctuation that sets off a clause or a detail: commas (not inside a figure such
   as 17,000), semicolons, colons, brackets and dashes;
2. before a word that opens another fact: a coordinator ("and", "but", "while"; not
   "and" before a name or a figure: "between Kursk and Sudzha" is one place), a
   subordinator ("after", "because", "when"), a relative pronoun ("which", "who"), an
   attribution ("said", "according to"), and after a speech verb's "that";
3. inside a piece still longer than ``MAX_WORDS``, before the preposition nearest its
   middle ("... in place a Kentucky law | requiring doctors ...").

A piece with too little to check (fewer than ``MIN_PIECE_WEIGHT`` content words, a figure
counting two) joins the piece after it, so that every claim carries a fact of its own.
Nothing inside quotation marks is cut: a quotation is one statement. Offsets are exact,
so every claim's evidence is a slice of the article.
"""

from __future__ import annotations

import itertools
import re

from api.text.sentences import Span
from api.text.terms import content_terms

MAX_WORDS = 8
MIN_PIECE_WEIGHT = 2
BARE_NAME_WORDS = 3

_PUNCT = re.compile(r"\s*(?:(?<!\d),|,(?!\d)|[;()\[\]]|(?<!\d):|:(?!\d)|\s[—–-]{1,2}\s|—|–)\s*")
_OPENERS = (
    r"(?:and|or)(?!\s+(?:[A-Z0-9]|\$))|but|while|whereas|as|after|before|because|since|when|whenever|until|unless|"
    r"although|though|despite|amid|following|which|who|whom|whose|where|"
    r"said|says|say|told|tells|according|including|adding|saying|claiming|"
    r"alleging|noting|calling|prompting|leaving|making|ahead|if|so|then|than|"
    r"even|without|over|thereby|whether"
)
_OPEN = re.compile(rf"\s(?=(?:{_OPENERS})\b)", re.IGNORECASE)
_SPEECH_THAT = re.compile(
    r"\b(?:said|says|say|told|alleges?|alleged|claims?|claimed|argues?|argued|found|"
    r"finds|shows?|showed|reports?|reported|announced|stated|believes?|believed|"
    r"concluded|added|noted|warned|insisted|suggests?|suggested|means?|knew|know|"
    r"think|thinks|thought|acknowledged|confirmed|denied|wrote|writes)\s+that\s",
    re.IGNORECASE,
)
_PREP = re.compile(
    r"\s(?=(?:on|in|at|by|for|from|with|to|into|against|under|during|near|"
    r"outside|inside|across|toward|towards|through|about|of|since)\s)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[“\"][^”\"]*[”\"]")
_TRIM = " \t\n,;:—–-()[]"
_END = ".!?"
_FIGURE = re.compile(
    r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|dozen|"
    r"hundred|thousand|million|billion|trillion)\b",
    re.IGNORECASE,
)


def atom_spans(text: str, sentence: Span) -> list[Span]:
    """The atomic claims' spans of one sentence of ``text``, in order."""
    body = sentence.of(text)
    return [Span(sentence.start + lo, sentence.start + hi) for lo, hi in _pieces(body)]


def _weight(piece: str) -> int:
    return len(content_terms(piece)) + (2 if _FIGURE.search(piece) else 0)


def _bare_name(piece: str) -> bool:
    """A name alone ("Hope Hicks", "The Supreme Court"): the subject of what follows,
    not a fact of its own, so it joins the piece after it."""
    words = piece.split()
    return len(words) <= BARE_NAME_WORDS and all(w[:1].isupper() for w in words)


def _quoted(body: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _QUOTED.finditer(body)]


def _cuts(body: str) -> list[int]:
    inside = _quoted(body)
    cuts = {0, len(body)}
    for m in _PUNCT.finditer(body):
        cuts.update((m.start(), m.end()))
    cuts.update(m.end() for m in _OPEN.finditer(body))
    cuts.update(m.end() for m in _SPEECH_THAT.finditer(body))
    return sorted(c for c in cuts if not any(lo < c < hi for lo, hi in inside))


def _split_long(body: str, lo: int, hi: int) -> list[tuple[int, int]]:
    piece = body[lo:hi]
    if len(piece.split()) <= MAX_WORDS or _QUOTED.search(piece):
        return [(lo, hi)]
    points = [
        m.end()
        for m in _PREP.finditer(piece)
        if len(piece[: m.end()].split()) >= 2 and len(piece[m.end() :].split()) >= 2
    ]
    if not points:
        return [(lo, hi)]
    middle = len(piece) / 2
    cut = min(points, key=lambda p: abs(p - middle))
    return _split_long(body, lo, lo + cut) + _split_long(body, lo + cut, hi)


def _trim(body: str, lo: int, hi: int) -> tuple[int, int]:
    while lo < hi and body[lo] in _TRIM:
        lo += 1
    while hi > lo and body[hi - 1] in _TRIM + _END:
        hi -= 1
    return lo, hi


def _pieces(body: str) -> list[tuple[int, int]]:
    raw: list[tuple[int, int]] = []
    cuts = _cuts(body)
    for a, b in itertools.pairwise(cuts):
        lo, hi = _trim(body, a, b)
        if hi > lo:
            raw.extend(_trim(body, a, b) for a, b in _split_long(body, lo, hi))
    # A piece that carries too little joins the next one (the last joins the previous).
    out: list[list[int]] = []
    pending: int | None = None
    for lo, hi in raw:
        if pending is not None:
            lo, pending = pending, None
        if _weight(body[lo:hi]) < MIN_PIECE_WEIGHT or _bare_name(body[lo:hi]):
            pending = lo
            continue
        out.append([lo, hi])
    if pending is not None:
        if out:
            out[-1][1] = raw[-1][1]
        else:
            out.append([pending, raw[-1][1]])
    return [(lo, hi) for lo, hi in out if hi > lo]
