"""What the shapes of Workato recipe steps mean: connectors, triggers, retries, endpoints.

Pure functions over one step's JSON, kept apart from the tree walk
(:mod:`designkit.assess.readers.workato_steps`) so each reads on its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from designkit.assess.inventory import TriggerKind
from designkit.assess.readers.workato_expressions import first_url, render

PLATFORM = frozenset(
    {
        "workato_recipe_function", "workato_api_platform", "workato_webhooks",
        "workato_variable", "workato_genie", "workato_workflow_task", "workato",
        "clock", "scheduler", "logger", "utility", "lookup_table", "workato_db_table",
        "workato_files", "workato_pub_sub", "workato_app", "ruby", "python",
        "javascript", "py_eval", "workato_custom_code",
    }
)  # fmt: skip
"""Workato's own connectors: no connection to another system."""

CODE = frozenset({"ruby", "python", "javascript", "py_eval", "workato_custom_code"})
READ = re.compile(r"^(?:search|get|list|fetch|retrieve|query|download|read|find|lookup|export)")
WRITE = re.compile(
    r"create|update|upsert|delete|insert|add_|send|post|write|upload|import|remove|patch"
    r"|put_|submit|publish|confirm|cancel|refund|invite"
)
HTTP_OPS = frozenset({"request", "request_v2", "make_request", "make_request_v2", "adhoc_http"})
CALL_OPS = frozenset({"call_recipe", "call_recipe_async", "call_recipe_sync", "execute_recipe"})
RETURN_OPS = frozenset({"return_result", "return_response", "return"})
_OBJECT_KEYS = ("sobject_name", "object", "object_name", "table", "table_name", "table_id")
_URL_KEYS = ("url", "request_url", "endpoint", "base_uri", "base_url", "path")
NOT_MAPPINGS = frozenset(
    {
        "sobject_name", "table", "table_name", "limit", "query_field", "table_list", "flow_id", "mnemonic",
        "verb", "method", "response_type", "request_type", "schema", "output", "url",
        "request_url", "path", "user_logs_enabled", "retry", "retry_count",
        "retry_interval", "max_retry_count", "timeout", "request_timeout",
    }
)  # fmt: skip
CORRELATION = re.compile(r"correlation[_-]?id|trace[_-]?id|x-request-id|traceparent", re.I)
_KINDS = (
    (r"postgres|mysql|mssql|sql_server|oracle|db2|snowflake|redshift|bigquery|mariadb"
     r"|sqlite|jdbc|database|db_table", "database"),
    (r"sftp|ftp", "ftp"),
    (r"\bs3\b|aws_s3|\bbox\b|dropbox|google_drive|onedrive|sharepoint|file", "file"),
    (r"kafka|jms|sqs|\bsns\b|pub_?sub|rabbit|\bmq\b|event_?hub", "queue"),
    (r"gmail|outlook|smtp|email|imap|sendgrid", "email"),
    (r"^https?$|^rest$|^soap$|graphql|webhook", "http"),
)  # fmt: skip


def system_kind(provider: str) -> str:
    """``database``, ``ftp``, ``file``, ``queue``, ``email``, ``http`` or ``application``."""
    for pattern, kind in _KINDS:
        if re.search(pattern, provider, re.I):
            return kind
    return "application"


def provider_name(provider: Any) -> str:
    """Connector name; custom connectors are a dict naming their ``.custom_adapter.json``."""
    if isinstance(provider, dict):
        return text(provider.get("name")) or zip_stem(provider.get("zip_name")) or "custom"
    return text(provider)


def zip_stem(zip_name: Any) -> str:
    if not isinstance(zip_name, str) or not zip_name:
        return ""
    return zip_name.rsplit("/", 1)[-1].split(".", 1)[0]


def text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def inputs_of(node: dict[str, Any]) -> dict[str, Any]:
    value = node.get("input")
    return value if isinstance(value, dict) else {}


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(text(value).strip())
    except ValueError:
        return None


def trigger_kind(provider: str, operation: str, inputs: dict[str, Any]) -> tuple[TriggerKind, str]:
    component = f"{provider}.{operation}"
    if provider in ("clock", "scheduler") or "schedule" in operation:
        return TriggerKind.SCHEDULE, _cadence(inputs) or component
    if provider in ("workato_recipe_function", "workato") and operation in (
        "execute", "callable_recipe", "function",
    ):  # fmt: skip
        return TriggerKind.CALLED, "callable recipe (started by another recipe)"
    if provider == "workato_api_platform":
        return TriggerKind.WEBHOOK, "API platform endpoint (synchronous request/response)"
    if provider == "workato_webhooks" or "webhook" in operation:
        event = text(inputs.get("event_name") or inputs.get("event") or inputs.get("name"))
        return TriggerKind.WEBHOOK, f"webhook {event}".strip()
    if "manual" in operation:
        return TriggerKind.MANUAL, component
    if re.search(r"realtime|real_time|bot_command|_event$|^event|subscribe|new_message", operation):
        command = inputs.get("slash_command") or inputs.get("name")
        command = text(command.get("name") if isinstance(command, dict) else command)
        return TriggerKind.EVENT, f"{component} {command}".strip()
    if re.search(r"^new|updated|poll|^changed|deleted", operation):
        return TriggerKind.POLLING, component
    return TriggerKind.UNKNOWN, component


def _cadence(inputs: dict[str, Any]) -> str:
    if inputs.get("trigger_every") or inputs.get("time_unit"):
        text_ = f"every {text(inputs.get('trigger_every')) or '1'} {text(inputs.get('time_unit'))}"
    elif inputs.get("interval"):
        text_ = f"every {text(inputs.get('interval'))} {text(inputs.get('interval_unit'))}"
    elif inputs.get("schedule") or inputs.get("cron"):
        text_ = f"cron {text(inputs.get('schedule') or inputs.get('cron'))}"
    else:
        return ""
    if inputs.get("trigger_at"):
        text_ += f" at {text(inputs['trigger_at'])}"
    if inputs.get("timezone"):
        text_ += f" ({text(inputs['timezone'])})"
    return text_.strip()


def retry_setting(place: dict[str, Any]) -> tuple[int, float | None]:
    retry = place.get("retry")
    attempts: float | None = None
    delay: float | None = None
    if isinstance(retry, dict):
        attempts = _firstnumber(
            retry, ("count", "max_retries", "max_retry_count", "attempts", "retry_count")
        )
        delay = _firstnumber(retry, ("interval", "retry_interval", "delay", "delay_seconds"))
    elif retry is not None:
        attempts = number(retry)
    attempts = attempts or _firstnumber(
        place, ("retry_count", "max_retry_count", "max_retries", "retries")
    )
    if delay is None:
        delay = _firstnumber(place, ("retry_interval", "retry_delay"))
    return int(attempts or 0), delay


def _firstnumber(place: dict[str, Any], keys: tuple[str, ...]) -> float | None:
    for key in keys:
        value = number(place.get(key))
        if value is not None:
            return value
    return None


def callee_name(flow: Any, node: dict[str, Any]) -> str:
    if isinstance(flow, dict):
        return text(flow.get("name")) or zip_stem(flow.get("zip_name")) or "?"
    if flow not in (None, ""):
        return text(flow)
    picked = node.get("dynamicPickListSelection")
    return text(picked.get("flow_id")) if isinstance(picked, dict) else "?"


def endpoint(inputs: dict[str, Any]) -> str:
    for key in _URL_KEYS:
        value = inputs.get(key)
        if isinstance(value, str) and value:
            url = first_url(value)
            return url or render(value).split("?", 1)[0]
    return ""


def objects(node: dict[str, Any], url: str) -> Iterator[str]:
    if url:
        yield url
    for place in (node.get("input"), node.get("dynamicPickListSelection")):
        if not isinstance(place, dict):
            continue
        for key in _OBJECT_KEYS:
            value = place.get(key)
            if isinstance(value, dict):
                value = value.get("name")
            if isinstance(value, str) and value and "_dp(" not in value:
                yield value
                break
