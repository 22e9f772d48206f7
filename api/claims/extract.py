"""Offline claim extraction: sentences -> atomic claims with verbatim evidence.

Each claim is a sentence, or a clause of one where a sentence joins independent
statements (a semicolon; ", but", ", while", ", and" before a new subject). The
evidence is always a slice of the article text, so ``text[start:end] == quote``
holds by construction. ``extract_atomic_claims`` cuts further, one claim a fact a
careful reader would check on its own (api.claims.atoms), for the coverage alignment
(api.align.coverage). Attribution, kind and negation come from small, explicit
patterns: cheap, deterministic, and easy to audit when they miss.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from api.claims.atoms import atom_spans
from api.claims.quantities import extract_quantities
from api.models import Article, Attribution, Claim, ClaimKind, Evidence
from api.text.sentences import Span, sentences

_VERBS = (
    r"said|says|saying|wrote|writes|writing|told|tells|stated|states|stating|noted|notes|"
    r"warned|warns|warning|added|adds|argued|argues|claimed|claims|reported|reports|"
    r"announced|announces|described|describes|tweeted|posted|suggested|suggests|"
    r"insisted|insists|estimated|estimates|confirmed|confirms|denied|denies|"
    r"acknowledged|believes|believe|cautioned|predicted|alleged|alleges|"
    r"reaffirmed|reaffirms|rejected|explained|explains"
)
# A proper name, optionally with "of/for/the" inside ("Institute for the Study of War").
_NAME = r"(?:[A-Z][\w'’.-]*)(?:\s+(?:(?:of|for|the|on|de|al|von|and)\s+)*[A-Z][\w'’.-]*)*"
_GROUP = (
    r"(?:some\s+|many\s+|several\s+|western\s+|military\s+|independent\s+)?"
    r"(?:analysts|officials|experts|observers|critics|witnesses|residents|sources)"
)
_APPOSITIVE = r"(?:,\s[^,;“”\"]{1,80}){0,2},?"

_HAS = r"(?:has\s+|have\s+|had\s+)?"
# Tried in order: a name right before its verb beats one separated by an appositive
# ("In Europe, French President Emmanuel Macron has said" names Macron, not Europe).
_PATTERNS: tuple[re.Pattern[str], ...] = (
    re.compile(rf"\baccording to (?:the\s+)?(?P<src>{_NAME}|{_GROUP})"),
    re.compile(rf"\b(?:reported|announced|confirmed|noted) by (?:the\s+)?(?P<src>{_NAME})"),
    re.compile(rf"(?P<src>{_NAME})\s+{_HAS}(?P<cue>{_VERBS})\b"),
    re.compile(rf"(?P<src>{_NAME}){_APPOSITIVE}\s+{_HAS}(?P<cue>{_VERBS})\b"),
    re.compile(rf"\b(?P<src>{_GROUP})\s+(?P<cue>{_VERBS})\b", re.IGNORECASE),
    re.compile(rf"[,”\"]\s*(?P<cue>said|says|wrote|writes|added|told)\s+(?P<src>{_NAME})"),
)
_CUE_FALLBACK = re.compile(r"\b(according to|reported by)\b")


def _trie(words: list[str]) -> str:
    """A regex matching exactly ``words``, as a prefix tree: the engine tries one branch
    per letter instead of every word at every position."""
    branches: dict[str, list[str]] = {}
    for word in words:
        if word:
            branches.setdefault(word[0], []).append(word[1:])
    if not branches:
        return ""
    alts = [re.escape(ch) + _trie(rest) for ch, rest in sorted(branches.items())]
    body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
    return f"(?:{body})?" if "" in words else body


# Every pattern above (and the pronoun fallback below) needs one of these words; most
# sentences have none, and one scan for them spares the six name patterns.
_ANY_CUE = re.compile(rf"\b{_trie(_VERBS.split('|'))}\b|according to", re.IGNORECASE)

# Capitalized words that start sentences but never name a source.
_NOT_SOURCES = frozenset(
    [
        "However",
        "Meanwhile",
        "Despite",
        "With",
        "In",
        "At",
        "On",
        "For",
        "The",
        "This",
        "That",
        "These",
        "Those",
        "It",
        "They",
        "He",
        "She",
        "We",
        "But",
        "And",
        "Or",
        "Yet",
        "So",
        "After",
        "Before",
        "While",
        "When",
        "If",
        "Although",
        "Though",
        "Still",
        "Also",
        "Moreover",
        "Independent",
        "Repeated",
        "According",
        "Some",
        "Many",
        "Several",
        "A",
        "An",
    ]
)
_PRONOUNS = re.compile(r"^(?:he|she|they)\s+(?:" + _VERBS + r")\b", re.IGNORECASE)

_QUOTED = re.compile(r"[“\"]([^”\"]{12,})[”\"]")
_OPINION = re.compile(
    r"\b(?:could|might|may|would|should|likely|unlikely|probably|possibly|perhaps|"
    r"appears?|seems?|suggests?|suggested|believes?|argues?|argued|expected to|"
    r"controversial|uncertain|remains to be seen|signals?|arguably|must not|must)\b"
)
_NEGATION = re.compile(r"\b(?:not|never|no|none|nobody|nothing|neither|nor|no longer)\b|n['’]t\b")

# Where a sentence joins two statements: split before the connector.
_CLAUSE_BREAK = re.compile(
    r";\s+|,\s+(?=(?:but|while|whereas)\s)|,\s+(?=and\s+(?:the|a|an|he|she|they|it|[A-Z]))"
)
_LEADING_MARKER = re.compile(
    r"^(?:however|meanwhile|in addition|moreover|furthermore|despite this|at the same time|"
    r"still|yet|but|and|also|while|whereas)\s*,?\s+",
    re.IGNORECASE,
)
# Page furniture that survives text extraction; never a claim.
_FURNITURE = re.compile(
    r"^(?:be (?:the )?first to comment|share (?:this|on)\b|advertisement|read more|"
    r"sign up\b|subscribe\b|click here|related(?: articles)?:?$)",
    re.IGNORECASE,
)
_MIN_CLAUSE_WORDS = 5
_ATTRIBUTION_WINDOW = 400


def extract_claims(article: Article) -> list[Claim]:
    """All claims of an article, in text order, ids '<article id>.c<n>'."""
    claims: list[Claim] = []
    last_source: Attribution | None = None
    for span in _claim_spans(article.text):
        if _FURNITURE.match(span.of(article.text)):
            continue
        claim = _claim(article, span, len(claims) + 1, last_source)
        if claim.attribution is not None:
            last_source = claim.attribution
        claims.append(claim)
    return claims


def _claim_spans(text: str) -> Iterator[Span]:
    for sentence in sentences(text):
        yield from _clauses(text, sentence)


def _clauses(text: str, sentence: Span) -> Iterator[Span]:
    body = sentence.of(text)
    if _QUOTED.search(body):  # a quotation is one claim: its words belong together
        yield sentence
        return
    cuts = [0]
    for match in _CLAUSE_BREAK.finditer(body):
        left = body[cuts[-1] : match.start()]
        right = body[match.end() :]
        if len(left.split()) >= _MIN_CLAUSE_WORDS and len(right.split()) >= _MIN_CLAUSE_WORDS:
            cuts.append(match.end())
    cuts.append(len(body))
    for begin, finish in itertools.pairwise(cuts):
        part = body[begin:finish].rstrip(" ;,")
        if part:
            start = sentence.start + begin
            yield Span(start, start + len(part))


def _claim(article: Article, span: Span, n: int, last: Attribution | None) -> Claim:
    quote = span.of(article.text)
    read = _reading(quote)
    attribution = _attributed(read, last)
    return _build(article, span, n, read, attribution, read.statement, read.negated)


def _reading(text: str) -> _Reading:
    return _read_cached(text) if len(text) <= _CACHED_CHARS else _read(text)


def _attributed(read: _Reading, last: Attribution | None) -> Attribution | None:
    """The source ``read`` names (a copy: the cached reading serves every request), or
    the previous one when only a pronoun speaks."""
    if read.named is not None:
        return read.named.model_copy()
    return last if read.pronoun else None


def _build(
    article: Article,
    span: Span,
    n: int,
    read: _Reading,
    attribution: Attribution | None,
    text: str,
    negated: bool,
) -> Claim:
    if read.quoted and attribution is not None:
        kind = ClaimKind.quote
    elif read.opinion:
        kind = ClaimKind.opinion
    else:
        kind = ClaimKind.fact
    return Claim(
        id=f"{article.id}.c{n}",
        article_id=article.id,
        text=text,
        evidence=Evidence(quote=span.of(article.text), start=span.start, end=span.end),
        kind=kind,
        attribution=attribution,
        # Figures are read in the article: what follows the quote can rule one out.
        quantities=extract_quantities(article.text, span.start, span.end),
        negated=negated,
    )


def extract_atomic_claims(article: Article) -> list[Claim]:
    """All atomic claims of an article, in text order, ids '<article id>.c<n>'.

    Who says it, and whether it quotes or opines, is read off the whole sentence and
    holds for each of its claims: "X happened, Y said" is two claims, both Y's."""
    claims: list[Claim] = []
    last_source: Attribution | None = None
    for sentence in sentences(article.text):
        body = sentence.of(article.text)
        if _FURNITURE.match(body):
            continue
        read = _reading(body)
        attribution = _attributed(read, last_source)
        if attribution is not None:
            last_source = attribution
        for span in atom_spans(article.text, sentence):
            quote = span.of(article.text)
            claims.append(
                _build(
                    article,
                    span,
                    len(claims) + 1,
                    read,
                    attribution.model_copy() if attribution is not None else None,
                    _statement(quote),
                    _NEGATION.search(quote.lower()) is not None,
                )
            )
    return claims


@dataclass(frozen=True, slots=True)
class _Reading:
    """What a quote says of itself, whatever article it is in."""

    named: Attribution | None  # the source it names
    pronoun: bool  # "she said": its source is the one named before it
    quoted: bool
    opinion: bool
    negated: bool
    statement: str


# Outlets reprint wire copy: the same sentence is read once. Long quotes are not kept.
_CACHED_CHARS = 2_000


def _read(quote: str) -> _Reading:
    named, pronoun = _source_of(quote)
    return _Reading(
        named=named,
        pronoun=pronoun,
        quoted=_QUOTED.search(quote) is not None,
        opinion=_OPINION.search(quote) is not None,
        negated=_NEGATION.search(quote.lower()) is not None,
        statement=_statement(quote),
    )


_read_cached = lru_cache(maxsize=16_384)(_read)


def _statement(quote: str) -> str:
    """The claim as a sentence of its own: no leading connective, capitalized."""
    text = _LEADING_MARKER.sub("", quote).rstrip(" .;,") or quote
    return text[0].upper() + text[1:]


def find_attribution(text: str, previous: Attribution | None = None) -> Attribution | None:
    """Who the text attributes its statement to, if anyone.

    A bare pronoun ("she said") resolves to the previous named source in the article.
    """
    named, pronoun = _source_of(text)
    if named is None and pronoun:
        return previous
    return named


def _source_of(text: str) -> tuple[Attribution | None, bool]:
    """The source ``text`` names, and (when it names none) whether a pronoun speaks."""
    if len(text) > _ATTRIBUTION_WINDOW * 2:
        # Attributions sit near a sentence's ends; scanning only there keeps a
        # megabyte-long "sentence" from making the name patterns backtrack for minutes.
        text = text[:_ATTRIBUTION_WINDOW] + " … " + text[-_ATTRIBUTION_WINDOW:]
    if _ANY_CUE.search(text) is None:
        return None, False
    for pattern in _PATTERNS:
        for match in pattern.finditer(text):
            source = _clean_source(match.group("src"))
            if source is None:
                continue
            cue = match.groupdict().get("cue") or _cue_of(match.group(0))
            return Attribution(source=source, cue=cue.lower()), False
    return None, _PRONOUNS.search(text.split(",")[-1].strip() or text) is not None


def _clean_source(raw: str) -> str | None:
    words = raw.split()
    while words and words[0] in _NOT_SOURCES and words[0] not in ("Some", "Many", "Several"):
        words.pop(0)
    if words and words[0].lower() in ("some", "many", "several"):
        return " ".join(words).lower()
    source = " ".join(words).strip(" ,.'’")
    if not source or source in _NOT_SOURCES:
        return None
    return source


def _cue_of(matched: str) -> str:
    found = _CUE_FALLBACK.search(matched)
    return found.group(1) if found else "said"
