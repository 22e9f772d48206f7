"""Turn user input (files, stdin, request bodies) into normalized ``Article``s.

Every failure is an ``InputError`` carrying ``source=<path>``, so the CLI and HTTP layers
can say which file was bad. Bytes are capped while reading (never read whole), checked for
binary content and decoded as strict UTF-8 before any format-specific parsing.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, BinaryIO

import lxml.html  # type: ignore[import-untyped]
import trafilatura
from lxml import etree
from pydantic import ValidationError

from api.errors import (
    BinaryInput,
    EmptyInput,
    EncodingInputError,
    FormatInputError,
    InputError,
    InputTooLarge,
)
from api.models import Article, ArticleInput, ErrorEntry
from api.textnorm import normalize_text, one_line

__all__ = [
    "article_from_input",
    "articles_from_inputs",
    "load_articles",
    "load_path",
    "normalize_text",
]

STDIN = "-"
TITLE_MAX_CHARS = 200
DEFAULT_OUTLET = "unknown"
_TEXT_SUFFIXES = frozenset({".txt", ".md", ""})
_JSON_SUFFIXES = frozenset({".json"})
_HTML_SUFFIXES = frozenset({".html", ".htm"})
_BOM = b"\xef\xbb\xbf"
# Share of C0 control bytes (other than tab/newline/CR) above which we call it binary.
_MAX_CONTROL_SHARE = 0.30
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_HEADER = re.compile(r"(title|outlet|url|published) *: *(.*)", re.IGNORECASE)
_MD_HEADING = re.compile(r"#{1,6} +")
_HTML_START = ("<!doctype html", "<html")


def article_from_input(inp: ArticleInput, *, article_id: str, source: str) -> Article:
    """Normalize one input into an ``Article``; raise ``EmptyInput`` if no text is left."""
    text = normalize_text(inp.text)
    if not text:
        raise EmptyInput("no text left after normalization", source=source)
    return Article(
        id=article_id,
        title=_clean_field(inp.title) or _default_title(text),
        outlet=_clean_field(inp.outlet) or DEFAULT_OUTLET,
        url=_clean_field(inp.url),
        published=_clean_field(inp.published),
        source=source,
        text=text,
    )


def articles_from_inputs(inputs: Sequence[ArticleInput], *, field: str) -> list[Article]:
    """Articles a1, a2, ... from a request's list; an error names the item, as in
    ``articles[2]``, and so does each article's ``source``."""
    return [
        article_from_input(inp, article_id=f"a{n}", source=f"{field}[{n - 1}]")
        for n, inp in enumerate(inputs, 1)
    ]


def load_articles(
    paths: Sequence[str], *, max_bytes: int, keep_going: bool, stdin: BinaryIO | None = None
) -> tuple[list[Article], list[ErrorEntry]]:
    """Load ``paths`` in order into articles ``a1, a2, ...``.

    With ``keep_going`` an ``InputError`` becomes an ``ErrorEntry`` and loading goes on
    (the result is then partial); without it the first error propagates.
    """
    articles: list[Article] = []
    errors: list[ErrorEntry] = []
    for path in paths:
        try:
            inputs = load_path(path, max_bytes=max_bytes, stdin=stdin)
        except InputError as err:
            if not keep_going:
                raise
            errors.append(ErrorEntry(source=path, code=err.code, message=err.message))
            continue
        for index, inp in enumerate(inputs):
            try:
                article = article_from_input(inp, article_id=f"a{len(articles) + 1}", source=path)
            except InputError as err:
                if len(inputs) > 1:  # name the item so the user can find it in the list
                    err = type(err)(f"item at index {index}: {err.message}", source=path)
                if not keep_going:
                    raise err from None
                errors.append(ErrorEntry(source=path, code=err.code, message=err.message))
                continue
            articles.append(article)
    return articles, errors


def load_path(path: str, *, max_bytes: int, stdin: BinaryIO | None = None) -> list[ArticleInput]:
    """Read ``path`` ('-' for stdin) and parse it by suffix; see the module docstring."""
    suffix = "" if path == STDIN else Path(path).suffix.lower()
    if suffix not in _TEXT_SUFFIXES | _JSON_SUFFIXES | _HTML_SUFFIXES:
        raise FormatInputError(
            f"unsupported file type {suffix!r} (use .txt, .md, .json, .html or .htm)",
            source=path,
        )
    data = _read(path, max_bytes, stdin)
    text = _decode(data, path)
    stem = None if path == STDIN else Path(path).stem
    if suffix == "":
        suffix = _sniff(text)
    if suffix in _JSON_SUFFIXES:
        return _parse_json(text, stem, path)
    if suffix in _HTML_SUFFIXES:
        return [_parse_html(data.removeprefix(_BOM), stem, path)]
    return [_parse_text(text, stem, markdown=suffix == ".md")]


# --- reading and decoding -------------------------------------------------------------


def _read(path: str, max_bytes: int, stdin: BinaryIO | None) -> bytes:
    # One byte over the cap is enough to know the input is too large, and bounds memory
    # no matter how big the file (or how endless the pipe) is.
    limit = max_bytes + 1
    if path == STDIN:
        data = _read_capped(stdin if stdin is not None else sys.stdin.buffer, limit)
    else:
        try:
            with open(path, "rb") as handle:
                data = _read_capped(handle, limit)
        except FileNotFoundError:
            raise InputError("file not found", source=path) from None
        except PermissionError:
            raise InputError("cannot read: permission denied", source=path) from None
        except IsADirectoryError:
            raise InputError("cannot read: is a directory", source=path) from None
        except OSError as err:
            raise InputError(f"cannot read: {err.strerror or err}", source=path) from None
    if len(data) > max_bytes:
        raise InputTooLarge(f"input is larger than the limit of {max_bytes:,} bytes", source=path)
    return data


def _read_capped(stream: BinaryIO, limit: int) -> bytes:
    # read(n) on a raw pipe may return short, so loop until EOF or the limit.
    chunks: list[bytes] = []
    remaining = limit
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _decode(data: bytes, source: str) -> str:
    if b"\x00" in data:
        raise BinaryInput("binary data (contains NUL bytes), expected text", source=source)
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if data and controls / len(data) > _MAX_CONTROL_SHARE:
        raise BinaryInput("binary data (mostly control characters), expected text", source=source)
    try:
        # Decode with the BOM still in place so that error offsets are file offsets.
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise EncodingInputError(
            f"not valid UTF-8: byte 0x{data[err.start]:02x} at byte offset {err.start}",
            source=source,
        ) from None
    return text.removeprefix("\ufeff")


def _sniff(text: str) -> str:
    """Suffix to parse stdin or a suffix-less file as: JSON, HTML or plain text."""
    head = text[:1024].lstrip().lower()
    # "[Reuters] ..." is a plausible first line of plain text, so "[" only means JSON
    # when an object or the end of the list follows.
    if head.startswith("{") or (head.startswith("[") and head[1:].lstrip()[:1] in ("{", "]")):
        return ".json"
    if head.startswith("<") and any(marker in head for marker in _HTML_START):
        return ".html"
    return ".txt"


# --- formats --------------------------------------------------------------------------


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
    title = headers.get("title") or _default_title(body, markdown=markdown)
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
        if not _clean_field(inp.outlet) and stem:
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


def _parse_html(data: bytes, stem: str | None, source: str) -> ArticleInput:
    if not data.strip():
        raise EmptyInput("empty HTML document", source=source)
    try:
        tree = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding="utf-8"))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError) as err:
        raise FormatInputError(f"cannot parse HTML: {err}", source=source) from None
    _drop_hidden(tree)
    html = lxml.html.tostring(tree, encoding="unicode")
    try:
        text = trafilatura.extract(html, include_comments=False, include_tables=True)
        meta = trafilatura.extract_metadata(html)
    except Exception as err:  # trafilatura is a large third-party parser: contain it
        raise FormatInputError(f"cannot extract HTML: {err}", source=source) from None
    if not text or not normalize_text(text):
        raise EmptyInput("no article text found in the HTML", source=source)
    return ArticleInput(
        text=text,
        title=_meta(meta, "title"),
        outlet=_meta(meta, "sitename") or stem,
        url=_meta(meta, "url"),
        published=_meta(meta, "date"),
    )


def _drop_hidden(tree: Any) -> None:
    """Remove elements a reader never sees, so their text cannot leak into the article."""
    hidden = [
        element
        for element in tree.iter()
        if isinstance(element.tag, str)
        # A hidden <html>/<body> is almost always a JS "reveal on load" trick; dropping
        # it would throw away the whole page.
        and element.tag not in ("html", "body")
        and _is_hidden(element)
    ]
    for element in hidden:
        if element.getparent() is not None:
            element.drop_tree()  # keeps the element's tail text, which is visible


def _is_hidden(element: Any) -> bool:
    if element.get("hidden") is not None:
        return True
    if (element.get("aria-hidden") or "").strip().lower() == "true":
        return True
    for declaration in (element.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        name = name.strip().lower()
        value = value.lower().replace("!important", "").strip()
        if (name, value) in (("display", "none"), ("visibility", "hidden")):
            return True
    return False


# --- fields ---------------------------------------------------------------------------


def _meta(meta: Any, name: str) -> str | None:
    value = getattr(meta, name, None)
    return _clean_field(value) if isinstance(value, str) else None


def _clean_field(value: str | None) -> str | None:
    """One-line, normalized metadata; None when nothing is left."""
    return (one_line(value) or None) if value is not None else None


def _default_title(text: str, *, markdown: bool = False) -> str:
    """The first line of normalized ``text``, cut at a word boundary to ~200 chars."""
    line = text.split("\n", 1)[0]
    if markdown and (heading := _MD_HEADING.match(line)):
        line = line[heading.end() :] or line  # "# Title" -> "Title"
    if len(line) <= TITLE_MAX_CHARS:
        return line
    cut = line[:TITLE_MAX_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > TITLE_MAX_CHARS // 2 else cut).rstrip() + "…"
