"""Tests for api.ingest.inputs and api.text.normalize: formats, byte-level checks, normalization."""

from __future__ import annotations

import io
import json
import sys
import unicodedata
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.errors import (
    BinaryInput,
    EmptyInput,
    EncodingInputError,
    FormatInputError,
    InputError,
    InputTooLarge,
)
from api.ingest.inputs import article_from_input, load_articles, load_path
from api.models import ArticleInput
from api.text.normalize import MAX_MARK_RUN, normalize_text

MAX = 1_000_000

HTML_PAGE = """<!DOCTYPE html>
<html><head><title>Troops enter Sudzha | Kyiv Daily</title>
<meta property="og:site_name" content="Kyiv Daily">
<meta property="og:title" content="Troops enter Sudzha">
<meta property="article:published_time" content="2025-03-12T10:00:00Z">
<link rel="canonical" href="https://kyivdaily.example/sudzha">
</head><body>
<nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Troops enter Sudzha</h1>
<p>Russian troops entered the town of Sudzha on Wednesday, according to the defence
ministry, which said about 1,300 soldiers took part in the assault.</p>
<p style="color: red; DISPLAY : none !important">HIDDENSTYLE paragraph that must not
leak into the extracted article text under any circumstances at all.</p>
<p>Ukrainian officials said the garrison had withdrawn in good order two days earlier,
leaving little behind for the advancing forces to capture in the town.</p>
<div aria-hidden="true">HIDDENARIA text that is not for readers and must be dropped
before extraction, even though it is long enough to look like content.</div>
<p hidden>HIDDENATTR paragraph carrying the hidden attribute, also never shown.</p>
<p>The town had been held by Ukraine since its incursion into the Kursk region in
August<span style="visibility:hidden"> HIDDENVIS</span>, and was a logistics hub.</p>
</article>
<footer>Copyright 2025 Kyiv Daily. All rights reserved.</footer>
</body></html>
"""


def write(tmp_path: Path, name: str, content: str | bytes) -> str:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return str(path)


# --- text files -------------------------------------------------------------------------


def test_text_without_headers_keeps_title_line_in_text(tmp_path: Path) -> None:
    path = write(tmp_path, "kursk-sudzha.txt", "Troops enter Sudzha\r\n\r\nThe town  fell.\r\n")
    [inp] = load_path(path, max_bytes=MAX)
    assert inp.title == "Troops enter Sudzha"
    assert inp.outlet == "kursk-sudzha"
    assert inp.text == "Troops enter Sudzha\n\nThe town fell."


def test_text_with_headers(tmp_path: Path) -> None:
    raw = (
        "title: Troops enter Sudzha\nOUTLET:  Kyiv Daily\nURL: https://x.example/a\n"
        "Published: 2025-03-12\n\nFirst paragraph.\n\nSecond."
    )
    [inp] = load_path(write(tmp_path, "a.txt", raw), max_bytes=MAX)
    assert inp.title == "Troops enter Sudzha"
    assert inp.outlet == "Kyiv Daily"
    assert inp.url == "https://x.example/a"
    assert inp.published == "2025-03-12"
    assert inp.text == "First paragraph.\n\nSecond."


def test_header_only_when_first_line(tmp_path: Path) -> None:
    raw = "Troops enter Sudzha\nTitle: not a header here\n\nBody."
    [inp] = load_path(write(tmp_path, "a.txt", raw), max_bytes=MAX)
    assert inp.title == "Troops enter Sudzha"
    assert inp.text == normalize_text(raw)


def test_headers_partial_outlet_defaults_to_stem(tmp_path: Path) -> None:
    [inp] = load_path(write(tmp_path, "b.md", "Title: T\n\n# Heading\n\nBody."), max_bytes=MAX)
    article = article_from_input(inp, article_id="a1", source="b.md")
    assert (article.title, article.outlet, article.text) == ("T", "b", "# Heading\n\nBody.")


def test_markdown_heading_becomes_title(tmp_path: Path) -> None:
    [inp] = load_path(write(tmp_path, "c.md", "## The heading\n\nBody."), max_bytes=MAX)
    assert inp.title == "The heading"
    assert inp.text == "## The heading\n\nBody."


def test_bom_stripped(tmp_path: Path) -> None:
    [inp] = load_path(write(tmp_path, "a.txt", b"\xef\xbb\xbfHello\n"), max_bytes=MAX)
    assert inp.text == "Hello"


def test_article_text_is_normalized_body(tmp_path: Path) -> None:
    raw = "  Cafe\u0301\u200b news\u00a0\u00a0today \r\n\r\n\r\n\r\nMore\ttext. "
    [inp] = load_path(write(tmp_path, "x.txt", raw), max_bytes=MAX)
    article = article_from_input(inp, article_id="a1", source="x.txt")
    assert article.text == normalize_text(raw) == "Café news today\n\nMore text."
    assert article.title == "Café news today"


def test_article_from_input_defaults_and_empty() -> None:
    long_line = "word " * 100
    article = article_from_input(ArticleInput(text=long_line), article_id="a7", source="request")
    assert article.outlet == "unknown"
    assert article.id == "a7" and article.source == "request"
    assert len(article.title) <= 201 and article.title.endswith("…")
    with pytest.raises(EmptyInput) as info:
        article_from_input(ArticleInput(text=" \u200b\n\t"), article_id="a1", source="f.txt")
    assert info.value.source == "f.txt"


# --- JSON -------------------------------------------------------------------------------


def test_json_object(tmp_path: Path) -> None:
    obj = {"text": "Body text.", "title": "T", "url": "https://x.example"}
    [inp] = load_path(write(tmp_path, "feed.json", json.dumps(obj)), max_bytes=MAX)
    assert (inp.text, inp.title, inp.outlet, inp.url) == ("Body text.", "T", "feed", obj["url"])


def test_json_list(tmp_path: Path) -> None:
    items = [{"text": "One.", "outlet": "AP"}, {"text": "Two."}]
    inputs = load_path(write(tmp_path, "feed.json", json.dumps(items)), max_bytes=MAX)
    assert [(i.text, i.outlet) for i in inputs] == [("One.", "AP"), ("Two.", "feed")]


def test_bad_json(tmp_path: Path) -> None:
    path = write(tmp_path, "bad.json", '{"text": "unterminated')
    with pytest.raises(FormatInputError) as info:
        load_path(path, max_bytes=MAX)
    assert info.value.source == path
    assert path in str(info.value)


def test_json_missing_text_names_item_and_field(tmp_path: Path) -> None:
    path = write(tmp_path, "feed.json", json.dumps([{"text": "ok"}, {"title": "no text"}]))
    with pytest.raises(FormatInputError) as info:
        load_path(path, max_bytes=MAX)
    assert "index 1" in info.value.message
    assert "text" in info.value.message


@pytest.mark.parametrize("content", ['"just a string"', "[1, 2]", '{"text": 5}'])
def test_json_wrong_shapes(tmp_path: Path, content: str) -> None:
    with pytest.raises(FormatInputError):
        load_path(write(tmp_path, "x.json", content), max_bytes=MAX)


def test_json_deeply_nested(tmp_path: Path) -> None:
    with pytest.raises(FormatInputError):
        load_path(write(tmp_path, "x.json", "[" * 100_000), max_bytes=MAX)


# --- HTML -------------------------------------------------------------------------------


def test_html_extraction_drops_hidden_and_reads_metadata(tmp_path: Path) -> None:
    [inp] = load_path(write(tmp_path, "page.html", HTML_PAGE), max_bytes=MAX)
    assert "Russian troops entered the town of Sudzha" in inp.text
    assert "logistics hub" in inp.text
    for marker in ("HIDDENSTYLE", "HIDDENARIA", "HIDDENATTR", "HIDDENVIS"):
        assert marker not in inp.text
    assert inp.title == "Troops enter Sudzha"
    assert inp.outlet == "Kyiv Daily"
    assert inp.url == "https://kyivdaily.example/sudzha"
    assert inp.published is not None and inp.published.startswith("2025-03-12")
    article = article_from_input(inp, article_id="a1", source="page.html")
    assert article.text == normalize_text(inp.text)


def test_html_without_text_is_empty(tmp_path: Path) -> None:
    path = write(tmp_path, "e.htm", "<html><body><div hidden><p>Secret.</p></div></body></html>")
    with pytest.raises(EmptyInput) as info:
        load_path(path, max_bytes=MAX)
    assert info.value.source == path


# --- stdin and sniffing -----------------------------------------------------------------


def test_stdin_text() -> None:
    [inp] = load_path("-", max_bytes=MAX, stdin=io.BytesIO(b"Headline\nBody.\n"))
    assert (inp.title, inp.outlet, inp.text) == ("Headline", None, "Headline\nBody.")
    article = article_from_input(inp, article_id="a1", source="-")
    assert article.outlet == "unknown"


def test_stdin_json_and_bracketed_text() -> None:
    stdin = io.BytesIO(b' [{"text": "A."}, {"text": "B."}]')
    assert [i.text for i in load_path("-", max_bytes=MAX, stdin=stdin)] == ["A.", "B."]
    [inp] = load_path("-", max_bytes=MAX, stdin=io.BytesIO(b"[Reuters] Body."))
    assert inp.text == "[Reuters] Body."


def test_stdin_html() -> None:
    [inp] = load_path("-", max_bytes=MAX, stdin=io.BytesIO(HTML_PAGE.encode()))
    assert inp.outlet == "Kyiv Daily"
    assert "HIDDENARIA" not in inp.text


def test_stdin_default_is_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    class FakeStdin:
        buffer: BinaryIO = io.BytesIO(b"From real stdin.")

    monkeypatch.setattr(sys, "stdin", FakeStdin())
    assert load_path("-", max_bytes=MAX)[0].text == "From real stdin."


# --- bytes-level failures -----------------------------------------------------------------


def test_unknown_suffix(tmp_path: Path) -> None:
    path = write(tmp_path, "a.pdf", "x")
    with pytest.raises(FormatInputError) as info:
        load_path(path, max_bytes=MAX)
    assert info.value.source == path


def test_missing_and_directory(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(InputError, match="file not found") as info:
        load_path(missing, max_bytes=MAX)
    assert info.value.source == missing and type(info.value) is InputError
    (tmp_path / "d.txt").mkdir()
    with pytest.raises(InputError, match="cannot read"):
        load_path(str(tmp_path / "d.txt"), max_bytes=MAX)


@pytest.mark.parametrize("content", ["", "   \n\t\u00a0\n", "\u200b\u200b"])
def test_empty_and_whitespace_only(tmp_path: Path, content: str) -> None:
    path = write(tmp_path, "empty.txt", content)
    with pytest.raises(EmptyInput) as info:
        load_articles([path], max_bytes=MAX, keep_going=False)
    assert info.value.source == path


def test_binary_nul(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", b"PK\x03\x04\x00\x00text")
    with pytest.raises(BinaryInput) as info:
        load_path(path, max_bytes=MAX)
    assert info.value.source == path


def test_binary_mostly_control(tmp_path: Path) -> None:
    with pytest.raises(BinaryInput):
        load_path(write(tmp_path, "a.txt", b"\x01\x02\x03\x1b abc"), max_bytes=MAX)


def test_latin1_is_not_utf8(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "Caf\u00e9 society".encode("latin-1"))
    with pytest.raises(EncodingInputError) as info:
        load_path(path, max_bytes=MAX)
    assert "byte offset 3" in info.value.message
    assert info.value.source == path


class CountingReader(io.RawIOBase):
    """An endless stream that records how much was read from it."""

    def __init__(self) -> None:
        self.consumed = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), 7)  # short reads, like a pipe
        buffer[:n] = b"a" * n
        self.consumed += n
        return n


def test_oversized_file_is_not_read_whole(tmp_path: Path) -> None:
    path = write(tmp_path, "big.txt", b"x" * 5_000_000)
    with pytest.raises(InputTooLarge) as info:
        load_path(path, max_bytes=10)
    assert info.value.source == path and "10" in info.value.message
    reader = CountingReader()
    with pytest.raises(InputTooLarge):
        load_path("-", max_bytes=10, stdin=reader)  # type: ignore[arg-type]
    assert reader.consumed == 11


def test_exactly_max_bytes_is_fine(tmp_path: Path) -> None:
    assert load_path(write(tmp_path, "a.txt", b"0123456789"), max_bytes=10)[0].text


# --- load_articles ------------------------------------------------------------------------


def test_load_articles_ids_and_keep_going(tmp_path: Path) -> None:
    good = write(tmp_path, "one.txt", "First article.")
    feed = write(
        tmp_path, "feed.json", json.dumps([{"text": "Two."}, {"text": " "}, {"text": "3."}])
    )
    binary = write(tmp_path, "bin.txt", b"\x00\x01")
    missing = str(tmp_path / "missing.txt")
    articles, errors = load_articles([good, binary, feed, missing], max_bytes=MAX, keep_going=True)
    assert [(a.id, a.text, a.source) for a in articles] == [
        ("a1", "First article.", good),
        ("a2", "Two.", feed),
        ("a3", "3.", feed),
    ]
    assert [(e.source, e.code) for e in errors] == [
        (binary, "binary_input"),
        (feed, "empty_input"),
        (missing, "invalid_input"),
    ]
    assert "index 1" in errors[1].message


def test_load_articles_without_keep_going_raises(tmp_path: Path) -> None:
    good = write(tmp_path, "one.txt", "First article.")
    bad = write(tmp_path, "bad.json", "{")
    with pytest.raises(FormatInputError) as info:
        load_articles([good, bad], max_bytes=MAX, keep_going=False)
    assert info.value.source == bad


# --- normalization --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("e\u0301", "é"),
        ("a\u200bb\u200cc\u200dd\u2060e\ufefff", "abcdef"),
        ("\u202aleft\u202c \u2066iso\u2069 \u200emark\u200f", "left iso mark"),
        ("a\r\nb\rc", "a\nb\nc"),
        ("a\u00a0b\tc\u2003\u3000d", "a b c d"),
        ("a    b", "a b"),
        ("  line one  \n   line two   ", "line one\nline two"),
        ("a\n\n\n\n\nb", "a\n\nb"),
        ("a\n \n\t\n\u00a0\nb", "a\n\nb"),
        ("a\x00b\x07c\x1bd\x7fe\x9bf", "abcdef"),
        ("page\x0cbreak", "page\nbreak"),
        ("\n\n  \ufeffhello \n\n", "hello"),
        ("e\u200b\u0301", "é"),  # zero-width removed before composing
        ("", ""),
    ],
)
def test_normalize_examples(raw: str, expected: str) -> None:
    assert normalize_text(raw) == expected


def test_every_unicode_space_becomes_space_or_newline() -> None:
    for cp in range(sys.maxunicode + 1):
        char = chr(cp)
        if char.isspace():
            assert normalize_text(f"a{char}b") in ("a b", "a\nb"), hex(cp)


def test_long_mark_runs_are_capped() -> None:
    result = normalize_text("a" + "\u0301" * 100)
    assert result == unicodedata.normalize("NFC", "a\u0301") + "\u0301" * (MAX_MARK_RUN - 1)


_TRICKY = st.sampled_from(
    [
        *"ab é\n\r\t\x00\x0c\x85\u00a0\u200b\u200d\u202e\u2028\u2029\u3000\ufeff",
        *("\u0301", "\u0316", "\u0344", "\u0f73", "\u1100", "\u1161", "\u11a8", "\u2000", "\r\n"),
    ]
)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.lists(_TRICKY, max_size=80).map("".join)))
def test_normalize_is_idempotent(raw: str) -> None:
    once = normalize_text(raw)
    assert normalize_text(once) == once
    assert unicodedata.is_normalized("NFC", once)
    assert "\r" not in once and "  " not in once and "\n\n\n" not in once
    assert once == once.strip()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["\u0301", "\u0316", "\u0308", "\u0327", "e", "u"]), max_size=200))
def test_idempotent_on_long_mark_runs(chars: list[str]) -> None:
    once = normalize_text("".join(chars))
    assert normalize_text(once) == once


@pytest.mark.parametrize(
    "raw",
    [
        "x" * 1_000_000,  # one megabyte "word"
        "!" * 1_000_000,  # a million repeated punctuation marks
        ".?" * 500_000,
        " \n" * 500_000,
        "\u00a0" * 1_000_000,
        "a" + "\u0301\u0316" * 500_000,  # quadratic for an uncapped NFC reordering
        "\u0f73" * 500_000,
    ],
)
def test_large_inputs_complete(raw: str) -> None:
    result = normalize_text(raw)
    assert normalize_text(result) == result
