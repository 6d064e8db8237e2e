"""Report formats: markdown, SARIF, JUnit XML and GitHub workflow commands.

Scorecards come from the library (parse + the built-in rubric + score) or are
built directly; nothing here depends on how many criteria the rubric has or
what they are called. The HTML report has its own module.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from designkit.parse import parse_design, parse_file
from designkit.report import (
    FORMATS,
    ReportContext,
    render_report,
    sarif_document,
    sarif_locations,
    sarif_rules,
)
from designkit.report import github as github_report
from designkit.report import markdown as markdown_report
from designkit.report import sarif as sarif_report
from designkit.rubric import load_rubric, score_design
from designkit.rubric.maturity import overall_of
from designkit.rubric.schema import Rubric
from designkit.rubric.scorecard import (
    Counts,
    CriterionResult,
    DimensionResult,
    Finding,
    RubricInfo,
    Scorecard,
    Status,
)
from designkit.rubric.wording import fill
from designkit.scoring import score_files
from tests.conftest import ROOT

DATA = ROOT / "tests" / "data"
JUNIT_XSD = DATA / "schemas" / "junit-10.xsd"
PARTIAL = ROOT / "samples" / "etl-warehouse-nightly.md"
API_LED = ROOT / "samples" / "api-led-salesforce-sap-orders.md"
TEMPLATE = ROOT / "templates" / "integration-design-template.md"

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
TRICKY = f"{SCRIPT} | {IMG} `code` *bold* _u_ [link](x) 100% a,b: c\r\nnext line\n::error::x"

NEW_FORMATS = ("markdown", "sarif", "junit", "github", "html")


class _AnyText:
    """Equal to any SARIF message object with a non-empty text."""

    def __eq__(self, other: object) -> bool:
        return isinstance(other, dict) and bool(other.get("text"))


ANY_TEXT = _AnyText()


# ---------------------------------------------------------------- building scorecards


@cache
def rubric() -> Rubric:
    return load_rubric(None)


def context(base_dir: Path = ROOT) -> ReportContext:
    return ReportContext(rubric=rubric(), base_dir=base_dir, tool_version="9.9.9")


def score_path(path: Path, display: str | None = None) -> Scorecard:
    shown = display or (path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else None)
    return score_design(parse_file(path, display=shown), rubric())


def score_text(text: str, path: str) -> Scorecard:
    return score_design(parse_design(text, path), rubric())


def finding(
    criterion: str,
    severity: str = "high",
    *,
    dimension: str = "dim0",
    level: int = 1,
    line: int = 10,
    message: str | None = None,
    remediation: str = "Do the thing.",
    path: str = "designs/demo.md",
    suppressed: bool = False,
    reason: str | None = None,
    status: Status = Status.FAIL,
    red_flag: str | None = None,
    field: str | None = "some.field",
) -> Finding:
    return Finding(
        criterion=criterion,
        dimension=dimension,
        title=f"Title of {criterion}",
        level=level,
        severity=severity,
        status=status,
        red_flag=red_flag,
        message=message if message is not None else f"{criterion} is not met",
        path=path,
        line=line,
        field=field,
        remediation=remediation,
        suppressed=suppressed,
        suppression_reason=reason,
    )


@cache
def builtin_rubric() -> Rubric:
    return load_rubric()


def make_card(
    findings: Sequence[Finding] = (),
    *,
    file: str = "designs/demo.md",
    name: str | None = "Demo design",
    target: int | None = 3,
    dimensions: int = 8,
) -> Scorecard:
    """A small, self-consistent scorecard: every finding is a criterion of its dimension."""
    findings = [f.model_copy(update={"path": file}) for f in findings]
    dims: list[DimensionResult] = []
    for index in range(dimensions):
        dim_id = f"dim{index}"
        results = [
            CriterionResult(
                id=f"PASS-{index}-X",
                title=f"Passing criterion {index}",
                level=1,
                severity="low",
                status=Status.PASS,
                line=1,
            ),
            CriterionResult(
                id=f"NA-{index}-X",
                title=f"Criterion {index} that does not apply",
                level=2,
                severity="low",
                status=Status.NOT_APPLICABLE,
                line=0,
            ),
        ]
        for f in findings:
            if f.dimension == dim_id:
                results.append(
                    CriterionResult(
                        id=f.criterion,
                        title=f.title,
                        level=f.level,
                        severity=f.severity,
                        status=f.status,
                        red_flag=f.red_flag,
                        field=f.field,
                        line=f.line,
                        detail=f.message,
                        suppressed=f.suppressed,
                        suppression_reason=f.suppression_reason,
                    )
                )
        holding = [r for r in results if r.holds_back]
        level = max(1, min(min((r.level for r in holding), default=6) - 1, 5))
        dims.append(
            DimensionResult(
                id=dim_id,
                name=f"Dimension {index} & co",
                weight=1.0 + index % 3,
                level=level,
                label=f"Label {level}",
                next_level=None if level == 5 else level + 1,
                progress=0.0 if level < 5 else 1.0,
                criteria=results,
            )
        )
    results = [r for d in dims for r in d.criteria]
    return Scorecard(
        file=file,
        name=name,
        rubric=RubricInfo(id="test-rubric", name="Test Rubric", version="1"),
        overall=overall_of(dims, list(findings), 0, builtin_rubric(), target),
        dimensions=dims,
        findings=list(findings),
        counts=Counts(
            criteria=len(results),
            passed=sum(r.status is Status.PASS for r in results),
            failed=sum(r.status is Status.FAIL for r in results),
            unknown=sum(r.status is Status.UNKNOWN for r in results),
            not_applicable=sum(r.status is Status.NOT_APPLICABLE for r in results),
            template_defaults=0,
            suppressed=sum(r.suppressed for r in results),
        ),
    )


def tricky_card() -> Scorecard:
    """A scorecard whose document text is hostile in every field a report shows."""
    return make_card(
        [
            finding("ARC-ONE", "critical", message=TRICKY, remediation=TRICKY, red_flag="ARC-01"),
            finding("DAT-TWO", "medium", dimension="dim1", line=0, message="plain"),
            finding("SEC-THREE", "high", dimension="dim4", suppressed=True, reason=TRICKY),
            finding("OPS-FOUR", "low", dimension="dim2", status=Status.UNKNOWN),
        ],
        file="designs/we|ird <name>.md",
        name=f"Payload {SCRIPT} {IMG} | pipe",
    )


def with_suppression(path: Path, tmp_path: Path) -> Scorecard:
    """Score ``path`` with its first open finding accepted in the document itself."""
    first = score_path(path)
    assert first.findings, f"{path.name} is expected to have findings"
    code = first.findings[0].criterion
    text = path.read_text(encoding="utf-8") + (
        f"\n<!-- designkit: ignore {code} accepted by the architecture board | <b>ok</b> -->\n"
    )
    copy = tmp_path / path.name
    copy.write_text(text, encoding="utf-8")
    card = score_design(parse_file(copy), rubric())
    assert any(f.suppressed for f in card.findings)
    return card


# ---------------------------------------------------------------- all formats


def test_every_format_is_registered_and_renders_through_the_library() -> None:
    for output_format in NEW_FORMATS:
        assert output_format in FORMATS
        run = score_files([str(PARTIAL), str(API_LED)], output_format=output_format)
        assert run.errors == []
        assert run.report.strip(), output_format


@pytest.mark.parametrize("output_format", NEW_FORMATS)
def test_reports_are_deterministic(output_format: str, tmp_path: Path) -> None:
    cards = [score_path(PARTIAL), with_suppression(TEMPLATE, tmp_path), tricky_card()]
    first = render_report(cards, output_format, context())
    second = render_report([c.model_copy(deep=True) for c in cards], output_format, context())
    assert first == second
    assert not re.search(r"20\d\d-\d\d-\d\dT", first)  # no timestamps


# ---------------------------------------------------------------- markdown

_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def _tables(text: str) -> list[list[str]]:
    """Each GitHub table as its list of row lines (header, delimiter, rows)."""
    tables: list[list[str]] = []
    current: list[str] = []
    for line in text.splitlines():
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    if current:
        tables.append(current)
    return tables


def test_markdown_single_design() -> None:
    card = score_path(API_LED)
    text = markdown_report.render([card], context())
    assert text.startswith("## designkit scorecard: ")
    assert markdown_report.escape(card.name or "") in text.splitlines()[0]
    assert f"**{card.overall.score:.1f} / 5**" in text
    assert f"level {card.overall.level} ({card.overall.label})" in text
    assert f"risk {card.overall.risk.value}" in text  # type: ignore[union-attr]
    assert re.search(r"\*\*Verdict: \[[A-Z ]+\]\*\*", text)
    for dimension in card.dimensions:
        assert markdown_report.escape(dimension.name) in text
    for f in card.findings:
        assert f"`{f.path}:{f.line}`" in text
        assert f"`{f.criterion}`" in text


def test_markdown_groups_findings_by_severity_and_lists_suppressed(tmp_path: Path) -> None:
    card = with_suppression(TEMPLATE, tmp_path)
    text = markdown_report.render([card], context())
    open_findings = [f for f in card.findings if not f.suppressed]
    severities = [f.severity for f in open_findings]
    headings = re.findall(r"(?:\*\*|<b>)(Critical|High|Medium|Low) \((\d+)\)(?:\*\*|</b>)", text)
    assert [h.lower() for h, _ in headings] == [
        s for s in ("critical", "high", "medium", "low") if s in severities
    ]
    for heading, count in headings:
        assert int(count) == severities.count(heading.lower())
    assert re.search(r"(\*\*|<b>)Suppressed \(1\)", text)
    assert "accepted by the architecture board" in text
    assert "<b>ok</b>" not in text
    assert "&lt;b&gt;ok&lt;/b&gt;" in text


def test_markdown_folds_long_groups_into_details() -> None:
    many = [finding(f"REL-X{i}", "medium", line=i + 1) for i in range(12)]
    text = markdown_report.render([make_card(many)], context())
    assert "<details>" in text
    assert "<summary><b>Medium (12)</b></summary>" in text
    assert text.count("<details>") == text.count("</details>")


def test_markdown_escapes_document_text() -> None:
    text = markdown_report.render([tricky_card()], context())
    assert "<script" not in text
    assert "<img" not in text
    assert "&lt;script&gt;" in text
    assert "\r" not in text
    # Every table row has as many cells as its header: no stray pipe broke a table.
    for table in _tables(text):
        width = len(_CELL_SPLIT.split(table[0]))
        for row in table:
            assert len(_CELL_SPLIT.split(row)) == width, row
    # Line breaks in document text do not end a table row or start a command.
    assert not any(line.startswith("next line") for line in text.splitlines())


def test_markdown_several_designs_have_a_summary_first() -> None:
    cards = [score_path(PARTIAL), score_path(API_LED)]
    text = markdown_report.render(cards, context())
    first_table = _tables(text)[0]
    assert first_table[0].startswith("| File | Design | Score | Level | Risk | Verdict")
    assert len(first_table) == 2 + len(cards)
    assert text.index("| File | Design") < text.index("### ")
    assert text.count("\n### ") == len(cards)


def test_markdown_thirty_copies_of_the_partial_sample_fit(tmp_path: Path) -> None:
    paths = []
    for index in range(30):
        copy = tmp_path / f"design-{index:02d}.md"
        shutil.copyfile(PARTIAL, copy)
        paths.append(copy)
    cards = [score_design(parse_file(p), rubric()) for p in paths]
    text = markdown_report.render(cards, context())
    assert len(text) < markdown_report.MAX_CHARS
    assert text.count("\n### ") + text.count("more files not shown") >= 1


def test_markdown_truncates_gracefully_under_the_comment_limit() -> None:
    long = "a long message " * 20
    cards = [
        make_card(
            [finding(f"REL-X{i}", "high", line=i + 1, message=long) for i in range(200)],
            file=f"d/{n}.md",
        )
        for n in range(5)
    ]
    text = markdown_report.render(cards, context())
    assert len(text) < markdown_report.MAX_CHARS
    notes = re.findall(r"… (\d+) more findings not shown; see the full report", text)
    assert len(notes) == len(cards)
    shown = len(re.findall(r"^\| `d/\d+\.md:\d+`", text, re.MULTILINE))
    assert shown > 0
    assert shown + sum(int(n) for n in notes) == 200 * len(cards)
    assert text.count("<details>") == text.count("</details>")


def test_markdown_truncates_even_with_very_many_files() -> None:
    cards = [make_card([finding("REL-X1")], file=f"designs/d-{n}.md") for n in range(400)]
    text = markdown_report.render(cards, context())
    assert len(text) < markdown_report.MAX_CHARS
    assert "more files not shown; see the full report" in text


# ---------------------------------------------------------------- SARIF


@cache
def sarif_schema() -> dict[str, object]:
    schema: dict[str, object] = json.loads(
        (DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8")
    )
    return schema


def _jsonschema() -> Any:
    """The jsonschema package (a dev dependency); missing is a skip locally, a failure in CI."""
    try:
        return importlib.import_module("jsonschema")  # untyped: kept as Any
    except ImportError:
        if os.environ.get("CI") or os.environ.get("DESIGNKIT_REQUIRE_SERVICES") == "1":
            pytest.fail("jsonschema is missing: it belongs to the dev extras")
        pytest.skip("jsonschema not installed (pip install -e '.[dev]')")


@cache
def junit_schema() -> Any:
    """Jenkins' junit-10.xsd (tests/data/README.md says where it comes from)."""
    try:
        xmlschema = importlib.import_module("xmlschema")  # untyped: kept as Any
    except ImportError:
        if os.environ.get("CI") or os.environ.get("DESIGNKIT_REQUIRE_SERVICES") == "1":
            pytest.fail("xmlschema is missing: it belongs to the dev extras")
        pytest.skip("xmlschema not installed (pip install -e '.[dev]')")
    return xmlschema.XMLSchema(str(JUNIT_XSD))


def validate_junit(text: str) -> None:
    errors = list(junit_schema().iter_errors(text))
    assert not errors, "\n".join(f"{e.path}: {e.reason}" for e in errors[:10])


def validate_sarif(log: object) -> None:
    jsonschema = _jsonschema()
    validator = jsonschema.Draft4Validator(
        sarif_schema(), format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:10])


def test_the_stored_sarif_schema_is_the_official_one() -> None:
    schema = sarif_schema()
    assert schema["id"] == (
        "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
    )
    _jsonschema().Draft4Validator.check_schema(schema)


def test_sarif_validates_against_the_official_schema(tmp_path: Path) -> None:
    cards = [score_path(PARTIAL), with_suppression(TEMPLATE, tmp_path), tricky_card()]
    log = json.loads(sarif_report.render(cards, context()))
    validate_sarif(log)


def test_sarif_structure() -> None:
    card = score_path(TEMPLATE)
    log = json.loads(sarif_report.render([card], context()))
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    assert log["version"] == "2.1.0"
    assert len(log["runs"]) == 1
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "designkit"
    assert driver["version"] == "9.9.9"
    enabled = [c for _, c in rubric().criteria() if c.enabled]
    assert [r["id"] for r in driver["rules"]] == [c.id for c in enabled]
    for rule, criterion in zip(driver["rules"], enabled, strict=True):
        assert rule["shortDescription"]["text"] == criterion.title
        assert rule["fullDescription"]["text"] == (criterion.why or criterion.title)
        assert fill(criterion.remediation, None) in rule["help"]["text"]  # neutral words
        assert rule["help"]["markdown"]
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]*", rule["name"])
        expected = sarif_rules.LEVELS[criterion.severity.value]
        assert rule["defaultConfiguration"]["level"] == expected
        security = criterion.id.startswith("SEC-") or (criterion.red_flag or "").startswith("SEC-")
        if security:
            assert (
                rule["properties"]["security-severity"]
                == (sarif_rules.SECURITY_SEVERITY[criterion.severity.value])
            )
    results = log["runs"][0]["results"]
    assert len(results) == len(card.findings)
    for result, f in zip(results, card.findings, strict=True):
        assert result["ruleId"] == f.criterion
        assert driver["rules"][result["ruleIndex"]]["id"] == f.criterion
        assert result["level"] == sarif_rules.LEVELS[f.severity]
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "templates/integration-design-template.md"
        assert location["region"]["startLine"] == max(1, f.line)
        assert result["partialFingerprints"]


FENCE = re.compile(r"^(`{3,})[^\n]*\n.*?^\1$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")


def glued_code_spans(markdown: str) -> list[str]:
    """Code spans stuck to a word on either side (``when`x`is``), outside fenced blocks."""
    prose = FENCE.sub("", markdown)
    glued = []
    for match in _CODE_SPAN.finditer(prose):
        before = prose[match.start() - 1 : match.start()]
        after = prose[match.end() : match.end() + 1]
        if before.isalnum() or after.isalnum():
            glued.append(prose[max(0, match.start() - 12) : match.end() + 12])
    return glued


def test_glued_code_span_check_can_fail() -> None:
    assert glued_code_spans("Passes when`architecture.pattern`is filled in.") != []
    assert glued_code_spans("at`0 1 * * *` (01:00)") != []
    assert glued_code_spans("Passes when `a.b` is filled in, (`x`), `y`.") == []
    assert glued_code_spans("```markdown\nrun at`x`y\n```\n") == []  # a snippet is literal


def test_sarif_help_markdown_keeps_code_spans_apart_from_words() -> None:
    log = json.loads(sarif_report.render([score_path(TEMPLATE)], context()))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) > 100
    with_code = [r for r in rules if "`" in FENCE.sub("", r["help"]["markdown"])]
    assert len(with_code) > 100  # the check below looks at real code spans
    glued = {r["id"]: glued_code_spans(r["help"]["markdown"]) for r in rules}
    assert {rule: found for rule, found in glued.items() if found} == {}
    for rule in rules:  # every code span of the plain text is a code span of the Markdown
        for span in re.findall(r"`[^`\n]+`", FENCE.sub("", rule["help"]["text"])):
            assert span in rule["help"]["markdown"], (rule["id"], span)


def test_sarif_levels_and_security_severity_for_each_severity() -> None:
    findings = [
        finding("SEC-CRIT", "critical"),
        finding("SEC-HIGH", "high"),
        finding("SEC-MED", "medium"),
        finding("SEC-LOW", "low"),
        finding("OPS-LOW", "low", dimension="dim2"),
    ]
    log = json.loads(sarif_report.render([make_card(findings)], context()))
    validate_sarif(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    levels = {r["ruleId"]: r["level"] for r in log["runs"][0]["results"]}
    assert levels == {
        "SEC-CRIT": "error",
        "SEC-HIGH": "error",
        "SEC-MED": "warning",
        "SEC-LOW": "note",
        "OPS-LOW": "note",
    }
    severity = {key: rules[key]["properties"].get("security-severity") for key in levels}
    assert severity == {
        "SEC-CRIT": "9.0",
        "SEC-HIGH": "7.0",
        "SEC-MED": "5.0",
        "SEC-LOW": "3.0",
        "OPS-LOW": None,
    }
    assert rules["SEC-CRIT"]["name"] == "SecCrit"


def test_sarif_suppressed_findings_carry_their_justification(tmp_path: Path) -> None:
    card = with_suppression(TEMPLATE, tmp_path)
    log = json.loads(sarif_report.render([card], context()))
    results = log["runs"][0]["results"]
    suppressed = [r for r in results if "suppressions" in r]
    assert len(suppressed) == sum(f.suppressed for f in card.findings) == 1
    (entry,) = suppressed[0]["suppressions"]
    assert entry["kind"] == "inSource"
    assert entry["justification"].startswith("accepted by the architecture board")


def test_sarif_uris_are_relative_to_base_dir(tmp_path: Path) -> None:
    inside = tmp_path / "repo" / "docs" / "my design.md"
    inside.parent.mkdir(parents=True)
    shutil.copyfile(PARTIAL, inside)
    card = score_design(parse_file(inside), rubric())  # absolute path as given
    log = json.loads(sarif_report.render([card], context(tmp_path / "repo")))
    locations = {
        tuple(r["locations"][0]["physicalLocation"]["artifactLocation"].items())
        for r in log["runs"][0]["results"]
    }
    assert locations == {(("uri", "docs/my%20design.md"), ("uriBaseId", "%SRCROOT%"))}
    bases = log["runs"][0]["originalUriBaseIds"]
    assert list(bases) == ["%SRCROOT%"]
    assert bases["%SRCROOT%"]["uri"] == (tmp_path / "repo").resolve().as_uri() + "/"
    validate_sarif(log)

    outside = sarif_locations.artifact_uri(str(PARTIAL), tmp_path / "repo")
    assert outside == PARTIAL.as_posix()  # outside the base dir: the path as given
    assert sarif_locations.artifact_uri("/srv/a b#1.md", tmp_path) == "/srv/a%20b%231.md"
    assert sarif_locations.relative_path("../x/y.md", tmp_path / "repo") == "../x/y.md"
    assert sarif_locations.artifact_uri("samples/a.md", ROOT) == "samples/a.md"


def _artifact_locations(log: dict[str, Any]) -> list[dict[str, str]]:
    run = log["runs"][0]
    return [
        loc["physicalLocation"]["artifactLocation"]
        for r in run["results"]
        for loc in r["locations"]
    ]


def test_sarif_files_outside_the_base_dir_are_relative_to_a_base_of_their_own(
    tmp_path: Path,
) -> None:
    """No artifact URI is absolute: a file elsewhere is relative to a base for its folder."""
    repo = tmp_path / "repo"
    (repo / "designs").mkdir(parents=True)
    inside = repo / "designs" / "a.md"
    elsewhere = tmp_path / "other place" / "b#1.md"
    elsewhere.parent.mkdir()
    for target in (inside, elsewhere):
        shutil.copyfile(PARTIAL, target)
    sibling = elsewhere.with_name("c.md")
    shutil.copyfile(PARTIAL, sibling)
    cards = [score_design(parse_file(p), rubric()) for p in (inside, elsewhere, sibling)]
    log = json.loads(sarif_report.render(cards, context(repo)))
    validate_sarif(log)
    bases = log["runs"][0]["originalUriBaseIds"]
    assert bases == {
        "%SRCROOT%": {"uri": repo.resolve().as_uri() + "/", "description": ANY_TEXT},
        "OUTSIDE1": {"uri": elsewhere.parent.resolve().as_uri() + "/", "description": ANY_TEXT},
    }
    assert bases["OUTSIDE1"]["uri"].endswith("/other%20place/")
    locations = {(a["uriBaseId"], a["uri"]) for a in _artifact_locations(log)}
    assert locations == {
        ("%SRCROOT%", "designs/a.md"),
        ("OUTSIDE1", "b%231.md"),
        ("OUTSIDE1", "c.md"),
    }
    for location in _artifact_locations(log):
        assert "://" not in location["uri"] and not location["uri"].startswith("/")
    prints = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]: r["partialFingerprints"]
        for r in log["runs"][0]["results"]
        if r["ruleId"] == log["runs"][0]["results"][0]["ruleId"]
    }
    assert len(set(map(str, prints.values()))) == len(prints)  # same rule, three files


def test_sarif_a_relative_path_above_the_base_dir_is_outside_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copyfile(PARTIAL, tmp_path / "up.md")
    monkeypatch.chdir(repo)
    card = score_design(parse_file("../up.md"), rubric())
    log = json.loads(sarif_report.render([card], context(repo)))
    validate_sarif(log)
    assert {(a["uriBaseId"], a["uri"]) for a in _artifact_locations(log)} == {("OUTSIDE1", "up.md")}
    assert (
        log["runs"][0]["originalUriBaseIds"]["OUTSIDE1"]["uri"] == tmp_path.resolve().as_uri() + "/"
    )


def test_sarif_fingerprints_are_stable_and_distinct() -> None:
    a = sarif_document.fingerprint("SEC-TLS", "docs/a.md", "security.tls")
    assert a == sarif_document.fingerprint("SEC-TLS", "docs/a.md", "security.tls")
    assert a != sarif_document.fingerprint("SEC-TLS", "docs/b.md", "security.tls")
    assert a != sarif_document.fingerprint("SEC-TLS", "docs/a.md", "security.other")
    assert a != sarif_document.fingerprint("SEC-MTLS", "docs/a.md", "security.tls")


def test_sarif_rule_for_a_finding_outside_the_rubric() -> None:
    log = json.loads(sarif_report.render([make_card([finding("ZZZ-NEW")])], context()))
    rules = log["runs"][0]["tool"]["driver"]["rules"]
    (result,) = log["runs"][0]["results"]
    assert rules[result["ruleIndex"]]["id"] == "ZZZ-NEW"


# ---------------------------------------------------------------- JUnit


def _junit(cards: Sequence[Scorecard]) -> ET.Element:
    text = render_report(cards, "junit", context())
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    validate_junit(text)
    return ET.fromstring(text.encode("utf-8"))


def test_the_stored_junit_schema_is_jenkins_junit_10() -> None:
    text = JUNIT_XSD.read_text(encoding="utf-8")
    assert "Copyright (c) 2014, Gregory Boissinot" in text  # MIT, kept with the file
    import hashlib

    digest = hashlib.sha256(JUNIT_XSD.read_bytes()).hexdigest()
    assert digest == "a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6"


def test_junit_validates_against_junit_10_xsd(tmp_path: Path) -> None:
    cards = [score_path(PARTIAL), with_suppression(TEMPLATE, tmp_path), tricky_card()]
    text = render_report(cards, "junit", context())
    validate_junit(text)
    root = ET.fromstring(text.encode("utf-8"))
    assert root.get("skipped") is None  # the XSD has no skipped count on <testsuites>
    cases = list(root.iter("testcase"))
    assert cases and all(c.get("file") is None and c.get("line") is None for c in cases)


def test_junit_schema_check_rejects_what_it_should() -> None:
    """The validator itself can fail: the attributes designkit used to write are refused."""
    bad = (
        '<testsuites skipped="1"><testsuite name="a" tests="1" failures="0" errors="0">'
        '<testcase name="x" file="a.md" line="3"/></testsuite></testsuites>'
    )
    errors = list(junit_schema().iter_errors(bad))
    assert len(errors) == 3, [e.reason for e in errors]


def test_junit_counts_match_the_scorecards(tmp_path: Path) -> None:
    cards = [score_path(PARTIAL), with_suppression(TEMPLATE, tmp_path), score_path(API_LED)]
    root = _junit(cards)
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == [c.file for c in cards]
    totals = {"tests": 0, "failures": 0}
    for suite, card in zip(suites, cards, strict=True):
        results = [r for d in card.dimensions for r in d.criteria]
        failures = sum(r.holds_back for r in results)
        skipped = sum(r.status is Status.NOT_APPLICABLE or r.suppressed for r in results)
        cases = suite.findall("testcase")
        assert len(cases) == len(results) == int(suite.get("tests", "-1"))
        assert int(suite.get("failures", "-1")) == failures == len(suite.findall("*/failure"))
        assert int(suite.get("skipped", "-1")) == skipped == len(suite.findall("*/skipped"))
        assert suite.get("errors") == "0"
        by_name = {c.get("name"): c for c in cases}
        for dimension in card.dimensions:
            for r in dimension.criteria:
                case = by_name[f"{r.id}: {r.title}"]
                assert case.get("classname") == dimension.id
                failure = case.find("failure")
                if r.holds_back:
                    assert failure is not None
                    assert failure.get("type") == r.severity
                    assert f"{card.file}:{max(1, r.line)}" in (failure.text or "")
                    assert "remediation: " in (failure.text or "")
                else:
                    assert failure is None
                if r.suppressed:
                    skip = case.find("skipped")
                    assert skip is not None
                    assert (skip.get("message") or "").startswith("suppressed: accepted by")
        totals["tests"] += len(results)
        totals["failures"] += failures
    assert {k: int(root.get(k, "-1")) for k in totals} == totals


def test_junit_escapes_hostile_text() -> None:
    hostile = tricky_card().model_copy(update={"name": f"bad\x01name {SCRIPT}"})
    root = _junit([hostile])
    suite = root.find("testsuite")
    assert suite is not None
    assert suite.get("name") == "designs/we|ird <name>.md"
    failure = suite.find("testcase/failure")
    assert failure is not None
    assert SCRIPT in (failure.text or "")  # kept as text, escaped in the XML
    reason = [
        s.get("message") for s in suite.iter("skipped") if "suppressed" in (s.get("message") or "")
    ]
    assert reason == [f"suppressed: {TRICKY}"]
    design = [p.get("value") for p in suite.iter("property") if p.get("name") == "design"]
    assert design == [f"bad\ufffdname {SCRIPT}"]


# ---------------------------------------------------------------- GitHub workflow commands


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


def _parse_command(line: str) -> tuple[str, dict[str, str], str]:
    """What the Actions runner does with a line: ``::name k=v,...::message``."""
    match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
    assert match is not None, line
    properties: dict[str, str] = {}
    if match.group(2):
        for pair in match.group(2).split(","):
            key, _, value = pair.partition("=")
            properties[key] = _unescape_property(value)
    return match.group(1), properties, _unescape_data(match.group(3))


def test_github_escaping_follows_the_toolkit() -> None:
    assert github_report.escape_data("100% done\r\nnext") == "100%25 done%0D%0Anext"
    assert github_report.escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert github_report.escape_data("a:b,c") == "a:b,c"
    assert github_report.escape_data("%0A") == "%250A"  # already-escaped text stays literal
    line = github_report.command("error", TRICKY, file="dir/a,b:c.md", line=3, title="X-1")
    assert "\n" not in line and "\r" not in line
    name, properties, message = _parse_command(line)
    assert name == "error"
    assert properties == {"file": "dir/a,b:c.md", "line": "3", "title": "X-1"}
    assert message == TRICKY


def test_github_one_annotation_per_open_finding_and_a_summary_per_file(tmp_path: Path) -> None:
    cards = [with_suppression(TEMPLATE, tmp_path), tricky_card()]
    text = github_report.render(cards, context(tmp_path))
    lines = text.splitlines()
    open_findings = [(c, f) for c in cards for f in c.findings if not f.suppressed]
    assert len(lines) == len(open_findings) + len(cards)
    parsed = [_parse_command(line) for line in lines]
    annotations = [p for p in parsed if "line" in p[1]]
    summaries = [p for p in parsed if "line" not in p[1]]
    assert len(annotations) == len(open_findings)
    assert [s[0] for s in summaries] == ["notice"] * len(cards)
    for (name, properties, message), (_, f) in zip(annotations, open_findings, strict=True):
        assert name == github_report.COMMANDS[f.severity]
        assert properties["title"] == f.criterion
        assert properties["line"] == str(max(1, f.line))
        assert f.message in message
        assert f.remediation in message
    # The template's path is relative to the base dir when inside it, as given otherwise.
    first = annotations[0][1]["file"]
    assert first == str(TEMPLATE.relative_to(ROOT)) or first.endswith(TEMPLATE.name)
    tricky = [a for a in annotations if a[1]["title"] == "ARC-ONE"]
    assert tricky[0][1]["file"] == "designs/we|ird <name>.md"
    assert TRICKY in tricky[0][2]


def test_github_severity_mapping() -> None:
    findings = [
        finding("A-CRIT", "critical"),
        finding("B-HIGH", "high"),
        finding("C-MED", "medium"),
        finding("D-LOW", "low"),
    ]
    lines = github_report.render([make_card(findings)], context()).splitlines()
    assert [line.split(" ", 1)[0] for line in lines] == [
        "::error",
        "::error",
        "::warning",
        "::notice",
        "::notice",
    ]


def test_notices_are_escaped_and_valid_in_every_format() -> None:
    """A notice carries the design's path (hostile in the tricky card) into every report."""
    from designkit.rubric.scorecard import Notice

    card = tricky_card()
    notice = Notice(
        severity="warning",
        message="unknown id 'REL-RETRYS' in a suppression comment; did you mean 'REL-RETRY-DEFINED'?",
        path=card.file,
        line=7,
    )
    noted = card.model_copy(
        update={"notices": [notice, notice.model_copy(update={"severity": "info"})]}
    )
    log = json.loads(sarif_report.render([noted], context()))
    validate_sarif(log)
    levels = [r["level"] for r in log["runs"][0]["results"] if r["ruleId"] == "designkit-notice"]
    assert levels == ["warning", "note"]
    markdown = markdown_report.render([noted], context())
    assert "> **warning** `designs/we\\|ird <name>.md:7`: unknown id 'REL-RETRYS'" in markdown
    html = render_report([noted], "html", context())
    assert "<name>" not in html and "&lt;name&gt;" in html
    commands = [
        _parse_command(line)
        for line in github_report.render([noted], context()).splitlines()
        if "title=designkit::" in line
    ]
    assert [name for name, _, _ in commands] == ["warning", "notice"]
    assert all(props["line"] == "7" for _, props, _ in commands)
    suite = _junit([noted]).find("testsuite")
    assert suite is not None
    out = suite.find("system-out")
    assert out is not None and (out.text or "").startswith("warning: designs/we|ird <name>.md:7:")
    text = render_report([noted], "text", context())
    assert "notices (2):" in text
