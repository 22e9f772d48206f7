"""Running a coroutine to completion from synchronous code (the CLI, benchmarks).

``asyncio.run`` on CPython 3.11 formats a repr of its main task when it restores the
SIGINT handler (``signal.getsignal`` builds a ValueError message from the handler, a
partial holding the task), and a finished task's repr includes its result. For a
comparison of 300 articles that repr alone took 0.7 s. Returning the result through a
box instead of the task keeps the repr small.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T]) -> T:
    box: list[T] = []

    async def main() -> None:
        box.append(await coro)

    asyncio.run(main())
    return box[0]
