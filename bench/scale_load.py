"""Scale-out load: two ``parallax serve`` replicas and three ``parallax worker``
processes on one throwaway PostgreSQL, 500 comparisons.

    python bench/scale_load.py [--comparisons 500] [--clients 100] [--skip-llm]

Starts everything itself on loopback (a PostgreSQL cluster as tests/pgcluster.py
makes it, the replicas, the workers) and stops it at the end. Each comparison is one
POST with its own ``Idempotency-Key``, sent to the replicas in turn, then polled on
the *other* replica until it has finished; at most ``--clients`` are in flight.
Meanwhile each replica's ``/healthz`` is polled every 20 ms. Two runs:

- ``offline``: three seed articles, the offline engine;
- ``llm``: the same against ``tests/fake_openai.py`` (L = 200 ms), with
  ``PARALLAX_LLM_MAX_IN_FLIGHT=8`` and the reply cache off: the fake server's own
  count of requests in flight at once must stay at or under 8 across all workers.

Reported: accepted, lost (accepted but not finished done), duplicated (job rows
beyond the accepted ids), 5xx, throughput, ``/healthz`` latency, and the jobs that
needed more than one attempt. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys
import time
import uuid
from collections import Counter
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.http_load import SEEDS, HealthPoller, percentiles, slowest  # noqa: E402
from tests import pgcluster  # noqa: E402
from tests.fake_openai import fake_server  # noqa: E402
from tests.serverproc import free_port, running  # noqa: E402

REPLICAS = 2
WORKERS = 3
POLL_S = 0.5
JOB_TIMEOUT_S = 900
ATTEMPTS = 3


async def send(
    client: httpx.AsyncClient, method: str, url: str, retries: Counter[str], **kwargs: Any
) -> httpx.Response:
    """One request, retried on a dropped connection (a keep-alive connection the server
    closed as the request went out). Safe for the POST too: it carries an
    Idempotency-Key, so a retry returns the job the first attempt created."""
    for attempt in range(ATTEMPTS):
        try:
            return await client.request(method, url, **kwargs)
        except httpx.TransportError:
            if attempt == ATTEMPTS - 1:
                raise
            retries[method] += 1
    raise AssertionError("unreachable")


async def one(
    clients: list[httpx.AsyncClient],
    n: int,
    body: dict[str, Any],
    statuses: Counter[str],
    retries: Counter[str],
) -> tuple[str | None, str | None]:
    """(job id if accepted, error or None)."""
    post_to, read_on = clients[n % REPLICAS], clients[(n + 1) % REPLICAS]
    headers = {"Idempotency-Key": uuid.uuid4().hex}
    try:
        response = await send(
            post_to, "POST", "/v1/comparisons", retries, json=body, headers=headers
        )
        statuses[str(response.status_code)] += 1
        if response.status_code not in (200, 202):  # 200: it finished before the answer
            return None, f"POST {response.status_code}"
        job_id: str = response.json()["id"]
        status = response.json()["status"]
        deadline = time.monotonic() + JOB_TIMEOUT_S
        while status in ("queued", "running"):
            await asyncio.sleep(POLL_S)
            polled = await send(read_on, "GET", f"/v1/comparisons/{job_id}", retries)
            statuses[str(polled.status_code)] += 1
            if polled.status_code != 200:
                return job_id, f"GET {polled.status_code}"
            status = polled.json()["status"]
            if time.monotonic() > deadline:
                return job_id, "timeout"
        return job_id, None if status == "done" else f"job {status}"
    except httpx.HTTPError as exc:
        return None, type(exc).__name__


async def load(urls: list[str], total: int, in_flight: int, body: dict[str, Any]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    retries: Counter[str] = Counter()
    pollers = [HealthPoller(url) for url in urls]
    limits = httpx.Limits(max_connections=in_flight + 10)
    gate = asyncio.Semaphore(in_flight)
    async with (
        httpx.AsyncClient(base_url=urls[0], limits=limits, timeout=60) as a,
        httpx.AsyncClient(base_url=urls[1], limits=limits, timeout=60) as b,
    ):

        async def gated(n: int) -> tuple[str | None, str | None]:
            async with gate:
                return await one([a, b], n, body, statuses, retries)

        for poller in pollers:
            poller.start()
        started = time.perf_counter()
        outcomes = await asyncio.gather(*(gated(n) for n in range(total)))
        wall = time.perf_counter() - started
    for poller in pollers:
        poller.stopping.set()
        poller.join()
    errors = Counter(error for _, error in outcomes if error is not None)
    accepted = [job_id for job_id, _ in outcomes if job_id is not None]
    return {
        "ids": accepted,
        "comparisons": total,
        "accepted": len(accepted),
        "accepted_ids_distinct": len(set(accepted)),
        "not_finished_done": sum(1 for job_id, error in outcomes if job_id and error),
        "errors": dict(errors),
        "retried_after_a_dropped_connection": dict(retries),
        "status_codes": dict(statuses),
        "server_5xx": sum(n for code, n in statuses.items() if code.startswith("5")),
        "wall_s": round(wall, 2),
        "comparisons_per_s": round(total / wall, 2),
        "healthz": {
            "errors": sum(p.errors for p in pollers),
            **percentiles([s for p in pollers for s in p.latencies]),
            # per replica: [[seconds into the run, latency ms], ...] of the 3 slowest
            "slowest_sent_at_s": [slowest(p.sent_at, p.latencies) for p in pollers],
        },
    }


def database_counts(url: str, accepted: list[str]) -> dict[str, Any]:
    with psycopg.connect(url) as conn:
        rows = conn.execute("SELECT status, count(*) FROM parallax_jobs GROUP BY status").fetchall()
        retried = conn.execute("SELECT count(*) FROM parallax_jobs WHERE attempts > 1").fetchone()
        done = conn.execute(
            "SELECT count(*) FROM parallax_jobs WHERE status = 'done' AND id = ANY(%s)",
            (accepted,),
        ).fetchone()
    assert retried is not None and done is not None
    by_status = dict(rows)
    return {
        "job_rows_by_status": by_status,
        # Accepted (202/200) but not stored as done: lost.
        "lost": len(set(accepted)) - done[0],
        # Rows beyond one per accepted comparison: duplicated.
        "duplicated": sum(by_status.values()) - len(set(accepted)),
        "jobs_with_more_than_one_attempt": retried[0],
    }


def run(
    cluster: pgcluster.Cluster, args: argparse.Namespace, body: dict[str, Any], env: dict[str, str]
) -> dict[str, Any]:
    url = cluster.database()
    environ = {k: v for k, v in os.environ.items() if not k.startswith("PARALLAX_")}
    environ.update(PARALLAX_DATABASE_URL=url, PYTHONPATH=str(ROOT), **env)
    with ExitStack() as stack:
        urls = []
        for _ in range(REPLICAS):
            port = free_port()
            serve = ["-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
            base = f"http://127.0.0.1:{port}"
            stack.enter_context(running(serve, f"{base}/healthz", env=environ, timeout=60))
            urls.append(base)
        for _ in range(WORKERS):
            stack.enter_context(running(["-m", "api.cli", "worker"], None, env=environ))
        report = asyncio.run(load(urls, args.comparisons, args.clients, body))
    report.update(database_counts(url, report.pop("ids")))
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--comparisons", type=int, default=500)
    parser.add_argument("--clients", type=int, default=100, help="comparisons in flight")
    parser.add_argument("--skip-llm", action="store_true")
    parser.add_argument("--skip-offline", action="store_true")
    args = parser.parse_args()
    reason = pgcluster.unavailable()
    if reason is not None:
        sys.exit(f"cannot start PostgreSQL: {reason}")
    texts = [(ROOT / "seeds" / name).read_text(encoding="utf-8") for name in SEEDS]
    articles = [{"text": t, "outlet": name} for t, name in zip(texts, SEEDS, strict=True)]
    report: dict[str, Any] = {
        "machine": {"cpus": os.cpu_count(), "python": sys.version.split()[0]},
        "topology": {"replicas": REPLICAS, "workers": WORKERS, "worker_concurrency": 4},
    }
    with pgcluster.cluster() as cluster:
        if not args.skip_offline:
            offline = {"articles": articles, "engine": "offline"}
            report["offline"] = run(cluster, args, offline, {})
        if not args.skip_llm:
            with fake_server(latency=0.2) as fake:
                env = {
                    "PARALLAX_ENGINE": "llm",  # the default: built once, at start-up
                    "PARALLAX_LLM_BASE_URL": f"{fake}/v1",
                    "PARALLAX_LLM_MODEL": "fake-model",
                    "PARALLAX_LLM_MAX_IN_FLIGHT": "8",
                    "PARALLAX_CACHE": "false",
                }
                llm = run(cluster, args, {"articles": articles, "engine": "llm"}, env)
                stats = httpx.get(f"{fake}/stats").json()
            llm["fake_server"] = {
                "completions": stats["completions"],
                "max_in_flight": stats["max_in_flight"],
                "limit": 8,
            }
            report["llm"] = llm
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
