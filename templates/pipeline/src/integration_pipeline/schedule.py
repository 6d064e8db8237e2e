"""The schedule trigger: when to run, read from the design's words, and a loop that runs.

A schedule is data from the document (``trigger.schedule``), read into one of two
shapes and nothing else:

* a cron expression, five fields (``0 1 * * *``), evaluated by croniter in
  ``trigger.timezone``; "nightly at 02:00", "daily at 6:30" and "at 02:00" are read as
  the cron ``0 2 * * *`` / ``30 6 * * *``;
* an interval: "every 15 minutes", "every 2 hours", "every minute", "hourly",
  "15-minute", "every 30 seconds".

Anything else is a configuration error at start-up, naming the setting.

The loop's clock and wait are injectable, so tests run a day of schedule in no time.
Slots missed because a run took longer than the interval are skipped (and logged), not
run back to back.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_UNITS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}
_INTERVAL = re.compile(
    r"^(?:every\s+)?(?:(?P<n>\d+(?:\.\d+)?)\s*-?\s*)?(?P<unit>sec(?:ond)?|min(?:ute)?|hour|hr|day)s?$"
)
_AT = re.compile(
    r"^(?:(?:nightly|daily|every\s+day|each\s+day)\s+)?at\s+(?P<h>\d{1,2}):(?P<m>\d{2})$"
)
_CRON_FIELD = r"[\d*/,\-A-Za-z?]+"
_CRON = re.compile(rf"^{_CRON_FIELD}(?:\s+{_CRON_FIELD}){{4}}$")


@dataclass(frozen=True)
class Schedule:
    text: str
    interval_seconds: float | None = None
    cron: str | None = None
    timezone: str = "UTC"

    def next_after(self, moment: float) -> float:
        """The first run time (epoch seconds) strictly after ``moment``."""
        if self.interval_seconds is not None:
            return moment + self.interval_seconds
        from croniter import croniter

        start = datetime.fromtimestamp(moment, zone(self.timezone))
        return float(croniter(self.cron, start).get_next(float))


def zone(name: str) -> tzinfo:
    """UTC without the tz database (slim images may lack it); other names through zoneinfo."""
    if name.upper() in ("UTC", "Z", "GMT"):
        return UTC
    return ZoneInfo(name)


def _clean(text: str) -> str:
    words = text.replace("`", " ").strip()
    words = re.sub(r"^(?:cron|schedule)\s*:?\s*", "", words, flags=re.I).strip()
    return re.sub(r"\s*\(?\butc\b\)?\s*$", "", words, flags=re.I).strip()


def parse_schedule(text: str, timezone: str = "UTC") -> Schedule:
    """Read a schedule; ValueError says what is accepted."""
    try:
        zone(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {timezone!r}") from None
    words = _clean(text)
    lowered = " ".join(words.lower().split())
    if lowered == "hourly":
        return Schedule(text, interval_seconds=3600, timezone=timezone)
    match = _INTERVAL.match(lowered)
    if match and (match["n"] or lowered.startswith("every")):
        unit = {"sec": "second", "min": "minute", "hr": "hour"}.get(match["unit"], match["unit"])
        seconds = float(match["n"] or 1) * _UNITS[unit.rstrip("s")]
        if seconds <= 0:
            raise ValueError(f"schedule {text!r}: the interval must be positive")
        return Schedule(text, interval_seconds=seconds, timezone=timezone)
    match = _AT.match(lowered)
    if match:
        hour, minute = int(match["h"]), int(match["m"])
        if hour > 23 or minute > 59:
            raise ValueError(f"schedule {text!r}: no such time of day")
        return Schedule(text, cron=f"{minute} {hour} * * *", timezone=timezone)
    if _CRON.match(words):
        from croniter import croniter

        if croniter.is_valid(words):
            return Schedule(text, cron=words, timezone=timezone)
    raise ValueError(
        f"cannot read {text!r} as a schedule: write a cron expression ('0 1 * * *'), "
        "'every 15 minutes' or 'daily at 02:00'"
    )


class Scheduler:
    """Calls ``job`` at each slot of ``schedule`` until ``stop`` is set (or ``max_runs``).

    ``wait(seconds)`` sleeps and returns True when the scheduler should stop; by default
    it waits on the stop event, so stopping is immediate.
    """

    def __init__(
        self,
        schedule: Schedule,
        job: Callable[[], Any],
        *,
        clock: Callable[[], float] = time.time,
        wait: Callable[[float], bool] | None = None,
        on_skip: Callable[[int], None] | None = None,
    ) -> None:
        self.schedule = schedule
        self.job = job
        self.clock = clock
        self.stop = threading.Event()
        self.wait = wait or self.stop.wait
        self.on_skip = on_skip
        self.runs: list[float] = []  # the slot times run, for logs and tests

    def run(self, max_runs: int | None = None) -> None:
        slot = self.schedule.next_after(self.clock())
        while max_runs is None or len(self.runs) < max_runs:
            delay = slot - self.clock()
            if (delay > 0 and self.wait(delay)) or self.stop.is_set():
                return
            self.runs.append(slot)
            self.job()
            now, skipped = self.clock(), 0
            slot = self.schedule.next_after(slot)
            while slot <= now:  # the run outlasted its slot(s): skip them, don't pile up
                skipped += 1
                slot = self.schedule.next_after(slot)
            if skipped and self.on_skip is not None:
                self.on_skip(skipped)
