"""The ``parallax`` CLI: exit codes, messages on stderr, output formats.

Most tests run the real ingest -> offline engine -> pipeline on the seed articles; the
error-mapping tests swap the engine or the pipeline for a fake that fails on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from api.cli.commands import app
from api.errors import EngineError
from api.models import Article, Comparison, ErrorEntry
from tests.reports.test_reports import make_comparison

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"
KURSK = str(SEEDS / "kursk-sudzha.txt")
LEDGER = str(SEEDS / "northern-ledger.txt")
COURIER = str(SEEDS / "harbour-courier.txt")
COBBLE = str(SEEDS / "cobble-street-review.txt")


pytestmark = pytest.mark.usefixtures("clean_env")  # no PARALLAX_* from the caller


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str, input: bytes | None = None) -> Any:
    return runner.invoke(app, list(args), input=input, prog_name="parallax")


def assert_clean_failure(result: Any, code: int, *needles: str) -> None:
    assert result.exit_code == code, (result.exit_code, result.stdout, result.stderr)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    for needle in needles:
        assert needle in result.stderr


# --- bad input and usage: exit 2 -----------------------------------------------------


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    result = run(runner, "compare", missing, KURSK)
    assert_clean_failure(result, 2, f"parallax: error: {missing}: ")


def test_empty_file(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(runner, "compare", KURSK, str(empty))
    assert_clean_failure(result, 2, f"parallax: error: {empty}: ")


def test_only_one_article(runner: CliRunner) -> None:
    result = run(runner, "compare", KURSK)
    assert_clean_failure(result, 2, "at least 2 articles", "got 1")


def test_llm_engine_without_a_model_is_a_usage_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PARALLAX_LLM_MODEL", raising=False)
    result = run(runner, "compare", "--engine", "llm", KURSK, LEDGER)
    assert_clean_failure(result, 2, "PARALLAX_LLM_MODEL")


def test_invalid_setting_is_a_usage_error(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARALLAX_MAX_WORDS", "lots")
    result = run(runner, "compare", KURSK, LEDGER)
    assert_clean_failure(result, 2, "PARALLAX_MAX_WORDS")


@pytest.mark.parametrize(
    "args",
    [
        ["compare", "--format", "bogus", KURSK, LEDGER],
        ["summarize", "--format", "html", KURSK],
        ["compare", "--engine", "bogus", KURSK, LEDGER],
        ["compare", "--max-words", "5", KURSK, LEDGER],
        ["compare", "--summary-words", "99999", KURSK, LEDGER],
        ["compare", "--no-such-option", KURSK, LEDGER],
        ["compare"],
        ["summarize"],
        [],
        ["frobnicate"],
    ],
)
def test_usage_errors_exit_2(runner: CliRunner, args: list[str]) -> None:
    result = run(runner, *args)
    assert result.exit_code == 2, (args, result.output)
    assert "Traceback" not in result.output


def test_output_directory_must_exist(runner: CliRunner, tmp_path: Path) -> None:
    result = run(runner, "compare", KURSK, LEDGER, "-o", str(tmp_path / "no" / "r.md"))
    assert_clean_failure(result, 2, "does not exist")


def test_keep_going_with_too_few_good_articles(runner: CliRunner, tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    result = run(runner, "compare", "--keep-going", missing, KURSK)
    assert_clean_failure(result, 2, f"parallax: warning: {missing}: ", "got 1; 1 input(s) failed")


# --- error mapping (fakes) -----------------------------------------------------------


def _engine_raising(exc: BaseException) -> Any:
    def get_engine(name: str, settings: Any) -> Any:
        raise exc

    return get_engine


def test_internal_error_exit_1_without_traceback(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("api.engines.get_engine", _engine_raising(RuntimeError("boom")))
    result = run(runner, "compare", KURSK, LEDGER)
    assert_clean_failure(
        result, 1, "parallax: error: internal error: RuntimeError: boom", "--debug"
    )


def test_debug_prints_traceback(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.engines.get_engine", _engine_raising(RuntimeError("boom")))
    result = run(runner, "compare", "--debug", KURSK, LEDGER)
    assert result.exit_code == 1
    assert "Traceback" in result.stderr
    assert "RuntimeError: boom" in result.stderr


def test_engine_error_exit_1(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.engines.get_engine", _engine_raising(EngineError("upstream 500")))
    result = run(runner, "summarize", KURSK)
    assert_clean_failure(result, 1, "parallax: error: upstream 500")


def test_keyboard_interrupt_exit_130(runner: CliRunner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("api.engines.get_engine", _engine_raising(KeyboardInterrupt()))
    result = run(runner, "compare", KURSK, LEDGER)
    assert result.exit_code == 130
    assert "Traceback" not in result.output


@pytest.fixture
def fake_pipeline(monkeypatch: pytest.MonkeyPatch) -> list[Sequence[Article]]:
    """Replace engine and pipeline.compare; returns the article lists it was called with."""
    calls: list[Sequence[Article]] = []

    async def compare(
        articles: Sequence[Article],
        engine: Any,
        *,
        max_words: int,
        summary_max_words: int,
        errors: Sequence[ErrorEntry] = (),
        progress: Any = None,
    ) -> Comparison:
        calls.append(articles)
        result = make_comparison()
        result.errors = list(errors)
        result.max_words = max_words
        return result

    monkeypatch.setattr("api.engines.get_engine", lambda name, settings: object())
    monkeypatch.setattr("api.compare.pipeline.compare", compare)
    return calls


def test_output_file_is_written_atomically(
    runner: CliRunner, tmp_path: Path, fake_pipeline: list[Sequence[Article]]
) -> None:
    out = tmp_path / "report.html"
    out.write_text("old")
    result = run(runner, "compare", KURSK, LEDGER, "-o", str(out))  # format from suffix
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    assert "parallax: note: wrote html report to" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html>")
    assert html.count("<script") == 2  # our data block and our script, nothing else
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # no temp file left


def test_partial_result_exit_3(
    runner: CliRunner, tmp_path: Path, fake_pipeline: list[Sequence[Article]]
) -> None:
    missing = str(tmp_path / "nope.txt")
    result = run(runner, "compare", "--keep-going", "--format", "json", LEDGER, missing, COURIER)
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert [e["source"] for e in data["errors"]] == [missing]
    assert [len(call) for call in fake_pipeline] == [2]
    assert "partial result" in result.stderr


# --- the real pipeline on the seed articles ------------------------------------------


def test_compare_markdown(runner: CliRunner) -> None:
    result = run(runner, "compare", KURSK, LEDGER, COURIER, COBBLE)
    assert result.exit_code == 0, result.output
    md = result.stdout
    for heading in ("## Brief", "## Agreed", "## Conflicting", "## Only in one outlet"):
        assert heading in md
    assert "The Northern Ledger (illustrative)" in md
    assert result.stderr == ""


def test_compare_keep_going_lists_errors_in_json(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\x00\x01\x02binary\x00")
    result = run(runner, "compare", "--keep-going", "--format", "json", LEDGER, str(bad), COURIER)
    assert result.exit_code == 3, result.output
    data = json.loads(result.stdout)
    assert [e["source"] for e in data["errors"]] == [str(bad)]
    assert len(data["articles"]) == 2
    assert f"parallax: warning: {bad}: " in result.stderr
    assert "Traceback" not in result.output


def test_compare_html_from_stdin(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "report.out"
    stdin = Path(COBBLE).read_bytes()
    result = run(runner, "compare", "--format", "html", "-", LEDGER, "-o", str(out), input=stdin)
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert '<mark class="claim status-' in html
    assert "The Cobble Street Review (illustrative)" in html


def test_summarize_markdown_and_json(runner: CliRunner) -> None:
    md = run(runner, "summarize", "--max-words", "30", KURSK)
    assert md.exit_code == 0, md.output
    assert md.stdout.startswith("# Parallax summaries: 1 article")
    js = run(runner, "summarize", "--format", "json", KURSK, LEDGER)
    assert js.exit_code == 0, js.output
    assert len(json.loads(js.stdout)["articles"]) == 2


# --- the console entry point ---------------------------------------------------------


def _main(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    return subprocess.run(
        [sys.executable, "-c", "from api.cli.commands import main; main()", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_main_exit_codes(tmp_path: Path) -> None:
    bogus = _main("compare", "--format", "bogus", KURSK, LEDGER)
    assert bogus.returncode == 2
    assert "Traceback" not in bogus.stderr
    missing = _main("compare", str(tmp_path / "nope.txt"), KURSK)
    assert missing.returncode == 2
    assert f"parallax: error: {tmp_path / 'nope.txt'}: " in missing.stderr
    assert "Traceback" not in missing.stderr
    helped = _main("compare", "--help")
    assert helped.returncode == 0
    assert "Exit codes:" in helped.stdout and "partial result" in helped.stdout


def test_broken_pipe_is_quiet(monkeypatch: pytest.MonkeyPatch) -> None:
    from api.cli import support as cli_support

    class ClosedPipe:
        def write(self, text: str) -> int:
            raise BrokenPipeError

        def flush(self) -> None:
            raise BrokenPipeError

        def fileno(self) -> int:
            raise ValueError("no fd")

    monkeypatch.setattr(sys, "stdout", ClosedPipe())
    with pytest.raises(typer.Exit) as info:
        cli_support.emit("report", None, "md")
    assert info.value.exit_code == 1
