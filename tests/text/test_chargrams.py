"""Hashed character 4-gram Jaccard: close to the exact figure, never across texts."""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from api.text.chargrams import GRAM, bitsets, jaccard

SENTENCES = [
    "The Supreme Court refused to hear a challenge to Kentucky's ultrasound law.",
    "The justices did not offer an explanation for refusing to hear the challenge.",
    "Supreme Court leaves Kentucky ultrasound law in place.",
    "Repeated Russian drone strikes have destroyed hundreds of vehicles near Sudzha.",
    "Ukraine’s garrison of about 12,000 soldiers is under heavy pressure.",
    "",
]


def exact(a: str, b: str) -> float:
    def grams(text: str) -> set[str]:
        flat = " ".join(re.findall(r"\w+", text.lower()))
        return {flat[k : k + GRAM] for k in range(len(flat) - GRAM + 1)}

    ga, gb = grams(a), grams(b)
    return len(ga & gb) / len(ga | gb) if ga | gb else 0.0


def test_hashed_jaccard_is_close_to_the_exact_one() -> None:
    sets = bitsets(SENTENCES)
    pairs = list(itertools.combinations(range(len(SENTENCES)), 2))
    got = jaccard(sets, np.array(pairs, dtype=np.intp))
    for (i, j), value in zip(pairs, got, strict=True):
        assert value == pytest.approx(exact(SENTENCES[i], SENTENCES[j]), abs=0.03), (i, j)
    assert got[pairs.index((0, 1))] > got[pairs.index((0, 3))]


def test_a_text_is_identical_to_itself_and_empty_texts_share_nothing() -> None:
    sets = bitsets(["same words here", "", "abc"])
    assert jaccard(sets, np.array([[0, 0], [1, 1], [1, 2]], dtype=np.intp)).tolist() == [
        1.0,
        0.0,
        0.0,
    ]


def test_no_4_gram_spans_two_texts() -> None:
    # Joined, "abcd" + "efgh" would hold "cdef"; as separate texts, neither does.
    sets = bitsets(["abcd", "efgh", "cdef"])
    got = jaccard(sets, np.array([[0, 2], [1, 2]], dtype=np.intp))
    assert got.tolist() == [0.0, 0.0]


def test_the_same_texts_give_the_same_bits() -> None:
    assert np.array_equal(bitsets(SENTENCES), bitsets(list(SENTENCES)))
