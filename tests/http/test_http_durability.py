"""An accepted job survives ``kill -9``: a real uvicorn process on a real SQLite file
is killed mid-job, restarted, and finishes the job; earlier results are still there.
The event stream is read from the real server too (it streams, unlike the ASGI
transport)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import ROOT
from tests.http_support import seed_body
from tests.serverproc import free_port, running

DELAY = 1.5  # seconds the slow engine's brief takes


@contextmanager
def server(db: Path, port: int) -> Iterator[subprocess.Popen[bytes]]:
    args = ["-m", "tests.slow_server", "--port", str(port), "--db", str(db)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with running(
        [*args, "--delay", str(DELAY)], f"http://127.0.0.1:{port}/healthz", env=env
    ) as proc:
        yield proc


def poll(client: httpx.Client, job_id: str, until: set[str], timeout: float = 30) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/v1/comparisons/{job_id}").json()
        if job["status"] in until:
            return job
        assert time.monotonic() < deadline, f"job stayed {job['status']}"
        time.sleep(0.05)


def test_a_job_killed_with_sigkill_finishes_after_restart(tmp_path: Path) -> None:
    db = tmp_path / "jobs.db"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with server(db, port) as proc, httpx.Client(base_url=base, timeout=30) as client:
        first = client.post("/v1/comparisons", params={"wait": 20}, json=seed_body(3)).json()
        assert first["status"] == "done"
        second = client.post("/v1/comparisons", json=seed_body(3))
        assert second.status_code == 202
        job_id = second.json()["id"]
        # Read the live event stream until the job is in its (slow) brief, then kill.
        events: list[tuple[str, dict[str, Any]]] = []
        with client.stream("GET", f"/v1/comparisons/{job_id}/events") as stream:
            name = ""
            for line in stream.iter_lines():
                if line.startswith("event: "):
                    name = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    data = json.loads(line.removeprefix("data: "))
                    events.append((name, data))
                    stage = data["stage"] if name == "progress" else data["progress"]["stage"]
                    if stage == "brief":
                        break
        assert events[0][0] == "status" and events[-1][0] in ("status", "progress")
        assert poll(client, job_id, {"running"})["progress"]["stage"] == "brief"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)

    with server(db, port), httpx.Client(base_url=base, timeout=30) as client:
        done = poll(client, job_id, {"done", "partial", "failed"})
        assert done["status"] == "done"
        assert done["attempts"] == 2
        assert len(done["result"]["articles"]) == 3
        again = client.get(f"/v1/comparisons/{first['id']}").json()
        assert again["status"] == "done"
        assert again["result"] == first["result"]
