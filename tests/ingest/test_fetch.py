"""api.ingest.fetch: pinning, redirects checked hop by hop, caps, content types, timeouts.

Most tests hand fetch a ``httpx.MockTransport`` that records the requests it receives
(so a test can prove a request was never sent); the end-to-end ones fetch from a real
server on 127.0.0.1 let through by the allowlist. DNS is always stubbed.
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import httpx
import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from api.errors import BlockedURL, EmptyInput, FetchError, InputError, InputTooLarge
from api.ingest.fetch import fetch_all, fetch_article
from api.ingest.inputs import article_from_input
from api.models import ArticleInput
from api.settings import Settings
from tests.loopback import HIDDEN_PAGE, serve, stub_dns

PUBLIC = "93.184.216.34"
PAGE = b"<html><body><article><p>" + b"The bridge reopened on Monday. " * 8 + b"</p></article>"


def settings(**overrides: object) -> Settings:
    return Settings.model_validate(overrides)


class Recorder:
    """A MockTransport whose handler is ``reply`` and which keeps every request."""

    def __init__(self, reply: Callable[[httpx.Request], httpx.Response]) -> None:
        self.requests: list[httpx.Request] = []

        def handler(request: httpx.Request) -> httpx.Response:
            self.requests.append(request)
            return reply(request)

        self.transport = httpx.MockTransport(handler)


def html(body: bytes = PAGE, **headers: str) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/html", **headers}, content=body)


def fetch(url: str, recorder: Recorder, **overrides: object) -> ArticleInput:
    return asyncio.run(fetch_article(url, settings(**overrides), transport=recorder.transport))


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    return stub_dns(
        monkeypatch,
        {
            "news.example": [PUBLIC],
            "rebind.example": [f"{PUBLIC}|127.0.0.1"],
            "inside.example": ["10.0.0.7"],
        },
    )


# --- pinning -----------------------------------------------------------------------------


def test_request_goes_to_pinned_address_with_original_host(dns: list[str]) -> None:
    rec = Recorder(lambda r: html())
    inp = fetch("https://news.example/story?id=7", rec)
    [request] = rec.requests
    assert str(request.url) == f"https://{PUBLIC}/story?id=7"
    assert request.headers["host"] == "news.example"
    assert request.extensions["sni_hostname"] == "news.example"  # TLS checks the name
    assert request.headers["user-agent"].startswith("Parallax/")
    assert inp.url == "https://news.example/story?id=7"
    assert inp.outlet == "news.example"
    assert "bridge reopened" in inp.text


def test_dns_rebinding_gets_nowhere(dns: list[str]) -> None:
    # The stub answers public first and loopback afterwards; fetch asks once per hop,
    # and the connection goes to the address that was checked.
    rec = Recorder(lambda r: html())
    fetch("http://rebind.example/", rec)
    assert dns == ["rebind.example"]
    assert rec.requests[0].url.host == PUBLIC
    assert rec.requests[0].headers["host"] == "rebind.example"


def test_literal_address_url_is_refused_before_any_request(dns: list[str]) -> None:
    rec = Recorder(lambda r: html())
    with pytest.raises(BlockedURL):
        fetch("http://0x7f000001:8080/", rec)
    assert rec.requests == [] and dns == []


# --- redirects -------------------------------------------------------------------------


def redirect(location: str, status: int = 302) -> httpx.Response:
    return httpx.Response(status, headers={"location": location})


@pytest.mark.parametrize(
    "location",
    [
        "http://127.0.0.1/admin",
        "http://2130706433/",
        "http://[::ffff:127.0.0.1]/",
        "http://169.254.169.254/latest/meta-data/iam/",
        "http://inside.example/",  # a name that resolves to a private address
        "http://localhost/",
        "file:///etc/passwd",
        "http://user:pw@news.example/",
    ],
)
def test_redirect_to_blocked_target_is_refused(location: str, dns: list[str]) -> None:
    rec = Recorder(lambda r: redirect(location))
    with pytest.raises(BlockedURL) as info:
        fetch("http://news.example/", rec)
    assert len(rec.requests) == 1  # the redirect target was never requested
    assert info.value.source == "http://news.example/"
    assert f"redirected to {location}" in info.value.message


def test_relative_redirects_are_followed_up_to_the_limit(dns: list[str]) -> None:
    def reply(request: httpx.Request) -> httpx.Response:
        hop = int(request.url.path.strip("/") or 0)
        return redirect(f"/{hop + 1}", 301 if hop % 2 else 307) if hop < 5 else html()

    rec = Recorder(reply)
    inp = fetch("http://news.example/", rec)
    assert [r.url.path for r in rec.requests] == ["/", "/1", "/2", "/3", "/4", "/5"]
    assert all(r.headers["host"] == "news.example" for r in rec.requests)
    assert inp.url == "http://news.example/"


def test_too_many_redirects(dns: list[str]) -> None:
    rec = Recorder(lambda r: redirect("/again"))
    with pytest.raises(FetchError, match="more than 2 redirects"):
        fetch("http://news.example/", rec, fetch_max_redirects=2)
    assert len(rec.requests) == 3


# --- body cap, content type, status, charset -------------------------------------------------


def test_body_cap_aborts_mid_stream(dns: list[str]) -> None:
    sent: list[int] = []

    async def endless() -> AsyncIterator[bytes]:
        for _ in range(10_000):
            sent.append(1)
            yield b"<p>" + b"x" * 1021

    rec = Recorder(
        lambda r: httpx.Response(200, headers={"content-type": "text/html"}, content=endless())
    )
    with pytest.raises(InputTooLarge, match="download stopped") as info:
        fetch("http://news.example/", rec, fetch_max_bytes=10_000)
    assert len(sent) <= 11  # stopped after ~10 KB, not 10 MB
    assert info.value.source == "http://news.example/"


def test_declared_length_over_cap_is_refused_unread(dns: list[str]) -> None:
    rec = Recorder(lambda r: html(PAGE * 10))
    with pytest.raises(InputTooLarge, match="limit of 100 bytes"):
        fetch("http://news.example/", rec, fetch_max_bytes=100)


@pytest.mark.parametrize("content_type", ["application/pdf", "image/png", "application/json", ""])
def test_other_content_types_are_refused(content_type: str, dns: list[str]) -> None:
    headers = {"content-type": content_type} if content_type else {}
    rec = Recorder(lambda r: httpx.Response(200, headers=headers, content=b"%PDF-1.7"))
    with pytest.raises(FetchError, match="not an article page"):
        fetch("http://news.example/", rec)


def test_plain_text_and_xhtml_are_accepted(dns: list[str]) -> None:
    text = "Bridge reopens\n\nThe bridge reopened on Monday."
    rec = Recorder(lambda r: httpx.Response(200, headers={"content-type": "text/plain"}, text=text))
    inp = fetch("http://news.example/a.txt", rec)
    assert (inp.title, inp.text) == ("Bridge reopens", text)
    rec = Recorder(lambda r: html(**{"content-type": "application/xhtml+xml; charset=utf-8"}))
    assert "bridge reopened" in fetch("http://news.example/x", rec).text


def test_declared_and_meta_charsets_are_honoured(dns: list[str]) -> None:
    body = "<html><body><article><p>Caf\u00e9 owners in S\u00e3o Paulo said sales rose. "
    body = body * 6 + "</p></article></body></html>"
    rec = Recorder(
        lambda r: html(body.encode("latin-1"), **{"content-type": "text/html; charset=ISO-8859-1"})
    )
    assert "Café owners in São Paulo" in fetch("http://news.example/", rec).text
    meta = '<html><head><meta charset="windows-1252"></head>' + body[6:]
    rec = Recorder(lambda r: html(meta.encode("cp1252")))
    assert "São Paulo" in fetch("http://news.example/", rec).text


@pytest.mark.parametrize("status", [404, 500, 204, 304])
def test_error_statuses(status: int, dns: list[str]) -> None:
    rec = Recorder(lambda r: httpx.Response(status))
    with pytest.raises(FetchError, match=f"HTTP {status}"):
        fetch("http://news.example/", rec)


def test_page_without_article_text(dns: list[str]) -> None:
    rec = Recorder(
        lambda r: html(b"<html><body><div hidden><p>Only hidden text.</p></div></body></html>")
    )
    with pytest.raises(EmptyInput):
        fetch("http://news.example/", rec)


# --- time and the network ----------------------------------------------------------------


def test_total_timeout(dns: list[str]) -> None:
    async def slow(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(30)
        return html()

    transport = httpx.MockTransport(slow)
    with pytest.raises(FetchError, match=r"no complete answer within 0\.05 s"):
        asyncio.run(
            fetch_article("http://news.example/", settings(fetch_timeout=0.05), transport=transport)
        )


def test_connection_errors_become_fetch_errors(dns: list[str]) -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused")

    with pytest.raises(FetchError, match="cannot fetch: connection refused"):
        fetch("http://news.example/", Recorder(refuse))


def test_fetch_all_keeps_order_and_reports_failures(dns: list[str]) -> None:
    rec = Recorder(lambda r: html(PAGE.replace(b"bridge", r.url.path[1:].encode())))
    urls = ["http://news.example/one", "ftp://news.example/", "http://news.example/two"]
    one, bad, two = asyncio.run(fetch_all(urls, settings(), transport=rec.transport))
    assert isinstance(one, ArticleInput) and "one reopened" in one.text
    assert isinstance(bad, BlockedURL) and bad.source == urls[1]
    assert isinstance(two, ArticleInput) and "two reopened" in two.text


# --- a real server on the loopback, let through by the allowlist ---------------------------


def test_allowlisted_local_server_is_fetched_without_hidden_text(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with serve({"/dam": (200, {"Content-Type": "text/html; charset=utf-8"}, HIDDEN_PAGE)}) as srv:
        stub_dns(monkeypatch, {"cms.newsroom.test": ["127.0.0.1"]})
        allow = settings(fetch_allowlist="cms.newsroom.test")
        url = srv.url("/dam", host="cms.newsroom.test")
        inp = asyncio.run(fetch_article(url, allow))
        assert srv.requests == [("/dam", f"cms.newsroom.test:{srv.port}")]
        by_address = asyncio.run(
            fetch_article(srv.url("/dam"), settings(fetch_allowlist="127.0.0.0/8"))
        )
    assert by_address.text == inp.text
    assert (inp.title, inp.outlet, inp.author) == ("Dam opens", "Valley Post", "Ana Ruiz")
    assert inp.published is not None and inp.published.startswith("2025-04-02")
    article = article_from_input(inp, article_id="a1", source=url)
    assert "opened on Tuesday" in article.text and "two winters" in article.text
    for hidden in ("HIDDENSTYLE", "HIDDENARIA", "Ignore previous", "9 billion"):
        assert hidden not in article.text


def test_local_server_is_refused_without_the_allowlist() -> None:
    with serve({"/": (200, {"Content-Type": "text/html"}, HIDDEN_PAGE)}) as srv:
        for url in (srv.url(), srv.url(host="[::ffff:127.0.0.1]"), srv.url(host="2130706433")):
            with pytest.raises(BlockedURL):
                asyncio.run(fetch_article(url, settings()))
        assert srv.requests == []


TLS = Path(__file__).parent / "data" / "tls"


def test_pinned_https_still_verifies_the_certificate_name(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    server_tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_tls.load_cert_chain(TLS / "cert.pem", TLS / "key.pem")
    client_tls = ssl.create_default_context(cafile=str(TLS / "cert.pem"))
    page = (200, {"Content-Type": "text/html"}, HIDDEN_PAGE)
    stub_dns(
        monkeypatch, {"cms.newsroom.test": ["127.0.0.1"], "wrong.newsroom.test": ["127.0.0.1"]}
    )
    allow = settings(fetch_allowlist=".newsroom.test")
    with serve({"/dam": page}, tls=server_tls) as srv:
        # A real TLS handshake with the pinned address: SNI and the certificate check
        # use the name, so the certificate for cms.newsroom.test is accepted ...
        transport = httpx.AsyncHTTPTransport(verify=client_tls)
        url = f"https://cms.newsroom.test:{srv.port}/dam"
        inp = asyncio.run(fetch_article(url, allow, transport=transport))
        assert inp.outlet == "Valley Post"
        assert srv.requests == [("/dam", f"cms.newsroom.test:{srv.port}")]
        # ... and refused for a name it was not issued to, although the address is the same.
        transport = httpx.AsyncHTTPTransport(verify=client_tls)
        wrong = f"https://wrong.newsroom.test:{srv.port}/dam"
        with pytest.raises(FetchError, match=r"certificate|hostname"):
            asyncio.run(fetch_article(wrong, allow, transport=transport))


@hypothesis_settings(max_examples=150, deadline=None)
@given(location=st.text(max_size=40))
def test_any_location_header_ends_in_a_page_or_an_input_error(location: str) -> None:
    # Headers are bytes on the wire (latin-1 at best); send them as a server would.
    raw = location.encode("latin-1", "replace")

    async def resolve(host: str, port: int) -> list[str]:
        return [PUBLIC]

    def reply(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/":
            return httpx.Response(302, headers=[(b"location", raw)])
        return html()

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("api.ingest.netguard.resolve_host", resolve)
        try:
            inp = fetch("http://news.example/", Recorder(reply))
        except InputError:
            return
    assert "bridge reopened" in inp.text
