"""The scoring rules: the gated ladder, template defaults, suppressions, verdicts, extends,
bad rubrics and the exit codes of ``designkit score``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import parse_design, parse_file
from designkit.cli import main
from designkit.rubric import RubricError, load_rubric, score_design
from designkit.rubric.maturity import band_level, overall_score, risk_of
from designkit.rubric.schema import DEFAULT_BANDS, DEFAULT_RISK
from designkit.rubric.scorecard import DimensionResult, Risk, Status, Verdict
from designkit.rubric.suppressions import suppressions
from designkit.rubric.template_defaults import is_template_default, template_model
from tests.conftest import ROOT

TEMPLATE = ROOT / "templates" / "integration-design-template.md"

LADDER = """\
id: ladder
name: Ladder
version: "1"
levels: {1: Ad hoc, 2: Enlightened, 3: Centralized, 4: Balanced, 5: Augmented}
dimensions:
  - id: reliability
    name: Reliability
    weight: 2
    criteria:
      - id: REL-ONE
        title: Retry table exists
        level: 1
        severity: low
        check: {count: {path: error_handling.retry_policies, min: 1}}
        remediation: Add a retry table.
      - id: REL-TWO
        title: DLQ retention stated
        level: 2
        severity: high
        red_flag: REL-04
        check: {present: {path: error_handling.dead_letter_queue.retention_days}}
        remediation: State the DLQ retention.
      - id: REL-THREE
        title: TLS named
        level: 3
        severity: medium
        check: {regex: {path: security.encryption.in_transit, pattern: "TLS"}}
        remediation: Name TLS.
      - id: REL-FOUR
        title: Event-driven only
        level: 4
        severity: critical
        applies_if: {equals: {path: architecture.pattern, value: event_driven}}
        check: {present: {path: reliability.idempotency.key}}
        remediation: Name the idempotency key.
  - id: business
    name: Business
    weight: 1
    criteria:
      - id: BIZ-ONE
        title: Availability stated
        level: 1
        severity: medium
        check: {present: {path: success_criteria.availability_percent}}
        remediation: State availability.
"""

DOC = """\
# Integration Design: Ladder test

## Overview

**Purpose**: test

## Architecture Pattern

**Selected Pattern**: {pattern}

## Error Handling

### Retry Logic

| Scenario | Strategy | Max Attempts | Backoff | Timeout |
|---|---|---|---|---|
| Gateway error | Exponential | 4 | 3s, 6s, 12s | 60s |

### Dead Letter Queue

- **Retention**: {retention}

## Security

### Encryption

- **In Transit**: {tls}

## Success Criteria

| Metric | Target |
|---|---|
| Availability | 99.5% |
{extra}"""


def _doc(
    pattern: str = "ETL",
    retention: str = "14 days",
    tls: str = "mTLS with TLS 1.3",
    extra: str = "",
) -> str:
    return DOC.format(pattern=pattern, retention=retention, tls=tls, extra=extra)


@pytest.fixture
def ladder(tmp_path: Path) -> Path:
    path = tmp_path / "ladder.yaml"
    path.write_text(LADDER)
    return path


def _score(text: str, rubric: Path) -> tuple[dict[str, int], object]:
    card = score_design(parse_design(text, "design.md"), load_rubric(rubric))
    return {d.id: d.level for d in card.dimensions}, card


def test_ladder_is_gated_and_not_applicable_counts_as_passing(ladder: Path) -> None:
    levels, card = _score(_doc(), ladder)
    assert levels == {"reliability": 5, "business": 5}  # REL-FOUR is N/A for ETL
    statuses = {r.id: r.status for d in card.dimensions for r in d.criteria}  # type: ignore[attr-defined]
    assert statuses["REL-FOUR"] is Status.NOT_APPLICABLE


def test_a_failing_low_level_caps_the_dimension(ladder: Path) -> None:
    levels, card = _score(_doc(retention="TBD"), ladder)
    assert levels["reliability"] == 1  # level 2 fails, so 3 cannot count though it passes
    finding = next(f for f in card.findings if f.criterion == "REL-TWO")  # type: ignore[attr-defined]
    assert finding.line == _doc(retention="TBD").splitlines().index("- **Retention**: TBD") + 1
    # (2 x 1 + 1 x 5) / 3 = 2.33: the weighted average of levels, not the lowest level
    assert card.overall.score == 2.3  # type: ignore[attr-defined]
    assert card.overall.level == 2  # type: ignore[attr-defined]
    assert card.overall.weakest.id == "reliability"  # type: ignore[attr-defined]
    assert card.overall.verdict is Verdict.APPROVED_WITH_CONDITIONS  # type: ignore[attr-defined]
    assert card.overall.reasons == ["1 high finding"]  # type: ignore[attr-defined]


def test_applies_if_turns_on_for_the_pattern(ladder: Path) -> None:
    levels, card = _score(_doc(pattern="Event-driven"), ladder)
    assert levels["reliability"] == 3
    assert card.overall.verdict is Verdict.REVISIONS_REQUIRED  # type: ignore[attr-defined]


def test_suppression_keeps_the_finding_visible_with_its_reason(ladder: Path) -> None:
    text = (
        _doc(retention="TBD")
        + "\n<!-- designkit: ignore REL-04 retention set by the platform team -->\n"
    )
    levels, card = _score(text, ladder)
    finding = next(f for f in card.findings if f.criterion == "REL-TWO")  # type: ignore[attr-defined]
    assert finding.suppressed
    assert finding.suppression_reason == "retention set by the platform team"
    assert levels["reliability"] == 5
    assert card.overall.verdict is Verdict.APPROVED  # type: ignore[attr-defined]


def test_suppressions_parse_several_codes() -> None:
    assert suppressions("<!-- designkit: ignore SEC-01, REL-02 accepted by CISO -->") == {
        "SEC-01": "accepted by CISO",
        "REL-02": "accepted by CISO",
    }
    assert suppressions("<!-- designkit: ignore OPS-03 -->") == {"OPS-03": "no reason given"}


def test_template_values_never_count_above_level_two(ladder: Path) -> None:
    levels, card = _score(_doc(tls="TLS 1.2+ (TLS 1.3 preferred)"), ladder)
    result = next(r for d in card.dimensions for r in d.criteria if r.id == "REL-THREE")  # type: ignore[attr-defined]
    assert result.status is Status.FAIL
    assert result.template_default
    assert levels["reliability"] == 2


def test_template_default_compares_whole_rows() -> None:
    model = template_model()
    assert is_template_default(model, "error_handling.retry_policies[0]")
    assert is_template_default(model, "security.encryption.in_transit")
    changed = json.loads(json.dumps(model))
    changed["error_handling"]["retry_policies"][0]["timeout_seconds"] = 45
    assert not is_template_default(changed, "error_handling.retry_policies[0]")


def test_bands_and_risk_classes_follow_the_maturity_model() -> None:
    scores = (1.0, 1.4, 1.5, 1.9, 2.0, 2.4, 2.5, 2.9, 3.0, 3.4, 3.5, 3.9, 4.0, 4.4, 4.5, 5.0)
    assert [band_level(s, DEFAULT_BANDS) for s in scores] == [
        1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5,
    ]  # fmt: skip
    assert [risk_of(s, DEFAULT_RISK).value for s in (1.0, 1.9, 2.0, 2.9, 3.0, 3.9, 4.0, 5.0)] == [
        "critical", "critical", "high", "high", "medium", "medium", "low", "low",
    ]  # fmt: skip
    assert risk_of(3.4, DEFAULT_RISK) is Risk.MEDIUM


def _dimension(weight: float, level: int | None) -> DimensionResult:
    return DimensionResult(
        id=f"d{weight}{level}",
        name="d",
        weight=weight,
        level=level,
        label="",
        next_level=None,
        progress=0.0,
        criteria=[],
    )


def test_overall_score_is_the_weighted_average_rounded_half_up() -> None:
    weights = (2, 2, 3, 3, 3, 1.5, 1.5, 1)  # sum 17, as the maturity model divides
    levels = (4, 5, 3, 3, 2, 4, 5, 5)  # 8 + 10 + 9 + 9 + 6 + 6 + 7.5 + 5 = 60.5 -> 3.5588
    assert overall_score([_dimension(w, lv) for w, lv in zip(weights, levels, strict=True)]) == 3.6
    # 23/20 = 1.15 exactly: half up to 1.2, where float rounding gives 1.1
    assert overall_score([_dimension(17, 1), _dimension(3, 2)]) == 1.2
    # 49/20 = 2.45: half up to 2.5, so level 3 (Centralized), not 2
    assert overall_score([_dimension(11, 2), _dimension(9, 3)]) == 2.5
    assert band_level(2.5, DEFAULT_BANDS) == 3
    # a dimension that needs assessment is left out, not counted as level 0 or 1
    assert overall_score([_dimension(3, 4), _dimension(3, None)]) == 4.0
    assert overall_score([_dimension(3, None)]) is None


def test_extends_overrides_weights_severity_and_disables(ladder: Path, tmp_path: Path) -> None:
    child = tmp_path / "child.yaml"
    child.write_text("""\
extends: ladder.yaml
id: child
dimensions:
  - id: reliability
    weight: 5
    criteria:
      - id: REL-TWO
        severity: critical
      - id: REL-NEW
        title: Circuit breaker threshold
        level: 2
        severity: low
        check: {present: {path: error_handling.circuit_breaker.failure_threshold}}
        remediation: Add a breaker.
disable: [BIZ-ONE]
""")
    rubric = load_rubric(child)
    reliability = rubric.dimensions[0]
    assert rubric.id == "child"
    assert reliability.weight == 5
    assert {c.id: c.severity.value for c in reliability.criteria}["REL-TWO"] == "critical"
    assert [c.id for c in reliability.criteria][-1] == "REL-NEW"
    assert not rubric.dimensions[1].criteria[0].enabled
    levels, _ = _score(_doc(), child)
    assert levels["reliability"] == 1  # the new level-2 criterion fails
    assert levels["business"] == 5  # its only criterion is disabled


def test_extends_the_builtin_rubric(tmp_path: Path) -> None:
    child = tmp_path / "team.yaml"
    child.write_text("extends: integration-maturity\nid: team\n")
    assert load_rubric(child).id == "team"
    assert len(load_rubric(child).dimensions) == 8


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("        level: 2\n", "        level: 7\n", "less than or equal to 5"),
        ("        check: {count:", "        check: {cuont:", "unknown check kind 'cuont'"),
        ('pattern: "TLS"', 'pattern: "(TLS"', "bad regular expression"),
        ("        severity: high\n", "        severity: urgent\n", "'critical', 'high'"),
        ("weight: 2", "weight: -1", "greater than 0"),
        ("  - id: business\n", "  - id: reliability\n", "appears twice"),
        ("        remediation: Add a retry table.\n", "", "remediation"),
        ('version: "1"\n', 'version: "1"\n  bad: [\n', "invalid YAML"),
    ],
)
def test_bad_rubrics_are_one_line_with_file_and_line(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    assert old in LADDER
    text = LADDER.replace(old, new, 1)
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(RubricError) as raised:
        load_rubric(path)
    found = str(raised.value)
    assert found.startswith(f"{path}:")
    assert message in found
    assert "\n" not in found
    if new.strip() and "appears twice" not in message:
        expected = next(
            i for i, line in enumerate(text.splitlines(), 1) if new.splitlines()[0] in line
        )
        if "invalid YAML" not in message:
            assert re.match(rf"^{re.escape(str(path))}:{expected}: ", found), found


def test_rubric_check_command(ladder: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    ok = runner.invoke(main, ["rubric", "check", str(ladder)])
    assert ok.exit_code == 0 and "ok (2 dimensions, 5 criteria)" in ok.stdout
    bad = tmp_path / "bad.yaml"
    bad.write_text(LADDER.replace("weight: 2", "weight: heavy"))
    result = runner.invoke(main, ["rubric", "check", str(bad)])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"designkit: {bad}:8: ")
    assert "Traceback" not in result.output


def test_rubric_show_lists_criteria(ladder: Path) -> None:
    result = CliRunner().invoke(main, ["rubric", "show", "--rubric", str(ladder)])
    assert result.exit_code == 0
    assert "L2 high     REL-TWO REL-04: DLQ retention stated" in result.stdout


def test_score_exit_codes_follow_the_verdict_fail_on_and_fail_under(
    ladder: Path, tmp_path: Path
) -> None:
    design = tmp_path / "design.md"
    runner = CliRunner()
    design.write_text(_doc(retention="TBD"))  # overall level 2, a high finding
    args = ["score", str(design), "--rubric", str(ladder)]
    assert runner.invoke(main, args).exit_code == 0  # approved with conditions passes by default
    assert runner.invoke(main, [*args, "--fail-on", "conditions"]).exit_code == 1
    assert runner.invoke(main, [*args, "--fail-under", "3"]).exit_code == 1
    assert runner.invoke(main, [*args, "--fail-under", "2"]).exit_code == 0
    design.write_text(
        _doc(retention="TBD", extra="| Maturity Target | Level 3 across all dimensions |\n")
    )
    target = runner.invoke(main, args)
    assert target.exit_code == 0  # the target is reported, it does not decide the exit code
    assert "target 3: not met" in target.stdout
    design.write_text(_doc(pattern="Event-driven"))  # a critical finding
    critical = runner.invoke(main, args)
    assert critical.exit_code == 1
    assert "verdict: revisions required (1 critical finding)" in critical.stdout
    design.write_text(_doc())
    assert runner.invoke(main, [*args, "--fail-on", "conditions"]).exit_code == 0
    missing = runner.invoke(main, [*args[:1], str(tmp_path / "nope.md"), *args[2:]])
    assert missing.exit_code == 2


def test_score_json_has_the_documented_fields(ladder: Path, tmp_path: Path) -> None:
    design = tmp_path / "design.md"
    design.write_text(_doc(retention="TBD"))
    result = CliRunner().invoke(
        main, ["score", str(design), "--rubric", str(ladder), "--format", "json"]
    )
    card = json.loads(result.stdout)
    assert isinstance(card["overall"]["level"], int)
    assert 1 <= card["overall"]["score"] <= 5
    assert card["overall"]["risk"] in {"critical", "high", "medium", "low"}
    assert card["overall"]["basis"] == "preliminary, static assessment"
    assert card["overall"]["verdict"] in {
        "approved",
        "approved_with_conditions",
        "revisions_required",
    }
    assert "target_level" in card["overall"]
    dimension = card["dimensions"][0]
    assert {"id", "name", "weight", "level", "needs_assessment", "confidence", "criteria"} <= set(
        dimension
    )
    assert {"id", "level", "status", "severity", "line"} <= set(dimension["criteria"][0])
    finding = card["findings"][0]
    assert {"criterion", "severity", "red_flag", "message", "path", "line", "remediation"} <= set(
        finding
    )


def test_output_file_is_written_and_a_design_is_never_overwritten(
    ladder: Path, tmp_path: Path
) -> None:
    design = tmp_path / "design.md"
    design.write_text(_doc())
    runner = CliRunner()
    out = tmp_path / "reports" / "card.json"
    result = runner.invoke(
        main, ["score", str(design), "--rubric", str(ladder), "--format", "json", "-o", str(out)]
    )
    assert result.exit_code == 0
    assert json.loads(out.read_text())["file"] == str(design)
    clobber = runner.invoke(
        main, ["score", str(design), "--rubric", str(ladder), "-o", str(design)]
    )
    assert clobber.exit_code == 2
    assert design.read_text() == _doc()


def test_blank_template_needs_assessment_everywhere() -> None:
    card = score_design(parse_file(TEMPLATE), load_rubric())
    assert all(d.level is None and d.needs_assessment for d in card.dimensions)
    assert card.overall.score is None and card.overall.level is None
    assert card.overall.verdict is Verdict.REVISIONS_REQUIRED
    assert card.overall.reasons[0].startswith("no dimension can be assessed")


def test_a_missing_section_needs_assessment_and_is_left_out_of_the_score() -> None:
    sample = ROOT / "samples" / "etl-warehouse-nightly.md"  # has no Platform Considerations
    card = score_design(parse_file(sample), load_rubric())
    platform = next(d for d in card.dimensions if d.id == "platform")
    assert platform.level is None and platform.label == "needs assessment"
    assert card.overall.needs_assessment == ["Tool & Platform"]
    assert all(d.level == 1 for d in card.dimensions if d.id != "platform")
    assert card.overall.score == 1.0  # the seven assessed dimensions, each at the floor
    # four lint errors (contradictions) decide the verdict whatever the findings say
    assert card.overall.lint_errors == 4
    assert card.overall.verdict is Verdict.REVISIONS_REQUIRED
    assert "4 lint errors" in card.overall.reasons


def test_template_example_values_alone_reach_no_level_above_two() -> None:
    filled = re.sub(r"\[[^\]\n]*\]", "Example", TEMPLATE.read_text(encoding="utf-8"))
    card = score_design(parse_design(filled, "examples.md"), load_rubric())
    assert max(d.level or 0 for d in card.dimensions) <= 2, [
        (d.id, d.level) for d in card.dimensions
    ]


def test_builtin_rubric_shape() -> None:
    rubric = load_rubric()
    assert [(d.id, d.weight) for d in rubric.dimensions] == [
        ("architecture", 2),
        ("data", 2),
        ("operations", 3),
        ("reliability", 3),
        ("security", 3),
        ("business", 1.5),
        ("maintainability", 1.5),
        ("platform", 1),
    ]
    assert rubric.levels == {
        1: "Ad hoc",
        2: "Enlightened",
        3: "Centralized",
        4: "Balanced",
        5: "Augmented",
    }


def test_a_template_default_is_no_red_flag_and_at_most_high() -> None:
    card = score_design(
        parse_file(ROOT / "samples" / "api-led-salesforce-sap-orders.md"), load_rubric()
    )
    tls = next(f for f in card.findings if f.criterion == "SEC-TLS")
    assert tls.template_default  # "TLS 1.2+ (TLS 1.3 preferred)" is the template's own line
    assert tls.red_flag is None  # it states TLS 1.2+, the opposite of SEC-02 "no TLS"
    assert tls.severity == "high"  # the criterion is critical; a copied example is not
    assert card.overall.verdict is Verdict.APPROVED_WITH_CONDITIONS


def test_a_document_that_is_not_a_design_says_so() -> None:
    adr = ROOT / "tests" / "data" / "documents" / "adr-webhook-retries.md"
    result = CliRunner().invoke(main, ["score", str(adr)])
    assert "this is an architecture decision record, scored as a design: 7 of 8 dimensions" in (
        result.stdout
    )
    design = CliRunner().invoke(main, ["score", str(ROOT / "samples" / "hub-spoke-hr-payroll.md")])
    assert "scored as a design" not in design.stdout


@pytest.mark.parametrize(
    ("check", "message"),
    [
        (
            '{compare: {path: "error_handling.retry_policies[0].timeout_seconds", op: "<=", '
            "value: 60, factor: abc}}",
            "check.compare.factor: 'factor' must be a number",
        ),
        (
            "{count: {path: observability.metrics, min: two}}",
            "check.count.min: 'min' must be a whole number, 0 or more",
        ),
    ],
)
def test_a_check_argument_that_would_fail_while_scoring_is_refused_at_load(
    tmp_path: Path, check: str, message: str
) -> None:
    """Once ``rubric check`` said ok and ``score`` ended in a traceback on the first design."""
    team = tmp_path / "team.yaml"
    team.write_text(
        "extends: integration-maturity\nid: team\ndimensions:\n  - id: reliability\n"
        "    criteria:\n      - id: REL-TEAM\n        title: Team check\n        level: 3\n"
        f"        severity: low\n        check: {check}\n        remediation: Fix it.\n",
        encoding="utf-8",
    )
    for args in (
        ["rubric", "check", str(team)],
        ["score", str(ROOT / "samples" / "etl-warehouse-nightly.md"), "--rubric", str(team)],
    ):
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 2, result.output
        assert result.stderr == f"designkit: {team}:10: dimensions.0.criteria.0.{message}\n"
