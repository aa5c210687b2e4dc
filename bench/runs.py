"""Interleaved runs and how they are reported, shared by the benchmarks (issue 18 point 6).

A benchmark compares casework with a baseline measured in the same run. On a shared machine
another process can take the CPU for a while: run back to back, one side would pay for it
alone. So the sides take turns (A B A B ...), each turn is timed on its own, and a figure is
reported as its median with its spread (the lowest and highest turn), never as the best turn
alone, so that a reader sees how steady the machine was while it ran.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Timed:
    """The turns of one side: wall and CPU seconds (user + system) of each."""

    walls: tuple[float, ...]
    cpus: tuple[float, ...]

    @property
    def wall(self) -> float:
        return statistics.median(self.walls)

    @property
    def cpu(self) -> float:
        return statistics.median(self.cpus)

    def spread(self) -> str:
        """``median [low..high]`` of the wall times, in milliseconds."""
        low, high = min(self.walls) * 1000, max(self.walls) * 1000
        return f"{self.wall * 1000:,.1f} ms [{low:,.1f}..{high:,.1f}]"


def cpu_now() -> float:
    """CPU seconds (user + system) this process and its finished children have used."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def interleaved(sides: Mapping[str, Callable[[], object]], turns: int) -> dict[str, Timed]:
    """Each side run ``turns`` times, the sides taking turns; a first untimed turn of each
    warms caches and bytecode."""
    for run in sides.values():
        run()
    walls: dict[str, list[float]] = {name: [] for name in sides}
    cpus: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(max(turns, 1)):
        for name, run in sides.items():
            cpu, start = cpu_now(), time.perf_counter()
            run()
            walls[name].append(time.perf_counter() - start)
            cpus[name].append(cpu_now() - cpu)
    return {name: Timed(tuple(walls[name]), tuple(cpus[name])) for name in sides}


def ratio(ours: Timed, base: Timed, cpu: bool = False) -> str:
    """How casework's side compares with the baseline's, as a throughput ratio (baseline time
    over ours: 1.0 is as fast, 0.5 half as fast), median and the range over turn pairs."""
    pairs: Sequence[tuple[float, float]] = list(
        zip(base.cpus if cpu else base.walls, ours.cpus if cpu else ours.walls, strict=True)
    )
    each = [b / o for b, o in pairs if o > 0]
    if not each:
        return "n/a"
    return f"{statistics.median(each):.2f} [{min(each):.2f}..{max(each):.2f}]"
