"""A server in a subprocess on loopback: started, waited for, and always stopped.

The fake OpenAI server, the SIGKILL durability test and bench/http_load.py each need
the same three steps (a free port, poll until the server answers, terminate then
kill); they share this one copy. The child's stderr goes to a temporary file, so a
chatty server can never block on a full pipe, and a start-up failure quotes it.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO

import httpx

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running(
    args: Sequence[str],
    ready_url: str | None,
    *,
    env: Mapping[str, str] | None = None,
    timeout: float = 30.0,
    python: str = sys.executable,
) -> Iterator[subprocess.Popen[bytes]]:
    """Run ``python ARGS`` from the repo root until the block ends; yield the process
    once ``ready_url`` answers 200 (at once if there is none: a worker serves nothing).
    ``python`` is this interpreter unless another is named (the real-LLM test's server
    lives in a venv of its own)."""
    with tempfile.TemporaryFile() as stderr:
        proc = subprocess.Popen(
            [python, *args],
            cwd=ROOT,
            env=dict(env) if env is not None else None,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
        try:
            if ready_url is not None:
                _wait_until_ready(ready_url, proc, timeout, stderr)
            yield proc
        finally:
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _wait_until_ready(
    url: str, proc: subprocess.Popen[bytes], timeout: float, stderr: IO[bytes]
) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            stderr.seek(0)
            tail = stderr.read()[-2000:].decode(errors="replace")
            raise RuntimeError(f"the server exited with {proc.returncode} during start-up: {tail}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the server did not answer {url} within {timeout:.0f} s")
        time.sleep(0.05)
