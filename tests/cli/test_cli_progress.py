"""Progress bars: one per pipeline stage, on stderr only when it is a terminal."""

from __future__ import annotations

import io
import os
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from api.cli.progress import StageBars, progress_bars
from api.models import ProgressEvent
from tests.conftest import SEEDS
from tests.ttyrun import run_with_tty_stderr

COMPARE_EVENTS = [
    ProgressEvent(stage="analyze", done=0, total=3),
    ProgressEvent(stage="analyze", done=1, total=3, detail="a2"),
    ProgressEvent(stage="analyze", done=3, total=3, detail="a1"),
    ProgressEvent(stage="align", done=0, total=3, detail="blocking"),
    ProgressEvent(stage="align", done=2, total=3, detail="clustering"),
    ProgressEvent(stage="brief", done=0, total=1),
    ProgressEvent(stage="done", done=1, total=1),
]


class FakeTTY(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_stage_bars_follow_the_events() -> None:
    progress = Progress(console=Console(file=io.StringIO()), auto_refresh=False)
    bars = StageBars(progress)
    for event in COMPARE_EVENTS[:5]:
        bars(event)
    tasks = {t.description: t for t in progress.tasks}
    assert list(tasks) == ["Analysing articles", "Aligning claims"]
    assert (tasks["Analysing articles"].completed, tasks["Analysing articles"].total) == (3, 3)
    assert tasks["Aligning claims"].completed == 2
    assert tasks["Aligning claims"].fields["detail"] == "clustering"
    for event in COMPARE_EVENTS[5:]:
        bars(event)
    assert [t.description for t in progress.tasks][-1] == "Writing the brief"
    assert all(t.finished for t in progress.tasks)


def test_bars_are_drawn_on_a_terminal() -> None:
    stream = FakeTTY()
    with progress_bars(quiet=False, stream=stream) as report:
        for event in COMPARE_EVENTS:
            report(event)
    assert "Analysing articles" in stream.getvalue()


def test_quiet_or_not_a_terminal_draws_nothing() -> None:
    for quiet, stream in ((True, FakeTTY()), (False, io.StringIO())):
        with progress_bars(quiet=quiet, stream=stream) as report:
            for event in COMPARE_EVENTS:
                report(event)
        assert stream.getvalue() == ""


def _run_with_tty_stderr(*args: str, out: Path) -> str:
    """Run the real CLI with stderr on a pseudo-terminal; return what it drew there."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    code, drawn = run_with_tty_stderr(["compare", *SEEDS, *args], out=out, env=env)
    assert code == 0
    return drawn


def test_cli_draws_bars_on_a_tty_stderr_and_keeps_stdout_clean(tmp_path: Path) -> None:
    out = tmp_path / "stdout.md"
    drawn = _run_with_tty_stderr(out=out)
    assert "Analysing articles" in drawn
    report = out.read_text(encoding="utf-8")
    assert report.startswith("# Parallax comparison: 4 articles\n")
    assert "Analysing" not in report and "\x1b[" not in report
    quiet = _run_with_tty_stderr("--quiet", out=out)
    assert "Analysing" not in quiet
