"""Load on a live Parallax server: many concurrent comparisons, /healthz polled alongside.

    python bench/http_load.py [--clients 200] [--url http://127.0.0.1:8000]
                              [--llm-base-url http://127.0.0.1:9000/v1] [--api-key KEY]

Without ``--url`` it starts ``parallax serve`` itself on a free loopback port with a
temporary database (and stops it at the end). Each client sends one
``POST /v1/comparisons?wait=..`` with three seed articles and, if the answer is a 202,
polls the job until it has finished. Meanwhile a separate thread, with its own
connection, polls ``/healthz`` every 20 ms, so its latency is the loop's
responsiveness under load. Two runs:

- ``offline``: the default engine;
- ``llm``: ``engine: llm`` against an OpenAI-compatible server (a fake one on
  loopback): the server is started with ``PARALLAX_LLM_BASE_URL=--llm-base-url``
  (other ``PARALLAX_LLM_*`` variables in this script's environment pass through).
  The limiter must hold: the run reports ``server_5xx``, which must be 0. Skipped,
  with the reason, when no ``--llm-base-url`` is given. With ``--url`` both runs go
  to that server, which must then already be configured for the llm engine.

An error is a transport failure, any status other than 200/202 on the POST, or a job
that ends failed. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.serverproc import free_port, running  # noqa: E402

SEEDS = ["kursk-sudzha.txt", "northern-ledger.txt", "harbour-courier.txt"]
HEALTH_INTERVAL_S = 0.02
WAIT_S = 60
JOB_TIMEOUT_S = 300


def percentiles(samples: list[float]) -> dict[str, float | int]:
    if not samples:
        return {"n": 0}
    ordered = sorted(samples)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000, 2)

    return {
        "n": len(ordered),
        "p50_ms": at(0.50),
        "p99_ms": at(0.99),
        "max_ms": round(ordered[-1] * 1000, 2),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 2),
    }


def slowest(sent_at: list[float], latencies: list[float], n: int = 3) -> list[list[float]]:
    """[[seconds into the run, latency ms], ...] of the ``n`` slowest samples."""
    worst = sorted(zip(latencies, sent_at, strict=True), reverse=True)[:n]
    return [[round(at, 2), round(latency * 1000, 1)] for latency, at in worst]


@contextmanager
def local_server(env: dict[str, str]) -> Iterator[str]:
    """``parallax serve`` on loopback with a throw-away database; yields its URL."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        server_env = {**os.environ, "PARALLAX_DB_PATH": str(Path(tmp) / "jobs.db"), **env}
        args = ["-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
        with running(args, f"{url}/healthz", env=server_env, timeout=60):
            yield url


class HealthPoller(threading.Thread):
    """GET /healthz every HEALTH_INTERVAL_S on its own connection until stopped."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.latencies: list[float] = []
        self.sent_at: list[float] = []  # seconds since the poller started
        self.errors = 0
        self.stopping = threading.Event()

    def run(self) -> None:
        origin = time.perf_counter()
        with httpx.Client(base_url=self.url, timeout=10) as client:
            while not self.stopping.is_set():
                started = time.perf_counter()
                self.sent_at.append(started - origin)
                try:
                    ok = client.get("/healthz").status_code == 200
                except httpx.HTTPError:
                    ok = False
                self.latencies.append(time.perf_counter() - started)
                self.errors += not ok
                self.stopping.wait(HEALTH_INTERVAL_S)


async def one_comparison(
    client: httpx.AsyncClient, body: dict[str, Any], statuses: Counter[str]
) -> tuple[float, str | None]:
    """(seconds to the result, error or None)."""
    started = time.perf_counter()
    try:
        response = await client.post("/v1/comparisons", params={"wait": WAIT_S}, json=body)
        statuses[str(response.status_code)] += 1
        if response.status_code not in (200, 202):
            return time.perf_counter() - started, f"POST {response.status_code}"
        job = response.json()
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while job["status"] in ("queued", "running"):
            if time.monotonic() > deadline:
                return time.perf_counter() - started, "timeout"
            await asyncio.sleep(0.2)
            polled = await client.get(f"/v1/comparisons/{job['id']}")
            statuses[str(polled.status_code)] += 1
            if polled.status_code != 200:
                return time.perf_counter() - started, f"GET {polled.status_code}"
            job = polled.json()
        elapsed = time.perf_counter() - started
        return elapsed, None if job["status"] in ("done", "partial") else f"job {job['status']}"
    except httpx.HTTPError as exc:
        return time.perf_counter() - started, type(exc).__name__


async def load(url: str, clients: int, body: dict[str, Any], api_key: str | None) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    limits = httpx.Limits(max_connections=clients + 10, max_keepalive_connections=clients + 10)
    poller = HealthPoller(url)
    statuses: Counter[str] = Counter()
    async with httpx.AsyncClient(
        base_url=url, headers=headers, limits=limits, timeout=WAIT_S + 30
    ) as client:
        poller.start()
        started = time.perf_counter()
        outcomes = await asyncio.gather(
            *(one_comparison(client, body, statuses) for _ in range(clients))
        )
        wall = time.perf_counter() - started
    poller.stopping.set()
    poller.join()
    errors = Counter(error for _, error in outcomes if error is not None)
    return {
        "clients": clients,
        "comparisons": clients,
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "status_codes": dict(statuses),
        "server_5xx": sum(n for code, n in statuses.items() if code.startswith("5")),
        "wall_s": round(wall, 2),
        "requests": sum(statuses.values()),
        "requests_per_s": round(sum(statuses.values()) / wall, 1),
        "comparisons_per_s": round(clients / wall, 1),
        "comparison_latency": percentiles([seconds for seconds, _ in outcomes]),
        "healthz": {
            **percentiles(poller.latencies),
            "errors": poller.errors,
            "slowest_sent_at_s": slowest(poller.sent_at, poller.latencies),
        },
    }


def run(args: argparse.Namespace, body: dict[str, Any], env: dict[str, str]) -> dict[str, Any]:
    if args.url:
        return asyncio.run(load(args.url, args.clients, body, args.api_key))
    with local_server(env) as url:
        return asyncio.run(load(url, args.clients, body, args.api_key))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=200, help="concurrent comparisons")
    parser.add_argument("--url", help="a running server; default: start one on loopback")
    parser.add_argument("--llm-base-url", help="OpenAI-compatible (fake) server for the llm run")
    parser.add_argument("--api-key", help="Bearer key, if the server wants one")
    args = parser.parse_args()

    texts = [(ROOT / "seeds" / name).read_text(encoding="utf-8") for name in SEEDS]
    articles = [{"text": t, "outlet": name} for t, name in zip(texts, SEEDS, strict=True)]
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "server": args.url or "parallax serve (started by this script)",
        "offline": run(args, {"articles": articles, "engine": "offline"}, {}),
    }
    if args.llm_base_url:
        env = {"PARALLAX_LLM_BASE_URL": args.llm_base_url}
        report["llm"] = run(args, {"articles": articles, "engine": "llm"}, env)
    else:
        report["llm"] = {
            "skipped": "no --llm-base-url given: start the fake OpenAI-compatible server "
            "(issue 3) and pass its URL to measure the llm engine under load"
        }
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
