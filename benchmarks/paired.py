"""Paired CPU-time measurement: the harness every benchmark here shares.

Wall clock on a shared 2-core machine swings with whatever else runs, so the
benchmarks count CPU time (user + system) instead: ``time.process_time`` for
work done in this process, ``getrusage(RUSAGE_CHILDREN)`` for a command run as
a child. The measured side and its baseline run in alternating pairs (the order
flipping every pair), so drift in machine load hits both alike, and the result
is the median of the per-pair ratios with its spread, never one lucky run.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Pairs:
    """CPU seconds of each run of the measured side and of its baseline."""

    measured: list[float]
    baseline: list[float]

    @property
    def ratios(self) -> list[float]:
        return [m / b for m, b in zip(self.measured, self.baseline, strict=True) if b > 0]

    def summary(self) -> dict[str, float]:
        """Medians and the spread (min, max) of the per-pair ratio."""
        ratios = self.ratios
        return {
            "measured_median_s": statistics.median(self.measured),
            "baseline_median_s": statistics.median(self.baseline),
            "ratio_median": statistics.median(ratios),
            "ratio_min": min(ratios),
            "ratio_max": max(ratios),
            "pairs": len(ratios),
        }


def child_cpu_seconds(command: Sequence[str], **options: object) -> float:
    """Run ``command`` to completion; its user + system CPU seconds (and its children's)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(
        list(command),
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        **options,  # type: ignore[call-overload]
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def process_cpu_seconds(work: Callable[[], object]) -> float:
    """CPU seconds this process spends in ``work()``."""
    start = time.process_time()
    work()
    return time.process_time() - start


def alternate(
    measured: Callable[[], float], baseline: Callable[[], float], pairs: int, warmup: int = 1
) -> Pairs:
    """Run both sides ``pairs`` times, alternating which goes first; each returns CPU s."""
    for _ in range(warmup):
        measured()
        baseline()
    result = Pairs([], [])
    for index in range(pairs):
        if index % 2:
            result.baseline.append(baseline())
            result.measured.append(measured())
        else:
            result.measured.append(measured())
            result.baseline.append(baseline())
    return result


def describe(summary: dict[str, float]) -> str:
    """``2.31x (min 2.10, max 2.60; 21 pairs)``"""
    return (
        f"{summary['ratio_median']:.2f}x (min {summary['ratio_min']:.2f}, "
        f"max {summary['ratio_max']:.2f}; {int(summary['pairs'])} pairs)"
    )
