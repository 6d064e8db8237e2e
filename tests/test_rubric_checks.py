"""Each check kind, on small models: pass, fail and unknown."""

from __future__ import annotations

from typing import Any

import pytest

from designkit.rubric.checks import CheckError, Context, evaluate, validate
from designkit.rubric.paths import PathError, compile_path

MODEL: dict[str, Any] = {
    "architecture": {"pattern": "event_driven", "rationale": None},
    "error_handling": {
        "retry_policies": [
            {
                "scenario": "API timeout",
                "strategy": "exponential",
                "max_attempts": 3,
                "backoff_seconds": [1, 2, 4],
                "timeout_seconds": 30,
            },
            {
                "scenario": "Server error (5xx)",
                "strategy": "exponential",
                "max_attempts": 3,
                "backoff_seconds": [20, 40, 80],
                "timeout_seconds": 60,
            },
            {
                "scenario": "Auth failure",
                "strategy": "none",
                "max_attempts": 1,
                "backoff_seconds": [],
                "timeout_seconds": None,
            },
        ],
    },
    "security": {"encryption": {"in_transit": "TLS 1.3 only", "secrets": None}},
    "success_criteria": {"availability_percent": 99.9},
    "reliability": {"disaster_recovery": {"rto_seconds": 1800, "rpo_seconds": 600}},
    "testing": [],
}


def run(check: dict[str, Any]) -> tuple[str, list[str], str]:
    validate(check)
    outcome = evaluate(check, Context(MODEL, MODEL, ""))
    return outcome.status, outcome.evidence, outcome.detail


@pytest.mark.parametrize(
    ("check", "status"),
    [
        ({"present": {"path": "architecture.pattern"}}, "pass"),
        ({"present": {"path": "architecture.rationale"}}, "fail"),
        ({"present": {"path": "testing"}}, "fail"),
        ({"present": {"path": "nowhere.at_all"}}, "fail"),
        ({"equals": {"path": "architecture.pattern", "value": "EVENT_DRIVEN"}}, "pass"),
        ({"equals": {"path": "architecture.pattern", "value": "etl"}}, "fail"),
        ({"equals": {"path": "architecture.rationale", "value": "x"}}, "unknown"),
        ({"one_of": {"path": "architecture.pattern", "values": ["etl", "event_driven"]}}, "pass"),
        (
            {
                "compare": {
                    "path": "success_criteria.availability_percent",
                    "op": ">=",
                    "value": 99.9,
                }
            },
            "pass",
        ),
        (
            {
                "compare": {
                    "path": "success_criteria.availability_percent",
                    "op": ">",
                    "value": 99.9,
                }
            },
            "fail",
        ),
        ({"compare": {"path": "security.encryption.secrets", "op": ">", "value": 1}}, "unknown"),
        (
            {
                "compare": {
                    "path": "reliability.disaster_recovery.rpo_seconds",
                    "op": "<=",
                    "to": "reliability.disaster_recovery.rto_seconds",
                }
            },
            "pass",
        ),
        (
            {
                "compare": {
                    "path": "reliability.disaster_recovery.rto_seconds",
                    "op": "<=",
                    "to": "success_criteria.availability_percent|monthly_downtime_seconds",
                }
            },
            "pass",
        ),
        (
            {
                "compare": {
                    "path": "reliability.disaster_recovery.rto_seconds",
                    "op": "<=",
                    "to": "reliability.disaster_recovery.rpo_seconds",
                    "factor": 2,
                }
            },
            "fail",
        ),
        ({"count": {"path": "error_handling.retry_policies", "min": 3}}, "pass"),
        ({"count": {"path": "error_handling.retry_policies", "min": 4}}, "fail"),
        ({"count": {"path": "error_handling.retry_policies", "max": 2}}, "fail"),
        ({"count": {"path": "testing", "min": 1}}, "fail"),
        (
            {"regex": {"path": "security.encryption.in_transit", "pattern": "TLS\\s*1\\.[23]"}},
            "pass",
        ),
        ({"regex": {"path": "security.encryption.in_transit", "pattern": "ssl"}}, "fail"),
        ({"regex": {"path": "security.encryption.secrets", "pattern": "vault"}}, "unknown"),
        ({"regex": {"path": "error_handling.retry_policies[].scenario", "pattern": "5xx"}}, "pass"),
        (
            {
                "compare": {
                    "path": "error_handling.retry_policies[].backoff_seconds|sum",
                    "op": "==",
                    "value": 147,
                }
            },
            "pass",
        ),
        (
            {
                "compare": {
                    "path": "error_handling.retry_policies[].timeout_seconds|max",
                    "op": "==",
                    "value": 60,
                }
            },
            "pass",
        ),
    ],
)
def test_simple_kinds(check: dict[str, Any], status: str) -> None:
    assert run(check)[0] == status


def test_any_reports_the_passing_row_as_evidence() -> None:
    status, evidence, _ = run(
        {
            "any": {
                "path": "error_handling.retry_policies",
                "where": {"regex": {"path": "scenario", "pattern": "5\\d\\d|5xx"}},
            }
        }
    )
    assert status == "pass"
    assert evidence[0] == "error_handling.retry_policies[1]"


def test_all_fails_on_the_first_failing_row_with_a_concrete_detail() -> None:
    status, evidence, detail = run(
        {
            "all": {
                "path": "error_handling.retry_policies",
                "where": {
                    "any_of": [
                        {
                            "compare": {
                                "path": "backoff_seconds|sum",
                                "op": "<=",
                                "to": "timeout_seconds",
                            }
                        },
                        {"equals": {"path": "strategy", "value": "none"}},
                    ]
                },
            }
        }
    )
    assert status == "fail"
    assert evidence[0] == "error_handling.retry_policies[1]"
    assert "error_handling.retry_policies[1].backoff_seconds|sum is 140" in detail


def test_all_and_any_over_an_empty_list_fail() -> None:
    for kind in ("all", "any"):
        assert run({kind: {"path": "testing", "where": {"present": {"path": "type"}}}})[0] == "fail"


def test_combinators() -> None:
    yes = {"present": {"path": "architecture.pattern"}}
    no = {"present": {"path": "architecture.rationale"}}
    maybe = {"regex": {"path": "security.encryption.secrets", "pattern": "x"}}
    assert run({"all_of": [yes, yes]})[0] == "pass"
    assert run({"all_of": [yes, no]})[0] == "fail"
    assert run({"all_of": [yes, maybe]})[0] == "unknown"
    assert run({"any_of": [no, yes]})[0] == "pass"
    assert run({"any_of": [no, maybe]})[0] == "unknown"
    assert run({"not": no})[0] == "pass"
    assert run({"not": maybe})[0] == "unknown"


def test_root_paths_inside_items() -> None:
    status, _, _ = run(
        {
            "any": {
                "path": "error_handling.retry_policies",
                "where": {
                    "compare": {
                        "path": "timeout_seconds",
                        "op": "<=",
                        "to": "/reliability.disaster_recovery.rto_seconds",
                    }
                },
            }
        }
    )
    assert status == "pass"


@pytest.mark.parametrize(
    ("check", "message"),
    [
        ({"presnt": {"path": "x"}}, "unknown check kind 'presnt'"),
        ({"present": {}}, "'present' needs path"),
        ({"present": {"path": "x", "extra": 1}}, "does not take extra"),
        ({"compare": {"path": "x", "op": "=>", "value": 1}}, "unknown operator"),
        ({"compare": {"path": "x", "op": ">="}}, "exactly one of 'value' or 'to'"),
        ({"compare": {"path": "x", "op": ">=", "value": "high"}}, "'value' must be a number"),
        ({"regex": {"path": "x", "pattern": "("}}, "bad regular expression"),
        ({"compare": {"path": "x", "op": "<=", "to": "y", "factor": "abc"}}, "'factor' must be"),
        ({"compare": {"path": "x", "op": "<=", "value": 1, "factor": True}}, "'factor' must be"),
        ({"count": {"path": "x", "min": "one"}}, "'min' must be a whole number"),
        ({"count": {"path": "x", "max": -1}}, "'max' must be a whole number"),
        ({"count": {"path": "x", "min": 1.5}}, "'min' must be a whole number"),
        ({"subset": {"path": "x", "of": "y", "field_names": "yes"}}, "'field_names' must be"),
        ({"all_of": []}, "non-empty list"),
        ({"any": {"path": "x", "where": {"nope": {}}}}, "unknown check kind 'nope'"),
        ({"present": {"path": "a..b"}}, "bad path segment"),
        ({"present": {"path": "a|median"}}, "unknown filter"),
        ({"present": {"path": "x"}, "equals": {"path": "x", "value": 1}}, "exactly one kind"),
    ],
)
def test_malformed_checks_are_rejected(check: dict[str, Any], message: str) -> None:
    with pytest.raises(CheckError, match=message.replace("(", r"\(").replace("|", r"\|")):
        validate(check)


def test_path_grammar() -> None:
    path = compile_path("/error_handling.retry_policies[].backoff_seconds|sum")
    assert path.absolute
    assert path.segments == (
        ("error_handling", None),
        ("retry_policies", ""),
        ("backoff_seconds", None),
    )
    assert path.filter == "sum"
    with pytest.raises(PathError):
        compile_path("retry_policies[x]")
