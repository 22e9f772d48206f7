"""Article columns for the HTML report: each article's text cut at its claims' spans.

An article body is split in Python, from the claims' evidence offsets, into plain-text
segments; each evidence segment carries its cluster's id and status so the page can
highlight it and link it to the same claim in the other columns. The claims marked are
the ones the report quotes under the row (:mod:`api.reports.view`): those of the
articles that state its label claim, or of an unmatched row only its own outlet's. Nothing here is
escaped: the template escapes every segment. Links are kept only for http(s) URLs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from api.models import ArticleResult, ClusterStatus, Comparison
from api.reports.view import ComparisonView, clip, one_line, status_word

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
    word: str | None = None  # the status as the report writes it
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
    counts: tuple[tuple[str, str, int], ...]  # (status, word, spans) in status order, no 0s


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
        word = status_word(mark.status)
        segments.append(
            Segment(
                text[start:end],
                mark.status.value,
                word,
                claim_id,
                mark.cluster_id,
                f"{word}: {clip(one_line(mark.label), NOTE_CHARS)}",
            )
        )
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return tuple(segments)


def claim_marks(view: ComparisonView) -> dict[str, Mark]:
    """Claim id -> the row its span is shown with, and the row's label.

    A span shows one row. A claim quoted under several rows shows the row whose label
    claim it is, else a conflict row where it takes a side, else the first.
    """
    marks: dict[str, tuple[int, Mark]] = {}
    for cv in view.clusters:
        for ev in cv.evidence:
            rank = 0 if ev.claim_id == cv.label_claim else 1 if ev.clashes else 2
            held = marks.get(ev.claim_id)
            if held is None or rank < held[0]:
                marks[ev.claim_id] = (rank, Mark(cv.id, cv.status, cv.label))
    return {claim_id: mark for claim_id, (_, mark) in marks.items()}


def build_panes(c: Comparison, view: ComparisonView) -> tuple[ArticlePane, ...]:
    marks = claim_marks(view)
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
                counts=tuple(
                    (s.value, status_word(s), counts[s.value])
                    for s in ClusterStatus
                    if counts[s.value]
                ),
            )
        )
    return tuple(panes)
