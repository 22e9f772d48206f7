"""Static sentence embeddings on the CPU, from the weights the ``wordllama`` wheel ships.

Alignment needs to see that two outlets state one fact in different words ("left in
place" / "allowed to stand"); word overlap alone misses most of those. WordLlama's
l2_supercat_256 model is a token-embedding table (16 MB, MIT) averaged over a
sentence: no network, no GPU, about 40,000 claims a second on one core, and the same
vector for the same text on every run.

``WordLlama.load()`` would look for the bundled tokenizer in the wrong folder and then
try to download it; pointing ``cache_dir`` at the installed package and turning
downloads off makes it load the files inside the wheel, or fail loudly.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from api.errors import EngineUnavailable

MODEL = "wordllama l2_supercat_256"
DIM = 256
# Averaging needs only the words that carry the statement; a megabyte-long "sentence"
# (hostile input) would otherwise cost a megabyte of tokens.
MAX_CHARS = 2000

_PAIR_CHUNK = 16_384  # pairs whose vectors are gathered at once (2 x 16 MB)

Vectors = npt.NDArray[np.float32]
_lock = threading.Lock()
_loaded: list[Any] = []  # the model, once loaded (a list: no global statement needed)


def _model() -> Any:
    # Imported and loaded on first use: ~0.6 s that commands which never align skip.
    with _lock:
        if not _loaded:
            try:
                import wordllama
                from wordllama import WordLlama

                folder = Path(wordllama.__file__).resolve().parent
                _loaded.append(WordLlama.load(cache_dir=folder, dim=DIM, disable_download=True))
            except (ImportError, OSError, ValueError) as exc:
                raise EngineUnavailable(
                    f"cannot load the embedding model bundled with wordllama: {exc}", source=MODEL
                ) from exc
        return _loaded[0]


def preload() -> None:
    """Load the model now (a warm-up while the process waits on something else); a
    failure is left for the first :func:`embed` to raise where it is handled."""
    with contextlib.suppress(EngineUnavailable):
        _model()


def embed(texts: Sequence[str]) -> Vectors:
    """Unit-length embeddings, one row per text (a zero row for a text with no tokens)."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    # Each distinct text once: outlets reprint wire copy, and tokenizing is the cost.
    distinct = list(dict.fromkeys(t[:MAX_CHARS] or " " for t in texts))
    row = {t: i for i, t in enumerate(distinct)}
    raw = _model().embed(distinct, norm=False)
    vectors = np.asarray(raw, dtype=np.float32)[[row[t[:MAX_CHARS] or " "] for t in texts]]
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    unit: Vectors = np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)
    return unit


def pair_cosines(vectors: Vectors, pairs: npt.NDArray[np.intp]) -> Vectors:
    """Cosine of each pair of rows (unit vectors), a slice of pairs at a time: gathering
    every pair's vectors at once would take a gigabyte at 300 articles."""
    out = np.empty(len(pairs), dtype=np.float32)
    for lo in range(0, len(pairs), _PAIR_CHUNK):
        part = pairs[lo : lo + _PAIR_CHUNK]
        out[lo : lo + len(part)] = np.einsum("ij,ij->i", vectors[part[:, 0]], vectors[part[:, 1]])
    return out
