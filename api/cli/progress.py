"""Progress bars on stderr for the CLI, fed by the pipeline's ``progress`` callback.

One bar per stage the pipeline reports (analysing articles, aligning claims, writing
the brief), drawn by rich on standard error so the report on standard output stays
clean. They are transient, gone once the work is done, and absent altogether with
``--quiet`` or when stderr is not a terminal (a pipe, a file, CI logs).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TextIO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from api.models import ProgressEvent

ProgressCallback = Callable[[ProgressEvent], None]

STAGE_NAMES = {
    "analyze": "Analysing articles",
    "align": "Aligning claims",
    "brief": "Writing the brief",
}


def _silent(_: ProgressEvent) -> None:
    return None


class StageBars:
    """Turns ProgressEvents into one rich task per stage."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, TaskID] = {}
        self.totals: dict[TaskID, int] = {}

    def _finish(self, task: TaskID) -> None:
        self.progress.update(task, completed=self.totals[task])

    def __call__(self, event: ProgressEvent) -> None:
        if event.stage == "done":
            for task in self.tasks.values():
                self._finish(task)
            return
        if event.stage not in self.tasks:
            for earlier in self.tasks.values():  # a new stage means earlier ones ended
                self._finish(earlier)
            name = STAGE_NAMES.get(event.stage, event.stage)
            self.tasks[event.stage] = self.progress.add_task(
                name, total=max(event.total, 1), detail=""
            )
        task = self.tasks[event.stage]
        self.totals[task] = max(event.total, 1)
        detail = event.detail if event.stage == "align" else ""
        self.progress.update(task, completed=event.done, total=self.totals[task], detail=detail)


@contextmanager
def progress_bars(*, quiet: bool, stream: TextIO | None = None) -> Iterator[ProgressCallback]:
    """A progress callback that draws on ``stream`` (stderr), or a silent one when
    ``quiet`` or when the stream is not a terminal."""
    console = Console(file=stream or sys.stderr)
    if quiet or not console.is_terminal:
        yield _silent
        return
    progress = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[detail]}", style="dim"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )
    bars = StageBars(progress)
    with progress:
        yield bars
