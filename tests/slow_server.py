"""A real uvicorn server for the durability test: the service on a given SQLite file,
with an offline engine whose brief takes ``--delay`` seconds, so that a test can kill
the process while a job is surely mid-way.

    python -m tests.slow_server --port P --db PATH --delay SECONDS
"""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import uvicorn

from api.engines.base import BriefRequest, Engine
from api.engines.offline import OfflineEngine
from api.http import create_app
from api.settings import Settings


class SlowEngine(OfflineEngine):
    def __init__(self, delay: float) -> None:
        self.delay = delay

    async def brief(self, request: BriefRequest) -> str:
        await asyncio.sleep(self.delay)
        return await super().brief(request)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--delay", type=float, default=0.0)
    args = parser.parse_args()

    def engines(name: str, settings: Settings) -> Engine:
        return SlowEngine(args.delay)

    app = create_app(Settings(db_path=args.db), engine_factory=engines)
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning")


if __name__ == "__main__":
    main()
