"""The Workato reader on real recipe exports (dewy-resort, recipe-skills) and synthetic ones.

Expected lines were checked against the fixture files by eye; a test that compares a
line also checks the text on that line, so a wrong line cannot pass by accident.
"""

from __future__ import annotations

import json
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
from designkit.assess.readers import reader_modules, workato

DATA = Path(__file__).parent / "data" / "exports" / "workato"
DEWY = DATA / "dewy-resort" / "workato" / "recipes"
SKILLS = DATA / "recipe-skills" / "skills"
SYNTHETIC = DATA / "synthetic"


def _one(path: Path) -> Integration:
    contents = workato.read(path, path.name)
    assert len(contents.integrations) == 1
    return contents.integrations[0]


def _line(path: Path, line: int) -> str:
    return path.read_text(encoding="utf-8").splitlines()[line - 1]


def test_reader_is_listed_and_claims_its_files_only(tmp_path: Path) -> None:
    assert workato in reader_modules()
    recipe = DEWY / "atomic-salesforce-recipes" / "update_booking_status.recipe.json"
    gmail = SKILLS / "gmail-recipes" / "templates" / "gmail-salesforce-integration.json"
    for path in (recipe, gmail, DEWY / "Workspace Connections" / "sf_dev_account.connection.json"):
        assert workato.claims(path, path.read_bytes()[:4096])
    package = tmp_path / "package.json"
    package.write_text('{"name": "x", "version": "1.0.0", "scripts": {}}')
    assert not workato.claims(package, package.read_bytes())
    assert not workato.claims(tmp_path / "job.item", b"<talendfile:ProcessType")


def test_callable_recipe_with_catch_but_no_retry() -> None:
    path = DEWY / "atomic-salesforce-recipes" / "update_booking_status.recipe.json"
    recipe = _one(path)
    assert recipe.name == "Update booking status"
    assert recipe.platform == "workato"
    assert [(t.kind, t.source.line) for t in recipe.triggers] == [(TriggerKind.CALLED, 2)]
    assert [(s.name, s.kind, s.source.line) for s in recipe.steps] == [
        ("trigger", StepKind.TRIGGER, 2),
        ("try 1", StepKind.OTHER, 5),
        ("update_booking", StepKind.WRITE, 7),
        ("return_success", StepKind.OTHER, 151),
        ("update_booking_catch", StepKind.ERROR_HANDLER, 220),
        ("log_error", StepKind.LOG, 223),
        ("return_error", StepKind.OTHER, 248),
    ]
    assert '"as": "update_booking_catch"' in _line(path, 221)
    (connection,) = recipe.connections
    assert (connection.name, connection.connector, connection.endpoint, connection.direction) == (
        "SF Dev Account",
        "salesforce",
        "Booking__c",
        "write",
    )
    assert recipe.steps[2].connection == "SF Dev Account"
    mappings = {m.target_field: m for m in recipe.mappings if m.step == "update_booking"}
    assert set(mappings) == {"Check_Out_Date__c", "Status__c", "id"}  # sobject_name is config
    checkout = mappings["Check_Out_Date__c"]
    assert (checkout.kind, checkout.source_expression, checkout.source.line) == (
        MappingKind.DIRECT,
        "trigger.parameters.checkout_date",
        130,
    )
    assert '"Check_Out_Date__c": "=_dp(' in _line(path, 130)
    # The catch declares max_retry_count 0: an error handler, but no retry entry.
    assert [(e.kind, e.step, e.source.line) for e in recipe.error_handling] == [
        (ErrorHandlingKind.ON_ERROR, "update_booking", 220)
    ]
    assert recipe.calls == []
    assert recipe.passes_correlation_id is None


def test_orchestrator_calls_three_recipes_and_maps_formulas() -> None:
    path = DEWY / "orchestrator-recipes" / "submit_guest_service_request.recipe.json"
    recipe = _one(path)
    assert [(t.kind, t.detail) for t in recipe.triggers] == [
        (TriggerKind.WEBHOOK, "API platform endpoint (synchronous request/response)")
    ]
    assert [(c.callee, c.synchronous, c.source.line) for c in recipe.calls] == [
        ("Search contact by email", True, 7),
        ("Search room by number", True, 277),
        ("Upsert case", True, 542),
    ]
    assert {c.caller for c in recipe.calls} == {"Submit guest service request"}
    # The catch protects the three calls; it does not retry them (max_retry_count 0).
    assert [(e.kind, e.step) for e in recipe.error_handling] == [
        (ErrorHandlingKind.ON_ERROR, "search_contact"),
        (ErrorHandlingKind.ON_ERROR, "search_room"),
        (ErrorHandlingKind.ON_ERROR, "create_case"),
    ]
    assert recipe.connections == []  # only Workato's own connectors
    kinds = {(m.step, m.target_field): m.kind for m in recipe.mappings}
    assert kinds[("create_case", "parameters.contact_id")] is MappingKind.DIRECT
    assert kinds[("create_case", "parameters.origin")] is MappingKind.CONSTANT
    assert kinds[("create_case", "parameters.subject")] is MappingKind.FORMULA
    assert kinds[("return_contact_not_found", "response.error_code")] is MappingKind.CONDITIONAL
    assert kinds[("return_room_not_found", "response.details")] is MappingKind.FORMULA
    subject = next(m for m in recipe.mappings if m.target_field == "parameters.subject")
    assert subject.source_expression == "=trigger.request.description.slice(0, 255)"
    assert '"subject": "=_dp(' in _line(path, subject.source.line)
    # idempotency_token is a datapill, not a credential literal: no secret recorded.
    assert recipe.variables == []


def test_custom_connector_and_nested_catch_branches() -> None:
    recipe = _one(DEWY / "home-assistant" / "ha_api_health_check.recipe.json")
    read = [s for s in recipe.steps if s.kind is StepKind.READ]
    assert [(s.name, s.connection, s.source.line) for s in read] == [
        ("get-states-001", "My Nabu Casa (Home Assistant Cloud) account", 58)
    ]
    assert [s.name for s in recipe.steps if s.kind is StepKind.ROUTE] == [
        "check-unauthorized",
        "check-forbidden",
        "check-403",
        "default-error",
    ]
    assert [(e.kind, e.step) for e in recipe.error_handling] == [
        (ErrorHandlingKind.ON_ERROR, "get-states-001")
    ]


def test_shared_connection_files() -> None:
    salesforce = DEWY / "Workspace Connections" / "sf_dev_account.connection.json"
    contents = workato.read(salesforce, "sf_dev_account.connection.json")
    assert contents.integrations == []
    (connection,) = contents.shared_connections
    assert (connection.name, connection.connector, connection.source.line) == (
        "SF Dev Account",
        "salesforce",
        1,
    )
    custom = DEWY / "home-assistant" / "my_nabu_casa_home_assistant_cloud_account.connection.json"
    (connection,) = workato.read(custom, custom.name).shared_connections
    assert connection.connector == "Nabu Casa (Home Assistant Cloud)"


def test_foreach_and_adhoc_http_in_recipe_skills_template() -> None:
    recipe = _one(SKILLS / "gmail-recipes" / "templates" / "gmail-salesforce-integration.json")
    assert [(s.name, s.kind) for s in recipe.steps[:4]] == [
        ("trigger", StepKind.TRIGGER),
        ("list_emails", StepKind.CALL),
        ("email_loop", StepKind.ROUTE),
        ("get_email_detail", StepKind.CALL),
    ]
    assert recipe.steps[2].detail == "loop over list_emails.body.messages"
    gmail = next(c for c in recipe.connections if c.connector == "gmail")
    assert (gmail.name, gmail.system_kind) == ("My Gmail", "email")
    assert gmail.endpoint == "me/messages, me/messages/{email_loop.id}"


def test_slash_command_trigger_is_an_event() -> None:
    recipe = _one(SKILLS / "slack-recipes" / "templates" / "feedback-collection.json")
    (trigger,) = recipe.triggers
    assert (trigger.kind, trigger.detail) == (TriggerKind.EVENT, "slack_bot.bot_command_v2 /shoes")


def test_scheduled_recipe_with_every_feature() -> None:
    path = SYNTHETIC / "nightly_order_sync.recipe.json"
    recipe = _one(path)
    assert [(t.kind, t.detail, t.source.line) for t in recipe.triggers] == [
        (TriggerKind.SCHEDULE, "every 1 days at 02:30:00.000 (Europe/London)", 7)
    ]
    http = next(c for c in recipe.connections if c.connector == "http")
    assert http.endpoint == "http://legacy-orders.example.com/api/orders?page=1"
    assert http.system_kind == "http"
    database = next(c for c in recipe.connections if c.connector == "postgresql")
    assert (database.name, database.system_kind, database.endpoint, database.direction) == (
        "Warehouse DB",
        "database",
        "public.orders",
        "write",
    )
    # The retired URL in the step's comment is not an endpoint.
    assert "old-orders" not in recipe.model_dump_json()
    kinds = {m.target_field: (m.kind, m.source.line) for m in recipe.mappings}
    assert kinds["order_id"] == (MappingKind.DIRECT, 81)
    assert kinds["customer_name"] == (MappingKind.FORMULA, 82)
    assert kinds["country_code"] == (MappingKind.LOOKUP, 83)
    assert kinds["status"] == (MappingKind.CONDITIONAL, 84)
    assert kinds["currency"] == (MappingKind.CONSTANT, 85)
    assert '"status": "=_dp(' in _line(path, 84)
    handling = [
        (e.kind, e.step, e.attempts, e.delay_seconds, e.timeout_seconds, e.source.line)
        for e in recipe.error_handling
    ]
    assert handling == [
        (ErrorHandlingKind.RETRY, "fetch_orders", 3, 30.0, None, 39),
        (ErrorHandlingKind.TIMEOUT, "fetch_orders", None, None, 45.0, 49),
        (ErrorHandlingKind.ON_ERROR, "insert_order", None, None, None, 88),
        (ErrorHandlingKind.RETRY, "insert_order", 2, 10.0, None, 93),
    ]
    assert "stop" in recipe.error_handling[2].detail
    stop = next(s for s in recipe.steps if s.component == "stop")
    assert stop.detail == "stops the job with an error: Order insert failed"
    assert [(c.callee, c.synchronous) for c in recipe.calls] == [
        ("Notify finance of new orders", False)
    ]
    unknown = [(s.name, s.component, s.source.line) for s in recipe.steps if s.kind == "unknown"]
    assert unknown == [("fan_out", "parallel", 131)]
    assert recipe.passes_correlation_id is not None
    assert recipe.passes_correlation_id.line == 54


def test_secrets_are_flagged_and_never_stored() -> None:
    path = SYNTHETIC / "nightly_order_sync.recipe.json"
    recipe = _one(path)
    variables = {v.name: v for v in recipe.variables}
    token = variables["api_token"]
    assert (token.secret, token.has_plain_value, token.value, token.source.line) == (
        True,
        True,
        "",
        32,
    )
    assert '"api_token": "demo-token-7f3a9c"' in _line(path, 32)
    password = variables["db_password"]
    assert (password.secret, password.has_plain_value, password.value) == (True, False, "")
    assert variables["batch_size"].value == "50"
    prop = variables["LEGACY_DB_PASSWORD"]
    assert (prop.scope, prop.secret, prop.has_plain_value) == ("account property", True, False)
    dumped = recipe.model_dump_json()
    for literal in ("demo-token-7f3a9c", "hunter2", "demo-key-123", "sync:"):
        assert literal not in dumped


def test_webhook_without_error_handling_and_polling_without_retry() -> None:
    webhook = _one(SYNTHETIC / "new_account_webhook.recipe.json")
    assert [(t.kind, t.detail) for t in webhook.triggers] == [
        (TriggerKind.WEBHOOK, "webhook crm_account_created")
    ]
    assert webhook.error_handling == []
    description = next(m for m in webhook.mappings if m.target_field == "Description")
    assert description.kind is MappingKind.FORMULA
    assert description.source_expression == "Created by webhook on {hook.sent_at}"

    polling = _one(SYNTHETIC / "poll_updated_contacts.recipe.json")
    assert [(t.kind, t.detail) for t in polling.triggers] == [
        (TriggerKind.POLLING, "salesforce.updated_custom_object")
    ]
    assert not [e for e in polling.error_handling if e.kind is ErrorHandlingKind.RETRY]
    salesforce = next(c for c in polling.connections if c.connector == "salesforce")
    assert (salesforce.endpoint, salesforce.direction) == ("Contact", "read")
    http = next(c for c in polling.connections if c.connector == "http")
    assert http.endpoint == "https://api.example.net/contacts"


def test_api_listing_with_code_as_a_string(tmp_path: Path) -> None:
    code = {"keyword": "trigger", "provider": "clock", "name": "scheduled_event", "as": "t",
            "input": {"time_unit": "minutes", "trigger_every": "5"}, "block": []}  # fmt: skip
    listing = {"items": [{"id": 7, "name": "Every five", "code": json.dumps(code), "config": "[]"}]}
    path = tmp_path / "recipes.json"
    path.write_text(json.dumps(listing, indent=2))
    assert workato.claims(path, path.read_bytes())
    (recipe,) = workato.read(path, "recipes.json").integrations
    assert [(t.kind, t.detail, t.source.line) for t in recipe.triggers] == [
        (TriggerKind.SCHEDULE, "every 5 minutes", 3)
    ]


@pytest.mark.parametrize(
    ("name", "content", "line", "message"),
    [
        (
            "cut.recipe.json",
            '{\n  "name": "x",\n  "code": {\n    "keyword": "trig',
            4,
            "not valid JSON",
        ),
        ("list.recipe.json", '[\n  "a",\n  "b"\n]\n', 1, "not a Workato recipe export"),
        ("nocode.recipe.json", '{\n  "name": "x"\n}\n', 1, "not a Workato recipe export"),
        ("step.recipe.json", '{\n  "code": [1, 2]\n}\n', 1, 'recipe "code" is not a step object'),
        ("bad.connection.json", '\n{\n  "name": "x"\n}\n', 2, "not a Workato connection"),
        ("str.recipe.json", '{\n\n  "code": "{oops"\n}\n', 1, 'recipe "code" string is not'),
    ],
)
def test_malformed_exports_name_file_and_line(
    tmp_path: Path, name: str, content: str, line: int, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(ExportError) as caught:
        workato.read(path, f"exports/{name}")
    error = caught.value
    assert (error.path, error.line) == (f"exports/{name}", line)
    assert message in error.message
    assert str(error).startswith(f"exports/{name}:{line}: ")
