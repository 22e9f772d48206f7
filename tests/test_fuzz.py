"""Fuzzing: ingest (every format, from files and from stdin bytes), chunking and an
offline compare on hostile text must raise nothing but the documented input errors.

The text mixes random Unicode, many scripts, huge single tokens and empty sections. The
example count comes from the hypothesis profile: 500 under CI (``CI`` set, as
``.ci/run`` does), hypothesis's default otherwise (see tests/conftest.py).
"""

from __future__ import annotations

import io
import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from api.errors import InputError, UsageError
from api.ingest.inputs import article_from_input, load_path
from api.models import ArticleInput
from api.text.chunking import chunk_text
from tests.conftest import run_compare

SECOND = "The dam on the Tagus opened on Tuesday, officials said. It cost 2 million euros."

_SCRIPTS = (
    "abcXYZ éüßø ЖжЯя αβΩ אבג عربي ह्दी ไทย 中文字 日本語カナ 한국어 🙂👍🏽🇺🇦 ₿€$ 0123456789"
    ".,;:!?¿¡…—«»“”'\"()[]{}<>&#%/\\@*\n\t \u00a0\u200b\u200d\u202e\u2066\u0301\u0300\ufeff"
)
# Tokens far over any chunk budget, a few per run (st.sampled_from, not generated).
_HUGE = st.sampled_from(
    [
        "x" * 60_000,
        "9" * 30_000,
        "🙂" * 10_000,
        "e" + "\u0301" * 5_000,
        "https://example.com/" + "a/" * 15_000,
        "中" * 20_000,
        "." * 20_000,
        "A." * 10_000,
    ]
)
_EMPTY = st.sampled_from(["", " ", "\n\n\n", "\u200b\u200b", "\t\u00a0", "#", "- ", "<p></p>"])
_SECTION = st.one_of(
    st.text(max_size=120),
    st.text(alphabet=_SCRIPTS, max_size=300),
    _EMPTY,
    _HUGE,
)
_TEXT = st.lists(_SECTION, max_size=5).flatmap(
    lambda parts: st.sampled_from(["\n\n", " ", "\n", ". "]).map(lambda sep: sep.join(parts))
)
_KINDS = st.sampled_from(
    ["txt", "md", "json", "json-list", "html", "htm", "none", "stdin", "bytes"]
)


def document(kind: str, text: str, raw: bytes) -> bytes:
    """The bytes of a ``kind`` document that carries ``text`` (``raw``: random bytes)."""
    if kind == "bytes":
        return raw
    if kind == "json":
        return json.dumps({"text": text, "title": text[:40]}, ensure_ascii=False).encode()
    if kind == "json-list":
        return json.dumps([{"text": text}, {"text": text[::-1], "outlet": ""}]).encode()
    if kind in ("html", "htm"):
        return f"<html><head><title>{text[:30]}</title></head><body><p>{text}</p>".encode()
    return text.encode("utf-8", "surrogatepass")  # lone surrogates: invalid UTF-8


def ingest(kind: str, data: bytes) -> list[ArticleInput]:
    if kind in ("stdin", "bytes"):
        return load_path("-", max_bytes=2_000_000, stdin=io.BytesIO(data))
    suffix = {"none": "", "json-list": ".json"}.get(kind, f".{kind}")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"fuzz{suffix}"
        path.write_bytes(data)
        return load_path(str(path), max_bytes=2_000_000)


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    kind=_KINDS,
    text=_TEXT,
    raw=st.binary(max_size=200),
    budget=st.integers(4, 300),
    overlap=st.integers(0, 50),
)
def test_hostile_text_raises_only_input_errors(
    kind: str, text: str, raw: bytes, budget: int, overlap: int
) -> None:
    try:
        inputs = ingest(kind, document(kind, text, raw))
        articles = [
            article_from_input(inp, article_id=f"a{i}", source="fuzz")
            for i, inp in enumerate(inputs, 1)
        ]
        article = articles[0]
        chunks = chunk_text(
            article.text, max_tokens=budget, overlap_tokens=min(overlap, budget - 1)
        )
        assert all(article.text[c.start : c.end] == c.text for c in chunks)
        assert all(c.tokens <= budget for c in chunks)
        result = run_compare([article.text, SECOND])
    except (InputError, UsageError) as err:
        event(f"refused: {err.code}")  # --hypothesis-show-statistics lists the outcomes
        return
    event(f"compared ({kind})")
    for res in result.articles:
        for claim in res.claims:
            assert res.text[claim.evidence.start : claim.evidence.end] == claim.evidence.quote
