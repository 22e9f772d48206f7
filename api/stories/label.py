"""A story's id and label: stable, short, and read from its own articles.

The label is the headline of the story's most central article (the highest summed
word-vector cosine to the others; the first such on a tie), cut at a word boundary;
the id is a hash of the members' texts, so the same articles make the same story id
in any feed and any order.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from api.stories.group import FeedItem, Vectors, dot, term_vectors

LABEL_CHARS = 120


@dataclass(frozen=True, slots=True)
class Labelled:
    id: str
    members: list[int]
    label: str


def label_stories(
    articles: Sequence[FeedItem],
    stories: Sequence[Sequence[int]],
    vectors: Vectors | None = None,
) -> list[Labelled]:
    """Each story's id and label, in the order given."""
    if vectors is None and any(len(m) > 2 for m in stories):
        vectors = term_vectors(articles)
    out: list[Labelled] = []
    seen: dict[str, int] = {}
    for members in stories:
        best = members[0]
        if len(members) > 2 and vectors is not None:
            rows = [vectors.row(i) for i in members]
            scores = [sum(dot(a, b) for b in rows) for a in rows]
            best = members[int(np.argmax(scores))]
        sid = story_id(articles, members)
        seen[sid] = seen.get(sid, 0) + 1
        if seen[sid] > 1:  # the same texts at other dates: another story, another id
            sid = f"{sid}-{seen[sid]}"
        out.append(Labelled(sid, list(members), label_of(articles[best])))
    return out


def story_id(articles: Sequence[FeedItem], members: Sequence[int]) -> str:
    # Order-free: the same articles make the same story, in any feed and any order.
    texts = sorted(f"{articles[i].published}\x01{articles[i].text}" for i in members)
    digest = hashlib.sha1("\x00".join(texts).encode(), usedforsecurity=False)
    return f"s-{digest.hexdigest()[:12]}"


def label_of(item: FeedItem) -> str:
    text = " ".join((item.title or item.text).split())
    if len(text) <= LABEL_CHARS:
        return text
    cut = text[:LABEL_CHARS]
    space = cut.rfind(" ")
    return (cut[:space] if space > LABEL_CHARS // 2 else cut).rstrip(" ,;:") + "…"
