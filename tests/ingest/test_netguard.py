"""The SSRF policy (api.ingest.netguard): every refused spelling and address, and the allowlist.

DNS is always stubbed (tests.loopback.stub_dns); a literal address must be judged
without any lookup, which the stub's log proves.
"""

from __future__ import annotations

import asyncio
import ipaddress

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from api.errors import BlockedURL, FetchError, InputError
from api.ingest import netguard
from api.ingest.netguard import Allowlist, address_problem, parse_ip, parse_url, pin
from tests.loopback import stub_dns

NOBODY = Allowlist()


def pin_url(url: str, allowlist: Allowlist = NOBODY) -> str:
    return str(asyncio.run(pin(parse_url(url), allowlist)))


# --- literal IPv4 the way the C resolver reads it ---------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("127.0.0.1", "127.0.0.1"),
        ("2130706433", "127.0.0.1"),  # decimal
        ("0x7f000001", "127.0.0.1"),  # hex
        ("0X7F.1", "127.0.0.1"),
        ("0177.0.0.1", "127.0.0.1"),  # octal
        ("017700000001", "127.0.0.1"),
        ("127.1", "127.0.0.1"),  # short forms
        ("127.0.1", "127.0.0.1"),
        ("10.0x10.0377.1", "10.16.255.1"),
        ("0", "0.0.0.0"),
        ("::1", "::1"),
        ("::ffff:127.0.0.1", "::ffff:7f00:1"),
    ],
)
def test_parse_ip_reads_every_spelling(host: str, expected: str) -> None:
    assert parse_ip(host) == ipaddress.ip_address(expected)


@pytest.mark.parametrize(
    "host", ["example.com", "256.0.0.1", "1.2.3.4.5", "08.0.0.1", "4294967296", "1..2", "1.2.3."]
)
def test_parse_ip_leaves_names_alone(host: str) -> None:
    assert parse_ip(host) is None


# --- address classes ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("127.0.0.1", "loopback"),
        ("127.255.0.9", "loopback"),
        ("::1", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.0.1", "private"),
        ("192.168.1.1", "private"),
        ("fd12:3456::1", "private"),
        ("169.254.10.1", "link-local"),
        ("fe80::1", "link-local"),
        ("224.0.0.1", "multicast"),
        ("ff02::1", "multicast"),
        ("240.0.0.1", "private"),
        ("0.0.0.0", "unspecified"),
        ("::", "unspecified"),
        ("100.64.0.1", "not a public address"),  # carrier-grade NAT
        ("fec0::1", "site-local"),
        ("169.254.169.254", "metadata"),
        ("169.254.170.2", "metadata"),
        ("fd00:ec2::254", "metadata"),
        ("100.100.100.200", "metadata"),
        ("192.0.0.192", "metadata"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:169.254.169.254", "metadata"),
        ("::ffff:10.0.0.1", "private"),
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a9fe:a9fe::", "metadata"),  # 6to4 of 169.254.169.254
        ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),  # Teredo, client 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:f7f7:f7f7", "private"),  # Teredo, public client
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "metadata"),
        ("64:ff9b:1::808:808", "local-use NAT64"),
        ("::127.0.0.1", "loopback"),  # IPv4-compatible (deprecated)
        ("::8.8.8.8", "reserved"),
    ],
)
def test_non_public_addresses_are_refused(address: str, reason: str) -> None:
    problem = address_problem(ipaddress.ip_address(address))
    assert problem is not None and reason in problem


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "93.184.216.34",
        "2606:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses_pass(address: str) -> None:
    assert address_problem(ipaddress.ip_address(address)) is None


# --- URLs refused before any lookup ------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "needle"),
    [
        ("ftp://example.com/a", "scheme 'ftp'"),
        ("file:///etc/passwd", "scheme 'file'"),
        ("gopher://example.com/", "scheme 'gopher'"),
        ("javascript:alert(1)", "scheme 'javascript'"),
        ("data:text/html,<p>hi</p>", "scheme 'data'"),
        ("//example.com/a", "scheme none"),
        ("http://user:secret@example.com/", "credentials"),
        ("http://user@example.com/", "credentials"),
        ("http://example.com\\@127.0.0.1/", "backslashes"),
        ("http://exa mple.com/", "spaces"),
        ("http://example.com/\n", "control"),
        ("http:///path", "no host"),
        ("http://[::1/", "not a valid URL"),
        ("http://[fe80::1%25eth0]/", "IPv6"),
        ("http://example.com:99999/", "not a valid URL"),
    ],
)
def test_bad_urls_are_refused(url: str, needle: str) -> None:
    with pytest.raises(BlockedURL) as info:
        parse_url(url)
    assert needle in info.value.message and info.value.source == url


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1/",
        "http://2130706433/",
        "http://0x7f000001/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://127.0.0.1./",
        "http://[::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:7f00:1]:8080/",
        "http://[2002:7f00:1::]/",
        "http://[64:ff9b::7f00:1]/",
        "http://[2001:0:4136:e378:8000:63bf:80ff:fffe]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://[fd00:ec2::254]/",
        "http://10.0.0.1/",
        "http://192.168.0.1/",
        "http://0.0.0.0/",
        "http://[::]/",
        "http://224.0.0.1/",
        "https://100.100.100.200/",
        "http://localhost/",
        "http://LOCALHOST:8000/",
        "http://api.localhost/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://metadata/",
    ],
)
def test_blocked_hosts_are_refused_without_dns(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = stub_dns(monkeypatch, {})
    with pytest.raises(BlockedURL) as info:
        pin_url(url)
    assert info.value.source == url
    assert any(
        reason in info.value.message
        for reason in ("unless PARALLAX_FETCH_ALLOWLIST", "never fetched", "not a public host")
    )
    assert lookups == []
    assert isinstance(info.value, FetchError) and isinstance(info.value, InputError)


# --- names that resolve -------------------------------------------------------------------


def test_public_name_is_pinned_to_its_first_address(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = stub_dns(monkeypatch, {"news.example": ["93.184.216.34", "2606:2800::1"]})
    assert pin_url("https://news.example/a?b=1") == "93.184.216.34"
    assert lookups == ["news.example"]


@pytest.mark.parametrize(
    "answers",
    [
        ["127.0.0.1"],
        ["93.184.216.34", "10.0.0.5"],  # every address must pass, not just the first
        ["2606:2800::1", "::1"],
        ["::ffff:127.0.0.1"],
        ["169.254.169.254"],
        ["fe80::1%eth0"],
    ],
)
def test_name_resolving_to_a_blocked_address_is_refused(
    answers: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_dns(monkeypatch, {"evil.example": answers})
    with pytest.raises(BlockedURL, match=r"evil\.example"):
        pin_url("http://evil.example/")


def test_unresolvable_name_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dns(monkeypatch, {})
    with pytest.raises(BlockedURL, match=r"cannot resolve 'nowhere\.example'"):
        pin_url("http://nowhere.example/")


def test_idna_host_is_resolved_in_ascii(monkeypatch: pytest.MonkeyPatch) -> None:
    lookups = stub_dns(monkeypatch, {"xn--bcher-kva.example": ["93.184.216.34"]})
    assert pin_url("http://Bücher.example/") == "93.184.216.34"
    assert lookups == ["xn--bcher-kva.example"]


def test_resolve_host_is_what_pin_calls() -> None:
    # The real resolver is only ever asked about literals here: no DNS in tests.
    assert asyncio.run(netguard.resolve_host("127.0.0.1", 80)) == ["127.0.0.1"]


# --- the allowlist ------------------------------------------------------------------------


def test_allowlist_parses_hosts_and_networks() -> None:
    allow = Allowlist.parse(["CMS.corp.", " .intra ", "10.1.0.0/16", "[fd00::]/8", "", "::1"])
    assert allow.hosts == {"cms.corp", ".intra"}
    assert [str(n) for n in allow.networks] == ["10.1.0.0/16", "fd00::/8", "::1/128"]


def test_allowlisted_host_may_resolve_privately(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dns(
        monkeypatch,
        {"cms.corp": ["10.9.8.7"], "a.b.intra": ["192.168.4.4"], "evilintra": ["10.0.0.1"]},
    )
    allow = Allowlist.parse(["cms.corp", ".intra"])
    assert pin_url("http://cms.corp/story", allow) == "10.9.8.7"
    assert pin_url("http://a.b.intra/", allow) == "192.168.4.4"
    with pytest.raises(BlockedURL):  # a suffix match on labels, not on characters
        pin_url("http://evilintra/", allow)


def test_allowlisted_network_admits_only_its_addresses(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dns(monkeypatch, {"store.example": ["10.1.2.3"], "other.example": ["10.2.0.1"]})
    allow = Allowlist.parse(["10.1.0.0/16"])
    assert pin_url("http://store.example/", allow) == "10.1.2.3"
    assert pin_url("http://10.1.0.9/", allow) == "10.1.0.9"
    with pytest.raises(BlockedURL):
        pin_url("http://other.example/", allow)


def test_allowlisted_localhost_name(monkeypatch: pytest.MonkeyPatch) -> None:
    stub_dns(monkeypatch, {"localhost": ["127.0.0.1"]})
    assert pin_url("http://localhost:8080/", Allowlist.parse(["localhost"])) == "127.0.0.1"


@pytest.mark.parametrize("entry", ["169.254.0.0/16", "meta.corp", "::ffff:0:0/96"])
def test_metadata_is_refused_even_when_allowlisted(
    entry: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    stub_dns(monkeypatch, {"meta.corp": ["169.254.169.254"]})
    allow = Allowlist.parse([entry])
    for url in ("http://meta.corp/", "http://169.254.169.254/", "http://[::ffff:a9fe:a9fe]/"):
        with pytest.raises(BlockedURL, match="never fetched"):
            pin_url(url, allow)


def test_target_keeps_host_header_and_builds_pinned_url() -> None:
    target = parse_url("HTTPS://News.Example:8443/a/b?x=1#frag")
    assert (target.scheme, target.host, target.port, target.path) == (
        "https",
        "news.example",
        8443,
        "/a/b?x=1",
    )
    assert target.host_header == "news.example:8443"
    assert target.url_for(ipaddress.ip_address("2606:2800::1")) == (
        "https://[2606:2800::1]:8443/a/b?x=1"
    )
    assert parse_url("http://[::1]/").host_header == "[::1]"
    assert parse_url("http://a.example").path == "/"


@settings(max_examples=300, deadline=None)
@given(
    st.one_of(
        st.text(max_size=60),
        st.builds(
            "{}://{}{}".format,
            st.sampled_from(["http", "https", "HTTP", "ftp"]),
            st.text(max_size=30),
            st.text(max_size=20),
        ),
    )
)
def test_any_string_is_a_target_or_refused(url: str) -> None:
    try:
        target = parse_url(url)
    except BlockedURL as err:
        assert err.source == url
        return
    assert target.scheme in ("http", "https") and target.host and target.path.startswith("/")
