"""Findings a reviewer can read aloud: every criterion's message, fix and example, on every
design we have, is a plain sentence about that design.

For each design (the five samples, the blank template and the real-world designs in
``../shared/real-world/``) and each criterion, :func:`designkit.rubric.preview.preview`
gives the finding's real message when the criterion fails there, and the message a
failure of each value it reads *would* give, worded from the same
:func:`designkit.rubric.wording.compose` as real findings. Each text is rejected when it
shows the engine (a regex, a model path, float noise, raw seconds) or names a system of
another design (``tests/data/system-names.txt``).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from designkit import parse_file
from designkit.resources import template_path
from designkit.rubric import RubricError, load_rubric, score_design
from designkit.rubric.preview import preview
from designkit.rubric.scorecard import Scorecard, Status
from designkit.rubric.vocabulary import LABELS
from designkit.rubric.wording import compose, days, duration, fill, show
from tests.conftest import REAL_WORLD, ROOT, require_shared, sample_paths

NAMES_FILE = ROOT / "tests" / "data" / "system-names.txt"

REGEX_FRAGMENT = re.compile(r"/[^/\s]*\|[^/]*/|\\[bdswBDSW]|\.\?|\.\*|\(\?[:!=<]")
MODEL_PATH = re.compile(
    r"\b(?:architecture|data|flow|error_handling|reliability|security|observability|"
    r"success_criteria|deployment|platform|meta|overview|risks|testing|phases|open_questions|"
    r"extra_sections|canonical_model|retry_policies|dead_letter_queue|disaster_recovery)"
    r"\.[a-z_]+|\[\d+\]|\|(?:sum|max|min|len|lower|number|monthly_downtime_seconds)\b"
    r"|\b[a-z]+_(?:seconds|days|percent|weeks|per_minute)\b"
)
FLOAT_NOISE = re.compile(r"\d\.\d{4,}")
RAW_SECONDS = re.compile(r"\b\d{4,}(?:[.,]\d+)?\s*(?:s|sec|secs|seconds)\b|\b86400\b")


def _documents() -> list[tuple[str, Path, str]]:
    found = [(p.stem, p, "utf-8") for p in sample_paths()]
    found.append(("template", template_path("integration-design-template.md"), "utf-8"))
    real = sorted(p for p in REAL_WORLD.glob("*.md") if p.name != "README.md")
    names = [p.name for p in real] or ["ipaas-shopify-netsuite-order-sync.md"]
    for name in names:  # sitesense is Windows-1252: see the README there
        encoding = "cp1252" if name.startswith("sitesense") else "utf-8"
        found.append((Path(name).stem, REAL_WORLD / name, encoding))
    return found


DOCUMENTS = _documents()


@cache
def system_names() -> tuple[str, ...]:
    lines = NAMES_FILE.read_text(encoding="utf-8").splitlines()
    return tuple(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _mentions(text: str, name: str) -> bool:
    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", text, re.IGNORECASE) is not None


@cache
def _scored(name: str) -> tuple[str, dict[str, Any], Scorecard]:
    _, path, encoding = next(d for d in DOCUMENTS if d[0] == name)
    parsed = parse_file(
        require_shared(path) if "real-world" in str(path) else path, encoding=encoding
    )
    card = score_design(parsed, load_rubric())
    return parsed.source, parsed.design.model_dump(mode="json"), card


def problems(text: str, source: str) -> list[str]:
    """What makes ``text`` unfit to read aloud about the design whose source is ``source``."""
    found: list[str] = []
    if not text.strip():
        found.append("empty")
    for what, pattern in (
        ("a regex fragment", REGEX_FRAGMENT),
        ("a model path", MODEL_PATH),
        ("float noise", FLOAT_NOISE),
        ("raw seconds", RAW_SECONDS),
    ):
        match = pattern.search(text)
        if match:
            found.append(f"{what} {match.group(0)!r}")
    if "{" in text and re.search(r"\{[a-z_]+(\|[^{}]*)?\}", text):
        found.append("an unfilled placeholder")
    for system in system_names():
        if _mentions(text, system) and not _mentions(source, system):
            found.append(f"names {system!r}, which this design does not")
    return found


@pytest.mark.parametrize(("name", "path", "encoding"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_every_criterion_speaks_about_the_design(name: str, path: Path, encoding: str) -> None:
    source, model, card = _scored(name)
    real = {
        r.id: r.detail for d in card.dimensions for r in d.criteria if r.status is not Status.PASS
    }
    bad: list[str] = []
    for _, criterion in load_rubric().criteria():
        shown = preview(criterion, model, real.get(criterion.id) or None)
        assert shown.messages, f"{criterion.id}: no message at all"
        texts = [*shown.messages, shown.remediation, *shown.examples]
        texts.append(fill(criterion.why or "", model))
        for text in texts:
            bad += [f"{criterion.id}: {problem}: {text}" for problem in problems(text, source)]
    assert not bad, "\n".join(bad[:40])


@pytest.mark.parametrize(("name", "path", "encoding"), DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_findings_are_plain_and_keep_their_trace(name: str, path: Path, encoding: str) -> None:
    source, _, card = _scored(name)
    for finding in card.findings:
        assert finding.message and not problems(finding.message, source), finding.message
        assert not problems(finding.remediation, source), finding.remediation
        assert finding.trace, f"{finding.criterion}: the engine-level detail is kept"
    for dimension in card.dimensions:
        for result in dimension.criteria:  # worded only when reported: scoring stays cheap
            assert bool(result.detail) == (result.status in (Status.FAIL, Status.UNKNOWN))


MESSAGES = {
    "event-driven-shopify-netsuite": [
        "The error-rate alert fires above 1%, looser than the success target of < 0.5%",
        "The deduplication window (1 day) is shorter than DLQ retention (14 days): "
        "a replay after 1 day can duplicate",
        "An outage at the RTO (1 hour) exceeds the monthly downtime budget of 99.95% (22 min)",
        "Encryption at rest does not say how keys are managed "
        "(customer-managed keys or field-level encryption)",
        "Risk 'NetSuite concurrency exhausted during…' has no owner",
    ],
    "etl-warehouse-nightly": [
        "Retry row 'Stripe rate limited (429)' has no maximum number of attempts",
        "Mapping row 'invoices.status' has no transformation",
        "The RTO is not stated",
    ],
    "api-led-salesforce-sap-orders": [
        "Encryption in transit is still the template's example value",
        "No retry row uses jitter: clients that fail together retry together",
    ],
}


@pytest.mark.parametrize("name", sorted(MESSAGES))
def test_known_findings_read_as_written(name: str) -> None:
    _, _, card = _scored(name)
    said = {f.message for f in card.findings}
    for message in MESSAGES[name]:
        assert message in said, f"{message!r} not among {sorted(said)}"


def test_fix_examples_use_the_designs_own_values() -> None:
    _, _, card = _scored("event-driven-shopify-netsuite")
    fixes = {f.criterion: f.remediation for f in card.findings}
    assert "'- **Deduplication Window**: 14 days'" in fixes["REL-DEDUP-COVERS-DLQ"]
    assert "at 99.95% that is 22 min" in fixes["REL-RTO-WITHIN-MONTHLY-BUDGET"]
    assert "> 0.5% for 5 minutes" in fixes["OPS-ERROR-ALERT-STRICTER-THAN-TARGET"]
    _, _, claims = _scored("hybrid-claims-platform")
    ordering = next(f for f in claims.findings if f.criterion == "ARC-EVENT-ORDERING")
    assert "`claim_id`" in ordering.remediation and "commerce" not in ordering.remediation


def test_trace_keeps_paths_and_raw_values() -> None:
    _, _, card = _scored("event-driven-shopify-netsuite")
    dedup = next(f for f in card.findings if f.criterion == "REL-DEDUP-COVERS-DLQ")
    assert dedup.trace.startswith("reliability.idempotency.dedup_window_seconds is 86400")
    assert dedup.field == "reliability.idempotency.dedup_window_seconds"
    keys = next(f for f in card.findings if f.criterion == "SEC-KEY-MANAGEMENT")
    assert "/field.level|column|customer.managed" in keys.trace


@pytest.mark.parametrize(
    ("value", "written"),
    [
        (45, "45 seconds"),
        (90, "90 seconds"),
        (1296, "22 min"),
        (2592.0000000001, "43 min"),
        (3600, "1 hour"),
        (7776, "2 h 10 min"),
        (86400, "1 day"),
        (1209600, "14 days"),
    ],
)
def test_durations_read_as_a_person_writes_them(value: float, written: str) -> None:
    assert duration(value) == written


def test_values_take_the_unit_of_their_path() -> None:
    assert days(14) == "14 days" and days(1) == "1 day" and days(2555) == "7 years"
    assert show("success_criteria.error_rate_percent", 0.5) == "0.5%"
    assert show("success_criteria.availability_percent", 99.95) == "99.95%"
    assert show("error_handling.dead_letter_queue.retention_days", 14) == "14 days"
    assert show("phases[0].duration_weeks", 1) == "1 week"
    assert show("error_handling.retry_policies[0].strategy", "none") == "no retry"


def test_a_template_is_used_only_when_what_failed_can_fill_it() -> None:
    from designkit.rubric.checks import Fact

    templates = ["{row} waits {value} in total", "No row fits"]
    model = {"error_handling": {"retry_policies": [{"scenario": "Server error"}]}}
    timed = Fact(
        "compare",
        "error_handling.retry_policies[0].backoff_seconds|sum",
        140.0,
        "<=",
        "error_handling.retry_policies[0].timeout_seconds",
        60.0,
        row="error_handling.retry_policies[0]",
    )
    assert (
        compose(templates, "t", timed, model)
        == "Retry row 'Server error' waits 140 seconds in total"
    )
    other = Fact("regex", "error_handling.retry_policies[0].scenario", row=timed.row)
    assert compose(templates, "t", other, model) == "No row fits"
    assert compose(templates, "t", timed, model, unknown=True) == (
        "Retry row 'Server error' has no total backoff"
    )


def _paths(check: Any, prefix: str = "") -> list[str]:
    """Every model path a check reads, list items as ``[]``."""
    found: list[str] = []
    if isinstance(check, list):
        for item in check:
            found += _paths(item, prefix)
    elif isinstance(check, dict):
        for key, value in check.items():
            if key in ("path", "to", "of") and isinstance(value, str):
                path = (
                    value.lstrip("/")
                    if value.startswith("/") or not prefix
                    else f"{prefix}[].{value}"
                )
                found.append(path)
            if key in ("any", "all"):
                found += _paths(
                    value["where"], f"{prefix}[].{value['path']}" if prefix else value["path"]
                )
            elif isinstance(value, dict | list):
                found += _paths(value, prefix)
    return found


def test_every_path_the_rubric_reads_has_a_name() -> None:
    unnamed = set()
    for _, criterion in load_rubric().criteria():
        for path in _paths(criterion.check) + _paths(criterion.applies_if or {}):
            key = re.sub(r"\[\d+\]", "[]", path).removesuffix("[]")
            if key not in LABELS:
                unnamed.add(key)
    assert not unnamed, sorted(unnamed)


RUBRIC = """\
id: words
name: Words
version: "1"
levels: {1: Ad hoc, 2: Enlightened, 3: Centralized, 4: Balanced, 5: Augmented}
dimensions:
  - id: reliability
    name: Reliability
    weight: 1
    criteria:
      - id: REL-ONE
        title: DLQ retention stated
        level: 1
        severity: low
        check: {present: {path: error_handling.dead_letter_queue.retention_days}}
        message: "DLQ retention is {valu}"
        remediation: "State the DLQ retention, e.g. '- **Retention**: {dlq_retention|14 days}'"
"""


def test_an_unknown_placeholder_is_a_rubric_error_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "words.yaml"
    path.write_text(RUBRIC, encoding="utf-8")
    with pytest.raises(RubricError) as raised:
        load_rubric(path)
    assert f"{path}:15:" in str(raised.value) and "{valu}" in str(raised.value)
    path.write_text(RUBRIC.replace("{valu}", "{value}").replace("{dlq_", "{dlq"), "utf-8")
    with pytest.raises(
        RubricError, match=r"words\.yaml:16: .*unknown placeholder \{dlqretention\}"
    ):
        load_rubric(path)
    path.write_text(RUBRIC.replace("{valu}", "{value}"), encoding="utf-8")
    assert load_rubric(path).dimensions[0].criteria[0].message == "DLQ retention is {value}"
