"""Bulk work collects garbage less often, and puts the collector back as it found it."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from casework.runtime import BULK_THRESHOLDS, bulk_work


@pytest.fixture(autouse=True)
def default_thresholds() -> Iterator[None]:
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def test_inside_bulk_work_the_collector_runs_less_often() -> None:
    with bulk_work():
        assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.isenabled()  # slowed, not switched off: cycles made inside are still freed
    assert gc.get_threshold() == (700, 10, 10)


def test_thresholds_come_back_after_an_error() -> None:
    with pytest.raises(RuntimeError), bulk_work():
        raise RuntimeError("refused")
    assert gc.get_threshold() == (700, 10, 10)


def test_nested_bulk_work_keeps_the_outer_settings() -> None:
    with bulk_work():
        with bulk_work():
            assert gc.get_threshold() == BULK_THRESHOLDS
        assert gc.get_threshold() == BULK_THRESHOLDS
    assert gc.get_threshold() == (700, 10, 10)


def test_a_process_tuned_slower_still_is_left_alone() -> None:
    gc.set_threshold(100_000, 50, 50)
    with bulk_work():
        assert gc.get_threshold() == (100_000, 50, 50)
    assert gc.get_threshold() == (100_000, 50, 50)
