"""Nine more public integration documents that nobody here wrote, read for what they say.

Where each comes from (repository, path, commit, licence) is in
``tests/data/real-world/README.md``. The files are third-party and not committed:
they are looked for in ``../shared/real-world/`` first, then in
``tests/data/real-world/``, and a test skips when its file is in neither.

Each document gets values that must be read (PRESENT) and values a careless
parser could take from the wrong place (ABSENT: a number from an option that was
not chosen, a section from a sub-heading of another section, a system from a
label). Where designkit reads a value wrong, misses a plainly stated one, or
refuses the document today, the single test that shows it is marked
``xfail(strict=True)`` with the wrong read spelled out, and ``raises=`` names how
it fails today (``UserError`` for a refusal, ``AssertionError`` for a wrong
value), so a different failure after a fix still shows up.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from designkit import lint_design, parse_file
from designkit.cli import main
from designkit.model import DocumentKind
from designkit.parse.document import ParsedDesign
from tests.conftest import REAL_WORLD

LOCAL = Path(__file__).parent / "data" / "real-world"

JBI = "jbi-bugzilla-dlq-adr.md"
CONCURRENCY = "govuk-contentful-concurrency-adr.md"
HOW_IT_WORKS = "govuk-contentful-how-it-works.md"
LIMITATIONS = "govuk-contentful-integration-limitations.md"
MERGE = "hmpps-events-service-merge-adr.md"
SQS_IAM = "hmpps-sqs-iam-access-adr.md"
RETRY_API = "bcgov-retry-api-architecture.md"
CRM_REQ = "arc42-crm-data-synchronization.md"
ROADMAP = "roadmap-github-sync-improvements.md"

ALL = [JBI, CONCURRENCY, HOW_IT_WORKS, LIMITATIONS, MERGE, SQS_IAM, RETRY_API, CRM_REQ, ROADMAP]


def _path(name: str) -> Path:
    for base in (REAL_WORLD, LOCAL):
        if (base / name).is_file():
            return base / name
    pytest.skip(
        f"{name} is in neither {REAL_WORLD} nor {LOCAL} "
        "(third-party file, not committed: see tests/data/real-world/README.md)"
    )


def _parse(name: str) -> ParsedDesign:
    return parse_file(_path(name))


def _read_from(parsed: ParsedDesign) -> dict[str, str]:
    """Each section that was read -> the heading line it was read from, as written."""
    lines = parsed.source.split("\n")
    return {key: lines[line - 1] for key, line in sorted(parsed.sections.items())}


def _titles(parsed: ParsedDesign) -> list[str]:
    return [extra.title for extra in parsed.design.extra_sections]


def _invoke(*args: str) -> tuple[int, str, str, BaseException | None]:
    result = CliRunner().invoke(main, list(args))
    crash = None if isinstance(result.exception, SystemExit) else result.exception
    return result.exit_code, result.stdout, result.stderr, crash


# --------------------------------------------------------------------------- every document


@pytest.mark.parametrize("name", ALL)
def test_parse_and_score_neither_crash_nor_refuse(name: str) -> None:
    path = str(_path(name))
    for command in ("parse", "score"):
        code, _, stderr, crash = _invoke(command, path)
        assert crash is None, f"{command}: traceback {crash!r}"
        assert code in (0, 1), f"{command} exited {code}: {stderr}"
        assert "Traceback" not in stderr


# What `designkit diagram FILE --format mermaid` must do: draw the flowchart of the one
# document that has one, and say "no architecture found" (exit 1) for the others.
DIAGRAM = {
    RETRY_API: 0,
    JBI: 1,  # two .drawio.jpg images and a numbered list, no arrows
    CONCURRENCY: 1,
    HOW_IT_WORKS: 1,  # Mermaid sequence diagrams are not architecture
    LIMITATIONS: 1,
    MERGE: 1,
    SQS_IAM: 1,
    CRM_REQ: 1,
    ROADMAP: 1,
}


@pytest.mark.parametrize("name", ALL)
def test_diagram_draws_the_flowchart_or_says_there_is_none(name: str) -> None:
    path = str(_path(name))
    code, out, stderr, crash = _invoke("diagram", path, "--format", "mermaid")
    assert crash is None
    assert code == DIAGRAM[name], stderr
    if code == 1:
        assert "no architecture found" in stderr
    else:
        assert out.startswith("flowchart")
        for system in ("Retry API", "ICM REST framework", "OCIO-SSO"):
            assert system in out


# --------------------------------------------------------------------------- JBI (MADR ADR)


def test_jbi_adr_present() -> None:
    parsed = _parse(JBI)
    design = parsed.design
    assert design.document_kind is DocumentKind.ADR
    assert design.meta.name == "Bugzilla disables webhooks after too many errors"
    assert design.meta.date == "2023-11-27"  # '- Date: 2023-11-27', line 4
    assert _titles(parsed) == [
        "Context and Problem Statement",
        "Decision Drivers",
        "Proposed Solution",
        "Considered Options",
        "Links",
    ]


def test_jbi_adr_options_are_not_sections() -> None:
    parsed = _parse(JBI)
    design = parsed.design
    # '### Option 4: Use a simple DLQ (dead letter queue)' (line 133) is an option that
    # was not chosen ("every 4 hours, for example"); '### Option 3: Queue retries
    # internally' (line 113) says "2 hours? 2 days?". Neither is a DLQ or retry section.
    assert "error_handling.dead_letter_queue" not in parsed.sections
    assert "error_handling.retry_policies" not in parsed.sections
    assert design.error_handling.retry_policies == []
    assert design.error_handling.dead_letter_queue.retention_days is None
    # the numbered 'Breakdown of flowchart' list is not a diagram
    assert design.architecture.diagram.edges == []
    assert "Option 4: Use a simple DLQ (dead letter queue)" not in _titles(parsed)


# --------------------------------------------------------------------------- GOV.UK ADR 0003


def test_contentful_concurrency_adr_present() -> None:
    parsed = _parse(CONCURRENCY)
    design = parsed.design
    assert design.document_kind is DocumentKind.ADR
    assert design.meta.name == "3. Concurrent request handling"
    assert _titles(parsed) == ["Context", "Decision", "Status", "Consequences"]
    notes = [d for d in parsed.diagnostics if d.code == "DK106"]
    assert len(notes) == 1 and "read as an ADR" in notes[0].message


def test_contentful_concurrency_adr_date() -> None:
    assert _parse(CONCURRENCY).design.meta.date == "2022-09-22"


def test_contentful_concurrency_adr_absent() -> None:
    parsed = _parse(CONCURRENCY)
    design = parsed.design
    # "we have configured the application to retry 3 times" is prose in Consequences
    assert design.error_handling.retry_policies == []
    assert parsed.sections == {}
    # optimistic locking (lock version) is not an idempotency key, Redis is not a system drawn
    assert design.reliability.idempotency.approach is None
    assert design.reliability.idempotency.key is None
    assert design.architecture.diagram.nodes == []
    assert design.overview.purpose is None  # 'Context' is not the overview


# --------------------------------------------------------------------------- GOV.UK how it works


def test_contentful_how_it_works_present() -> None:
    parsed = _parse(HOW_IT_WORKS)
    assert parsed.design.meta.name == "How this application works"
    assert _titles(parsed) == ["Updating draft content", "Updating live content"]


def test_contentful_how_it_works_is_a_current_state_description() -> None:
    # It describes how the integration behaves today ("This tool acts as ... adapter",
    # "When it receives one it will query the GOV.UK Publishing API"). Once it is no
    # longer refused, designkit may still call it a design: then this test fails with an
    # AssertionError and shows that 'How ... works' is not yet a current-state sign.
    assert _parse(HOW_IT_WORKS).design.document_kind is DocumentKind.CURRENT_STATE


def test_contentful_how_it_works_absent() -> None:
    parsed = _parse(HOW_IT_WORKS)
    design = parsed.design
    # the two ```mermaid sequenceDiagram blocks (lines 12, 53) are not architecture:
    # 'Publisher' (an actor), 'ListenerApi' or 'Drafts changes in UI' are no systems
    assert design.architecture.diagram.edges == []
    assert design.architecture.diagram.nodes == []
    assert parsed.sections == {}
    assert design.error_handling.retry_policies == []
    assert design.security.authentication == []


# --------------------------------------------------------------------------- GOV.UK limitations


def test_contentful_limitations_present() -> None:
    parsed = _parse(LIMITATIONS)
    assert parsed.design.document_kind is DocumentKind.CURRENT_STATE
    assert parsed.design.meta.name == "Integration limitations"
    assert _titles(parsed) == [
        "No integration with Asset Manager",
        "No Integration with GOV.UK Search API",
        "Embedded data in Contentful rich text input",
        "Content in multiple languages",
        "Utilising the Publishing API link system",
        "Ability to create new GOV.UK content items dynamically",
        "Publishing life-cycle metadata",
        "Automatic removal of content",
    ]


def test_contentful_limitations_absent() -> None:
    parsed = _parse(LIMITATIONS)
    design = parsed.design
    # "a mapping system to co-ordinate the lifecycle of assets" (line 12) is no mapping
    # table, "content security policy" (line 18) no authentication, "change history" no log
    assert parsed.sections == {}
    assert design.data.mappings == []
    assert design.security.authentication == []
    assert design.architecture.diagram.edges == []
    assert design.phases == []


# --------------------------------------------------------------------------- HMPPS ADR 0017


def test_hmpps_merge_adr_present() -> None:
    parsed = _parse(MERGE)
    design = parsed.design
    assert design.document_kind is DocumentKind.ADR
    assert design.meta.name == "0017 - Merge Integration Events into Integration API"
    assert _titles(parsed) == ["Status", "Context", "Options", "Decision", "Consequences"]
    options = next(extra for extra in design.extra_sections if extra.title == "Options")
    assert "### B) Merge the services gradually [recommended]" in options.text


def test_hmpps_merge_adr_absent() -> None:
    parsed = _parse(MERGE)
    design = parsed.design
    # Option B's migration steps are not implementation phases; "CD pipeline",
    # "integration tests" and "deduplication" in the Context are no sections
    assert parsed.sections == {}
    assert design.phases == []
    assert design.testing == []
    assert design.deployment.strategy is None
    assert design.reliability.idempotency.approach is None
    # "agreed to proceed with option B on 21 Jan 2026" is in the Decision, not a header
    assert design.meta.date is None


# --------------------------------------------------------------------------- HMPPS ADR 0002


def test_hmpps_sqs_iam_adr_present() -> None:
    parsed = _parse(SQS_IAM)
    assert parsed.source.endswith("Permissions can be managed via IAM")  # no final newline
    design = parsed.design
    assert design.document_kind is DocumentKind.ADR
    assert design.meta.name == "0002 - Expose access to SQS queues using IAM"
    assert _titles(parsed) == ["Status", "Context", "Decision", "Consequences"]


def test_hmpps_sqs_iam_adr_absent() -> None:
    parsed = _parse(SQS_IAM)
    design = parsed.design
    # "Mutual TLS and an API key", "long-lived access keys", "temporary access keys" are
    # options in prose, not an authentication table
    assert "security.authentication" not in parsed.sections
    assert design.security.authentication == []
    assert design.security.encryption.secrets is None
    assert design.architecture.diagram.edges == []
    assert [d for d in lint_design(parsed) if d.code == "DK202"] == []


# --------------------------------------------------------------------------- BC Gov flowchart


def test_retry_api_flowchart_present() -> None:
    parsed = _parse(RETRY_API)
    design = parsed.design
    assert design.document_kind is DocumentKind.DESIGN
    edges = [(e.source, e.target) for e in design.architecture.diagram.edges]
    assert ("User agent", "OCIO-SSO") in edges  # User --> |Authenticate with OIDC| IdBroker
    assert ("User agent", "OCIO-APS") in edges
    assert ("Retry API", "ICM REST framework") in edges  # Retry ----> |Request ...| Icm
    assert ("OCIO-APS", "OCIO-SSO") in edges and ("OCIO-SSO", "OCIO-APS") in edges  # <-->


def test_retry_api_flowchart_absent() -> None:
    design = _parse(RETRY_API).design
    nodes = design.architecture.diagram.nodes
    # node ids, the subgraph id, edge labels and the front-matter title are not systems
    for absent in (
        "User",
        "Icm",
        "Container",
        "Authenticate with OIDC",
        "Retry API architecture",
        "direction TB",
    ):
        assert absent not in nodes, absent
    assert design.security.authentication == []  # 'Authenticate with client credentials' is a label


# --------------------------------------------------------------------------- arc42 requirement


def test_crm_requirement_present() -> None:
    parsed = _parse(CRM_REQ)
    design = parsed.design
    # '### Context' is not enough for an ADR: there is no Decision
    assert design.document_kind is not DocumentKind.ADR
    assert "Measurement & Verification" in _titles(parsed)


def test_crm_requirement_kind() -> None:
    # one requirements heading ('### Acceptance Criteria') and the page filed under
    # /requirements/ by its front matter's permalink: two signs; a single 'must'
    parsed = _parse(CRM_REQ)
    assert parsed.design.document_kind is DocumentKind.REQUIREMENTS
    note = next(d.message for d in parsed.diagnostics if d.code == "DK106")
    assert "filed under 'requirements' in its front matter" in note


def test_crm_requirement_front_matter_is_not_a_section() -> None:
    parsed = _parse(CRM_REQ)
    titles = _titles(parsed)
    assert not any("permalink:" in title or title.startswith("title:") for title in titles)
    assert {"Context", "Trigger", "Measurement & Verification"} <= set(titles)
    assert parsed.design.meta.name == "CRM System Data Synchronization"


def test_crm_requirement_absent() -> None:
    parsed = _parse(CRM_REQ)
    design = parsed.design
    # "retries feed a dead-letter queue (DLQ) after max attempts" (U+2011 hyphen) and
    # "OAuth 2.0, API keys" are acceptance criteria, not a DLQ section or auth table
    assert "error_handling.dead_letter_queue" not in parsed.sections
    assert design.error_handling.dead_letter_queue.when is None
    assert design.security.authentication == []
    # "1min to 24hrs", "within 5 minutes", ">0.5% records diverged" are not throughput,
    # latency or an error-rate target
    assert design.success_criteria.latency_p95_seconds is None
    assert design.success_criteria.error_rate_percent is None
    assert design.architecture.diagram.edges == []  # "Salesforce, HubSpot, Microsoft Dynamics"


# --------------------------------------------------------------------------- improvement roadmap


def test_sync_roadmap_present() -> None:
    parsed = _parse(ROADMAP)
    design = parsed.design
    assert design.meta.name == "Sync System Improvements - Implementation Roadmap"
    assert _read_from(parsed)["phases"] == "## 🎯 Implementation Plan"
    assert "Current State" in _titles(parsed)
    assert "Success Metrics" in _titles(parsed)


def test_sync_roadmap_kind() -> None:
    assert _parse(ROADMAP).design.document_kind is DocumentKind.IMPROVEMENT_ROADMAP


def test_sync_roadmap_week_range_is_no_lint_error() -> None:
    parsed = _parse(ROADMAP)
    assert [d for d in parsed.diagnostics if d.code == "DK202"] == []
    assert [p.name for p in parsed.design.phases] == ["Phase 3: Testing & Documentation"]


def test_sync_roadmap_titles_have_no_stray_emphasis() -> None:
    titles = _titles(_parse(ROADMAP))
    assert not [title for title in titles if "**" in title]


def test_sync_roadmap_absent() -> None:
    parsed = _parse(ROADMAP)
    design = parsed.design
    read = _read_from(parsed)
    # '#### **Task 6: Comprehensive Observability**', '### **Phase 3: Testing &
    # Documentation ...**', '#### **Task 10: Integration Test Suite**' are plan items
    for absent in ("observability", "testing", "deployment", "security", "error_handling"):
        assert absent not in read, absent
    # Task 2 "Configurable failure threshold (default 5) and timeout (default 60s)" and
    # "Handles rate limit errors (429)" describe code, not a circuit breaker or retry table
    assert design.error_handling.retry_policies == []
    assert design.error_handling.circuit_breaker.failure_threshold is None
    assert design.testing == []
