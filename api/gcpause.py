"""The cyclic garbage collector, paused while a comparison's CPU-bound steps run.

Those steps build a few million objects that live until the comparison ends (claims,
candidate pairs, decisions, clusters). CPython's cyclic collector makes a full pass
whenever the objects that survived have grown by a quarter, and each full pass walks
every object in the process: at 300 articles that was a fifth of the offline
comparison's time, and it found no garbage (reference counting frees what these steps
drop; they build no cycles).

The collector is off while any such step runs, in any thread (there is one per
process), and back on when the last one ends; a collector that was off stays off.
Cycles made meanwhile elsewhere in the process are collected later, not lost.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import threading
from collections.abc import Callable, Iterator
from typing import ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")


class _Pause:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.active = 0  # steps running now, in every thread
        self.resume = False  # whether to turn the collector back on after them

    def enter(self) -> None:
        with self.lock:
            if not self.active:
                self.resume = gc.isenabled()
                gc.disable()
            self.active += 1

    def exit(self) -> None:
        with self.lock:
            self.active -= 1
            if not self.active and self.resume:
                gc.enable()


_pause = _Pause()


@contextlib.contextmanager
def pause() -> Iterator[None]:
    """The cyclic collector paused for the ``with`` block."""
    _pause.enter()
    try:
        yield
    finally:
        _pause.exit()


def paused(fn: Callable[P, R]) -> Callable[P, R]:
    """``fn``, run with the cyclic collector paused."""

    @functools.wraps(fn)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with pause():
            return fn(*args, **kwargs)

    return run
