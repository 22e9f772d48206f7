"""Chunking: budgets, boundaries, exact offsets, overlap, and pathological input."""

from __future__ import annotations

import time
from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.text.chunking import Chunk, chunk_text
from api.text.tokens import count_tokens


def check(text: str, chunks: list[Chunk], max_tokens: int, overlap: int = 0) -> None:
    """The invariants every chunking must satisfy."""
    for i, c in enumerate(chunks):
        assert c.index == i
        assert 0 <= c.start < c.end <= len(text)
        assert text[c.start : c.end] == c.text
        assert c.text == c.text.strip()
        assert c.tokens == count_tokens(c.text) <= max_tokens
    if not text.strip():
        assert chunks == []
        return
    # Coverage in order: the first and last non-whitespace characters are covered,
    # and whatever lies between two neighbours is whitespace.
    assert chunks[0].start == len(text) - len(text.lstrip())
    assert chunks[-1].end == len(text.rstrip())
    for prev, nxt in pairwise(chunks):
        assert prev.start < nxt.start and prev.end < nxt.end
        if nxt.start >= prev.end:
            assert not text[prev.end : nxt.start].strip()
        else:  # overlap: a strict tail of the previous chunk, within its budget
            assert overlap > 0
            assert count_tokens(text[nxt.start : prev.end]) <= overlap


def timed(text: str, max_tokens: int, overlap: int = 0) -> tuple[list[Chunk], float]:
    t0 = time.perf_counter()
    chunks = chunk_text(text, max_tokens=max_tokens, overlap_tokens=overlap)
    return chunks, time.perf_counter() - t0


ARTICLE = (
    "Ukraine's garrison held the town for a third week. Officials said 1,200 soldiers "
    "remained. Dr. Smith, a U.S. analyst, disagreed.\n\n"
    "The ministry published new figures on Tuesday. They showed losses had doubled. "
    '"We are not leaving," a commander said.\n\n'
    "Talks resume in Geneva next month."
)


def test_empty_and_whitespace() -> None:
    assert chunk_text("", max_tokens=10) == []
    assert chunk_text(" \n\t\n  ", max_tokens=10) == []


def test_small_text_is_one_chunk() -> None:
    chunks = chunk_text("  Hello world.  ", max_tokens=10)
    assert [(c.start, c.end, c.text, c.tokens) for c in chunks] == [(2, 14, "Hello world.", 3)]


@pytest.mark.parametrize(("max_tokens", "overlap"), [(0, 0), (-5, 0), (10, 10), (10, 11), (10, -1)])
def test_bad_budgets(max_tokens: int, overlap: int) -> None:
    with pytest.raises(ValueError):
        chunk_text("Some text.", max_tokens=max_tokens, overlap_tokens=overlap)


def test_character_larger_than_a_tiny_budget() -> None:
    # "😀" is three tokens; no chunk of one token can hold it.
    with pytest.raises(ValueError, match="cannot hold"):
        chunk_text("😀", max_tokens=1)
    check("😀", chunk_text("😀", max_tokens=4), 4)


def test_breaks_at_paragraphs_when_possible() -> None:
    paras = ARTICLE.split("\n\n")
    budget = max(count_tokens(p) for p in paras) + 2
    chunks = chunk_text(ARTICLE, max_tokens=budget)
    check(ARTICLE, chunks, budget)
    # Whole paragraphs only: the first two do not fit together, the last two do.
    assert [c.text for c in chunks] == [paras[0], "\n\n".join(paras[1:])]


def test_packs_paragraphs_that_fit_together() -> None:
    # Sums of parts are a close estimate of the whole, not an exact one: allow a margin.
    chunks = chunk_text(ARTICLE, max_tokens=count_tokens(ARTICLE) + 3)
    assert [c.text for c in chunks] == [ARTICLE]


def test_breaks_at_sentences_inside_a_long_paragraph() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(50))
    chunks = chunk_text(text, max_tokens=30)
    check(text, chunks, 30)
    assert len(chunks) > 5
    assert all(c.text.startswith("Sentence") and c.text.endswith(".") for c in chunks)


def test_long_sentence_splits_at_whitespace() -> None:
    text = "alpha beta gamma delta " * 40 + "end."
    chunks = chunk_text(text, max_tokens=12)
    check(text, chunks, 12)
    words = set(text.split())
    assert all(set(c.text.split()) <= words for c in chunks)  # no word was cut


def test_overlap_carries_trailing_sentences() -> None:
    text = " ".join(f"Fact {i} is stated." for i in range(40))
    chunks = chunk_text(text, max_tokens=40, overlap_tokens=12)
    check(text, chunks, 40, 12)
    for prev, nxt in pairwise(chunks):
        shared = text[nxt.start : prev.end]
        assert shared and shared.startswith("Fact") and shared.endswith(".")


def test_overlap_falls_back_to_words_of_a_long_sentence() -> None:
    text = "One two three four five six seven eight nine ten eleven twelve. " * 8
    chunks = chunk_text(text, max_tokens=30, overlap_tokens=5)
    check(text, chunks, 30, 5)
    assert len(chunks) > 2
    for prev, nxt in pairwise(chunks):
        # The sentence (14 tokens) is over the overlap: its last whole words carry over.
        assert text[nxt.start : prev.end] == "eleven twelve."


def test_no_overlap_when_zero() -> None:
    text = " ".join(f"Fact {i} is stated." for i in range(40))
    chunks = chunk_text(text, max_tokens=40)
    check(text, chunks, 40)
    assert all(nxt.start > prev.end for prev, nxt in pairwise(chunks))


def test_special_token_markup_is_plain_text() -> None:
    text = "Before. <|endoftext|> after the marker. " * 20
    check(text, chunk_text(text, max_tokens=16, overlap_tokens=4), 16, 4)


def test_numbers_and_whitespace_runs_stay_within_budget() -> None:
    # Sums of parts undercount here (" 5" is two tokens, "\n\n\n" runs), so the final
    # count must catch it.
    text = "\n\n\n".join(" ".join(str(i) for i in range(j, j + 30)) for j in range(0, 900, 30))
    for budget in (5, 17, 64):
        overlap = budget // 3
        check(text, chunk_text(text, max_tokens=budget, overlap_tokens=overlap), budget, overlap)


# Pathological inputs: bounded time, all invariants. Budgets are the settings' defaults.
PATHOLOGICAL = {
    "a_x_1M": "a" * 1_000_000,
    "bang_x_1M": "!" * 1_000_000,
    "word_x_200k": "word " * 200_000,
    "mixed_scripts": (
        "Привет, мир. 日本語の文章が続きます。 مرحبا بالعالم! 😀🎉👍🏽 Ελληνικά κείμενα; "
        "हिन्दी पाठ। 12,345.67 €\n"
    )
    * 8_000,
    "cjk_no_spaces": "漢字かな交じり文" * 125_000,
    "one_char_lines": "a\n" * 300_000,
}


@pytest.mark.parametrize("name", list(PATHOLOGICAL))
def test_pathological_input(name: str) -> None:
    text = PATHOLOGICAL[name]
    chunks, elapsed = timed(text, 800, 64)
    assert elapsed < 20, f"{name}: {elapsed:.1f}s"
    check(text, chunks, 800, 64)


FRAGMENTS = st.one_of(
    st.text(st.characters(codec="utf-8"), min_size=1, max_size=8),
    st.sampled_from([" ", "  ", "\n", "\n\n", "\t", "\r\n", ".", "!", "?", "…", '"', "'"]),
    st.sampled_from(["Mr.", "U.S.", "The", "word", "5", "2024", "😀", "<|endoftext|>", "日本語"]),
)


@settings(max_examples=300, deadline=None)
@given(
    text=st.lists(FRAGMENTS, max_size=120).map("".join),
    max_tokens=st.integers(4, 60),
    data=st.data(),
)
def test_invariants_on_random_text(text: str, max_tokens: int, data: st.DataObject) -> None:
    overlap = data.draw(st.integers(0, max_tokens - 1))
    check(
        text, chunk_text(text, max_tokens=max_tokens, overlap_tokens=overlap), max_tokens, overlap
    )


@settings(max_examples=100, deadline=None)
@given(text=st.text(max_size=300), max_tokens=st.integers(4, 20))
def test_invariants_on_arbitrary_unicode(text: str, max_tokens: int) -> None:
    check(text, chunk_text(text, max_tokens=max_tokens, overlap_tokens=3), max_tokens, 3)
