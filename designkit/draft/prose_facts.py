"""Numbers read from prose, put where the template asks for them, and only into gaps.

:mod:`~designkit.draft.prose_numbers` says what a number is; this module says
which template slot it fills. What the parser read from the document's tables
and labels always wins: prose only fills a slot the parser left empty, so a
draft never contradicts the document's own structure.

- Retry rows come from sentences with an attempt count or backoff delays, only
  when the document has no retry table. Sentences of one paragraph or list that
  state each thing once make one row ("Max 6 attempts." / "Retry after 5m, 15m,
  1h."); otherwise each sentence is its own row, so two policies are never
  merged into one. A timeout joins a row only from the same paragraph or list,
  a strategy only when those sentences name exactly one (exponential, fixed,
  linear), a scenario only from a list item's own label (``**Network errors**:
  retried up to 3 times``).
- A depth alert in a sentence about dead letters (failed, rejected, parked or
  quarantined messages) is the DLQ's alert threshold; in one about a queue's
  depth, backlog or lag it is the Queue Depth metric. An error-rate alert is the
  Errors metric.
- A TTL is the deduplication window in a sentence about idempotency or
  duplicates, the DLQ retention in one about dead letters, and nothing otherwise.
- RTO and RPO fill the disaster-recovery targets.

A slot that two sentences give different values for stays empty: the document
does not say which one holds.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from designkit.draft.prose_numbers import (
    Kind,
    ProseNumber,
    read_numbers,
    talks_about_dead_letters,
    talks_about_queues,
)
from designkit.draft.sentences import Sentence, document_sentences
from designkit.model import Design, Metric, RetryPolicy, RetryStrategy
from designkit.render.markdown import number

Refs = dict[str, tuple[int, ...]]
"""Model path -> the source lines its value came from."""

_IDEMPOTENCY = re.compile(r"idempot|de-?dup|duplicate", re.IGNORECASE)
_STRATEGIES = (
    (re.compile(r"\bexponential", re.IGNORECASE), RetryStrategy.EXPONENTIAL),
    (re.compile(r"\blinear", re.IGNORECASE), RetryStrategy.LINEAR),
    (re.compile(r"\bfixed\b|\bconstant\b", re.IGNORECASE), RetryStrategy.FIXED),
)
_LABEL = re.compile(r"^(?:\*\*|__)([^*_]{2,60}?)(?:\*\*|__)\s*[:\-–—]|^([A-Z][\w /&()'-]{1,40}):\s")
_NOT_A_SCENARIO = re.compile(
    r"retr|attempt|back-?off|delay|interval|timeout|polic|strateg|config|setting|\blimits?\b",
    re.IGNORECASE,
)
_ERROR_METRIC = re.compile(r"error|fail", re.IGNORECASE)
_QUEUE_METRIC = re.compile(r"queue|lag|backlog", re.IGNORECASE)
_DEAD_LETTER_METRIC = re.compile(r"dlq|dead", re.IGNORECASE)


@dataclass(slots=True)
class _Said:
    """The numbers one sentence states."""

    sentence: Sentence
    numbers: list[ProseNumber] = field(default_factory=list)

    def of(self, kind: Kind) -> list[ProseNumber]:
        return [n for n in self.numbers if n.kind is kind]


def read_prose(text: str) -> list[tuple[Sentence, list[ProseNumber]]]:
    """Every sentence of ``text`` that states a number this draft can use."""
    out = []
    for sentence in document_sentences(text):
        numbers = read_numbers(sentence)
        if numbers:
            out.append((sentence, numbers))
    return out


def fill_from_prose(design: Design, text: str) -> Refs:
    """Put the numbers ``text`` states into the empty slots of ``design`` (changed in
    place); return where each value put in came from."""
    said = [_Said(sentence, numbers) for sentence, numbers in read_prose(text)]
    refs: Refs = {}
    if not design.error_handling.retry_policies:
        for row, lines in _retry_rows(said):
            index = len(design.error_handling.retry_policies)
            design.error_handling.retry_policies.append(row)
            for name in (
                "scenario",
                "strategy",
                "max_attempts",
                "backoff_seconds",
                "timeout_seconds",
            ):
                if getattr(row, name) not in (None, []):
                    refs[f"error_handling.retry_policies[{index}].{name}"] = lines[name]
    _fill_alerts(design, said, refs)
    _fill_durations(design, said, refs)
    return refs


# --------------------------------------------------------------------------- retry rows


def _retry_rows(said: Sequence[_Said]) -> list[tuple[RetryPolicy, dict[str, tuple[int, ...]]]]:
    blocks: dict[int, list[_Said]] = defaultdict(list)
    for item in said:
        blocks[item.sentence.block].append(item)
    rows: list[tuple[RetryPolicy, dict[str, tuple[int, ...]]]] = []
    for block in blocks.values():
        retrying = [s for s in block if s.of(Kind.ATTEMPTS) or s.of(Kind.BACKOFF)]
        if not retrying:
            continue
        timeouts = [n for s in block for n in s.of(Kind.TIMEOUT)]
        kinds = (Kind.ATTEMPTS, Kind.BACKOFF)
        if all(sum(len(s.of(kind)) for s in retrying) <= 1 for kind in kinds):
            groups = [retrying]
        else:
            groups = [[s] for s in retrying]
            timeouts = []  # which row a timeout belongs to is no longer clear
        for group in groups:
            rows.append(_retry_row(group, timeouts if len(timeouts) == 1 else []))
    unique: list[tuple[RetryPolicy, dict[str, tuple[int, ...]]]] = []
    for row in rows:
        if all(row[0] != seen[0] for seen in unique):
            unique.append(row)
    return unique


def _retry_row(
    group: Sequence[_Said], timeouts: Sequence[ProseNumber]
) -> tuple[RetryPolicy, dict[str, tuple[int, ...]]]:
    row = RetryPolicy()
    lines: dict[str, tuple[int, ...]] = {}
    attempts = [n for s in group for n in s.of(Kind.ATTEMPTS)]
    if len(attempts) == 1 and isinstance(attempts[0].value, int):
        row.max_attempts = attempts[0].value
        lines["max_attempts"] = (attempts[0].line,)
    delays = [n for s in group for n in s.of(Kind.BACKOFF)]
    if len(delays) == 1 and isinstance(delays[0].value, tuple):
        row.backoff_seconds = list(delays[0].value)
        lines["backoff_seconds"] = (delays[0].line,)
    own_timeouts = [n for s in group for n in s.of(Kind.TIMEOUT)]
    chosen = own_timeouts if len(own_timeouts) == 1 else list(timeouts)
    if len(chosen) == 1 and isinstance(chosen[0].value, float | int):
        row.timeout_seconds = float(chosen[0].value)
        lines["timeout_seconds"] = (chosen[0].line,)
    named = {
        strategy
        for s in group
        for pattern, strategy in _STRATEGIES
        if pattern.search(s.sentence.text) is not None
    }
    if len(named) == 1:
        row.strategy = named.pop()
        lines["strategy"] = tuple(s.sentence.line for s in group)
    label = _LABEL.match(group[0].sentence.text.strip())
    if label is not None:
        scenario = (label.group(1) or label.group(2) or "").strip()
        if scenario and _NOT_A_SCENARIO.search(scenario) is None:
            row.scenario = scenario
            lines["scenario"] = (group[0].sentence.line,)
    return row, lines


# --------------------------------------------------------------------------- alerts


def _one(numbers: Iterable[ProseNumber]) -> ProseNumber | None:
    """The number when every sentence that states one agrees, else ``None``."""
    found = list(numbers)
    values = {n.value for n in found}
    return found[0] if len(values) == 1 else None


def _fill_alerts(design: Design, said: Sequence[_Said], refs: Refs) -> None:
    dead_letter: list[ProseNumber] = []
    queue: list[ProseNumber] = []
    for item in said:
        for found in item.of(Kind.DEPTH_ALERT):
            if talks_about_dead_letters(item.sentence.text):
                dead_letter.append(found)
            elif talks_about_queues(item.sentence.text):
                queue.append(found)
    dlq = design.error_handling.dead_letter_queue
    chosen = _one(dead_letter)
    if dlq.alert_threshold is None and chosen is not None and isinstance(chosen.value, int):
        dlq.alert_threshold = chosen.value
        refs["error_handling.dead_letter_queue.alert_threshold"] = (chosen.line,)
    error_rate = _one(n for item in said for n in item.of(Kind.ERROR_RATE_ALERT))
    if error_rate is not None and isinstance(error_rate.value, float | int):
        _fill_metric(
            design, refs, "Errors", _ERROR_METRIC, f"> {number(error_rate.value)}%", error_rate
        )
    depth = _one(queue)
    if depth is not None and isinstance(depth.value, int):
        _fill_metric(design, refs, "Queue Depth", _QUEUE_METRIC, f"> {depth.value}", depth)


def _fill_metric(
    design: Design,
    refs: Refs,
    name: str,
    about: re.Pattern[str],
    threshold: str,
    found: ProseNumber,
) -> None:
    """Fill the threshold of the metric about this, or add the template's row for it."""
    metrics = design.observability.metrics
    for index, metric in enumerate(metrics):
        words = f"{metric.name or ''} {metric.description or ''}"
        if about.search(words) is None or _DEAD_LETTER_METRIC.search(metric.name or ""):
            continue
        if metric.alert_threshold is None:
            metric.alert_threshold = threshold
            refs[f"observability.metrics[{index}].alert_threshold"] = (found.line,)
        return
    refs[f"observability.metrics[{len(metrics)}].name"] = (found.line,)
    refs[f"observability.metrics[{len(metrics)}].alert_threshold"] = (found.line,)
    metrics.append(Metric(name=name, alert_threshold=threshold))


# --------------------------------------------------------------------------- durations


def _fill_durations(design: Design, said: Sequence[_Said], refs: Refs) -> None:
    recovery = design.reliability.disaster_recovery
    for kind, attribute in ((Kind.RTO, "rto_seconds"), (Kind.RPO, "rpo_seconds")):
        found = _one(n for item in said for n in item.of(kind))
        if getattr(recovery, attribute) is None and found is not None:
            setattr(recovery, attribute, float(_seconds(found)))
            refs[f"reliability.disaster_recovery.{attribute}"] = (found.line,)
    dedup: list[ProseNumber] = []
    retention: list[ProseNumber] = []
    for item in said:
        for found in item.of(Kind.TTL):
            if _IDEMPOTENCY.search(item.sentence.text):
                dedup.append(found)
            elif talks_about_dead_letters(item.sentence.text):
                retention.append(found)
    idempotency = design.reliability.idempotency
    window = _one(dedup)
    if idempotency.dedup_window_seconds is None and window is not None:
        idempotency.dedup_window_seconds = _seconds(window)
        refs["reliability.idempotency.dedup_window_seconds"] = (window.line,)
    kept = _one(retention)
    dlq = design.error_handling.dead_letter_queue
    if dlq.retention_days is None and kept is not None:
        dlq.retention_days = round(_seconds(kept) / 86400.0, 6)
        refs["error_handling.dead_letter_queue.retention_days"] = (kept.line,)


def _seconds(found: ProseNumber) -> float:
    value = found.value
    if isinstance(value, tuple):
        raise TypeError(f"{found.kind} holds delays, not one duration")
    return float(value)
