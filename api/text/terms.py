"""Content terms: the lexical features that alignment, summaries and the brief share.

A claim is reduced to a set of lowercased, lightly stemmed content words. Stopwords
and figures are left out on purpose: two outlets that state the same thing with a
different number must still look alike, so that the number difference reads as a
conflict rather than as two unrelated claims.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?|\d[\d,.]*", re.UNICODE)

STOPWORDS = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "in",
        "on",
        "for",
        "and",
        "or",
        "but",
        "nor",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "by",
        "with",
        "as",
        "at",
        "from",
        "that",
        "this",
        "these",
        "those",
        "it",
        "its",
        "it's",
        "their",
        "theirs",
        "his",
        "her",
        "hers",
        "they",
        "them",
        "he",
        "she",
        "we",
        "us",
        "our",
        "you",
        "your",
        "i",
        "me",
        "my",
        "not",
        "no",
        "said",
        "says",
        "say",
        "saying",
        "will",
        "would",
        "shall",
        "has",
        "have",
        "had",
        "having",
        "do",
        "does",
        "did",
        "doing",
        "which",
        "who",
        "whom",
        "whose",
        "what",
        "when",
        "where",
        "why",
        "how",
        "than",
        "then",
        "there",
        "here",
        "into",
        "onto",
        "about",
        "after",
        "before",
        "over",
        "under",
        "also",
        "more",
        "most",
        "other",
        "others",
        "some",
        "such",
        "only",
        "own",
        "same",
        "so",
        "too",
        "very",
        "can",
        "could",
        "may",
        "might",
        "must",
        "should",
        "just",
        "any",
        "all",
        "each",
        "both",
        "either",
        "neither",
        "one",
        "ones",
        "if",
        "while",
        "because",
        "though",
        "although",
        "however",
        "meanwhile",
        "despite",
        "yet",
        "up",
        "down",
        "out",
        "off",
        "again",
        "further",
        "once",
        "s",
        "t",
        "re",
        "ve",
        "ll",
        "d",
        "m",
        "per",
        "via",
        "amid",
        "among",
        "upon",
        "within",
        "without",
        "against",
        "between",
        "through",
        "during",
        "since",
        "until",
    ]
)

# Figures are compared by api.claims.quantities; as words they would only add noise.
_NUMBER_WORDS = frozenset(
    [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "trillion",
        "dozen",
        "dozens",
        "half",
    ]
)

# A few newsroom synonyms, so "troops" and "soldiers" count as one term.
_SYNONYMS = {
    "troop": "soldier",
    "serviceman": "soldier",
    "servicemen": "soldier",
    "killed": "dead",
    "death": "dead",
    "wounded": "injur",
    "injured": "injur",
    "us": "united-states",
}


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A light suffix stripper: enough to fold plurals and verb forms together."""
    if word in _SYNONYMS:
        return _SYNONYMS[word]
    for suffix, keep in (
        ("ies", "y"),
        ("ied", "y"),
        ("ing", ""),
        ("ed", ""),
        ("es", ""),
        ("s", ""),
    ):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            word = word[: -len(suffix)] + keep
            break
    return _SYNONYMS.get(word, word)


def words(text: str) -> list[str]:
    """Lowercased word tokens (figures included), in order."""
    # findall hands back strings without a Match object per word; lowering each token
    # (not the whole text first) keeps tokens the same when lowering changes a letter's
    # class ("İ" lowers to "i" and a combining dot).
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def content_terms(text: str) -> list[str]:
    """Stemmed content words in order of appearance, duplicates kept."""
    if len(text) > _CACHED_CHARS:
        return _content_terms(text)
    return list(_cached_terms(text))


# Outlets reprint wire copy, and one comparison reads a sentence's terms for its summary,
# its claim, the pair model, the judge and the brief: each distinct short text is
# tokenized once. Long texts (whole articles) are not kept, which bounds the memory.
_CACHED_CHARS = 2_000


@lru_cache(maxsize=32_768)
def _cached_terms(text: str) -> tuple[str, ...]:
    return tuple(_content_terms(text))


def _content_terms(text: str) -> list[str]:
    return [term for term in map(_term, _WORD.findall(text)) if term]


@lru_cache(maxsize=65_536)
def _term(token: str) -> str:
    """A word token's content term, or "" when it is not one (a figure, a stopword).
    Per distinct token, once: a text is a few hundred tokens of a few thousand words."""
    w = token.lower().replace("’", "'")
    if w[0].isdigit() or w in _NUMBER_WORDS:
        return ""
    if "'" in w:
        w = w.split("'")[0]  # "ukraine's" -> "ukraine"
    if len(w) < 2 or w in STOPWORDS:
        return ""
    return stem(w)  # never "": stem strips a suffix only from a word 4 letters longer


def word_count(text: str) -> int:
    return len(text.split())


_QUOTE_MARK = re.compile(r'["“”]')


def has_quote_mark(text: str) -> bool:
    """Whether ``text`` quotes someone's words (a double quotation mark, straight or curly)."""
    return _QUOTE_MARK.search(text) is not None
