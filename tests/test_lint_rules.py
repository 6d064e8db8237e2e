"""Each lint rule against its pass/fail cases in ``tests/rules/cases/CODE.yaml``.

A new rule needs a case file; the last test fails until it has one.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from designkit import lint_design, parse_design
from designkit.lint import RULES

CASES = Path(__file__).parent / "rules" / "cases"
HEADER = "# Integration Design: Rule case\n\n## Overview\n\n**Purpose**: test\n\n## Data Design\n\n"


def _cases() -> list[Any]:
    params = []
    for file in sorted(CASES.glob("*.yaml")):
        spec = YAML(typ="safe").load(file.read_text(encoding="utf-8"))
        for case in spec["cases"]:
            params.append(
                pytest.param(
                    spec["rule"],
                    case["expect"],
                    case["markdown"],
                    id=f"{spec['rule']}-{case['name']}",
                )
            )
    return params


@pytest.mark.parametrize(("code", "expect", "markdown"), _cases())
def test_rule_case(code: str, expect: str, markdown: str) -> None:
    text = HEADER + markdown
    found = [d for d in lint_design(parse_design(text, "case.md")) if d.code == code]
    if expect == "pass":
        assert found == []
    else:
        assert found, f"{code} did not fire"
        lines = text.splitlines()
        for diagnostic in found:
            assert 0 < diagnostic.line <= len(lines)
            assert diagnostic.path == "case.md"


def test_every_rule_has_cases_and_a_documented_example() -> None:
    for rule in RULES:
        assert (CASES / f"{rule.code}.yaml").exists(), f"{rule.code} has no case file"
        assert rule.summary and rule.name


def test_rule_codes_are_unique() -> None:
    codes = [rule.code for rule in RULES]
    assert len(codes) == len(set(codes))
