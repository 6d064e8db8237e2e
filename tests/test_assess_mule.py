"""The Mule 4 reader on real public applications and on a synthetic one (tests/data/exports/mule).

Real fixtures: mulesoft-catalyst's reliable-messaging-example-api and two APIs of
cqrs-pattern-mule-mysql-rabbitmq (see tests/data/exports/README.md). The synthetic
application covers what those do not: schedulers, until-successful, reconnection,
timeouts, DLQs, secrets in properties and connection attributes. Lines below were
checked against the files.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from designkit.assess.errors import ExportError
from designkit.assess.inventory import (
    ErrorHandlingKind,
    Integration,
    MappingKind,
    StepKind,
    TriggerKind,
)
from designkit.assess.readers import ExportContents, mule, reader_modules
from tests.conftest import ROOT

EXPORTS = ROOT / "tests" / "data" / "exports"
RELIABLE = "mule/reliable-messaging-example-api/src/main"
CQRS = "mule/cqrs-pattern-mule-mysql-rabbitmq"
SYNTH = "mule/synthetic/orders-sync/src/main"
SOLACE = (
    "mule/pubsubplus-connector-mule-docs/demo/mule-solace-pubsubplus-connector-requestreply-demo"
    "/src/main/mule/requestreply.xml"
)


def read(relative: str) -> ExportContents:
    path = EXPORTS / relative
    assert mule.claims(path, path.read_bytes()[:4096])
    return mule.read(path, relative)


def flows(relative: str) -> dict[str, Integration]:
    return {flow.name: flow for flow in read(relative).integrations}


def kinds(flow: Integration, kind: ErrorHandlingKind) -> list[tuple[str, str]]:
    return [(e.step, str(e.source)) for e in flow.error_handling if e.kind == kind]


# -- claims -----------------------------------------------------------------------------------
def test_the_reader_is_registered() -> None:
    assert mule in reader_modules()


@pytest.mark.parametrize(
    ("relative", "expected"),
    [
        (f"{RELIABLE}/mule/global.xml", True),
        (f"{RELIABLE}/resources/configuration/config.yaml", True),
        (f"{SYNTH}/resources/secure-dev.properties", True),  # secure-${env}.properties
        (f"{SYNTH}/resources/config-dev.yaml", True),  # config-${env}.yaml
        (f"{SYNTH}/resources/unreferenced.properties", False),
        (f"{SYNTH}/resources/dwl/order-to-sf.dwl", False),
        ("mule/reliable-messaging-example-api/mule-artifact.json", False),
    ],
)
def test_claims_mule_configuration_and_referenced_properties_only(
    relative: str, expected: bool
) -> None:
    path = EXPORTS / relative
    assert mule.claims(path, path.read_bytes()[:4096]) is expected


def test_an_unrelated_xml_file_outside_src_main_mule_is_not_claimed(tmp_path: Path) -> None:
    other = tmp_path / "log4j2.xml"
    other.write_text('<?xml version="1.0"?><Configuration status="WARN"/>', encoding="utf-8")
    assert not mule.claims(other, other.read_bytes())


# -- real: reliable-messaging-example-api -----------------------------------------------------
def test_reliable_messaging_flows_triggers_connections() -> None:
    found = flows(f"{RELIABLE}/mule/message-reliability-example-api.xml")
    assert list(found) == ["message-acquisition-flow", "message-processing-flow"]
    acquisition, processing = found.values()
    file = f"{RELIABLE}/mule/message-reliability-example-api.xml"
    assert str(acquisition.source) == f"{file}:11"
    [webhook] = acquisition.triggers
    assert webhook.kind == TriggerKind.WEBHOOK
    assert (
        webhook.detail == "any method http://0.0.0.0:8081/message-reliability-example-api/employee"
    )
    assert str(webhook.source) == f"{file}:12"
    [event] = processing.triggers
    assert (event.kind, event.detail, str(event.source)) == (
        TriggerKind.EVENT, "amqp:listener employee-queue", f"{file}:35",
    )  # fmt: skip
    amqp = {c.name: c for c in acquisition.connections}["AMQP_Config"]
    assert (amqp.connector, amqp.system_kind, amqp.endpoint, amqp.auth, amqp.direction) == (
        "amqp:config", "queue", "localhost:5672", "username/password", "write",
    )  # fmt: skip
    assert str(amqp.source) == f"{RELIABLE}/mule/global.xml:16"
    assert [(s.kind, s.component, s.source.line) for s in processing.steps[:4]] == [
        (StepKind.TRIGGER, "amqp:listener", 35),
        (StepKind.LOG, "logger", 40),
        (StepKind.OTHER, "raise-error", 41),
        (StepKind.OTHER, "amqp:ack", 42),
    ]


def test_reliable_messaging_default_error_handler_and_dead_letter_queue() -> None:
    found = flows(f"{RELIABLE}/mule/message-reliability-example-api.xml")
    handler = f"{RELIABLE}/mule/global-exception-handler.xml"
    for flow in found.values():
        [on_error] = [e for e in flow.error_handling if e.kind == ErrorHandlingKind.ON_ERROR]
        assert str(on_error.source) == f"{handler}:12"
        assert on_error.detail.startswith(
            "default error handler all-error-handler: on-error-continue ANY"
        )
        assert on_error.detail.endswith("error handled, the flow ends normally")
        # Only the error queue is a dead letter; the delay and retry queues are not.
        [dead] = [e for e in flow.error_handling if e.kind == ErrorHandlingKind.DEAD_LETTER]
        assert (dead.detail, str(dead.source)) == (
            "amqp:publish to employee-error-queue",
            f"{handler}:62",
        )
        assert kinds(flow, ErrorHandlingKind.RETRY) == []
        assert kinds(flow, ErrorHandlingKind.TIMEOUT) == []
    acquisition = found["message-acquisition-flow"]
    file = f"{RELIABLE}/mule/message-reliability-example-api.xml"
    assert kinds(acquisition, ErrorHandlingKind.ERROR_OUTPUT) == [("", f"{file}:18")]
    assert str(acquisition.passes_correlation_id) == f"{file}:20"  # sendCorrelationId="AUTO"
    assert found["message-processing-flow"].passes_correlation_id is None


def test_reliable_messaging_properties_and_connection_credentials() -> None:
    relative = f"{RELIABLE}/resources/configuration/config.yaml"
    variables = {v.name: v for v in read(relative).shared_variables}
    password = variables["rabbitmq.password"]
    assert (password.secret, password.has_plain_value, password.value) == (True, True, "")
    assert str(password.source) == f"{relative}:9"
    assert password.scope == "configuration/config.yaml"
    host = variables["rabbitmq.host"]
    assert (host.value, host.secret, host.source.line) == ("localhost", False, 5)
    global_xml = read(f"{RELIABLE}/mule/global.xml")
    [credential] = global_xml.shared_variables
    assert (credential.name, credential.has_plain_value) == ("AMQP_Config.password", False)
    assert credential.source.line == 17
    assert {c.name: c.endpoint for c in global_xml.shared_connections} == {
        "HTTP_Listener_config": "http://0.0.0.0:8081/message-reliability-example-api",
        "AMQP_Config": "localhost:5672",
    }


# -- real: cqrs-pattern-mule-mysql-rabbitmq -------------------------------------------------------
def test_cqrs_experience_api_apikit_routes_and_plain_http_request() -> None:
    relative = f"{CQRS}/cqrs-order-exp-api/src/main/mule/cqrs-order-exp-api.xml"
    found = flows(relative)
    main = found["cqrs-order-exp-api-main"]
    assert [(c.callee, c.source.line) for c in main.calls] == [
        ("get:\\orders:cqrs-order-exp-api-config", 17),
        ("post:\\orders:application\\json:cqrs-order-exp-api-config", 17),
    ]
    get = found["get:\\orders:cqrs-order-exp-api-config"]
    [trigger] = get.triggers
    assert trigger.kind == TriggerKind.CALLED
    assert trigger.detail == "APIkit router in cqrs-order-exp-api-main (get:\\orders)"
    [request] = get.connections
    assert (request.endpoint, request.system_kind, request.source.line) == (
        "http://localhost:8090",
        "http",
        4,
    )
    [call] = [s for s in get.steps if s.component == "http:request"]
    assert (call.kind, call.name, call.detail, call.source.line) == (
        StepKind.CALL, "Request", "GET /cqrs-order-details-sys-api/orders", 43,
    )  # fmt: skip
    # No until-successful, no reconnection, no responseTimeout: nothing invented.
    assert kinds(get, ErrorHandlingKind.RETRY) == []
    assert kinds(get, ErrorHandlingKind.TIMEOUT) == []
    post = found["post:\\orders:application\\json:cqrs-order-exp-api-config"]
    assert next((m.target_field, m.kind, m.source.line) for m in post.mappings) == (
        "status", MappingKind.CONSTANT, 37,
    )  # fmt: skip


def test_cqrs_system_api_database_steps_and_mappings() -> None:
    relative = f"{CQRS}/cqrs-order-sys-api/src/main/mule/cqrs-order-sys-api.xml"
    post = flows(relative)["post:\\orders:application\\json:cqrs-order-sys-api-config"]
    assert [(s.kind, s.component, s.detail, s.source.line) for s in post.steps if s.connection] == [
        (StepKind.WRITE, "db:insert", "table order_header", 25),
        (StepKind.READ, "db:select", "table order_header", 58),
        (StepKind.WRITE, "db:bulk-insert", "table order_lines", 93),
    ]
    [database] = post.connections
    assert (database.endpoint, database.direction, database.auth) == (
        "localhost:3306/ecommerce", "read/write", "username/password",
    )  # fmt: skip
    mapped = {(m.target_field, m.source_expression): (m.kind, m.source.line) for m in post.mappings}
    assert mapped[("vars.originalPayload", "payload")] == (MappingKind.DIRECT, 24)
    assert mapped[("params.currency", "payload.order.currency")] == (MappingKind.DIRECT, 48)
    assert mapped[("params.order_id", "vars.originalPayload.order.orderId")] == (
        MappingKind.DIRECT,
        61,
    )
    assert mapped[("[*].sku", "item.sku")] == (MappingKind.DIRECT, 80)
    assert mapped[("vars.orderHeaderID", "payload[0].order_header_id")] == (MappingKind.DIRECT, 72)
    assert post.steps[0].component == "try" and post.steps[0].detail == "transaction BEGIN_OR_JOIN"


# -- real: Solace PubSub+ connector demo (a connector this reader does not know) ------------------
def test_solace_demo_unknown_connector_scheduler_and_literal_password() -> None:
    contents = read(SOLACE)
    found = {flow.name: flow for flow in contents.integrations}
    responder, requester = found["responderFlow"], found["requestFlow"]
    assert [(t.kind, t.detail, t.source.line) for t in requester.triggers] == [
        (TriggerKind.SCHEDULE, "every 5 seconds (start delay 3)", 29)
    ]
    assert [(t.kind, t.detail, t.source.line) for t in responder.triggers] == [
        (TriggerKind.EVENT, "solace:topic-listener t/example/request", 19)
    ]
    unknown = [
        (s.component, s.name, s.source.line)
        for f in found.values()
        for s in f.steps
        if s.kind == StepKind.UNKNOWN
    ]
    assert unknown == [
        ("solace:publish", "Publish direct", 21),
        ("solace:request-reply", "Request reply direct", 34),
    ]
    assert [(c.name, c.endpoint) for c in requester.connections] == [
        ("Solace_PubSub__Connector_Config", "tcp://localhost:55555")
    ]
    [on_error] = [e for e in requester.error_handling if e.kind == ErrorHandlingKind.ON_ERROR]
    assert (on_error.detail, on_error.source.line) == (
        "on-error-continue SOLACE:TIMEOUT: logger; error handled, the flow ends normally", 41,
    )  # fmt: skip
    assert (
        responder.passes_correlation_id is not None and responder.passes_correlation_id.line == 22
    )
    assert requester.passes_correlation_id is None
    # password="default" is written in the connection element itself: located, never kept.
    assert [(v.name, v.has_plain_value, v.source.line) for v in contents.shared_variables] == [
        ("Solace_PubSub__Connector_Config.password", True, 9),
        ("Solace_PubSub__Connector_Config_Listener.password", True, 14),
    ]
    assert all(v.value == "" for v in contents.shared_variables)


# -- synthetic: orders-sync -----------------------------------------------------------------------
@pytest.fixture(scope="module")
def synthetic() -> dict[str, Integration]:
    return flows(f"{SYNTH}/mule/orders.xml")


def test_triggers_of_every_kind(synthetic: dict[str, Integration]) -> None:
    triggers = {
        name: [(t.kind, t.detail, t.source.line) for t in f.triggers]
        for name, f in synthetic.items()
    }
    assert triggers == {
        "poll-orders": [(TriggerKind.SCHEDULE, "every 5 minutes", 18)],
        "push-order": [(TriggerKind.CALLED, "flow-ref from poll-orders", 39)],
        "order-webhook": [(TriggerKind.WEBHOOK, "POST https://0.0.0.0:8081/api/orders", 59)],
        "big-order-worker": [(TriggerKind.EVENT, "vm:listener big-orders", 85)],
        "jms-orders": [(TriggerKind.EVENT, "jms:listener orders.in", 89)],
        "file-drop": [
            (TriggerKind.POLLING, "file:listener /data/in, every 10000 milliseconds", 93)
        ],
        "nightly-report": [(TriggerKind.SCHEDULE, "cron 0 0 2 * * ? (UTC)", 101)],
        "kafka-events": [(TriggerKind.EVENT, "kafka:message-listener", 109)],
        "mq-events": [(TriggerKind.EVENT, "anypoint-mq:subscriber events-in", 113)],
        "sf-new-accounts": [(TriggerKind.POLLING, "salesforce:on-new-object Account", 117)],
        "audit-order": [(TriggerKind.CALLED, "flow-ref from poll-orders", 122)],
        "orders-dlq-flow": [(TriggerKind.CALLED, "flow-ref from poll-orders", 125)],
        "orphan-flow": [
            (
                TriggerKind.UNKNOWN,
                "flow without a source; no flow-ref or APIkit route to it in this application",
                128,
            )
        ],
    }


def test_retries_timeouts_and_their_absence(synthetic: dict[str, Integration]) -> None:
    global_xml = f"{SYNTH}/mule/global.xml"
    push = synthetic["push-order"]
    retries = [e for e in push.error_handling if e.kind == ErrorHandlingKind.RETRY]
    assert [(e.step, e.attempts, e.delay_seconds, str(e.source)) for e in retries] == [
        ("Upsert account", 4, 3.0, f"{SYNTH}/mule/orders.xml:51"),
        ("Confirm to partner", 3, 5.0, f"{global_xml}:22"),
    ]
    [timeout] = [e for e in push.error_handling if e.kind == ErrorHandlingKind.TIMEOUT]
    assert (timeout.step, timeout.timeout_seconds, str(timeout.source)) == (
        "Confirm to partner", 15.0, f"{global_xml}:19",
    )  # fmt: skip
    poll = synthetic["poll-orders"]
    [query_timeout] = [e for e in poll.error_handling if e.kind == ErrorHandlingKind.TIMEOUT]
    assert (query_timeout.step, query_timeout.timeout_seconds) == ("Read new orders", 30.0)
    # The legacy call has neither retry nor timeout, and the export says so by silence.
    webhook = synthetic["order-webhook"]
    legacy = [e for e in webhook.error_handling if e.step == "Legacy call"]
    assert legacy == []
    forever = [
        e for e in synthetic["jms-orders"].error_handling if e.kind == ErrorHandlingKind.RETRY
    ]
    assert [(e.attempts, e.delay_seconds, e.source.line) for e in forever] == [(None, 10.0, 38)]


def test_error_handlers_dead_letters_and_calls(synthetic: dict[str, Integration]) -> None:
    file = f"{SYNTH}/mule/orders.xml"
    poll = synthetic["poll-orders"]
    on_errors = [
        (e.detail, e.source.line)
        for e in poll.error_handling
        if e.kind == ErrorHandlingKind.ON_ERROR
    ]
    assert on_errors == [
        (
            "on-error-continue DB:CONNECTIVITY: nothing, not even a log; error handled, the flow ends normally",
            33,
        ),
        ("on-error-propagate ANY: flow-ref; error propagated to the caller", 34),
    ]
    assert kinds(poll, ErrorHandlingKind.DEAD_LETTER) == [("", f"{file}:35")]
    assert [(c.callee, c.synchronous, c.source.line) for c in poll.calls] == [
        ("push-order", True, 27),
        ("audit-order", False, 30),
        ("orders-dlq-flow", True, 35),
    ]
    webhook = synthetic["order-webhook"]
    assert kinds(webhook, ErrorHandlingKind.DEAD_LETTER) == [("Dead letter", f"{file}:80")]
    assert [(c.callee, c.synchronous) for c in webhook.calls] == [("big-order-worker", False)]
    # A flow with its own handler does not also get the application's default one.
    assert all("default error handler" not in e.detail for e in webhook.error_handling)
    default = [
        e for e in synthetic["jms-orders"].error_handling if e.kind == ErrorHandlingKind.ON_ERROR
    ]
    assert [str(e.source) for e in default] == [f"{SYNTH}/mule/global.xml:46"]
    # Sub-flows run in their caller's error handling: none of their own.
    assert kinds(synthetic["audit-order"], ErrorHandlingKind.ON_ERROR) == []


def test_unknown_components_are_kept(synthetic: dict[str, Integration]) -> None:
    unknown = [s for f in synthetic.values() for s in f.steps if s.kind == StepKind.UNKNOWN]
    assert [(s.component, s.name, s.connection, s.source.line) for s in unknown] == [
        ("acme:frobnicate", "Frobnicate", "Acme_Config", 72)
    ]


def test_mappings_from_a_dataweave_resource_and_inline_scripts(
    synthetic: dict[str, Integration],
) -> None:
    dwl = f"{SYNTH}/resources/dwl/order-to-sf.dwl"
    push = synthetic["push-order"]
    assert [(m.target_field, m.kind, str(m.source)) for m in push.mappings] == [
        ("Name", MappingKind.DIRECT, f"{dwl}:6"),
        ("Ext_Id__c", MappingKind.DIRECT, f"{dwl}:7"),
        ("Total__c", MappingKind.FORMULA, f"{dwl}:8"),
        ("Country__c", MappingKind.LOOKUP, f"{dwl}:9"),
        ("Source__c", MappingKind.CONSTANT, f"{dwl}:10"),
        ("Tier__c", MappingKind.CONDITIONAL, f"{dwl}:11"),
        ("vars.region", MappingKind.CONDITIONAL, f"{SYNTH}/mule/orders.xml:48"),
    ]
    assert (
        push.steps[0].detail
        == "payload from dwl/order-to-sf.dwl; vars.region from an inline script"
    )
    webhook = synthetic["order-webhook"]
    assert [(m.target_field, m.source_expression, m.kind) for m in webhook.mappings] == [
        ("vars.orderId", "payload.id", MappingKind.DIRECT),
        ("vars.source", "webhook", MappingKind.CONSTANT),
    ]


def test_correlation_id_only_where_passed(synthetic: dict[str, Integration]) -> None:
    passing = {
        name: f.passes_correlation_id for name, f in synthetic.items() if f.passes_correlation_id
    }
    assert {name: str(source) for name, source in passing.items()} == {
        "push-order": f"{SYNTH}/mule/orders.xml:55"
    }


def test_endpoints_without_credentials_and_no_url_from_a_comment(
    synthetic: dict[str, Integration],
) -> None:
    contents = read(f"{SYNTH}/mule/global.xml")
    endpoints = {c.name: (c.endpoint, c.auth) for c in contents.shared_connections}
    assert endpoints == {
        "Listener_Config": ("https://0.0.0.0:8081/api", ""),
        "Partner_API": ("https://partner.example.com:443", "basic"),
        "Legacy_API": ("http://legacy.example.internal:8080", ""),
        # userinfo and password= go, the rest of the query stays
        "Orders_DB": ("jdbc:postgresql://db.example.internal:5432/orders?ssl=true", ""),
        "Broker": ("", "username/password"),
        "Salesforce_Config": ("", "oauth-user-pass"),
    }
    every = [c.endpoint for f in synthetic.values() for c in f.connections]
    assert not any("old-orders" in endpoint for endpoint in every)


def test_secrets_are_located_never_repeated(synthetic: dict[str, Integration]) -> None:
    contents = read(f"{SYNTH}/mule/global.xml")
    secrets = {
        v.name: (v.has_plain_value, v.source.line) for v in contents.shared_variables if v.secret
    }
    assert secrets == {
        "partner.apiKey": (False, 14),  # ${secure::...}
        "Partner_API.password": (False, 25),
        "Orders_DB.password": (True, 33),  # a literal in the connection element
        "Broker.password": (False, 36),
        "Salesforce_Config.consumerSecret": (False, 43),
        "Salesforce_Config.password": (False, 43),
    }
    yaml = {v.name: v for v in read(f"{SYNTH}/resources/config-dev.yaml").shared_variables}
    assert (yaml["legacy.apiKey"].secret, yaml["legacy.apiKey"].has_plain_value) == (True, True)
    assert (yaml["legacy.password"].secret, yaml["legacy.password"].has_plain_value) == (
        True,
        False,
    )
    assert yaml["legacy.clientSecret"].has_plain_value is False  # "<client-secret>" placeholder
    assert yaml["partner.tokenUrl"].secret is False
    assert yaml["retries[1]"].value == "5" and yaml["retries[1]"].source.line == 14
    secure = {v.name: v for v in read(f"{SYNTH}/resources/secure-dev.properties").shared_variables}
    assert [(n, v.has_plain_value) for n, v in secure.items() if v.secret] == [
        ("partner.password", False), ("sf.secret", False), ("broker.password", False),
    ]  # fmt: skip
    assert secure["report.title"].value == "Nightly orders report"
    dumped = "".join(
        part.model_dump_json()
        for part in [*synthetic.values(), *contents.shared_variables, *contents.shared_connections]
    ) + "".join(v.model_dump_json() for v in [*yaml.values(), *secure.values()])
    for literal in ("hunter2", "demo-legacy-key-123", "c2VjcmV0LWRlbW8=", "etl:"):
        assert literal not in dumped
    real = read(f"{RELIABLE}/resources/configuration/config.yaml").shared_variables
    assert '"guest"' not in "".join(v.model_dump_json() for v in real if v.secret)


# -- malformed ------------------------------------------------------------------------------------
def _app(tmp_path: Path) -> Path:
    shutil.copytree(EXPORTS / "mule/reliable-messaging-example-api", tmp_path / "app")
    return tmp_path / "app/src/main/mule"


def test_truncated_xml_names_file_and_line(tmp_path: Path) -> None:
    mule_dir = _app(tmp_path)
    flow_file = mule_dir / "message-reliability-example-api.xml"
    flow_file.write_bytes(flow_file.read_bytes()[:1500])
    with pytest.raises(ExportError) as caught:
        mule.read(flow_file, "app/flows.xml")
    assert caught.value.path == "app/flows.xml"
    assert caught.value.line == 20  # the cut falls inside the start tag on line 20
    assert str(caught.value).startswith("app/flows.xml:20: not well-formed XML")
    # The other files of the application still read.
    assert mule.read(mule_dir / "global.xml", "app/global.xml").shared_connections


def test_wrong_root_in_src_main_mule(tmp_path: Path) -> None:
    mule_dir = _app(tmp_path)
    beans = mule_dir / "beans.xml"
    beans.write_text(
        '<?xml version="1.0"?>\n\n<beans xmlns="http://www.springframework.org/schema/beans"/>\n'
    )
    assert mule.claims(beans, beans.read_bytes())
    with pytest.raises(
        ExportError, match=r"^beans\.xml:3: not a Mule configuration: the root element is <beans>"
    ):
        mule.read(beans, "beans.xml")


def test_malformed_properties_yaml_names_its_line(tmp_path: Path) -> None:
    mule_dir = _app(tmp_path)
    config = mule_dir.parent / "resources/configuration/config.yaml"
    config.write_text('http:\n  port: "8081"\nrabbitmq: [unclosed\n', encoding="utf-8")
    assert mule.claims(config, config.read_bytes())
    with pytest.raises(ExportError) as caught:
        mule.read(config, "config.yaml")
    assert caught.value.path == "config.yaml" and caught.value.line == 4
    listing = mule_dir.parent / "resources/configuration/config.yaml"
    listing.write_text("- a\n- b\n", encoding="utf-8")
    with pytest.raises(ExportError, match="mapping of keys"):
        mule.read(listing, "config.yaml")
