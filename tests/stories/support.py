"""The sample feed of the story tests: 12 NeuS dev articles of 4 events, shuffled."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from api.ingest.inputs import article_from_input
from api.models import Article, ArticleInput

FEED = Path(__file__).with_name("feed-sample.json")
GOLD = [0, 2, 3, 0, 2, 3, 1, 1, 0, 2, 3, 1]  # each item's event


def feed_rows() -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(FEED.read_text(encoding="utf-8"))
    return rows


def feed_articles(rows: list[dict[str, Any]] | None = None) -> list[Article]:
    return [
        article_from_input(ArticleInput(**row), article_id=f"a{i + 1}", source="test")
        for i, row in enumerate(rows if rows is not None else feed_rows())
    ]


def gold_stories(gold: list[int]) -> list[list[str]]:
    """The gold grouping as sorted lists of article ids, sorted."""
    by: dict[int, list[str]] = {}
    for i, event in enumerate(gold):
        by.setdefault(event, []).append(f"a{i + 1}")
    return sorted(sorted(ids) for ids in by.values())
