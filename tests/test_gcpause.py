"""The cycle collector's pause: counted across overlapping analyses, never left off."""

from __future__ import annotations

import gc

import pytest
from compgraph.engine import gcpause


@pytest.fixture(autouse=True)
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_nested_pauses_turn_the_collector_back_on_at_the_last_exit():
    with gcpause.collector_paused():
        assert not gc.isenabled()
        with gcpause.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the outer analysis is still running
    assert gc.isenabled()


def test_a_collector_that_was_off_stays_off():
    gc.disable()
    with gcpause.collector_paused():
        pass
    assert not gc.isenabled()


def test_a_pause_that_never_ends_still_collects(monkeypatch):
    collected = []
    monkeypatch.setattr(gcpause.gc, "collect", lambda: collected.append(1))
    monkeypatch.setattr(gcpause, "MAX_PAUSE_SECONDS", 0.0)
    with gcpause.collector_paused():  # one analysis keeps running ...
        with gcpause.collector_paused():  # ... while another finishes
            pass
        assert collected == [1]
    assert gc.isenabled()
