"""The API replica's side of the queue (PostgreSQL): it accepts, enqueues and reads,
and runs no job itself.

``submit`` has nothing to do: the store put the job on the queue in the transaction
that created it. Events come from one LISTEN connection per replica, fed into the
local :class:`EventHub`; whichever worker runs a job, every replica hears it. When
the connection drops (PostgreSQL restarted), it reconnects with backoff; a stream
that missed an event meanwhile finds the job's state on its next read.
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial

import psycopg

from api.db import pg
from api.jobs.events import JobEvent, Watched
from api.jobs.execute import has_finished
from api.jobs.models import JobProgress
from api.jobs.pgstore import CHANNEL, PgJobStore, parse_event
from api.settings import Settings

log = logging.getLogger("parallax.jobs")

RECONNECT_MAX_SECONDS = 5.0


class QueueRunner(Watched):
    def __init__(self, store: PgJobStore, settings: Settings) -> None:
        super().__init__(partial(has_finished, store))
        self._store = store
        self._settings = settings
        self._listener: asyncio.Task[None] | None = None
        self.listening = asyncio.Event()  # set while the LISTEN connection is up

    async def start(self) -> None:
        self._listener = asyncio.create_task(self._listen(), name="parallax-job-events")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            await asyncio.gather(self._listener, return_exceptions=True)
            self._listener = None

    def submit(self, job_id: str) -> None:
        """Nothing to do: the job was enqueued with its row."""

    async def cancel(self, job_id: str) -> bool:
        """Cancel a queued or running job (its worker is told through the queue);
        False if it had already finished."""
        return await self._store.cancel(job_id)

    async def _listen(self) -> None:
        delay = 0.1
        while True:
            try:
                conn = await psycopg.AsyncConnection.connect(
                    pg.conninfo(self._settings),
                    autocommit=True,
                    **pg.connect_kwargs(self._settings),
                )
                async with conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening.set()
                    delay = 0.1
                    async for notify in conn.notifies():
                        self._tell(notify.payload)
            except Exception as exc:  # whatever broke it, the replica must hear events again
                log.warning("job events: connection lost (%s); reconnecting", type(exc).__name__)
            finally:
                self.listening.clear()
            await asyncio.sleep(delay)
            delay = min(delay * 2, RECONNECT_MAX_SECONDS)

    def _tell(self, payload: str) -> None:
        try:
            job_id, status, progress = parse_event(payload)
        except (ValueError, KeyError):
            log.warning("job events: ignored a malformed notification")
            return
        if self.hub.watchers(job_id):
            event = JobProgress(**progress) if progress is not None else None
            self.hub.tell(job_id, JobEvent(status, event))
