"""Fetch an article page by URL, safely, and parse it like a file of the same type.

Each hop (the URL, then every redirect) passes api.ingest.netguard before any connection and
is sent to the address netguard pinned, with the original Host header and, for https,
the host name for SNI and certificate checks: a second DNS answer (rebinding) is never
used. Redirects are followed by hand, at most ``fetch_max_redirects``; the body is
streamed and abandoned once it passes ``fetch_max_bytes``; only HTML and plain text are
accepted; the whole fetch has one deadline (``fetch_timeout``) on top of httpx's connect
timeout. Every failure is a ``FetchError`` (``BlockedURL``, ``InputTooLarge``, ...)
whose ``source`` is the URL the user gave.
"""

from __future__ import annotations

import asyncio
import codecs
import logging
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import httpx

from api.errors import BlockedURL, FetchError, InputError, InputTooLarge
from api.ingest import netguard
from api.ingest.formats import Kind, parse_document
from api.models import ArticleInput
from api.settings import Settings

__all__ = ["Page", "fetch_all", "fetch_article", "fetch_page"]

log = logging.getLogger(__name__)

ACCEPTED: dict[str, Kind] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/plain": "text",
}
CONCURRENCY = 4  # pages fetched at once by fetch_all
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]+)""", re.I)


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # after redirects
    kind: Kind
    encoding: str
    body: bytes


async def fetch_article(
    url: str, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> ArticleInput:
    """The article at ``url``: main text and metadata, ``url`` and ``source`` = ``url``.

    ``transport`` replaces the network (tests); netguard's checks run either way.
    """
    page = await fetch_page(url, settings, transport=transport)
    host = (urlsplit(page.url).hostname or "").removeprefix("www.") or None
    [inp] = parse_document(
        page.body, page.kind, source=url, fallback_outlet=host, encoding=page.encoding
    )
    return inp.model_copy(update={"url": url})


async def fetch_all(
    urls: Sequence[str], settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> list[ArticleInput | InputError]:
    """``fetch_article`` for each URL, a few at a time; a failure takes its URL's place."""
    gate = asyncio.Semaphore(CONCURRENCY)

    async def one(url: str) -> ArticleInput | InputError:
        async with gate:
            try:
                return await fetch_article(url, settings, transport=transport)
            except InputError as err:
                return err

    return list(await asyncio.gather(*(one(url) for url in urls)))


async def fetch_page(
    url: str, settings: Settings, *, transport: httpx.AsyncBaseTransport | None = None
) -> Page:
    """Download ``url`` under the rules in the module docstring."""
    allowlist = netguard.Allowlist.parse(settings.fetch_allowlist)
    timeout = httpx.Timeout(settings.fetch_timeout, connect=settings.fetch_connect_timeout)
    headers = {
        "User-Agent": settings.fetch_user_agent,
        "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9",
    }
    started = time.perf_counter()
    try:
        async with (
            asyncio.timeout(settings.fetch_timeout),
            # trust_env=False: a proxy from the environment would connect by name and
            # undo the pinning.
            httpx.AsyncClient(
                transport=transport, timeout=timeout, headers=headers, trust_env=False
            ) as client,
        ):
            page = await _follow(client, url, settings, allowlist)
    except TimeoutError:
        raise FetchError(
            f"no complete answer within {settings.fetch_timeout:g} s", source=url
        ) from None
    except httpx.TimeoutException as err:
        raise FetchError(f"timed out ({type(err).__name__})", source=url) from None
    except (httpx.HTTPError, httpx.InvalidURL) as err:
        raise FetchError(f"cannot fetch: {err or type(err).__name__}", source=url) from None
    log.info(
        "fetched page",
        extra={
            "url": _loggable(page.url),
            "kind": page.kind,
            "bytes": len(page.body),
            "ms": round((time.perf_counter() - started) * 1000, 1),
        },
    )
    return page


async def _follow(
    client: httpx.AsyncClient, url: str, settings: Settings, allowlist: netguard.Allowlist
) -> Page:
    current = url
    for hop in range(settings.fetch_max_redirects + 1):
        try:
            target = netguard.parse_url(current)
            address = await netguard.pin(target, allowlist)
        except BlockedURL as err:
            if hop == 0:
                raise
            raise BlockedURL(f"redirected to {current}: {err.message}", source=url) from None
        request = client.build_request(
            "GET",
            target.url_for(address),
            headers={"Host": target.host_header},
            # The certificate must match the name, not the pinned address.
            extensions={"sni_hostname": target.host} if _needs_sni(target) else {},
        )
        response = await client.send(request, stream=True)
        try:
            if response.has_redirect_location:
                current = urljoin(current, response.headers["location"])
                continue
            if response.status_code != httpx.codes.OK:
                raise FetchError(
                    f"HTTP {response.status_code} {response.reason_phrase}".rstrip(), source=url
                )
            kind = _kind(response, url)
            body = await _read_capped(response, settings.fetch_max_bytes, url)
        finally:
            await response.aclose()
        return Page(current, kind, _encoding(response, kind, body), body)
    raise FetchError(f"more than {settings.fetch_max_redirects} redirects", source=url)


def _needs_sni(target: netguard.Target) -> bool:
    return target.scheme == "https" and target.literal is None


def _kind(response: httpx.Response, url: str) -> Kind:
    media = response.headers.get("content-type", "").partition(";")[0].strip().lower()
    if media not in ACCEPTED:
        shown = repr(media) if media else "missing"
        raise FetchError(
            f"content type {shown} is not an article page (expected HTML or plain text)",
            source=url,
        )
    return ACCEPTED[media]


async def _read_capped(response: httpx.Response, cap: int, url: str) -> bytes:
    too_large = f"page is larger than the limit of {cap:,} bytes"
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise InputTooLarge(too_large, source=url)
    chunks: list[bytes] = []
    size = 0
    async for chunk in response.aiter_bytes():  # decoded: the cap holds after gzip too
        size += len(chunk)
        if size > cap:
            raise InputTooLarge(f"{too_large} (download stopped)", source=url)
        chunks.append(chunk)
    return b"".join(chunks)


def _encoding(response: httpx.Response, kind: Kind, body: bytes) -> str:
    """The charset the header declares, else (HTML) a <meta charset>, else UTF-8."""
    candidates = [response.charset_encoding]
    if kind == "html" and (meta := _META_CHARSET.search(body[:4096])):
        candidates.append(meta.group(1).decode("ascii"))
    for name in candidates:
        if name and _known_codec(name):
            return name.lower()
    return "utf-8"


def _known_codec(name: str) -> bool:
    try:
        codecs.lookup(name)
    except LookupError:
        return False
    return True


def _loggable(url: str) -> str:
    """Scheme, host and path: a query string may carry tokens."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.hostname}{parts.path}"
