"""``parallax stories``: inputs as compare takes them, exit codes, the JSON shape."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from api.cli.commands import app
from tests.stories.support import FEED, GOLD, gold_stories


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["stories", "-q", *args], prog_name="parallax")


def test_json_groups_the_feed_and_compares_each_story(runner: CliRunner) -> None:
    result = run(runner, "--format", "json", str(FEED))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert set(out) >= {"stories", "articles", "usage", "timings_ms", "errors", "engine"}
    assert [a["id"] for a in out["articles"]] == [f"a{i}" for i in range(1, 13)]
    assert sorted(sorted(s["article_ids"]) for s in out["stories"]) == gold_stories(GOLD)
    for story in out["stories"]:
        assert set(story) >= {"id", "label", "article_ids", "outlets", "comparison"}
        assert story["id"].startswith("s-") and 0 < len(story["label"]) <= 121
        comparison = story["comparison"]
        assert [a["id"] for a in comparison["articles"]] == story["article_ids"]
        assert comparison["summary"] and "clusters" in comparison
    assert out["engine"]["name"] == "offline" and out["compared"] is True
    assert out["errors"] == []


def test_no_compare_groups_only(runner: CliRunner) -> None:
    result = run(runner, "--no-compare", "--format", "json", str(FEED))
    assert result.exit_code == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["compared"] is False and out["engine"] is None
    assert all(s["comparison"] is None for s in out["stories"])
    assert len(out["stories"]) == 4


def test_a_bad_input_among_good_ones(runner: CliRunner, tmp_path: Path) -> None:
    rows = json.loads(FEED.read_text(encoding="utf-8"))
    good = tmp_path / "feed.json"
    good.write_text(json.dumps(rows[:6]), encoding="utf-8")
    empty = tmp_path / "empty.txt"
    empty.write_text("   \n", encoding="utf-8")
    single = tmp_path / "single.txt"
    single.write_text("A volcano erupted near the fishing village overnight.", encoding="utf-8")
    # As compare: without --keep-going a bad input stops the run (exit 2, nothing out).
    stopped = run(runner, str(good), str(empty), str(single))
    assert stopped.exit_code == 2 and stopped.stdout == ""
    assert f"{empty}" in stopped.stderr
    # With it: an error entry, every other article kept, exit 3.
    kept = run(runner, "--keep-going", "--format", "json", str(good), str(empty), str(single))
    assert kept.exit_code == 3, kept.stderr
    out = json.loads(kept.stdout)
    assert [e["source"] for e in out["errors"]] == [str(empty)]
    assert len(out["articles"]) == 7
    assert sorted(i for s in out["stories"] for i in s["article_ids"]) == sorted(
        a["id"] for a in out["articles"]
    )
    alone = [s for s in out["stories"] if s["article_ids"] == [out["articles"][-1]["id"]]]
    assert alone and alone[0]["comparison"] is None


def test_usage_errors_exit_2(runner: CliRunner, tmp_path: Path) -> None:
    assert run(runner, str(tmp_path / "missing.json")).exit_code == 2
    assert run(runner, "--format", "pdf", str(FEED)).exit_code == 2


def test_markdown_and_html_reports(runner: CliRunner, tmp_path: Path) -> None:
    md = run(runner, str(FEED))
    assert md.exit_code == 0, md.stderr
    assert md.stdout.startswith("# Parallax stories: 12 articles, 4 stories")
    target = tmp_path / "feed.html"
    html = run(runner, str(FEED), "-o", str(target))
    assert html.exit_code == 0, html.stderr
    assert 'id="search"' in target.read_text(encoding="utf-8")
