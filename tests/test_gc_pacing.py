"""The garbage collector's thresholds while files are written, and put back after."""

import gc

import pytest

from scheduler.gc_pacing import WRITING_THRESHOLDS, rare_collections


def test_the_thresholds_are_set_inside_and_put_back_after():
    before = gc.get_threshold()
    with rare_collections():
        assert gc.get_threshold() == WRITING_THRESHOLDS
    assert gc.get_threshold() == before


def test_overlapping_blocks_put_back_the_first_thresholds_when_the_last_ends():
    before = gc.get_threshold()
    outer, inner = rare_collections(), rare_collections()
    outer.__enter__()
    inner.__enter__()
    outer.__exit__(None, None, None)  # the first block ends while the other still writes
    assert gc.get_threshold() == WRITING_THRESHOLDS
    inner.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_an_error_inside_puts_the_thresholds_back():
    before = gc.get_threshold()
    with pytest.raises(RuntimeError), rare_collections():
        raise RuntimeError("an exporter failed")
    assert gc.get_threshold() == before
