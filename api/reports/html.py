"""A self-contained HTML report: one file, inline CSS, no scripts, no network.

Jinja2 runs with autoescape on, and the page carries a Content-Security-Policy that
forbids scripts outright, so article text such as ``<script>`` or ``<img onerror=...>``
shows up as text. Article bodies are cut into plain-text segments in Python (from the
claims' evidence offsets) and every segment is escaped by the template; links are
only emitted for http(s) URLs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined

from api.models import ArticleResult, ClusterStatus, Comparison
from api.reports.view import build_comparison_view, one_line

_ENV = Environment(
    loader=PackageLoader("api", "templates"),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text; ``status`` is set when it is a claim's evidence."""

    text: str
    status: str | None = None
    claim_id: str | None = None
    note: str | None = None  # tooltip: status and cluster label


@dataclass(frozen=True, slots=True)
class ArticlePane:
    id: str
    name: str
    title: str
    url: str | None  # only http(s) URLs; anything else is shown as text
    url_text: str | None
    published: str | None
    segments: tuple[Segment, ...]


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL, else None (no javascript:, data:, ...)."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() in ("http", "https") and parts.netloc:
        return url
    return None


def article_segments(
    article: ArticleResult, marks: Mapping[str, tuple[ClusterStatus, str]]
) -> tuple[Segment, ...]:
    """Split ``article.text`` at its claims' evidence spans.

    ``marks`` maps claim id -> (cluster status, cluster label). Spans outside the text
    or empty are ignored; overlapping spans are clipped so every character is shown
    exactly once.
    """
    text = article.text
    spans = sorted(
        (claim.evidence.start, claim.evidence.end, claim.id)
        for claim in article.claims
        if claim.id in marks
    )
    segments: list[Segment] = []
    cursor = 0
    for start, end, claim_id in spans:
        start, end = max(start, cursor), min(end, len(text))
        if start >= end:
            continue
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        status, label = marks[claim_id]
        segments.append(
            Segment(text[start:end], status.value, claim_id, f"{status.value}: {one_line(label)}")
        )
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return tuple(segments)


def render_comparison_html(c: Comparison) -> str:
    view = build_comparison_view(c)
    marks: dict[str, tuple[ClusterStatus, str]] = {}
    for cluster in c.clusters:
        for claim_id in cluster.claims:
            marks.setdefault(claim_id, (cluster.status, cluster.label))
    panes = tuple(
        ArticlePane(
            id=a.id,
            name=view.names[a.id],
            title=one_line(a.title),
            url=safe_url(a.url),
            url_text=one_line(a.url) if a.url else None,
            published=a.published,
            segments=article_segments(a, marks),
        )
        for a in c.articles
    )
    template = _ENV.get_template("report.html.j2")
    return template.render(
        view=view,
        panes=panes,
        n_articles=len(c.articles),
        statuses=[s.value for s in ClusterStatus],
    )
