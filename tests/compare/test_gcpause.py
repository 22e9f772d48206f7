"""The collector pause: off while any paused call runs, restored after the last."""

from __future__ import annotations

import gc
import threading

import pytest

from api import gcpause


def test_paused_turns_the_collector_off_and_back_on() -> None:
    seen: list[bool] = []
    assert gc.isenabled()
    gcpause.paused(lambda: seen.append(gc.isenabled()))()
    assert seen == [False]
    assert gc.isenabled()


def test_nested_and_concurrent_pauses_end_with_the_last_one() -> None:
    inside = threading.Event()
    release = threading.Event()

    def hold() -> None:
        inside.set()
        release.wait(10)

    worker = threading.Thread(target=gcpause.paused(hold))
    worker.start()
    assert inside.wait(10)
    gcpause.paused(lambda: None)()  # ends while the worker's pause still runs
    assert not gc.isenabled()
    release.set()
    worker.join(10)
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off() -> None:
    gc.disable()
    try:
        gcpause.paused(lambda: None)()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_exception_still_ends_the_pause() -> None:
    def fail() -> None:
        raise ValueError("boom")

    with pytest.raises(ValueError):
        gcpause.paused(fail)()
    assert gc.isenabled()
