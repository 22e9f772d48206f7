"""Article columns for the HTML report: each article's text cut at its claims' spans.

An article body is split in Python, from the claims' evidence offsets, into plain-text
segments; each evidence segment carries its cluster's id and status so the page can
highlight it and link it to the same claim in the other columns. Nothing here is
escaped: the template escapes every segment. Links are kept only for http(s) URLs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from api.models import ArticleResult, ClusterStatus, Comparison
from api.reports.view import ComparisonView, clip, one_line

# The tooltip of a span (for readers without JavaScript) names its cluster briefly:
# a comparison of hundreds of articles has thousands of spans.
NOTE_CHARS = 100


@dataclass(frozen=True, slots=True)
class Mark:
    """How one claim's span is shown: its cluster's id, status and label."""

    cluster_id: str
    status: ClusterStatus
    label: str


@dataclass(frozen=True, slots=True)
class Segment:
    """A run of article text; ``status`` is set when it is a claim's evidence."""

    text: str
    status: str | None = None
    claim_id: str | None = None
    cluster_id: str | None = None
    note: str | None = None  # tooltip: status and cluster label


@dataclass(frozen=True, slots=True)
class ArticlePane:
    id: str
    name: str
    title: str
    url: str | None  # only http(s) URLs; anything else is shown as text
    url_text: str | None
    url_host: str | None  # what the link shows: the site, not a long path
    published: str | None
    segments: tuple[Segment, ...]
    counts: tuple[tuple[str, int], ...]  # (status, spans) in ClusterStatus order, no zeros


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


def _host(url: str | None) -> str | None:
    safe = safe_url(url)
    return urlsplit(safe).hostname if safe else None


def article_segments(article: ArticleResult, marks: Mapping[str, Mark]) -> tuple[Segment, ...]:
    """Split ``article.text`` at its claims' evidence spans.

    ``marks`` maps claim id -> its cluster. Spans outside the text or empty are
    ignored; overlapping spans are clipped so every character is shown exactly once.
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
        mark = marks[claim_id]
        segments.append(
            Segment(
                text[start:end],
                mark.status.value,
                claim_id,
                mark.cluster_id,
                f"{mark.status.value}: {clip(one_line(mark.label), NOTE_CHARS)}",
            )
        )
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return tuple(segments)


def claim_marks(c: Comparison) -> dict[str, Mark]:
    """Claim id -> the (first) cluster it belongs to."""
    marks: dict[str, Mark] = {}
    for cluster in c.clusters:
        for claim_id in cluster.claims:
            marks.setdefault(claim_id, Mark(cluster.id, cluster.status, cluster.label))
    return marks


def build_panes(c: Comparison, view: ComparisonView) -> tuple[ArticlePane, ...]:
    marks = claim_marks(c)
    panes: list[ArticlePane] = []
    for a in c.articles:
        segments = article_segments(a, marks)
        counts = Counter(s.status for s in segments if s.status)
        panes.append(
            ArticlePane(
                id=a.id,
                name=view.names[a.id],
                title=one_line(a.title),
                url=safe_url(a.url),
                url_text=one_line(a.url) if a.url else None,
                url_host=_host(a.url),
                published=a.published,
                segments=segments,
                counts=tuple((s.value, counts[s.value]) for s in ClusterStatus if counts[s.value]),
            )
        )
    return tuple(panes)
