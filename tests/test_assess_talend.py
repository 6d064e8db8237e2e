"""The Talend reader on real Talend Spatial demo exports and on synthetic exports of the features
those lack (see tests/data/exports/README.md). Lines were checked against the files by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from designkit.assess.errors import ExportError
from designkit.assess.flags import integration_flags
from designkit.assess.inventory import Integration, MappingKind, StepKind, TriggerKind
from designkit.assess.readers import ExportContents, reader_modules, talend

DATA = Path(__file__).parent / "data" / "exports" / "talend"
SPATIAL = DATA / "talend-spatial"
DEMO = SPATIAL / "workspaces" / "DEMO"
SYNTHETIC = DATA / "synthetic"


def read(path: Path) -> ExportContents:
    assert talend.claims(path, path.read_bytes()[:512])
    return talend.read(path, path.name)


def job(path: Path) -> Integration:
    (integration,) = read(path).integrations
    return integration


def facts(items: list) -> list[tuple]:  # type: ignore[type-arg]
    return [
        (
            *item.model_dump(exclude={"source", "continues", "logs"}, mode="json").values(),
            item.source.line,
        )
        for item in items
    ]


def test_registered_as_a_reader() -> None:
    assert talend in reader_modules()


def test_db_to_db_job_from_the_spatial_demo() -> None:
    integration = job(DEMO / "process/Spatial/test_vector/IO/test_PostGisLinkDragAndDrop_0.1.item")
    assert integration.name == "test_PostGisLinkDragAndDrop"
    assert [(t.kind, t.source.line) for t in integration.triggers] == [(TriggerKind.MANUAL, 2)]
    assert [
        (c.name, c.system_kind, c.endpoint, c.auth, c.direction, c.source.line)
        for c in integration.connections
    ] == [
        (
            "tPostgresqlInput_1",
            "database",
            "localhost:5432/talend table talendpoly",
            "user/password",
            "read",
            33,
        ),
        (
            "tPostgresqlOutput_1",
            "database",
            "localhost:5432/talend table TEMPTABLE",
            "user/password",
            "write",
            73,
        ),
    ]
    assert [(s.name, s.kind) for s in integration.steps] == [
        ("tPostgresqlInput_1", StepKind.READ),
        ("tPostgresqlOutput_1", StepKind.WRITE),
    ]
    # The demo writes its throwaway local password out in both components (SEC-01 at lines 44 and 83).
    assert [
        (v.name, v.secret, v.has_plain_value, v.value, v.source.line) for v in integration.variables
    ] == [
        ("tPostgresqlInput_1.PASS", True, True, "", 44),
        ("tPostgresqlOutput_1.PASS", True, True, "", 83),
    ]
    assert facts(integration.error_handling) == [
        (
            "die_on_error",
            "tPostgresqlOutput_1",
            None,
            None,
            None,
            "DIE_ON_ERROR=false: errors skipped, job goes on",
            90,
        )
    ]
    assert "www-data" not in integration.model_dump_json()
    # Job-level <parameters> (stats & logs database, implicit context) are not components.
    assert all(s.component.startswith("tPostgresql") for s in integration.steps)


def test_tmap_job_keeps_unknown_spatial_components_in_flow_order() -> None:
    integration = job(DEMO / "process/Spatial/test_vector/Collectors/test_sNeighborFinder_0.1.item")
    assert [(s.name, s.kind, s.source.line) for s in integration.steps] == [
        ("tFileInputDelimited_1", StepKind.READ, 62),
        ("s2DPointReplacer_1", StepKind.UNKNOWN, 122),
        ("sShapefileInput_1", StepKind.UNKNOWN, 155),
        ("tMap_1", StepKind.TRANSFORM, 213),
        ("sNeighborFinder_1", StepKind.UNKNOWN, 139),
        ("sPostgisOutput_1", StepKind.UNKNOWN, 178),
    ]
    assert [
        (m.source_expression, m.target_field, m.kind, m.step, m.source.line)
        for m in integration.mappings
    ] == [
        ("row2.CODE", "out.CODE", MappingKind.DIRECT, "tMap_1", 235),
        ("row2.NAME", "out.NAME", MappingKind.DIRECT, "tMap_1", 236),
        ("row2.the_geom", "out.the_geom", MappingKind.DIRECT, "tMap_1", 237),
    ]
    password = [v for v in integration.variables if v.secret]
    assert [(v.name, v.has_plain_value, v.scope, v.source.line) for v in password] == [
        ("DbPassword", True, "context Default", 17),
        ("GeoNetworkPassword", True, "context Default", 22),
        (
            "sPostgisOutput_1.DB_PASSWD",
            False,
            "component sPostgisOutput_1",
            184,
        ),  # context.DbPassword
    ]
    dbhost = next(v for v in integration.variables if v.name == "DbHost")
    assert (dbhost.value, dbhost.secret, dbhost.source.line) == ("localhost", False, 13)
    assert not [e for e in integration.error_handling if e.kind == "retry"]


def test_file_fetch_timeout_in_milliseconds_and_unused_auth_defaults_ignored() -> None:
    integration = job(DEMO / "process/Spatial/test_vector/readme_first_0.1.item")
    fetch = integration.connections[0]
    assert (fetch.connector, fetch.system_kind, fetch.endpoint, fetch.source.line) == (
        "tFileFetch",
        "http",
        "https://github.com/talend-spatial/talend-spatial/raw/6.x/workspaces/SdiDemoGeoData.tar.gz",
        62,
    )
    assert facts(integration.error_handling) == [
        (
            "die_on_error",
            "tFileFetch_1",
            None,
            None,
            None,
            "DIE_ON_ERROR=true: stops the job on the first error",
            78,
        ),
        ("timeout", "tFileFetch_1", None, None, 1.0, "TIMEOUT=1000", 86),
    ]
    # SMB_PASSWORD / AUTH_PASSWORD hold Talend's default "password" with SMB and NEED_AUTH off.
    assert [v.name for v in integration.variables] == ["DirGeoData"]


def test_child_job_call_from_tRunJob() -> None:
    integration = job(
        SPATIAL / "workspaces/DEMO_SEXTANTE/process/Sextante/test_riverbasin_0.1.item"
    )
    assert facts(integration.calls) == [("test_riverbasin", "test_flow", True, 161)]
    assert ("die_on_error", "tRunJob_1", 169) in [
        (e.kind, e.step, e.source.line) for e in integration.error_handling
    ]
    assert [s.name for s in integration.steps if s.kind == StepKind.UNKNOWN] == [
        "sAccFlowAlgorithm_1",
        "sChannelNetworkAlgorithm_1",
        "sWatershedsAlgorithm_1",
        "sContourLinesAlgorithm_1",
    ]


def test_context_group_and_repository_connection_are_shared() -> None:
    group = read(DEMO / "context/Spatial/SpatialContext_0.1.item")
    assert not group.integrations
    secrets = [
        (v.name, v.has_plain_value, v.scope, v.source.line)
        for v in group.shared_variables
        if v.secret
    ]
    assert secrets == [
        ("DbPassword", True, "context group SpatialContext", 16),
        ("GeoNetworkPassword", True, "context group SpatialContext", 21),
    ]
    metadata = read(
        SPATIAL / "org.talend.patch/3.1/org.talend.resources/resources/demoprojects/java"
        "/TALENDDEMOSPATIALJAVA/metadata/connections/PostGisLink_0.1.item"
    )
    (connection,) = metadata.shared_connections
    assert (
        connection.name,
        connection.connector,
        connection.endpoint,
        connection.auth,
        connection.source.line,
    ) == (
        "PostGisLink",
        "PostgreSQL",
        "localhost:5432/TALEND",
        "user/password",
        2,
    )
    (password,) = metadata.shared_variables
    assert (password.name, password.secret, password.has_plain_value) == (
        "PostGisLink.Password",
        True,
        False,
    )
    assert "tth4NfVl3eP096uhdGeE6g==" not in str(
        [v.model_dump_json() for v in metadata.shared_variables]
    )


ORDERS = SYNTHETIC / "process/orders_api_0.1.item"


def test_synthetic_orders_job_trigger_connections_and_mappings() -> None:
    integration = job(ORDERS)
    assert integration.description == "Receive orders over REST and load them"
    assert facts(integration.triggers) == [("webhook", "/orders POST /", 20)]
    rest = next(c for c in integration.connections if c.connector == "tRESTClient")
    # userinfo and the api_key query parameter are stripped, the rest of the URL kept
    assert (rest.endpoint, rest.auth, rest.source.line) == (
        "http://crm.example.invalid/v1/orders?region=eu",
        "basic",
        87,
    )
    assert [(m.target_field, m.kind, m.source.line) for m in integration.mappings] == [
        ("Var.total", MappingKind.FORMULA, 43),
        ("orders.order_id", MappingKind.DIRECT, 46),
        ("orders.customer_name", MappingKind.LOOKUP, 47),
        ("orders.amount", MappingKind.DIRECT, 48),
        ("orders.status", MappingKind.CONDITIONAL, 49),
        ("orders.source_system", MappingKind.CONSTANT, 50),
        ("orders.email", MappingKind.FORMULA, 51),
        ("rejected.order_id", MappingKind.DIRECT, 55),
    ]
    assert facts(integration.calls) == [("orders_api", "notify_customer", True, 117)]
    assert [(s.name, s.component) for s in integration.steps if s.kind == StepKind.UNKNOWN] == [
        ("tFancyVendorThing_1", "tFancyVendorThing")
    ]
    assert (
        integration.passes_correlation_id is not None
        and integration.passes_correlation_id.line == 97
    )
    assert not [c for c in integration.connections if "comment.example" in c.endpoint]


def test_synthetic_orders_job_error_handling() -> None:
    integration = job(ORDERS)
    assert [
        (e.kind, e.step, e.attempts, e.delay_seconds, e.timeout_seconds, e.source.line)
        for e in integration.error_handling
    ] == [
        ("die_on_error", "tMap_1", None, None, None, 40),
        ("error_output", "tMap_1", None, None, None, 54),
        ("die_on_error", "tMysqlOutput_1", None, None, None, 73),
        ("retry", "tRESTClient_1", 3, 5.0, None, 79),
        ("timeout", "tRESTClient_1", None, None, 30.0, 94),
        ("timeout", "tRESTClient_1", None, None, 60.0, 95),
        ("on_error", "tDie_1", None, None, None, 105),
        ("log", "tWarn_1", None, None, None, 110),
        ("on_error", "tLogCatcher_1", None, None, None, 114),
        ("die_on_error", "tRunJob_1", None, None, None, 121),
        ("error_output", "tMysqlOutput_1", None, None, None, 129),
        ("on_error", "tRESTClient_1", None, None, None, 132),
        ("on_error", "tLoop_1", None, None, None, 133),
    ]


def test_synthetic_secrets_never_leave_the_reader() -> None:
    integration = job(ORDERS)
    secrets = {
        (v.name, v.scope): (v.has_plain_value, v.source.line)
        for v in integration.variables
        if v.secret
    }
    assert secrets == {
        ("db_password", "context Default"): (False, 7),  # enc:
        ("partner_key", "context Default"): (True, 8),  # id_Password type, literal value
        ("crm_token", "context Default"): (False, 9),  # ${...}
        ("db_password", "context Prod"): (False, 13),  # empty
        ("tMysqlInput_1.PASS", "component tMysqlInput_1"): (False, 35),  # context.db_password
        ("tMysqlOutput_1.PASS", "component tMysqlOutput_1"): (False, 71),  # enc:
        ("tRESTClient_1.AUTH_PASSWORD", "component tRESTClient_1"): (True, 93),
    }
    dumped = integration.model_dump_json()
    for literal in (
        "Synthetic-Literal-4711",
        "Synthetic-Basic-Pass-7",
        "Synthetic-Userinfo-99",
        "Synthetic-Query-Key-42",
        "Q2lwaGVyVGV4dA",
    ):
        assert literal not in dumped
    group = read(SYNTHETIC / "context/Secrets_0.1.item")
    assert [
        (v.name, v.scope.split()[-1], v.has_plain_value, v.source.line)
        for v in group.shared_variables
        if v.secret
    ] == [
        ("api_token", "Secrets", True, 6),
        ("db_pwd", "Secrets", False, 7),
        ("api_token", "Secrets", False, 10),  # #{vault:...}
        ("smtp_login", "Secrets", True, 11),  # id_Password
    ]
    assert "Synthetic-" not in str([v.model_dump_json() for v in group.shared_variables])


def test_credentials_in_http_header_tables_are_located_never_kept() -> None:
    integration = job(SYNTHETIC / "process/partner_headers_0.1.item")
    secrets = [
        (v.name, v.scope, v.has_plain_value, v.value, v.source.line)
        for v in integration.variables
        if v.secret
    ]
    assert secrets == [
        # tRESTClient: NAME / VALUE columns; Accept is no credential.
        ("tRESTClient_1.HEADERS[Authorization]", "component tRESTClient_1, HTTP header",
         True, "", 11),
        # tHttpRequest: HEADER_NAME / HEADER_VALUE columns.
        ("tHttpRequest_1.HEADERS[X-API-Key]", "component tHttpRequest_1, HTTP header",
         True, "", 19),
        # tREST: "Bearer " + context.billing_token is a reference; the empty X-Api-Key is skipped.
        ("tREST_1.HEADERS[Authorization]", "component tREST_1, HTTP header", False, "", 27),
    ]  # fmt: skip
    found = [(f.code, f.line) for f in integration_flags(integration) if f.code == "SEC-01"]
    assert found == [("SEC-01", 11), ("SEC-01", 19)]
    dumped = integration.model_dump_json() + str(integration_flags(integration))
    assert "Synthetic-Header-" not in dumped


def test_polling_and_event_triggers_and_a_shared_db_connection() -> None:
    watch = job(SYNTHETIC / "process/file_watch_0.1.item")
    assert facts(watch.triggers) == [("polling", "waits for /data/inbox/*.csv every 60 s", 5)]
    output = next(s for s in watch.steps if s.name == "tOracleOutput_1")
    assert (output.kind, output.connection) == (StepKind.WRITE, "tOracleConnection_1")
    assert [c.name for c in watch.connections if c.system_kind == "database"] == [
        "tOracleConnection_1"
    ]
    assert not [
        e for e in watch.error_handling if e.kind in ("retry", "timeout")
    ]  # none configured
    queue = job(SYNTHETIC / "process/queue_listener_0.1.item")
    assert facts(queue.triggers) == [("event", "tKafkaInput consumes orders.created", 4)]
    assert queue.connections[0].endpoint == "kafka.example.invalid:9092 orders.created"


def test_esb_route_schedule_redelivery_and_dead_letter() -> None:
    route = job(SYNTHETIC / "routes/orders_route_0.1.item")
    assert facts(route.triggers) == [("schedule", "every 300000 ms", 4)]
    endpoint = next(c for c in route.connections if c.connector == "cMessagingEndpoint")
    assert (endpoint.system_kind, endpoint.endpoint) == (
        "http",
        "http4://erp.example.invalid/export",
    )
    assert [
        (e.kind, e.attempts, e.delay_seconds, e.detail, e.source.line) for e in route.error_handling
    ] == [
        ("retry", 5, 2.0, "MAXIMUM_REDELIVERIES=5, REDELIVERY_DELAY=2000", 16),
        ("dead_letter", None, None, "dead letter channel activemq:queue:orders.dlq", 12),
        ("on_error", None, None, "onException java.net.ConnectException", 19),
    ]


def test_claims_only_xml_item_files(tmp_path: Path) -> None:
    sql = tmp_path / "Commit_0.1.item"
    sql.write_text("COMMIT;")
    assert not talend.claims(sql, sql.read_bytes())
    assert not talend.claims(
        tmp_path / "job.xml", b"<?xml version='1.0'?><talendfile:ProcessType/>"
    )
    assert talend.claims(ORDERS, ORDERS.read_bytes()[:200])


def test_truncated_export_is_one_error_with_its_line(tmp_path: Path) -> None:
    original = DEMO / "process/Spatial/test_vector/IO/test_PostGisLinkDragAndDrop_0.1.item"
    text = original.read_bytes()
    cut = text[: text.index(b"<connection ")]
    broken = tmp_path / "cut_0.1.item"
    broken.write_bytes(cut)
    with pytest.raises(ExportError) as raised:
        talend.read(broken, "cut_0.1.item")
    assert raised.value.path == "cut_0.1.item"
    last_line = cut.count(b"\n") + 1
    assert raised.value.line == last_line
    assert str(raised.value).startswith(f"cut_0.1.item:{last_line}: not well-formed XML")


def test_item_with_a_foreign_root_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "pom_0.1.item"
    other.write_text(
        '<?xml version="1.0"?>\n\n<project xmlns="http://maven.apache.org/POM/4.0.0"/>\n'
    )
    with pytest.raises(ExportError) as raised:
        talend.read(other, "pom_0.1.item")
    assert raised.value.line == 3
    assert "not a Talend export" in str(raised.value) and "<project>" in str(raised.value)


def test_die_on_error_off_goes_on_and_logs_to_stderr() -> None:
    integration = job(DEMO / "process/Spatial/test_vector/IO/test_PostGisLinkDragAndDrop_0.1.item")
    (handler,) = [h for h in integration.error_handling if h.kind.value == "die_on_error"]
    assert (handler.continues, handler.logs) == (True, True)
    fetch = job(DEMO / "process/Spatial/test_vector/readme_first_0.1.item").error_handling[0]
    assert (fetch.continues, fetch.logs) == (False, False)


def test_reject_rows_kept_only_where_a_link_carries_them_on() -> None:
    orders = job(
        Path(__file__).parent / "data/exports/talend/synthetic/process/orders_api_0.1.item"
    )
    outputs = {
        (h.step, h.detail.split(" ")[0], h.logs)
        for h in orders.error_handling
        if h.kind.value == "error_output"
    }
    # the REJECT link writes tMysqlOutput_1's rejects to a file; tMap's "rejected" table is linked nowhere
    assert outputs == {("tMysqlOutput_1", "REJECT", True), ("tMap_1", "output", False)}
