"""Red-flag codes mean what the assessment kit's library says they mean.

The library is the table in ``../shared/reference/red-flags.md``; designkit ships
a copy as package data. These tests hold the copy to the table, every code the
built-in rubric uses to the library's severity, and every code's criteria to its
meaning: ``EXPECTED`` writes down which criteria carry each code, and
``EVIDENCE`` what a carrying criterion must read from the document, so a remap to
a code with another meaning fails here, not in a design review.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from designkit.cli import main
from designkit.parse import parse_design
from designkit.rubric import load_rubric, score_design
from designkit.rubric.red_flags import library, red_flags
from designkit.rubric.schema import Rubric
from designkit.scoring import score_files
from tests.conftest import ROOT, SHARED, require_shared

LIBRARY_TABLE = SHARED / "reference" / "red-flags.md"
EVENT = ROOT / "samples" / "event-driven-shopify-netsuite.md"

EXPECTED: dict[str, set[str]] = {
    "SEC-01": {"SEC-SECRETS-VAULT"},  # secrets not in a vault: in code, config or env files
    "SEC-02": {"SEC-TLS"},
    "SEC-03": {"SEC-AUTH-METHODS", "SEC-AUTH-ALL-CONNECTIONS"},
    "SEC-04": set(),  # "personal data": the template does not say which data is personal
    "SEC-05": {"SEC-AUDIT-TRAIL"},
    "SEC-06": set(),  # credentials per environment: nowhere in the template
    "SEC-07": {"SEC-LEAST-PRIVILEGE"},
    "REL-01": {"REL-RETRY-DEFINED"},  # not REL-RETRY-SERVER-ERRORS: fixed-interval retries fail it
    "REL-02": {"REL-IDEMPOTENCY-APPROACH", "REL-DEDUP-COVERS-RETRIES"},
    "REL-03": {"REL-CB-DEFINED"},  # not REL-CB-THRESHOLDS: a breaker without half-open fails it
    "REL-04": {"REL-DLQ-DEFINED"},
    "REL-05": set(),  # "tier-1": the template records no tier
    "REL-06": set(),  # a running system: no criterion reads when DR was last tested
    "REL-07": set(),  # single points of failure are lint's DK407, not a criterion
    "OPS-01": {"OPS-METRICS-TABLE"},
    "OPS-02": {"OPS-ERRORS-ALERTED"},  # not OPS-ERROR-RATE-ALERT: it fails a count-based alert
    "OPS-03": {"OPS-CORRELATION-ID"},
    # not ARC-PERMANENT-ERROR-ROUTED: it fails "only logged", which OPS-04 excludes
    "OPS-04": {"OPS-FAILURES-KEPT-OR-LOGGED"},
    "OPS-05": {"BIZ-AVAILABILITY"},
    "OPS-06": set(),  # a running system: alert counts
    "ARC-01": set(),  # a property of the estate, not of one design
    "ARC-02": set(),
    "ARC-03": set(),
    "ARC-04": set(),
    "ARC-05": set(),  # a running system: calls per operation
    "DAT-01": {"DAT-COMPATIBILITY"},
    "DAT-02": {"DAT-VERSIONING-APPROACH"},
    "DAT-03": set(),
    "DAT-04": set(),
    "DAT-05": {"DAT-VALIDATION-REJECTS"},
    "BIZ-01": set(),  # "tier-1": REL-DR-TARGETS asks every design for RTO/RPO, not only tier-1
    "BIZ-02": set(),  # "revenue-generating": not something a check reads
    "BIZ-03": {"ARC-DIAGRAM-PRESENT"},
    "BIZ-04": set(),
}

EVIDENCE: dict[str, str] = {
    "SEC-01": r"^security\.encryption\.secrets$",
    "SEC-02": r"^security\.encryption\.in_transit$",
    "SEC-03": r"^security\.authentication$",
    "SEC-05": r"^security\.audit$",
    "SEC-07": r"^security\.authentication$",
    "REL-01": r"^error_handling\.retry_policies$",
    "REL-02": r"^reliability\.idempotency\.",
    "REL-03": r"^error_handling\.circuit_breaker\.",
    "REL-04": r"^error_handling\.dead_letter_queue\.",
    "OPS-01": r"^observability\.metrics$",
    "OPS-02": r"^observability\.metrics$",
    "OPS-03": r"^observability\.correlation_id$",
    "OPS-04": r"^error_handling\.dead_letter_queue\.when$",
    "OPS-05": r"^success_criteria\.availability_percent$",
    "DAT-01": r"^data\.schema_versioning\.compatibility$",
    "DAT-02": r"^data\.schema_versioning\.",
    "DAT-05": r"^data\.validation_rules$",
    "BIZ-03": r"^architecture\.diagram\.",
}
"""Per code, the model path a carrying criterion must read (its check's first path)."""


def library_table() -> list[dict[str, str]]:
    """The rows of the kit's table: code, meaning, dimension, severity."""
    text = require_shared(LIBRARY_TABLE).read_text(encoding="utf-8")
    rows = []
    for line in text.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[A-Z]{3}-\d{2}", cells[0]):
            rows.append(dict(zip(("code", "meaning", "dimension", "severity"), cells, strict=True)))
    assert len(rows) == 34, f"expected 34 codes in {LIBRARY_TABLE}, read {len(rows)}"
    return rows


def _paths(check: Any) -> list[str]:
    """Every model path a check reads, in order (without reductions or ``[]``)."""
    found: list[str] = []
    if isinstance(check, dict):
        if isinstance(check.get("path"), str):
            found.append(check["path"].lstrip("/").split("|")[0].replace("[]", ""))
        for value in check.values():
            found += _paths(value)
    elif isinstance(check, list):
        for value in check:
            found += _paths(value)
    return found


def carriers(rubric: Rubric) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {code: set() for code in red_flags()}
    for _, criterion in rubric.criteria():
        if criterion.red_flag:
            found.setdefault(criterion.red_flag, set()).add(criterion.id)
    return found


# ---------------------------------------------------------------- the library itself


def test_the_packaged_library_is_the_kits_table() -> None:
    table = library_table()
    shipped = list(red_flags().values())
    assert [f.code for f in shipped] == [row["code"] for row in table]
    for flag, row in zip(shipped, table, strict=True):
        assert (flag.meaning, flag.dimension, flag.severity) == (
            row["meaning"],
            row["dimension"],
            row["severity"],
        ), flag.code
        assert len(flag.description) > len(flag.meaning), f"{flag.code}: describe it in full"


def test_the_library_ships_inside_the_package() -> None:
    """Package data, not a repository file: the wheel takes everything under designkit/."""
    data = ROOT / "designkit" / "rubric" / "red_flags.yaml"
    assert data.is_file()
    assert 'packages = ["designkit"]' in (ROOT / "pyproject.toml").read_text("utf-8")


def test_every_old_code_names_criteria_of_the_builtin_rubric() -> None:
    ids = {c.id for _, c in load_rubric().criteria()}
    old = library().before_0_2
    assert len(old) == 44
    assert {c for criteria in old.values() for c in criteria} <= ids


# ---------------------------------------------------------------- the built-in rubric


def test_every_code_of_the_builtin_rubric_has_the_librarys_severity() -> None:
    flags = red_flags()
    used = [(c.id, c.red_flag, c.severity.value) for _, c in load_rubric().criteria() if c.red_flag]
    assert used, "the built-in rubric carries no red flag at all"
    for criterion, code, severity in used:
        assert code in flags, f"{criterion}: {code} is not in the library"
        assert severity == flags[code].severity, f"{criterion} ({code}) is {severity}"


def test_each_code_is_carried_by_the_criteria_its_meaning_names() -> None:
    assert set(EXPECTED) == set(red_flags())
    assert carriers(load_rubric()) == EXPECTED


@pytest.mark.parametrize("code", sorted(EVIDENCE))
def test_a_carrying_criterion_reads_what_its_code_is_about(code: str) -> None:
    rubric = load_rubric()
    by_id = {c.id: c for _, c in rubric.criteria()}
    assert EXPECTED[code], f"{code} has evidence but no criterion"
    for criterion in EXPECTED[code]:
        first = _paths(by_id[criterion].check)[0]
        assert re.search(EVIDENCE[code], first), f"{criterion} ({code}) reads {first}"


def test_codes_of_a_running_system_or_a_condition_are_carried_by_no_criterion() -> None:
    found = carriers(load_rubric())
    for code in ("REL-05", "REL-06", "OPS-06", "ARC-05", "BIZ-01", "BIZ-02", "SEC-04"):
        assert found[code] == set(), code


def test_a_remap_to_a_wrong_meaning_fails(tmp_path: Path) -> None:
    """The expectation is not vacuous: an extending rubric that gives SEC-TLS the old
    SEC-01 (TLS) fails the comparison with EXPECTED."""
    team = tmp_path / "team.yaml"
    team.write_text(
        "extends: integration-maturity\nid: team\ndimensions:\n  - id: security\n"
        "    criteria:\n      - id: SEC-TLS\n        red_flag: SEC-01\n",
        encoding="utf-8",
    )
    assert carriers(load_rubric(team)) != EXPECTED


def test_a_rubric_accepts_only_library_codes(tmp_path: Path) -> None:
    team = tmp_path / "team.yaml"
    team.write_text(
        "extends: integration-maturity\nid: team\ndimensions:\n  - id: reliability\n"
        "    criteria:\n      - id: REL-RETRY-JITTER\n        red_flag: REL-99\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(main, ["rubric", "check", str(team)])
    assert result.exit_code == 2
    assert result.stderr == (
        f"designkit: {team}:7: dimensions.0.criteria.0.red_flag: 'REL-99' is not a code of "
        "the red-flag library (SEC-01..07, REL-01..07, OPS-01..06, ARC-01..05, DAT-01..05, "
        "BIZ-01..04); did you mean 'REL-07'?\n"
    )


# ---------------------------------------------------------------- explain


def test_explain_a_code_shows_the_library_and_its_criteria() -> None:
    result = CliRunner().invoke(main, ["explain", "REL-03"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[:2] == [
        "REL-03: external dependencies without a circuit breaker",
        "  red flag of the assessment kit's library · Reliability · severity high",
    ]
    assert "What it means\n  When a dependency is down" in result.stdout
    assert "  REL-CB-DEFINED  L2 high     A circuit breaker has an opening threshold" in (
        result.stdout
    )
    assert "REL-03 named REL-DR-TARGETS (RTO and RPO are stated as numbers)" in result.stdout


def test_explain_a_code_no_criterion_can_detect_says_so() -> None:
    result = CliRunner().invoke(main, ["explain", "OPS-06"])
    assert result.exit_code == 0
    assert "No criterion of Integration Maturity 1.0 can detect OPS-06 from a design" in (
        " ".join(result.stdout.split())
    )


def test_explain_list_lists_every_red_flag_with_its_criteria() -> None:
    listed = CliRunner().invoke(main, ["explain", "--list"]).stdout
    section = listed.split("Red flags")[1].splitlines()[1:]
    assert [line.split()[0] for line in section] == list(red_flags())
    assert "  SEC-03  critical API endpoints without authentication -> SEC-AUTH-METHODS, " in (
        listed
    )
    assert "  BIZ-04  medium   cost of failure unknown -> none" in listed


def test_a_criterion_explanation_names_its_codes_meaning() -> None:
    result = CliRunner().invoke(main, ["explain", "SEC-TLS"])
    assert "red flag SEC-02 (no TLS, or TLS older than 1.2)" in result.stdout


# ---------------------------------------------------------------- suppression by code


def _with(text: str) -> str:
    return EVENT.read_text(encoding="utf-8") + text


def test_a_suppression_by_code_uses_the_new_meaning_and_warns_about_the_old(
    tmp_path: Path,
) -> None:
    source = _with("\n<!-- designkit: ignore REL-03 breaker owned by the platform -->\n").replace(
        "- **Open after**: 10 consecutive failures or 25% error rate in 2m", "- **Open after**: TBD"
    )
    assert "- **Open after**: TBD" in source
    card = score_design(parse_design(source, "orders.md"), load_rubric())
    breaker = next(f for f in card.findings if f.criterion == "REL-CB-DEFINED")
    assert breaker.suppressed and breaker.red_flag == "REL-03"
    line = source.splitlines().index(
        "<!-- designkit: ignore REL-03 breaker owned by the platform -->"
    )
    assert [n.model_dump() for n in card.notices] == [
        {
            "severity": "warning",
            "message": "REL-03 now means 'external dependencies without a circuit breaker' "
            "(red-flag library); before designkit 0.2 it named REL-DR-TARGETS (RTO and RPO "
            "are stated as numbers): write REL-DR-TARGETS to keep suppressing that",
            "path": "orders.md",
            "line": line + 1,
        }
    ]


def test_a_code_whose_old_criteria_it_still_covers_gets_no_warning() -> None:
    card = score_design(
        parse_design(_with("\n<!-- designkit: ignore REL-02 -->\n"), "orders.md"), load_rubric()
    )
    assert card.notices == []


def test_an_ignored_code_warns_once_per_run_on_stderr(tmp_path: Path) -> None:
    copy = tmp_path / "orders.md"
    copy.write_text(EVENT.read_text(encoding="utf-8"), encoding="utf-8")
    result = CliRunner().invoke(
        main, ["score", str(copy), str(copy), "--ignore", "SEC-01", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    assert result.stderr == (
        "designkit: warning: --ignore: SEC-01 now means 'credentials in plain text in code or "
        "config' (red-flag library); before designkit 0.2 it named SEC-TLS (TLS 1.2 or better "
        "in transit): write SEC-TLS to keep ignoring that\n"
    )
    cards = json.loads(result.stdout)["scorecards"]
    vault = [
        r for d in cards[0]["dimensions"] for r in d["criteria"] if r["id"] == "SEC-SECRETS-VAULT"
    ]
    assert vault == []  # switched off by its new meaning


def test_a_baseline_naming_an_old_code_warns(tmp_path: Path) -> None:
    baseline = tmp_path / "known.json"
    baseline.write_text(
        json.dumps(
            {
                "version": 1,
                "tool": "designkit",
                "findings": [{"fingerprint": "0" * 24, "rule": "REL-14", "field": "x"}],
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    run = score_files([str(EVENT)], known_findings=str(baseline))
    assert run.warnings == [
        f"{baseline}:7: REL-14 is not a code of the red-flag library; before designkit 0.2 "
        "it named REL-DEDUP-COVERS-DLQ (The deduplication window also covers DLQ retention "
        "(replays stay idempotent)): write REL-DEDUP-COVERS-DLQ to keep hiding that"
    ]


def test_old_codes_mean_nothing_in_a_rubric_of_a_teams_own(tmp_path: Path) -> None:
    """designkit's old numbering only named built-in criteria: in another rubric, a
    comment with REL-08 is an unknown id, and REL-03 is just the library's code."""
    own = tmp_path / "own.yaml"
    own.write_text(
        'id: own\nname: Own\nversion: "1"\nlevels: {1: a, 2: b, 3: c, 4: d, 5: e}\n'
        "dimensions:\n  - id: ops\n    name: Ops\n    weight: 1\n    criteria:\n"
        "      - id: OPS-ONE\n        title: Metrics listed\n        level: 1\n"
        "        severity: critical\n        red_flag: OPS-01\n"
        "        check: {count: {path: observability.metrics, min: 1}}\n"
        "        remediation: List metrics.\n",
        encoding="utf-8",
    )
    source = _with("\n<!-- designkit: ignore REL-08, REL-03 -->\n")
    card = score_design(parse_design(source, "orders.md"), load_rubric(own))
    assert [n.message for n in card.notices] == [
        "unknown id 'REL-08' in a suppression comment; did you mean 'REL-07'?"
    ]
    explained = CliRunner().invoke(main, ["explain", "--rubric", str(own), "REL-03"]).stdout
    assert "Before designkit" not in explained
    assert "No criterion of Own 1 can detect REL-03" in " ".join(explained.split())
