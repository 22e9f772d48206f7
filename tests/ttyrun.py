"""Run the real CLI with stderr on a pseudo-terminal, so its progress bars are drawn
as a person sees them; what it drew there comes back as text."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


def run_with_tty_stderr(
    args: Sequence[str], *, out: Path, env: Mapping[str, str], timeout: float = 60
) -> tuple[int, str]:
    """(exit code, what was drawn on stderr) of ``python -m api.cli ARGS``; stdout goes
    to ``out``."""
    leader, follower = pty.openpty()
    environ = {**env, "TERM": "xterm-256color", "COLUMNS": "100"}
    with open(out, "wb") as stdout:
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", *args],
            stdout=stdout,
            stderr=follower,
            stdin=subprocess.DEVNULL,
            env=environ,
        )
    os.close(follower)
    drawn = b""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            drawn += chunk
        elif proc.poll() is not None:
            break
    os.close(leader)
    if proc.poll() is None:
        proc.kill()
    return proc.wait(timeout=10), drawn.decode("utf-8", "replace")
