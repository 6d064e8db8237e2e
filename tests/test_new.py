"""``designkit new``: answers -> a whole design that lints clean and scores level 3+.

Golden documents, one per pattern, are regenerated with ``make golden``
(``pytest --update-golden``) from ``tests/data/answers/``.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.diagnostics import Severity
from designkit.errors import UserError
from designkit.lint.engine import lint_design
from designkit.model import Failover, Pattern
from designkit.parse import parse_design
from designkit.render import render_markdown
from designkit.rubric import load_rubric, score_design
from designkit.write import QUESTIONS, load_answers, new_design, new_document, validate_answers
from tests.conftest import GOLDEN, ROOT, Golden

ANSWERS = ROOT / "tests" / "data" / "answers"
ANSWER_FILES = sorted(ANSWERS.glob("*.*"))
TODAY = dt.date(2026, 3, 1)
MINIMAL = {
    "name": "Orders Sync",
    "source": "CRM",
    "target": "ERP",
    "pattern": "event-driven",
    "sensitivity": "internal",
    "criticality": "tier-2",
}


def _levels(text: str) -> dict[str, int]:
    card = score_design(parse_design(text, "new.md"), load_rubric(None))
    return {dimension.id: dimension.level for dimension in card.dimensions}


def _errors(text: str) -> list[str]:
    parsed = parse_design(text, "new.md")
    return [
        f"{d.line}: {d.code} {d.message}"
        for d in [*parsed.diagnostics, *lint_design(parsed)]
        if d.severity is Severity.ERROR
    ]


def test_there_is_one_answer_file_per_pattern() -> None:
    patterns = {load_answers(path).pattern for path in ANSWER_FILES}
    assert patterns == set(Pattern)


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_golden_document_per_pattern(path: Path, golden: Golden) -> None:
    text = new_document(load_answers(path))
    golden.check(GOLDEN / "new" / f"{path.stem}.md", text)


@pytest.mark.parametrize("path", ANSWER_FILES, ids=lambda p: p.stem)
def test_answer_file_designs_lint_clean_score_3_and_round_trip(path: Path) -> None:
    design = new_design(load_answers(path))
    text = render_markdown(design)
    assert _errors(text) == []
    assert min(_levels(text).values()) >= 3, _levels(text)
    assert parse_design(text).design == design


def test_all_defaults_accepted_lints_clean_and_scores_level_3_everywhere(tmp_path: Path) -> None:
    prompts = sum(1 for q in QUESTIONS if q.key != "schedule")  # event-driven: no schedule
    out = tmp_path / "design.md"
    result = CliRunner().invoke(main, ["new", "-o", str(out)], input="\n" * prompts)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert _errors(text) == []
    levels = _levels(text)
    assert min(levels.values()) >= 3, levels
    assert len(levels) == 8


@pytest.mark.parametrize("pattern", ["event-driven", "etl", "api-led", "hub-spoke", "hybrid"])
@pytest.mark.parametrize(
    ("sensitivity", "criticality"),
    [("public", "tier-3"), ("internal", "tier-2"), ("restricted", "tier-1")],
)
def test_every_pattern_sensitivity_and_tier_scores_3(
    pattern: str, sensitivity: str, criticality: str
) -> None:
    answers = validate_answers(
        {**MINIMAL, "pattern": pattern, "sensitivity": sensitivity, "criticality": criticality},
        today=TODAY,
    )
    design = new_design(answers)
    text = render_markdown(design)
    assert _errors(text) == []
    assert min(_levels(text).values()) >= 3
    assert parse_design(text).design == design
    # recommended values agree with each other, by the rubric's own cross-checks
    card = score_design(parse_design(text, "new.md"), load_rubric(None))
    statuses = {r.id: r.status for d in card.dimensions for r in d.criteria}
    for criterion in CONSISTENCY:
        assert statuses[criterion] in ("pass", "not_applicable"), criterion


CONSISTENCY = ("REL-RTO-WITHIN-MONTHLY-BUDGET", "REL-RPO-WITHIN-RTO", "REL-DEDUP-COVERS-DLQ")
"""Cross-field criteria that recommended (not asked) values must pass: the RTO fits the
availability target's monthly budget, the RPO the RTO, the dedup window the DLQ retention."""


def _design(**changes: str):  # type: ignore[no-untyped-def]
    return new_design(validate_answers({**MINIMAL, **changes}, today=TODAY))


def test_pattern_aware_recommendations() -> None:
    event = _design(pattern="event-driven")
    assert event.reliability.idempotency.key == "event_id"
    assert event.error_handling.dead_letter_queue.when
    assert any("ordered" in (s.description or "") for s in event.flow.normal)

    etl = _design(pattern="etl")
    trigger = etl.flow.normal[0].description or ""
    assert "cron `0 2 * * *`" in trigger
    assert any("batches of 5000" in (s.description or "") for s in etl.flow.normal)
    assert any("checkpoint" in (e.handling or "") for e in etl.flow.errors)

    api = _design(pattern="api-led")
    names = api.architecture.diagram.nodes
    assert {"order-experience-api", "order-process-api", "erp-system-api"} <= set(names)
    assert any("rate limit" in (s.description or "") for s in api.flow.normal)

    hub = _design(pattern="hub-spoke")
    assert "message_type" in [f.name for f in hub.data.canonical_model.fields]
    assert any("routed" in (e.label or "") for e in hub.architecture.diagram.edges)


def test_sensitive_data_and_tier_1_recommendations() -> None:
    plain = _design(sensitivity="internal", criticality="tier-2")
    secret = _design(sensitivity="restricted", criticality="tier-1")
    assert "customer-managed" in (secret.security.encryption.at_rest or "")
    assert "customer-managed" not in (plain.security.encryption.at_rest or "")
    assert any("masked" in (row.example or "") for row in secret.observability.logging)
    audit = {row.event: row.retention_days for row in secret.security.audit}
    plain_audit = {row.event: row.retention_days for row in plain.security.audit}
    assert all(audit[event] > plain_audit[event] for event in audit)  # type: ignore[operator]
    assert secret.reliability.disaster_recovery.failover is Failover.AUTOMATIC
    assert plain.reliability.disaster_recovery.failover is Failover.MANUAL
    assert secret.reliability.disaster_recovery.rto_seconds < (  # type: ignore[operator]
        plain.reliability.disaster_recovery.rto_seconds
    )


def test_unknowns_are_placeholders_that_lint_reports() -> None:
    text = new_document(validate_answers(MINIMAL, today=TODAY))
    parsed = parse_design(text)
    assert parsed.design.meta.designer is None
    assert parsed.design.platform.tco is None
    flagged = {d.field for d in parsed.diagnostics if d.code == "DK201"}
    assert {"meta.designer", "platform.tco", "open_questions[0].owner"} <= flagged
    assert "[name]" in (parsed.design.overview.stakeholders or "")


# --------------------------------------------------------------------------- answers files


def _write(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_required_answer_names_the_key(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: Orders\nsource: CRM\ntarget: ERP\n")
    with pytest.raises(UserError, match=r"answer 'pattern': missing"):
        load_answers(path)


def test_invalid_answer_names_the_key_and_line(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        "name: Orders\nsource: CRM\ntarget: ERP\npattern: etl\nsensitivity: secret\n"
        "criticality: tier-1\n",
    )
    with pytest.raises(UserError) as raised:
        load_answers(path)
    assert str(raised.value) == (
        f"{path}:5: answer 'sensitivity': 'secret' is not one of: "
        "public, internal, confidential, restricted"
    )


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("daily_volume: lots", "answer 'daily_volume': expected a whole number"),
        ("daily_volume: 0", "answer 'daily_volume': must be at least 1"),
        ("latency: soon", "answer 'latency': expected a duration"),
        ("source: '[Source System]'", "answer 'source': '[Source System]' is a placeholder"),
        ("target: 'ERP [prod]'", "answer 'target': a system name cannot contain"),
        ("date: 2026-02-30", "answer 'date': expected a date"),
        ("sensitivty: public", "unknown answer 'sensitivty'"),
    ],
)
def test_bad_answers_are_one_clear_error(tmp_path: Path, line: str, expected: str) -> None:
    base = dict(MINIMAL)
    key = line.split(":")[0]
    base.pop(key, None)
    text = "".join(f"{k}: {v}\n" for k, v in base.items()) + line + "\n"
    with pytest.raises(UserError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        load_answers(_write(tmp_path, text))


def test_json_answers_and_syntax_errors(tmp_path: Path) -> None:
    assert load_answers(ANSWERS / "api-led.json").pattern is Pattern.API_LED
    with pytest.raises(UserError, match=r"bad\.json:2: invalid JSON"):
        load_answers(_write(tmp_path, '{"name": "x",\n oops}', "bad.json"))
    with pytest.raises(UserError, match="expected a mapping"):
        load_answers(_write(tmp_path, "- a\n- b\n"))


def test_answer_text_is_data(tmp_path: Path) -> None:
    """Pipes and Markdown in answers cannot break the document's tables or headings."""
    design = _design(
        name="Orders | Returns", purpose="# not a heading | and a pipe", platform="A | B"
    )
    text = render_markdown(design)
    assert parse_design(text).design == design


# --------------------------------------------------------------------------- the command


def test_new_prompts_validate_as_typed(tmp_path: Path) -> None:
    out = tmp_path / "design.md"
    typed = [
        "Nightly Ledger",  # name
        "SAP",  # source
        "Snowflake",  # target
        "",  # entity
        "",  # purpose
        "batchy",  # pattern: invalid, asked again
        "etl",
        "",  # trigger (schedule for ETL)
        "",  # schedule
        "many",  # daily volume: invalid, asked again
        "50000",
        "",  # peak
        "",  # latency
        "",  # sensitivity
        "TIER-1",  # criticality, any case
        "",  # platform
    ]
    result = CliRunner().invoke(main, ["new", "-o", str(out)], input="\n".join(typed) + "\n")
    assert result.exit_code == 0, result.output
    assert "Error: 'batchy' is not one of: event-driven, etl, api-led, hub-spoke, hybrid" in (
        result.output
    )
    assert "Error: expected a whole number such as 10000, got 'many'" in result.output
    design = parse_design(out.read_text(encoding="utf-8")).design
    assert design.meta.name == "Nightly Ledger"
    assert design.architecture.pattern is Pattern.ETL
    assert design.reliability.disaster_recovery.failover is Failover.AUTOMATIC
    assert "Peak records per minute [347]" in result.output  # default from the daily volume


def test_new_with_answers_writes_stdout_or_file_and_never_overwrites(tmp_path: Path) -> None:
    runner = CliRunner()
    answers = str(ANSWERS / "etl.yaml")
    printed = runner.invoke(main, ["new", "--answers", answers])
    assert printed.exit_code == 0
    assert printed.stdout == new_document(load_answers(answers))
    out = tmp_path / "design.md"
    out.write_text("mine\n", encoding="utf-8")
    refused = runner.invoke(main, ["new", "--answers", answers, "-o", str(out)])
    assert refused.exit_code == 2
    assert refused.stderr == f"designkit: {out}: already exists; pass --force to overwrite it\n"
    assert out.read_text(encoding="utf-8") == "mine\n"
    forced = runner.invoke(main, ["new", "--answers", answers, "-o", str(out), "--force"])
    assert forced.exit_code == 0
    assert out.read_text(encoding="utf-8") == printed.stdout


def test_new_bad_answers_file_is_exit_2_one_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "name: Orders\n")
    result = CliRunner().invoke(main, ["new", "--answers", str(path)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"designkit: {path}: answer 'source': missing (it has no default in an answers file)\n"
    )


def test_new_in_a_real_terminal(tmp_path: Path) -> None:
    """Drive the installed console script through a pseudo-terminal, as a person would."""
    pexpect = pytest.importorskip("pexpect")
    script = Path(sys.executable).parent / "designkit"
    command = str(script) if script.exists() else shutil.which("designkit")
    if command is None:
        pytest.skip("designkit console script not installed")
    out = tmp_path / "design.md"
    child = pexpect.spawn(
        command,
        ["new", "-o", str(out)],
        encoding="utf-8",
        timeout=30,
        env={**os.environ, "COLUMNS": "200"},
    )
    child.expect_exact("Integration name [CRM to ERP Order Sync]: ")
    child.sendline("Terminal Orders")
    child.expect_exact("Source system [CRM]: ")
    child.sendline("")
    child.expect_exact("Target system [ERP]: ")
    child.sendline("NetSuite")
    child.expect_exact("Main business object (entity) [Order]: ")
    child.sendline("")
    child.expect_exact("Purpose (what it does and why) [")
    child.sendline("")
    child.expect_exact("[event-driven]: ")
    child.sendline("hub")
    child.expect_exact("Error: 'hub' is not one of")
    child.sendline("hub-spoke")
    for _ in range(7):  # trigger, volumes, latency, sensitivity, criticality, platform
        child.expect(r"\]: ")
        child.sendline("")
    child.expect_exact(f"wrote {out}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    design = parse_design(out.read_text(encoding="utf-8")).design
    assert design.meta.name == "Terminal Orders"
    assert design.architecture.pattern is Pattern.HUB_SPOKE
