"""The HTML report as markup: escaping, the CSP, the JSON block, matrix and columns.

The same report in a real browser (linked spans, no script from an article runs) is
tested in tests/reports/test_report_browser.py.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from api.models import ClusterStatus, Comparison
from api.reports.html import CSP, csp_hash, render_comparison_html
from api.reports.panes import Mark, article_segments, safe_url
from tests.reports.test_reports import LEDGER, XSS_QUOTE, claim, make_comparison, many_outlets

# Tries to break out of the JSON block and out of attributes.
BREAKOUT = '</script><script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'


def hostile_comparison() -> Comparison:
    """make_comparison() whose hostile article also leaks into a label (so into JSON)."""
    c = make_comparison()
    c.articles[2].claims[1].text = XSS_QUOTE + BREAKOUT  # the label claim of k5
    c.summary += " " + BREAKOUT
    return c


class Page(HTMLParser):
    """Start tags with attributes, text, and the raw text of each <script> and <style>."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.data: list[str] = []
        self.raw: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))

    def handle_data(self, data: str) -> None:
        if self._open:
            self.raw.append((*self._open, data))
            self._open = None
        else:
            self.data.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]


def test_only_our_two_scripts_exist_and_hostile_text_is_escaped() -> None:
    html = render_comparison_html(hostile_comparison())
    page = Page(html)
    scripts = [(attrs, text) for tag, attrs, text in page.raw if tag == "script"]
    assert [a for a, _ in scripts] == [{"type": "application/json", "id": "parallax-data"}, {}]
    assert len(page.find("script")) == 2
    unwanted = {"img", "iframe", "object", "embed", "i", "link", "base", "form", "meta"}
    assert not {t for t, _ in page.tags if t != "meta"} & unwanted
    assert "<b>Evil" not in html
    for _, attrs in page.tags:
        for name, value in attrs.items():
            assert not name.startswith("on")
            assert not (value or "").strip().lower().startswith("javascript:")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(2)&gt;" in html
    assert "&lt;b&gt;Evil&lt;/b&gt; Outlet" in html
    assert "<script>alert" not in html and "<script>window" not in html
    hrefs = [a["href"] for a in page.find("a")]
    assert "https://example.com/ledger/kursk" in hrefs
    assert all(h and (h.startswith("#") or h.startswith("https://")) for h in hrefs)
    assert "javascript:alert(4)" in "".join(page.data)  # shown as text, not a link


def test_json_block_cannot_be_closed_by_its_data() -> None:
    html = render_comparison_html(hostile_comparison())
    block = next(text for tag, a, text in Page(html).raw if a.get("id") == "parallax-data")
    assert "<" not in block and ">" not in block and "&" not in block
    data = json.loads(block)
    assert data["clusters"]["k5"]["label"] == XSS_QUOTE + BREAKOUT
    assert data["outlets"][2] == "<b>Evil</b> Outlet"
    assert data["clusters"]["k3"]["values"] == [[0, "about 12,000"], [1, "some 10,000"]]
    assert data["clusters"]["k2"]["omits"] == [2]


def test_csp_allows_exactly_our_inline_script_and_style() -> None:
    html = render_comparison_html(make_comparison())
    page = Page(html)
    (meta,) = page.find("meta", **{"http-equiv": "Content-Security-Policy"})
    assert meta["content"] == CSP
    policy = dict(d.strip().split(" ", 1) for d in CSP.split(";"))
    assert policy["default-src"] == "'none'"
    assert "unsafe-inline" not in CSP and "unsafe-eval" not in CSP
    script = next(text for tag, a, text in page.raw if tag == "script" and not a)
    (style,) = [text for tag, _, text in page.raw if tag == "style"]
    assert policy["script-src"] == csp_hash(script)
    assert policy["style-src"] == csp_hash(style)
    assert not any("style" in a for _, a in page.tags)  # style attributes would be blocked


def test_html_is_self_contained() -> None:
    html = render_comparison_html(make_comparison())
    assert html.lstrip().lower().startswith("<!doctype html>")
    for tag, attrs in Page(html).tags:
        for name, value in attrs.items():
            if name in ("src", "href") and tag != "a":
                raise AssertionError(f"external resource: <{tag} {name}={value}>")
    assert "http://" not in html.replace("https://example.com/ledger/kursk", "")


def test_html_has_sections_in_order() -> None:
    html = render_comparison_html(make_comparison())
    order = [
        "Brief",
        "Coverage matrix",
        "Side by side",
        "Agreed",
        "Conflicting",
        "Only in one outlet",
        "Omitted",
        "Errors",
    ]
    positions = [html.index(f"<h2>{h}</h2>") for h in order]
    assert positions == sorted(positions)
    assert html.index("</main>") < html.index('<h2 id="about">About this report</h2>')
    assert "Only in The Northern Ledger" in html
    assert "Omitted by &lt;b&gt;Evil&lt;/b&gt; Outlet" in html
    assert "looks like binary data" in html
    for part in ("offline, model offline-1", "brief v2", "321 article tokens", "45 prompt"):
        assert part in html
    assert "2025-03-11T09:00:00+00:00" in html
    assert "2 of 3 outlets" in html and "all 3 outlets" in html


def test_columns_one_per_outlet_with_highlighted_focusable_spans() -> None:
    html = render_comparison_html(make_comparison())
    page = Page(html)
    panes = page.find("article")
    assert [p["id"] for p in panes] == ["article-a1", "article-a2", "article-a3"]
    marks = [a for t, a in page.tags if t == "mark" and a.get("data-cluster")]
    assert {m["class"] for m in marks} == {f"claim status-{s.value}" for s in ClusterStatus}
    assert all(m["tabindex"] == "0" and m["id"] and m["title"] for m in marks)
    # The status is written out inside each span, not only coloured.
    assert (
        '<mark class="claim status-conflict" id="claim-a1.c3" data-cluster="k3" tabindex="0" '
        'title="conflict: Size of the Ukrainian garrison"><span class="tag">conflict</span>'
        "Ukraine&#39;s garrison of about 12,000 soldiers</mark>"
    ) in html
    assert '<span class="badge status-consensus">1 consensus</span>' in html


def test_matrix_has_headers_and_a_cell_per_outlet() -> None:
    html = render_comparison_html(make_comparison())
    table = html.split('<table class="matrix">')[1].split("</table>")[0]
    head = table.split("</thead>")[0]
    assert re.findall(r'<th scope="col">([^<]*)</th>', head) == [
        "Claim",
        "The Northern Ledger",
        "The Harbour Courier",
        "&lt;b&gt;Evil&lt;/b&gt; Outlet",
    ]
    rows = table.split("<tr data-cluster=")[1:]
    assert [r[1:3] for r in rows] == ["k3", "k1", "k2", "k4", "k5", "k6"]  # conflicts first
    conflict = rows[0]
    assert '<th scope="row"><span class="badge status-conflict">conflict</span>Size of' in conflict
    assert '<a href="#claim-a1.c3">conflicts<b>about 12,000</b>' in (conflict)
    assert "conflicts<b>about 12,000</b>" in conflict and "conflicts<b>some 10,000</b>" in conflict
    assert '<span class="sr-only">no statement</span>' in conflict
    assert rows[2].count(">reports</a>") == 2 and '<td class="cell-omits">omits</td>' in rows[2]


def test_large_comparison_stays_usable() -> None:
    html = render_comparison_html(many_outlets(30))
    page = Page(html)
    assert len(page.find("article")) == 30
    head = html.split('<table class="matrix">')[1].split("</thead>")[0]
    assert head.count('<th scope="col">') == 31
    assert "… and 24 more outlets; the coverage matrix lists their values." in html
    assert "Outlet 9 and 21 more" in html


def test_article_segments_cover_text_exactly_once() -> None:
    c = make_comparison()
    article = c.articles[0]
    # An overlapping span and one past the end of the text must not duplicate or crash.
    article.claims.append(claim("a1", 5, LEDGER, LEDGER[10:60]))
    article.claims[-1].evidence.start, article.claims[-1].evidence.end = 10, 60
    late = claim("a1", 6, LEDGER, LEDGER[:4])
    late.evidence.start, late.evidence.end = len(LEDGER) + 5, len(LEDGER) + 9
    article.claims.append(late)
    marks = {cl.id: Mark("k", ClusterStatus.unique, "label") for cl in article.claims}
    segments = article_segments(article, marks)
    assert "".join(s.text for s in segments) == LEDGER
    marked = [s for s in segments if s.status]
    assert marked[0].text == "Russian drones destroyed hundreds of vehicles"
    assert marked[0].cluster_id == "k"
    assert "a1.c6" not in {s.claim_id for s in segments}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("http://example.com", "http://example.com"),
        ("javascript:alert(1)", None),
        (" JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.com", None),
        ("", None),
        (None, None),
    ],
)
def test_safe_url(url: str | None, expected: str | None) -> None:
    assert safe_url(url) == expected


def test_a_claim_quoted_under_two_rows_is_shown_with_the_row_it_labels() -> None:
    c = make_comparison()
    c.clusters[0].claims.append("a1.c3")  # k1 also holds k3's label claim
    c.clusters[0].claims.append("a2.c3")  # and the other side of k3's conflict
    html = render_comparison_html(c)
    assert '<mark class="claim status-conflict" id="claim-a1.c3" data-cluster="k3"' in html
    assert '<mark class="claim status-conflict" id="claim-a2.c3" data-cluster="k3"' in html
