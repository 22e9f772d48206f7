"""A real ``parallax worker`` process for the fault tests: the settings come from the
environment (PARALLAX_DATABASE_URL, ...), and the offline engine's brief takes
``--delay`` seconds, so that a test can kill the worker while a job is surely mid-way.

    python -m tests.slow_worker --delay SECONDS [--concurrency N]
"""

from __future__ import annotations

import argparse
import asyncio

from api.engines.base import Engine
from api.jobs.worker import run_until_signalled
from api.logs import configure_logging
from api.settings import Settings
from tests.slow_server import SlowEngine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--delay", type=float, default=0.0)
    parser.add_argument("--concurrency", type=int, default=2)
    args = parser.parse_args()

    def engines(name: str, settings: Settings) -> Engine:
        return SlowEngine(args.delay)

    settings = Settings()
    configure_logging(settings.log_level, settings.log_format)
    asyncio.run(run_until_signalled(settings, concurrency=args.concurrency, engine_factory=engines))


if __name__ == "__main__":
    main()
