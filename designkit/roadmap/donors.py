"""Where a roadmap's concrete changes come from: values that already pass in real designs.

A criterion's check reads a few model paths. To satisfy it in a design, the
planner tries values that satisfy it elsewhere: the sample designs shipped
with designkit (``samples/``, written to the template by people and reviewed),
the design's own pattern first. Candidates, smallest first:

1. append one row of a donor's list to the design's list (keeps the design's rows);
2. set one path to the donor's value;
3. set every path the check reads to the donor's values.

A few level-4/5 criteria pass in no sample; :data:`SUPPLEMENTS` gives them a
value, in the rubric's own remediation words. The planner accepts a candidate
only when re-scoring shows it works (see :mod:`designkit.roadmap.plan`), so a
donor value is never promised on faith.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from designkit.resources import data_dir
from designkit.roadmap.changes import Edit, get_path

ROWS_PER_DONOR = 8
"""Donor list rows tried one by one before replacing a whole list."""

SUPPLEMENTS: Mapping[str, tuple[Edit, ...]] = {
    "BIZ-EXTRA-KPIS": (
        Edit(
            op="append",
            path="success_criteria.other",
            value={
                "metric": "Records in the target before the business cut-off",
                "target": "99.5%",
            },
        ),
    ),
    "OPS-RUNBOOK": (
        Edit(
            op="append",
            path="extra_sections",
            value={
                "title": "Runbook",
                "text": "- **Error rate above target**: check the last deployment, inspect "
                "three failed records, replay the last hour once the cause is fixed",
            },
        ),
    ),
}
"""Changes for criteria that pass in no shipped sample, keyed by criterion id (built-in
rubric only; another rubric's criteria are tried against the samples alone)."""


_ERROR_METRIC = re.compile(r"error|fail", re.IGNORECASE)


def _error_alert_at_target(model: dict[str, Any]) -> tuple[Edit, ...] | None:
    """The design's own error-rate metric alerting at its own error-rate target.

    No sample's alert is stricter than its own target, so no donor value can serve;
    the target is the design's decision and is never loosened to fit the alert.
    """
    target = get_path(model, "success_criteria.error_rate_percent")
    metrics = get_path(model, "observability.metrics")
    if not isinstance(target, int | float) or not isinstance(metrics, list):
        return None
    shown = f"{target:g}"
    rows = [dict(row) for row in metrics if isinstance(row, dict)]
    hits = [
        row for row in rows if _ERROR_METRIC.search(f"{row.get('name')} {row.get('description')}")
    ]
    if not hits:
        return None
    hits[0]["alert_threshold"] = f"> {shown}% for 5 minutes"
    return (Edit(op="set", path="observability.metrics", value=rows),)


DERIVED: Mapping[str, Callable[[dict[str, Any]], tuple[Edit, ...] | None]] = {
    "OPS-ERROR-ALERT-STRICTER-THAN-TARGET": _error_alert_at_target,
}
"""Changes computed from the design's own values, for criteria that relate two of them."""


@lru_cache(maxsize=1)
def donor_models() -> tuple[tuple[str, dict[str, Any]], ...]:
    """(name, model dump) of every shipped sample design, in file-name order."""
    from designkit.parse import parse_file

    folder = data_dir("samples")
    if not folder.is_dir():
        return ()
    found: list[tuple[str, dict[str, Any]]] = []
    for path in sorted(Path(folder).glob("*.md")):
        parsed = parse_file(str(path))
        found.append((path.name, parsed.design.model_dump(mode="json")))
    return tuple(found)


def _collect(check: Any, inside_list: bool, into: dict[str, None]) -> None:
    if isinstance(check, Mapping):
        for key, value in check.items():
            if key == "to":
                continue  # the reference a value is compared with: a target, never the fix
            if key == "path" and isinstance(value, str):
                if value.startswith("/") or not inside_list:
                    into.setdefault(editable(value), None)
            elif key == "where":
                _collect(value, True, into)
            else:
                _collect(value, inside_list, into)
    elif isinstance(check, list):
        for value in check:
            _collect(value, inside_list, into)


def editable(path: str) -> str:
    """The model path a check path can be changed at: no filter, no list step, no ``/``."""
    plain = path.lstrip("/").split("|", 1)[0]
    return plain.split("[", 1)[0]


def check_paths(check: Mapping[str, Any]) -> list[str]:
    """The model paths (sections, values or whole lists) a check reads, in order."""
    found: dict[str, None] = {}
    _collect(check, False, found)
    return list(found)


def _pattern_first(
    donors: Sequence[tuple[str, dict[str, Any]]], pattern: Any
) -> list[tuple[str, dict[str, Any]]]:
    return sorted(donors, key=lambda item: get_path(item[1], "architecture.pattern") != pattern)


def candidates(
    criterion_id: str, check: Mapping[str, Any], model: dict[str, Any]
) -> Iterator[tuple[str, tuple[Edit, ...]]]:
    """(where the values come from, the edits) of each candidate change."""
    # Changes that might satisfy ``check`` in ``model``, smallest first (module docstring).
    supplement = SUPPLEMENTS.get(criterion_id)
    derive = DERIVED.get(criterion_id)
    derived = derive(model) if derive is not None else None
    if derived:
        yield "the design's own values", derived
    paths = check_paths(check)
    donors = _pattern_first(donor_models(), get_path(model, "architecture.pattern"))
    seen: set[str] = set()

    def fresh(edits: tuple[Edit, ...]) -> bool:
        key = repr([(e.op, e.path, e.value) for e in edits])
        if key in seen:
            return False
        seen.add(key)
        return True

    for name, donor in donors:
        for path in paths:
            mine, theirs = get_path(model, path), get_path(donor, path)
            if isinstance(theirs, list) and isinstance(mine, list | None):
                for row in theirs[:ROWS_PER_DONOR]:
                    if row not in (mine or []):
                        edits: tuple[Edit, ...] = (Edit(op="append", path=path, value=row),)
                        if fresh(edits):
                            yield f"samples/{name}", edits
    for name, donor in donors:
        for path in paths:
            theirs = get_path(donor, path)
            if theirs not in (None, [], {}, "") and theirs != get_path(model, path):
                edits = (Edit(op="set", path=path, value=theirs),)
                if fresh(edits):
                    yield f"samples/{name}", edits
        if len(paths) > 1:
            edits = tuple(
                Edit(op="set", path=path, value=get_path(donor, path))
                for path in paths
                if get_path(donor, path) not in (None, [], {}, "")
            )
            if edits and fresh(edits):
                yield f"samples/{name}", edits
    if supplement is not None and fresh(supplement):
        yield "designkit's example for this criterion", supplement
