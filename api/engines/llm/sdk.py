"""The SDK, imported and its client built off the event loop.

``import openai`` is ~0.6 s of CPU and leaves ~126,000 objects that live as long as
the process. Run on the event loop it would stall every other task of the process
(the HTTP service's requests, the other articles' cache lookups and request
building), so it runs in a worker thread, once, with the cyclic collector paused.
Only :mod:`api.engines.llm.client` imports ``openai``; this module imports that one lazily.
"""

from __future__ import annotations

import gc
import importlib
import sys
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, TypeVar

from api import gcpause
from api.settings import Settings

if TYPE_CHECKING:
    from api.engines.llm.client import Client

T = TypeVar("T")

_import_lock = threading.Lock()


def load_client(settings: Settings) -> Future[Client]:
    """The SDK imported and its client built in a worker thread; the client in a future."""

    def load() -> Client:
        import_client_module()
        from api.engines.llm.client import make_client

        return make_client(settings)

    return in_thread(load, "parallax-llm-client")


def import_client_module() -> None:
    """Import :mod:`api.engines.llm.client`, and with it the SDK, with the cyclic garbage
    collector paused, then freeze what the process holds (``gc.freeze``).

    Collections during the import, and every full collection after it, would traverse
    the SDK's objects for nothing: ~0.1 s each on a 2-core machine, ~0.25 s of a cold
    ``parallax compare --engine llm``. Frozen objects are never collected: garbage
    cycles alive at that instant stay, once per process."""
    with _import_lock:
        if "api.engines.llm.client" in sys.modules:
            return
        with gcpause.pause():
            try:
                importlib.import_module("api.engines.llm.client")
            finally:
                gc.freeze()


def in_thread(work: Callable[[], T], name: str) -> Future[T]:
    """``work()`` run in a new daemon thread; its result (or exception) in a future that
    any event loop can await (``asyncio.wrap_future``), this one or a later one."""
    future: Future[T] = Future()

    def run() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(work())
        except BaseException as exc:  # handed to whoever awaits the future
            future.set_exception(exc)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future
