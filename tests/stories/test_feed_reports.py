"""The feed's Markdown and HTML reports: stories largest first, collapsed, each with
its outlets, brief and comparison; the HTML's search box; hundreds of stories."""

from __future__ import annotations

import json
import re

import pytest

from api.compare import pipeline
from api.models import Article, Comparison, Stories, Story
from api.reports.feed_html import CSP, JS, render_stories_html
from api.reports.feed_markdown import render_stories_md
from api.reports.html import csp_hash
from api.stories.feed import run_feed
from tests.conftest import FakeEngine
from tests.stories.support import feed_articles


@pytest.fixture(scope="module")
def stories() -> Stories:
    import asyncio

    async def compare_story(members: list[Article]) -> Comparison:
        return await pipeline.compare(members, FakeEngine(), max_words=60, summary_max_words=40)

    articles = feed_articles()
    # One more article of its own: a one-article story, listed last.
    extra = articles[0].model_copy(
        update={
            "id": "a13",
            "title": "Volcano erupts",
            "text": "A volcano erupted near the fishing village overnight.",
        }
    )
    return asyncio.run(run_feed([*articles, extra], compare_story))  # type: ignore[arg-type]


def test_markdown_lists_stories_largest_first_collapsed(stories: Stories) -> None:
    md = render_stories_md(stories)
    assert md.count("<details>") == md.count("</details>") == 5 + 4
    summaries = re.findall(r"<summary>(\d+)\. .*\((\d+) articles?\)</summary>", md)
    assert [int(n) for _, n in summaries] == [3, 3, 3, 3, 1]
    first = stories.stories[0]
    assert first.comparison is not None
    assert "**Brief:** " in md and f"(#comparison-{first.id})" in md
    assert f'<a id="comparison-{first.id}"></a>' in md
    assert " · ".join(first.outlets) in md


def test_html_has_a_search_box_collapsed_stories_and_embedded_comparisons(
    stories: Stories,
) -> None:
    page = render_stories_html(stories)
    assert '<input id="search" type="search"' in page
    assert page.count('<details class="story"') == 5
    assert " open" not in re.findall(r"<details[^>]*>", page)[0]
    first = stories.stories[0]
    assert first.comparison is not None
    assert f'href="#comparison-{first.id}"' in page
    tag = f'<script type="application/json" id="data-comparison-{first.id}">'
    blob = re.search(re.escape(tag) + "(.*?)</script>", page)
    assert blob is not None
    embedded = json.loads(blob.group(1))
    assert embedded.startswith("<!doctype html>") and "Parallax comparison" in embedded
    assert "<" not in blob.group(1)  # no string can close the block
    assert csp_hash(JS) in CSP and "http" not in page.split("<body>")[0].replace("http-equiv", "")


def test_html_escapes_labels_and_stays_small_with_hundreds_of_stories() -> None:
    many = Stories(
        stories=[
            Story(id=f"s-{n:04d}", label=f"<b>Story {n}</b>", article_ids=[f"a{n}"], outlets=["O"])
            for n in range(1, 501)
        ],
        articles=[],
        grouping="test",
        compared=False,
    )
    page = render_stories_html(many)
    assert page.count('<details class="story"') == 500
    assert "<b>Story" not in page and "&lt;b&gt;Story 7&lt;/b&gt;" in page
    assert len(page) < 300_000
    assert 'data-search="&lt;b&gt;story 12&lt;/b&gt; o"' in page
