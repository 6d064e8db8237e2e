"""OPS-02 (no alerting on errors) and OPS-04 (failed messages vanish) from a design.

Each is raised only where the document has a section that would say otherwise
(an absent section is no evidence), and each accepts every place the template
gives for the answer: a metric, the dead letter queue, the Error Flow, the log
levels. Both directions are tested: what raises the code, and what must not.
"""

from __future__ import annotations

import pytest

from designkit.parse import parse_design
from designkit.rubric import load_rubric, score_design
from designkit.rubric.scorecard import CriterionResult, Scorecard

ALERTED = "OPS-ERRORS-ALERTED"
KEPT = "OPS-FAILURES-KEPT-OR-LOGGED"

ERROR_FLOW = """## Flow Design

### Error Flow

1. **Validation Error**: Skip the record and continue the batch
"""

RETRIES = """## Error Handling Strategy

### Retry Logic

| Scenario | Strategy | Max Attempts | Backoff | Timeout |
|---|---|---|---|---|
| Server error (5xx) | Exponential | 3 | 2s, 4s, 8s | 60s |
"""

LOGGING = """## Monitoring & Observability

### Logging Strategy

| Level | What to Log | Example |
|---|---|---|
| INFO | Business events | "Processed 150 records" |
"""

METRICS = """### Metrics (RED Method)

| Metric | Description | Alert Threshold |
|---|---|---|
| Rate | Messages processed/minute | < 1 for 10 minutes |
| Errors | Error rate percentage | N/A |
"""


def design(*parts: str) -> str:
    return "# Integration Design: Orders\n\n" + "\n".join(parts)


BASE = design(ERROR_FLOW, RETRIES, LOGGING, METRICS)
"""Failures are skipped, logged at INFO only, never dead-lettered, and alert nobody."""


def card_of(text: str) -> Scorecard:
    return score_design(parse_design(text, "orders.md"), load_rubric())


def result(card: Scorecard, criterion: str) -> CriterionResult:
    return next(r for d in card.dimensions for r in d.criteria if r.id == criterion)


def status(text: str, criterion: str) -> str:
    return result(card_of(text), criterion).status.value


def test_a_design_whose_failures_vanish_unalerted_gets_both_codes_critical() -> None:
    card = card_of(BASE)
    findings = {f.criterion: f for f in card.findings}
    assert (findings[KEPT].red_flag, findings[KEPT].severity, findings[KEPT].status) == (
        "OPS-04",
        "critical",
        "fail",
    )
    assert (findings[ALERTED].red_flag, findings[ALERTED].severity) == ("OPS-02", "critical")
    assert findings[KEPT].message.startswith("Nothing says where a failed message goes")
    assert findings[ALERTED].message.startswith("No alert fires on errors")
    assert card.overall.verdict.value == "revisions_required"


@pytest.mark.parametrize(
    "change",
    [
        (
            '| INFO | Business events | "Processed 150 records" |',
            '| INFO | Business events | "Processed 150 records" |\n'
            '| ERROR | Failures requiring attention | "Order 7 rejected" |',
        ),
        ("Skip the record and continue the batch", "Log the record and continue the batch"),
        ("Skip the record and continue the batch", "Route to the DLQ"),
        ("Skip the record and continue the batch", "Write it to the error table"),
    ],
    ids=["error-log-level", "error-flow-logs", "error-flow-dlq", "error-table"],
)
def test_a_failure_that_is_logged_or_kept_is_not_ops04(change: tuple[str, str]) -> None:
    old, new = change
    assert old in BASE
    assert status(BASE.replace(old, new), KEPT) == "pass"


def test_a_dead_letter_queue_is_not_ops04() -> None:
    dlq = "### Dead Letter Queue\n\n- **When to DLQ**: After 3 failed attempts\n"
    assert status(design(ERROR_FLOW, RETRIES, dlq, LOGGING, METRICS), KEPT) == "pass"


@pytest.mark.parametrize(
    "handling",
    ["Update the catalog and skip the record", "Skip it; the blog post explains why"],
)
def test_words_that_only_contain_log_do_not_count(handling: str) -> None:
    text = BASE.replace("Skip the record and continue the batch", handling)
    assert status(text, KEPT) == "fail"


def test_a_log_level_row_without_what_to_log_does_not_count() -> None:
    text = BASE.replace(
        '| INFO | Business events | "Processed 150 records" |',
        '| INFO | Business events | "Processed 150 records" |\n| ERROR | | |',
    )
    assert status(text, KEPT) == "fail"


@pytest.mark.parametrize(
    "threshold",
    ["> 2% for 5 minutes", "> 50 per hour", "any failure"],
)
def test_an_error_metric_with_a_threshold_is_alerting(threshold: str) -> None:
    """A count-based alert is still an alert: OPS-ERROR-RATE-ALERT asks for a percentage,
    OPS-02 only for an alert (the reason that criterion does not carry the code)."""
    text = BASE.replace(
        "| Errors | Error rate percentage | N/A |",
        f"| Errors | Error rate percentage | {threshold} |",
    )
    assert status(text, ALERTED) == "pass"
    if "%" not in threshold:
        assert status(text, "OPS-ERROR-RATE-ALERT") != "pass"


@pytest.mark.parametrize(
    "row",
    [
        "| Errors | Error rate percentage | > [X]% for [Y] minutes |",  # the template's slot
        "| Errors | Error rate percentage | TBD |",
        "| Errors | Error rate percentage | |",
    ],
)
def test_an_error_metric_without_a_real_threshold_is_not_alerting(row: str) -> None:
    text = BASE.replace("| Errors | Error rate percentage | N/A |", row)
    assert status(text, ALERTED) == "fail"


def test_a_threshold_on_a_metric_that_is_not_about_errors_is_not_error_alerting() -> None:
    assert "| Rate | Messages processed/minute | < 1 for 10 minutes |" in BASE
    assert status(BASE, ALERTED) == "fail"


def test_a_dlq_depth_metric_with_a_threshold_is_alerting() -> None:
    text = BASE.replace(
        "| Errors | Error rate percentage | N/A |", "| DLQ Depth | Failed messages | > 0 |"
    )
    assert status(text, ALERTED) == "pass"


@pytest.mark.parametrize(
    ("monitoring", "expected"),
    [
        ("Alert on DLQ depth > 25", "pass"),
        ("Pages the on-call engineer when a message lands", "pass"),
        ("Shown on the operations dashboard", "fail"),
    ],
)
def test_the_dlq_monitoring_line_alerts_or_not(monitoring: str, expected: str) -> None:
    dlq = f"### Dead Letter Queue\n\n- **Monitoring**: {monitoring}\n"
    assert status(design(ERROR_FLOW, RETRIES, dlq, LOGGING, METRICS), ALERTED) == expected


def test_an_error_flow_step_that_alerts_is_alerting() -> None:
    text = BASE.replace(
        "Skip the record and continue the batch", "Skip the record and notify the data steward"
    )
    assert status(text, ALERTED) == "pass"


def test_a_design_without_the_sections_that_would_say_it_is_not_flagged() -> None:
    """A retry table alone says nothing about where failures end up or who hears of
    them: no evidence of either problem, so neither code is raised."""
    card = card_of(design(RETRIES))
    assert result(card, KEPT).status.value == "not_applicable"
    assert result(card, ALERTED).status.value == "not_applicable"
    assert {f.red_flag for f in card.findings} >= {"OPS-01"}  # no metrics: OPS-01 still
    assert not {"OPS-02", "OPS-04"} & {f.red_flag for f in card.findings}


def test_the_template_itself_passes_both_on_its_example_rows() -> None:
    """Its DLQ Depth row (``> 0``) and ERROR log level are examples that count at
    levels 1-2, as every template value does."""
    from tests.conftest import SHARED, require_shared

    text = require_shared(SHARED / "reference" / "integration-design-template.md").read_text(
        encoding="utf-8"
    )
    card = card_of(text)
    assert result(card, KEPT).status.value == "pass"
    assert result(card, ALERTED).status.value == "pass"
