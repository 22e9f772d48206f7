"""Turn user input (files, stdin, URLs, request bodies) into normalized ``Article``s.

Every failure is an ``InputError`` carrying ``source=<path or URL>``, so the CLI and HTTP
layers can say which input was bad. Files are read with a byte cap (never whole) and
parsed by suffix in api/ingest/formats.py; ``http(s)://`` arguments (any ``scheme://``, so
that other schemes are refused by name) are fetched by api/ingest/fetch.py, which ends in the
same parsers.
"""

from __future__ import annotations

import logging
import re
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import BinaryIO

from api import aio
from api.errors import EmptyInput, FormatInputError, InputError, InputTooLarge
from api.ingest import fetch
from api.ingest.formats import Kind, default_title, parse_document
from api.models import Article, ArticleInput, ErrorEntry, UrlInput
from api.settings import Settings, get_settings
from api.text.normalize import clean_field, normalize_text

__all__ = [
    "article_from_input",
    "is_url",
    "load_articles",
    "load_path",
    "normalize_text",
    "resolve_inputs",
]

STDIN = "-"
DEFAULT_OUTLET = "unknown"
REQUEST = "request"
_KINDS: dict[str, Kind | None] = {
    ".txt": "text",
    ".md": "markdown",
    "": None,  # sniffed from the content
    ".json": "json",
    ".html": "html",
    ".htm": "html",
}
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
log = logging.getLogger(__name__)


def is_url(arg: str) -> bool:
    """True for ``scheme://...`` arguments, which are fetched rather than opened."""
    return _URL.match(arg) is not None


def article_from_input(inp: ArticleInput, *, article_id: str, source: str) -> Article:
    """Normalize one input into an ``Article``; raise ``EmptyInput`` if no text is left."""
    text = normalize_text(inp.text)
    if not text:
        raise EmptyInput("no text left after normalization", source=source)
    log.info("article loaded", extra={"article_id": article_id, "chars": len(text)})
    return Article(
        id=article_id,
        title=clean_field(inp.title) or default_title(text),
        outlet=clean_field(inp.outlet) or DEFAULT_OUTLET,
        url=clean_field(inp.url),
        published=clean_field(inp.published),
        author=clean_field(inp.author),
        source=source,
        text=text,
    )


def load_articles(
    paths: Sequence[str],
    *,
    max_bytes: int,
    keep_going: bool,
    stdin: BinaryIO | None = None,
    settings: Settings | None = None,
) -> tuple[list[Article], list[ErrorEntry]]:
    """Load ``paths`` (files, '-', URLs) in order into articles ``a1, a2, ...``.

    URLs are fetched first, a few at once, under ``settings`` (default: the
    environment's). With ``keep_going`` an ``InputError`` becomes an ``ErrorEntry`` and
    loading goes on (the result is then partial); without it the first error, in
    argument order, propagates. Async callers use :func:`resolve_inputs` instead.
    """
    urls = [path for path in paths if is_url(path)]
    fetched: dict[str, ArticleInput | InputError] = {}
    if urls:
        results = aio.run(fetch.fetch_all(urls, settings or get_settings()))
        fetched = dict(zip(urls, results, strict=True))
    articles: list[Article] = []
    errors: list[ErrorEntry] = []
    for path in paths:
        try:
            if path in fetched:
                outcome = fetched[path]
                if isinstance(outcome, InputError):
                    raise outcome
                inputs = [outcome]
            else:
                inputs = load_path(path, max_bytes=max_bytes, stdin=stdin)
        except InputError as err:
            if not keep_going:
                raise
            errors.append(ErrorEntry(source=path, code=err.code, message=err.message))
            continue
        _add_articles(inputs, path, articles, errors, keep_going=keep_going)
    return articles, errors


async def resolve_inputs(
    items: Sequence[ArticleInput | UrlInput], settings: Settings
) -> tuple[list[Article], list[ErrorEntry]]:
    """Articles for a request's items, in order: inline ones normalized, URLs fetched.

    For the HTTP service: a failed item becomes an ``ErrorEntry`` (its source is the URL
    or ``request``, its message names the item's index) and the others go on.
    """
    urls = [item.url for item in items if isinstance(item, UrlInput)]
    fetched = iter(await fetch.fetch_all(urls, settings))
    articles: list[Article] = []
    errors: list[ErrorEntry] = []
    for index, item in enumerate(items):
        outcome = next(fetched) if isinstance(item, UrlInput) else item
        source = item.url if isinstance(item, UrlInput) else REQUEST
        try:
            if isinstance(outcome, InputError):
                raise outcome
            article_id = f"a{len(articles) + 1}"
            articles.append(article_from_input(outcome, article_id=article_id, source=source))
        except InputError as err:
            message = f"item at index {index}: {err.message}"
            errors.append(ErrorEntry(source=source, code=err.code, message=message))
    return articles, errors


def _add_articles(
    inputs: list[ArticleInput],
    path: str,
    articles: list[Article],
    errors: list[ErrorEntry],
    *,
    keep_going: bool,
) -> None:
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


def load_path(path: str, *, max_bytes: int, stdin: BinaryIO | None = None) -> list[ArticleInput]:
    """Read ``path`` ('-' for stdin) and parse it by suffix; see the module docstring."""
    suffix = "" if path == STDIN else Path(path).suffix.lower()
    if suffix not in _KINDS:
        raise FormatInputError(
            f"unsupported file type {suffix!r} (use .txt, .md, .json, .html or .htm)",
            source=path,
        )
    data = _read(path, max_bytes, stdin)
    stem = None if path == STDIN else Path(path).stem
    return parse_document(data, _KINDS[suffix], source=path, fallback_outlet=stem)


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
