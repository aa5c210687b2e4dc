"""Bulk work collects garbage less often, and puts the collector back as it found it; start-up
holds the collector until what it loaded is set aside."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from casework.runtime import BULK_THRESHOLDS, bulk_work

ROOT = Path(__file__).resolve().parents[2]


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


def test_start_up_holds_the_collector_until_started() -> None:
    """In a process of its own: this one's collector and heap are left as they are."""
    probe = (
        "import gc\n"
        "from casework.runtime import started, starting\n"
        "started()\n"  # never starting: nothing changes
        "print(gc.isenabled(), gc.get_freeze_count())\n"
        "starting()\n"
        "print(gc.isenabled())\n"
        "started()\n"
        "print(gc.isenabled(), gc.get_freeze_count() > 0)\n"
        "gc.unfreeze()\n"
        "started()\n"  # once only
        "print(gc.get_freeze_count())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert done.stdout.split("\n")[:4] == ["True 0", "False", "True True", "0"]
