"""Who is watching which job, in this process: the event streams and ``?wait=``.

Both runners feed it: the in-process runner (SQLite) tells it directly; with
PostgreSQL, the replica's LISTEN connection tells it what any worker NOTIFYed.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass

from api.jobs.models import JobProgress, JobStatus


@dataclass(frozen=True, slots=True)
class JobEvent:
    """What a watcher hears: progress, or the end (status finished)."""

    status: JobStatus
    progress: JobProgress | None = None


class EventHub:
    def __init__(self) -> None:
        self._watchers: dict[str, set[asyncio.Queue[JobEvent]]] = {}

    @contextlib.asynccontextmanager
    async def watch(self, job_id: str) -> AsyncIterator[asyncio.Queue[JobEvent]]:
        """Hear this job's events from now on (subscribe before reading its state, so
        nothing falls between the two)."""
        events: asyncio.Queue[JobEvent] = asyncio.Queue()
        self._watchers.setdefault(job_id, set()).add(events)
        try:
            yield events
        finally:
            watchers = self._watchers.get(job_id, set())
            watchers.discard(events)
            if not watchers:
                self._watchers.pop(job_id, None)

    def watchers(self, job_id: str) -> int:
        """How many are listening to this job's events right now."""
        return len(self._watchers.get(job_id, ()))

    def tell(self, job_id: str, event: JobEvent) -> None:
        for events in self._watchers.get(job_id, ()):
            events.put_nowait(event)

    async def wait(
        self, job_id: str, timeout: float, finished: Callable[[], Awaitable[bool]]
    ) -> None:
        """Return when the job has finished (``finished()`` reads the store), or after
        ``timeout`` seconds."""
        async with self.watch(job_id) as events:
            if await finished():
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(timeout):
                    while not (await events.get()).status.finished:
                        pass


class Watched:
    """The watching half of both runners: streams and ``?wait=`` on one hub.
    ``finished(job_id)`` reads the store (asked once a watcher is subscribed)."""

    def __init__(self, finished: Callable[[str], Awaitable[bool]]) -> None:
        self.hub = EventHub()
        self._finished = finished

    def watch(self, job_id: str) -> contextlib.AbstractAsyncContextManager[asyncio.Queue[JobEvent]]:
        return self.hub.watch(job_id)

    def watchers(self, job_id: str) -> int:
        return self.hub.watchers(job_id)

    async def wait(self, job_id: str, timeout: float) -> None:
        await self.hub.wait(job_id, timeout, lambda: self._finished(job_id))
