"""What the commands print for people and scripts: the run verdict and the DLQ listing.

Kept apart from cli.py so the rules (when a finished run still failed, what a listing
shows and hides) are plain functions that tests call without starting a process.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import Any

from .config import RunPolicy
from .dlq import DeadLetter
from .logs import Redactor

COLUMNS = (
    ("id", "ID"),
    ("status", "STATUS"),
    ("stage", "STAGE"),
    ("error_class", "ERROR CLASS"),
    ("attempts", "ATTEMPTS"),
    ("correlation_id", "CORRELATION ID"),
    ("error_message", "MESSAGE"),
)
"""The listing's columns, in order; the envelope's payload is left to ``dlq show``."""


def run_failure(read: int, loaded: int, dead_lettered: int, policy: RunPolicy) -> str | None:
    """Why a run that finished still failed (exit 1), or None when it succeeded.

    Nothing loaded while records went to the DLQ means the target saw none of the work;
    a ratio above ``max_dead_letter_ratio`` fails a partial run when the user asks for it.
    A run of duplicates only (loaded 0, dead-lettered 0) is a success: the work was done.
    """
    summary = f"{loaded} of {read} records loaded, {dead_lettered} dead-lettered"
    if policy.fail_when_nothing_loaded and loaded == 0 and dead_lettered > 0:
        return f"{summary} (run.fail_when_nothing_loaded); see `dlq list`"
    limit = policy.max_dead_letter_ratio
    if limit is not None and read and dead_lettered / read > limit:
        return (
            f"{summary}: {dead_lettered / read:.0%} is above run.max_dead_letter_ratio "
            f"{limit:g}; see `dlq list`"
        )
    return None


def dlq_rows(entries: Iterable[DeadLetter], redact: Iterable[str]) -> list[dict[str, Any]]:
    """One dict per entry with the listing's columns, masked as the logs are (a key that
    looks secret, or a field the design marks sensitive, never shows its value)."""
    redactor = Redactor(redact)
    rows = []
    for entry in entries:
        row = {key: getattr(entry, key) for key, _ in COLUMNS}
        row["error_message"] = " ".join(str(row["error_message"]).split())  # one line
        rows.append(redactor.clean(row))
    return rows


def dlq_json(rows: Sequence[dict[str, Any]]) -> str:
    """A JSON array, ``[]`` when the queue is empty: scripts never parse prose."""
    return json.dumps(list(rows), default=str)


def dlq_table(rows: Sequence[dict[str, Any]], status: str) -> str:
    """A header and aligned columns; a sentence when there is nothing to list."""
    if not rows:
        which = "" if status == "all" else f" {status}"
        return f"no{which} dead letters: the queue is empty"
    cells = [[title for _, title in COLUMNS]]
    cells += [[str(row[key]) for key, _ in COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS) - 1)]
    lines = []
    for line in cells:  # the message, last, is not padded: it can be long
        padded = [cell.ljust(width) for cell, width in zip(line, widths, strict=False)]
        lines.append("  ".join([*padded, line[-1]]).rstrip())
    return "\n".join(lines)
