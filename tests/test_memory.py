"""The cyclic collector paused where objects are made in their millions (cubakg.memory)."""

from __future__ import annotations

import gc

import pytest

from cubakg.memory import collector_paused

MADE = 50_000


@pytest.fixture
def collector_running():
    was_enabled = gc.isenabled()
    gc.enable()
    gc.collect()
    try:
        yield
    finally:
        gc.unfreeze()
        if not was_enabled:
            gc.disable()


@pytest.mark.parametrize("keep, frozen", [(False, False), (True, True)], ids=["not kept", "kept"])
def test_what_a_paused_block_keeps_is_out_of_the_collectors_sight_only_if_asked(collector_running, keep, frozen):
    before = gc.get_freeze_count()
    with collector_paused(keep=keep):
        assert not gc.isenabled()
        made = [[number] for number in range(MADE)]  # lists are tracked by the collector
    assert gc.isenabled(), "the collector was running before the block: it runs again after it"
    # Kept, the lists are frozen before the collector resumes, so its first sweep does not go over them.
    assert (gc.get_freeze_count() - before >= MADE) is frozen
    del made


def test_the_collector_stays_paused_after_a_block_if_it_was_paused_before(collector_running):
    gc.disable()
    with collector_paused(keep=True):
        pass
    assert not gc.isenabled()
