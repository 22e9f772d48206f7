"""Planted edits on real articles (a fixed subset of NeuS; bench/planted.py runs all).

The issue asks for at least 95% on each check on real articles; the rate is asserted
over the subset, so one miss in a handful of cases fails the test, as it should.
"""

from __future__ import annotations

import pytest

from tests.planted_support import CHECK_FUNCTIONS, CHECKS, NEUS, load_cases

MIN_RATE = 0.95
EVENTS = 10  # the first 10 events, each outlet's article: 30 articles


@pytest.fixture(scope="module")
def cases():
    if not NEUS.exists():
        pytest.skip(f"NeuS articles not found at {NEUS} (they live in ../shared/data)")
    return load_cases(NEUS, events=EVENTS)


@pytest.mark.parametrize("three", [False, True], ids=["two", "three"])
@pytest.mark.parametrize("check", CHECKS)
def test_planted_edit(cases, check, three):
    results = [CHECK_FUNCTIONS[check](case, three) for case in cases]
    applicable = [r for r in results if r.applicable]
    assert len(applicable) >= 5, "too few cases to measure a rate"
    failures = [f"{r.name}: {r.detail}" for r in applicable if not r.ok]
    rate = 1 - len(failures) / len(applicable)
    assert rate >= MIN_RATE, "\n".join(failures)
