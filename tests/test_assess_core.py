"""The platform-independent half of ``designkit assess``: red flags, inventory, current-state design.

Inventories are built by hand here so every rule is tested for what it must find
and for what it must not (wrong is worse than missing); the readers' own tests
cover turning real exports into inventories.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from designkit.assess.current_design import (
    EVIDENCE_TITLE,
    FLAGS_TITLE,
    current_state_design,
    current_state_markdown,
)
from designkit.assess.flags import integration_flags, inventory_flags
from designkit.assess.inventory import (
    Connection,
    ContextVariable,
    ErrorHandling,
    ErrorHandlingKind,
    FieldMapping,
    Integration,
    Inventory,
    MappingKind,
    Source,
    Step,
    StepKind,
    Trigger,
    TriggerKind,
)
from designkit.assess.inventory_report import inventory_json, inventory_markdown, md_text
from designkit.assess.run import _Folder
from designkit.diagnostics import Diagnostic
from designkit.errors import UserError
from designkit.model import DesignType, Pattern
from designkit.parse import parse_design
from designkit.rubric.engine import score_design
from designkit.rubric.loader import load_rubric

FILE = "export/orders.item"


def at(line: int) -> Source:
    return Source(file=FILE, line=line)


def integration(**changes: object) -> Integration:
    """A scheduled job reading a shop database, calling an ERP over HTTP, writing its database."""
    base = Integration(
        name="Orders_To_ERP",
        platform="talend",
        source=at(1),
        triggers=[Trigger(kind=TriggerKind.SCHEDULE, detail="every 15 minutes", source=at(2))],
        connections=[
            Connection(
                name="shop_db", connector="tMysqlInput", system_kind="database", source=at(10)
            ),
            Connection(
                name="erp_api",
                connector="tRESTClient",
                system_kind="http",
                endpoint="https://erp.example.com/api",
                auth="basic",
                source=at(20),
            ),
            Connection(
                name="erp_db", connector="tOracleOutput", system_kind="database", source=at(30)
            ),
        ],
        steps=[
            Step(
                name="read_orders",
                component="tMysqlInput",
                kind=StepKind.READ,
                connection="shop_db",
                source=at(10),
            ),
            Step(name="map", component="tMap", kind=StepKind.TRANSFORM, source=at(15)),
            Step(
                name="post_erp",
                component="tRESTClient",
                kind=StepKind.CALL,
                connection="erp_api",
                source=at(20),
            ),
            Step(
                name="write_erp",
                component="tOracleOutput",
                kind=StepKind.WRITE,
                connection="erp_db",
                source=at(30),
            ),
        ],
        mappings=[
            FieldMapping(
                source_expression="row1.id",
                target_field="order_id",
                kind=MappingKind.DIRECT,
                step="map",
                source=at(16),
            ),
        ],
    )
    return base.model_copy(update=changes)


def codes(found: list[Diagnostic]) -> list[tuple[str, int]]:
    return [(flag.code, flag.line) for flag in found]


def test_a_job_without_error_handling_shows_each_flag_at_its_line() -> None:
    found = integration_flags(integration())
    assert codes(found) == [
        ("OPS-03", 1),
        ("REL-04", 1),
        ("REL-01", 10),
        ("REL-01", 20),
        ("ARC-03", 30),
        ("REL-01", 30),
    ]
    assert all(flag.path == FILE and flag.field == "Orders_To_ERP" for flag in found)


def test_retries_cover_their_step_connection_or_the_whole_job() -> None:
    on_step = ErrorHandling(
        kind=ErrorHandlingKind.RETRY, step="post_erp", attempts=3, source=at(21)
    )
    on_connection = ErrorHandling(
        kind=ErrorHandlingKind.RETRY, step="shop_db", attempts=2, source=at(11)
    )
    found = codes(integration_flags(integration(error_handling=[on_step, on_connection])))
    assert ("REL-01", 20) not in found and ("REL-01", 10) not in found
    assert ("REL-01", 30) in found
    everywhere = ErrorHandling(kind=ErrorHandlingKind.RETRY, attempts=5, source=at(3))
    assert not [
        c
        for c in codes(integration_flags(integration(error_handling=[everywhere])))
        if c[0] == "REL-01"
    ]


def test_plain_http_is_sec02_but_https_and_loopback_are_not() -> None:
    assert "SEC-02" not in [c for c, _ in codes(integration_flags(integration()))]
    plain = (
        integration().connections[1].model_copy(update={"endpoint": "http://erp.example.com/api"})
    )
    loopback = plain.model_copy(update={"name": "local", "endpoint": "http://127.0.0.1:8080/x"})
    found = codes(integration_flags(integration(connections=[plain, loopback])))
    assert [f for f in found if f[0] == "SEC-02"] == [("SEC-02", 20)]


def test_a_plain_secret_is_located_never_printed() -> None:
    variables = [
        ContextVariable(
            name="erp_password", secret=True, has_plain_value=True, scope="Prod", source=at(50)
        ),
        ContextVariable(name="api_token", secret=True, has_plain_value=False, source=at(51)),
        ContextVariable(name="erp_host", value="erp.example.com", source=at(52)),
    ]
    found = [f for f in integration_flags(integration(variables=variables)) if f.code == "SEC-01"]
    assert [(f.line, f.severity.value) for f in found] == [(50, "error")]
    assert "erp_password" in found[0].message and "not printed" in found[0].message
    shared = inventory_flags(Inventory(shared_variables=variables))
    assert codes(shared) == [("SEC-01", 50)] and shared[0].field is None


def test_a_handler_that_swallows_failures_is_ops04_unless_it_logs() -> None:
    swallow = ErrorHandling(
        kind=ErrorHandlingKind.ON_ERROR,
        step="write_erp",
        continues=True,
        detail="on-error-continue",
        source=at(31),
    )
    logged = swallow.model_copy(update={"logs": True, "source": at(32)})
    propagates = swallow.model_copy(update={"continues": False, "source": at(33)})
    found = codes(integration_flags(integration(error_handling=[swallow, logged, propagates])))
    assert [f for f in found if f[0] == "OPS-04"] == [("OPS-04", 31)]


def test_dead_letter_and_correlation_id_clear_their_flags() -> None:
    dlq = ErrorHandling(
        kind=ErrorHandlingKind.DEAD_LETTER, detail="reject rows to errors.csv", source=at(40)
    )
    found = codes(integration_flags(integration(error_handling=[dlq], passes_correlation_id=at(5))))
    assert "REL-04" not in [c for c, _ in found] and "OPS-03" not in [c for c, _ in found]


def test_a_chain_of_calls_without_timeouts_is_arc02_and_one_timeout_clears_it() -> None:
    second = Step(
        name="post_tax",
        component="tRESTClient",
        kind=StepKind.CALL,
        connection="erp_api",
        source=at(25),
    )
    job = integration(steps=[*integration().steps, second])
    assert ("ARC-02", 20) in codes(integration_flags(job))
    timeout = ErrorHandling(
        kind=ErrorHandlingKind.TIMEOUT, step="post_tax", timeout_seconds=30, source=at(26)
    )
    timed = job.model_copy(update={"error_handling": [timeout]})
    assert "ARC-02" not in [c for c, _ in codes(integration_flags(timed))]


def test_one_database_is_not_arc03_and_mostly_formulas_is_dat03() -> None:
    one_db = integration(
        steps=[
            s.model_copy(update={"connection": "shop_db"}) if s.name == "write_erp" else s
            for s in integration().steps
        ]
    )
    assert "ARC-03" not in [c for c, _ in codes(integration_flags(one_db))]
    kinds = [MappingKind.FORMULA, MappingKind.LOOKUP, MappingKind.CONDITIONAL, MappingKind.DIRECT]
    mappings = [
        FieldMapping(source_expression=f"e{n}", target_field=f"f{n}", kind=k, source=at(60 + n))
        for n, k in enumerate(kinds)
    ]
    assert ("DAT-03", 60) in codes(integration_flags(integration(mappings=mappings)))
    half = [
        m.model_copy(update={"kind": MappingKind.DIRECT}) if n % 2 else m
        for n, m in enumerate(mappings)
    ]
    assert "DAT-03" not in [c for c, _ in codes(integration_flags(integration(mappings=half)))]


def test_the_current_state_design_reads_back_and_scores_as_a_roadmap() -> None:
    job = integration(
        error_handling=[
            ErrorHandling(
                kind=ErrorHandlingKind.RETRY,
                step="post_erp",
                attempts=3,
                delay_seconds=5,
                detail="tLoop",
                source=at(21),
            )
        ],
        variables=[
            ContextVariable(name="erp_password", secret=True, has_plain_value=True, source=at(50))
        ],
    )
    text = current_state_markdown(job, integration_flags(job))
    design = parse_design(text, "designs/orders.md").design
    assert design.meta.type is DesignType.IMPROVEMENT_ROADMAP
    assert design.meta.name == "Orders_To_ERP"
    assert design.architecture.pattern is Pattern.ETL
    assert [(m.source_field, m.target_field) for m in design.data.mappings] == [
        ("row1.id", "order_id")
    ]
    retry = design.error_handling.retry_policies[0]
    assert (retry.max_attempts, retry.backoff_seconds) == (3, [5])
    # What the export cannot tell stays a gap, never invented.
    assert design.reliability.idempotency.approach is None
    assert design.error_handling.dead_letter_queue.when is None
    assert design.security.encryption.secrets is None
    titles = [section.title for section in design.extra_sections]
    assert EVIDENCE_TITLE in titles and FLAGS_TITLE in titles
    evidence = next(s.text for s in design.extra_sections if s.title == EVIDENCE_TITLE)
    assert f"{FILE}:21" in evidence and f"{FILE}:16" in evidence
    card = score_design(parse_design(text, "designs/orders.md"), load_rubric())
    levels = {d.name: d.level for d in card.dimensions}
    assert levels["Security & Compliance"] == 1  # SEC-01 in the export caps it


def test_the_model_round_trips_through_markdown() -> None:
    job = integration()
    design = current_state_design(job, integration_flags(job))
    back = parse_design(current_state_markdown(job, integration_flags(job)), "x.md").design
    diagram = {"architecture": {"diagram"}}
    assert back.model_dump(exclude=diagram) == design.model_dump(exclude=diagram)
    assert back.architecture.diagram.edges == design.architecture.diagram.edges


def test_export_text_cannot_inject_markdown_or_html() -> None:
    hostile = integration(name="<img src=x onerror=alert(1)> | fake | row |")
    page = inventory_markdown(Inventory(exports=[FILE], integrations=[hostile]), [])
    assert (
        not re.search(r"(?<!\\)<img", page)
        and "\\<img src=x onerror=alert\\(1\\)\\> \\| fake \\| row \\|" in page
    )
    # a bidi override shows as its escape, whose backslash Markdown keeps
    assert md_text("a\nb\u202ec") == "a b\\\\u202ec"


def test_inventory_json_holds_no_secret_value() -> None:
    secret = ContextVariable(name="pwd", secret=True, has_plain_value=True, source=at(9))
    data = json.loads(
        inventory_json(
            Inventory(exports=[FILE], integrations=[integration(variables=[secret])]), [], ["x.txt"]
        )
    )
    assert data["inventory"]["integrations"][0]["variables"][0]["value"] == ""
    assert data["skipped"] == ["x.txt"]


def test_the_folder_never_replaces_a_file_edited_since_the_last_run(tmp_path: Path) -> None:
    first = _Folder(tmp_path)
    first.plan("designs/a.md", "one\n")
    first.commit()
    again = _Folder(tmp_path)
    again.plan("designs/a.md", "two\n")  # unchanged since the last run: replaced
    again.commit()
    assert (tmp_path / "designs/a.md").read_text() == "two\n"
    (tmp_path / "designs/a.md").write_text("filled in after the interview\n")
    with pytest.raises(UserError, match="not overwritten"):
        _Folder(tmp_path).plan("designs/a.md", "three\n")
    (tmp_path / "mine.md").write_text("notes\n")
    with pytest.raises(UserError, match="not overwritten"):
        _Folder(tmp_path).plan("mine.md", "x\n")
    assert (tmp_path / "designs/a.md").read_text() == "filled in after the interview\n"


def test_camel_http4_is_plain_http() -> None:
    route = (
        integration().connections[1].model_copy(update={"endpoint": "http4://erp.example.com/x"})
    )
    assert ("SEC-02", 20) in codes(integration_flags(integration(connections=[route])))


def test_a_job_called_by_another_gets_a_called_trigger_citing_the_call() -> None:
    from designkit.assess.inventory import JobCall
    from designkit.assess.run import link_calls

    child = integration(name="Child", triggers=[], source=Source(file="export/child.item", line=1))
    parent = integration(calls=[JobCall(caller="Orders_To_ERP", callee="child", source=at(70))])
    same_file = integration(name="Sibling", triggers=[])
    parent.calls.append(JobCall(caller="Orders_To_ERP", callee="Sibling", source=at(71)))
    inventory = Inventory(integrations=[parent, child, same_file])
    link_calls(inventory)
    link_calls(inventory)  # idempotent
    assert [(t.kind.value, t.detail, t.source.line) for t in child.triggers] == [
        ("called", "called by Orders_To_ERP", 70)
    ]
    assert [t.kind.value for t in parent.triggers] == ["schedule"]
    assert same_file.triggers == []  # the reader saw both ends of a call within one file


def test_a_reject_store_clears_rel04_but_an_error_answer_does_not() -> None:
    kept = ErrorHandling(
        kind=ErrorHandlingKind.ERROR_OUTPUT,
        step="write_erp",
        logs=True,
        detail="REJECT rows go to rejects.csv",
        source=at(41),
    )
    answered = kept.model_copy(
        update={"logs": False, "detail": "HTTP error response to the caller"}
    )
    assert "REL-04" not in [
        c for c, _ in codes(integration_flags(integration(error_handling=[kept])))
    ]
    assert ("REL-04", 1) in codes(integration_flags(integration(error_handling=[answered])))
