"""Bytes of one document -> ``ArticleInput``s, whether they came from a file or a URL.

Bytes are checked for binary content and decoded strictly before any format-specific
parsing; every failure is an ``InputError`` naming ``source``. Files (api/ingest/inputs.py) pick
the kind from the suffix, fetched pages (api/ingest/fetch.py) from the Content-Type; both end here.
"""

from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import ValidationError

from api.errors import BinaryInput, EmptyInput, EncodingInputError, FormatInputError
from api.ingest.html import html_to_input
from api.models import ArticleInput
from api.text.normalize import clean_field, normalize_text

__all__ = ["Kind", "default_title", "parse_document", "sniff"]

Kind = Literal["text", "markdown", "json", "html"]

TITLE_MAX_CHARS = 200
# Share of C0 control bytes (other than tab/newline/CR) above which we call it binary.
_MAX_CONTROL_SHARE = 0.30
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_HEADER = re.compile(r"(title|outlet|url|published) *: *(.*)", re.IGNORECASE)
_MD_HEADING = re.compile(r"#{1,6} +")
_HTML_START = ("<!doctype html", "<html")


def parse_document(
    data: bytes,
    kind: Kind | None,
    *,
    source: str,
    fallback_outlet: str | None,
    encoding: str = "utf-8",
) -> list[ArticleInput]:
    """Parse ``data`` as ``kind`` (sniffed from the content when None)."""
    text = _decode(data, source, encoding)
    if kind is None:
        kind = sniff(text)
    if kind == "json":
        return _parse_json(text, fallback_outlet, source)
    if kind == "html":
        return [
            html_to_input(data, source=source, fallback_outlet=fallback_outlet, encoding=encoding)
        ]
    return [_parse_text(text, fallback_outlet, markdown=kind == "markdown")]


def sniff(text: str) -> Kind:
    """What to parse stdin or a suffix-less file as: JSON, HTML or plain text."""
    head = text[:1024].lstrip().lower()
    # "[Reuters] ..." is a plausible first line of plain text, so "[" only means JSON
    # when an object or the end of the list follows.
    if head.startswith("{") or (head.startswith("[") and head[1:].lstrip()[:1] in ("{", "]")):
        return "json"
    if head.startswith("<") and any(marker in head for marker in _HTML_START):
        return "html"
    return "text"


def _decode(data: bytes, source: str, encoding: str) -> str:
    if b"\x00" in data:
        raise BinaryInput("binary data (contains NUL bytes), expected text", source=source)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > _MAX_CONTROL_SHARE:
        raise BinaryInput("binary data (mostly control characters), expected text", source=source)
    try:
        # Decode with the BOM still in place so that error offsets are byte offsets.
        text = data.decode(encoding)
    except UnicodeDecodeError as err:
        name = "UTF-8" if encoding == "utf-8" else encoding
        raise EncodingInputError(
            f"not valid {name}: byte 0x{data[err.start]:02x} at byte offset {err.start}",
            source=source,
        ) from None
    return text.removeprefix("\ufeff")


def _parse_text(text: str, stem: str | None, *, markdown: bool) -> ArticleInput:
    # Headers are matched on normalized lines so CRLF, BOMs and stray spaces don't hide
    # them; normalization is idempotent, so article_from_input re-normalizing is a no-op.
    text = normalize_text(text)
    lines = text.split("\n")
    headers: dict[str, str] = {}
    body_start = 0
    while body_start < len(lines) and (match := _HEADER.fullmatch(lines[body_start])):
        headers[match.group(1).lower()] = match.group(2)
        body_start += 1
    if headers and body_start < len(lines) and not lines[body_start]:
        body_start += 1  # the blank line that ends the header block
    # Without headers the first line doubles as the title and stays in the text.
    body = "\n".join(lines[body_start:]) if headers else text
    title = headers.get("title") or default_title(body, markdown=markdown)
    return ArticleInput(
        text=body,
        title=title or None,
        outlet=headers.get("outlet") or stem,
        url=headers.get("url") or None,
        published=headers.get("published") or None,
    )


def _parse_json(text: str, stem: str | None, source: str) -> list[ArticleInput]:
    try:
        value: Any = json.loads(text)
    except RecursionError:
        raise FormatInputError("not valid JSON: nested too deeply", source=source) from None
    except ValueError as err:  # JSONDecodeError, or an integer too long to convert
        raise FormatInputError(f"not valid JSON: {err}", source=source) from None
    if isinstance(value, dict):
        items: list[tuple[str, Any]] = [("", value)]
    elif isinstance(value, list):
        items = [(f"item at index {i}: ", item) for i, item in enumerate(value)]
        if not items:
            raise EmptyInput("JSON list holds no articles", source=source)
    else:
        raise FormatInputError("expected a JSON object or a list of objects", source=source)
    inputs: list[ArticleInput] = []
    for where, item in items:
        if not isinstance(item, dict):
            raise FormatInputError(f"{where}expected an object with a 'text' field", source=source)
        try:
            inp = ArticleInput.model_validate(item)
        except ValidationError as err:
            raise FormatInputError(where + _describe(err), source=source) from None
        if not clean_field(inp.outlet) and stem:
            inp = inp.model_copy(update={"outlet": stem})
        inputs.append(inp)
    return inputs


def _describe(err: ValidationError) -> str:
    problems = []
    for detail in err.errors()[:3]:
        field = ".".join(str(part) for part in detail["loc"]) or "(object)"
        problems.append(f"field '{field}': {detail['msg']}")
    more = err.error_count() - len(problems)
    return "; ".join(problems) + (f" (and {more} more)" if more > 0 else "")


def default_title(text: str, *, markdown: bool = False) -> str:
    """The first line of normalized ``text``, cut at a word boundary to ~200 chars."""
    line = text.split("\n", 1)[0]
    if markdown and (heading := _MD_HEADING.match(line)):
        line = line[heading.end() :] or line  # "# Title" -> "Title"
    if len(line) <= TITLE_MAX_CHARS:
        return line
    cut = line[:TITLE_MAX_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > TITLE_MAX_CHARS // 2 else cut).rstrip() + "…"
