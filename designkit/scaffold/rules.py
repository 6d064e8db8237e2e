"""Readings of free document text: types, sensitivity, error classes, expressions.

Each function turns one piece of prose into a value from a closed set (or
``None``), so no document text reaches the generated project except as data.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Collection
from dataclasses import dataclass

_TYPES = {
    "string": "string", "str": "string", "text": "string", "enum": "string", "uuid": "string",
    "integer": "integer", "int": "integer", "long": "integer",
    "number": "number", "decimal": "number", "float": "number", "double": "number",
    "money": "number", "boolean": "boolean", "bool": "boolean", "date": "date",
    "datetime": "datetime", "timestamp": "datetime", "date-time": "datetime",
    "object": "object", "map": "object", "record": "object", "array": "array", "list": "array",
}  # fmt: skip

_SENSITIVE = re.compile(
    r"e-?mail|phone|\bssn\b|social security|national[_ ]?id|passport|address|postcode|"
    r"\bzip\b|birth|\bdob\b|\b(first|last|full|legal|given|family|customer|contact|person)\s?"
    r"(first\s|last\s)?name|^name$|"
    r"token|secret|password|api[_ ]?key|credential|iban|account[_ ]?number|card",
    re.IGNORECASE,
)

_SAFE_NODES = (
    ast.Expression, ast.BinOp, ast.UnaryOp, ast.BoolOp, ast.Compare, ast.IfExp, ast.Name,
    ast.Load, ast.Constant, ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod,
    ast.USub, ast.UAdd, ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE,
    ast.Gt, ast.GtE,
)  # fmt: skip


def field_type(text: str | None) -> str:
    """The config's closed set of field types; unknown types are kept as strings."""
    word = (text or "").strip().lower()
    word = re.sub(r"[\s(\[].*$", "", word)
    return _TYPES.get(word, "string")


def is_sensitive(name: str, description: str | None) -> bool:
    """Personal or secret data by its name or description: its values are never logged."""
    spaced = name.replace("_", " ").replace(".", " ")
    return bool(_SENSITIVE.search(spaced) or _SENSITIVE.search(description or ""))


def error_classes(scenario: str | None) -> list[str]:
    """The error classes a retry row is about, read from its scenario text.

    Rows that name no recognisable failure (``SAP document locked``) cover the
    transient classes, the ones a retry can help with.
    """
    text = (scenario or "").lower()
    if re.search(r"auth|\b401\b|\b403\b|login|credential|forbidden|unauthori", text):
        return ["auth"]
    found: list[str] = []
    if re.search(r"\b429\b|rate|throttl|concurren|quota", text):
        found.append("rate_limited")
    if re.search(r"time\s*-?out", text):
        found.append("timeout")
    if re.search(r"connect|unavailable|unreachable|network|dns|refused", text):
        found.append("connection")
    if re.search(r"\b5\d\d\b|5xx|server\s*error|internal error", text):
        found.append("server_error")
    if re.search(r"validat|schema|invalid", text):
        found.append("validation")
    return found or ["server_error", "timeout", "connection"]


def safe_expression(text: str | None, known_names: Collection[str] = ()) -> str | None:
    """The notes as an expression when they are one, built only from safe parts.

    Accepted: arithmetic, comparisons, ``and``/``or``/``not``, ``a if c else b``,
    plain names and literals. Calls, attributes, subscripts, lambdas and any
    name with an underscore prefix are refused, so ``__import__("os")`` never
    becomes an expression; so is any name that is not one of ``known_names``
    (the mapping table's source fields): "trim + lower-case" is prose. The row
    becomes a user hook instead. The text is only
    parsed here, never evaluated.
    """
    if not text or len(text) > 200 or "\n" in text:
        return None
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except (SyntaxError, ValueError):
        return None
    for node in ast.walk(tree):
        if not isinstance(node, _SAFE_NODES):
            return None
        if isinstance(node, ast.Name) and (
            node.id.startswith("_") or not node.id.isascii() or node.id not in known_names
        ):
            return None  # prose such as "trim + lower-case" parses, but names no source field
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            return None
    if not any(
        isinstance(node, (ast.BinOp, ast.Compare, ast.IfExp, ast.BoolOp)) for node in ast.walk(tree)
    ):
        return None  # a bare word ("UTC") is prose, not a formula
    return text.strip()


def lookup_pairs(text: str | None) -> dict[str, str]:
    """``US -> 1, CA -> 3`` as a table; empty when the notes are not written that way."""
    pairs: dict[str, str] = {}
    for part in re.split(r"[,;]", text or ""):
        match = re.fullmatch(r"\s*([^-=>]+?)\s*(?:->|=>|→)\s*(.+?)\s*", part)
        if match:
            pairs[match.group(1)] = re.sub(r"\s*\(.*\)\s*$", "", match.group(2))
    return pairs


_WHEN = (
    # (stage, words): first match wins; "post-receive" is after the load, "pre-receive" is not
    ("post_receive", r"\bpost\b|^post[- ]|\bafter\b|reconcil|confirm"),
    ("on_receipt", r"receipt|\bon[- ]receiv|arrival|ingest|inbound|\bintake\b"),
    ("pre_send", r"\bpre\b|^pre[- ]|\bbefore\b|transform|\bmapping\b|\bvalidat"),
)


def validation_when(text: str | None) -> str | None:
    """The pipeline stage a validation rule's "When" names; None when it names none.

    The template says Pre-send and Post-receive; designs also write Pre-load,
    Pre-publish, Post-load (dbt test), On receipt. Stages: ``on_receipt`` (as soon as a
    record is read, before any other rule), ``pre_send`` (before the load) and
    ``post_receive`` (after the target confirmed the load). An empty cell is ``pre_send``
    (the template's first rows); unknown words are None, for a diagnostic.
    """
    words = (text or "").strip().lower()
    if not words:
        return "pre_send"
    for stage, pattern in _WHEN:
        if re.search(pattern, words):
            return stage
    return None


def validation_check(rule: str | None) -> str:
    text = (rule or "").lower()
    if "required" in text or "present" in text or "not null" in text:
        return "required"
    if re.search(r"format|valid|pattern|iso|length", text):
        return "format"
    if re.search(r"reference|lookup|exist|maps to|resolves|cross", text):
        return "reference"
    return "business"


def validation_action(action: str | None) -> str:
    text = (action or "").lower()
    if "alert" in text and "queue" in text:
        return "alert_and_queue"
    if "default" in text:
        return "default"
    if re.search(r"truncate|transform|drop|normali", text):
        return "transform"
    return "reject"


_CRON_TEXT = re.compile(r"`([\d*/,\-A-Za-z?]+(?:\s+[\d*/,\-A-Za-z?]+){4})`")
_EVERY = re.compile(
    r"\b(?:every\s+(?:\d+\s*)?(?:seconds?|minutes?|hours?|days?|minute|hour)|"
    r"\d+\s*-?\s*(?:minute|hour)s?\b|hourly)",
    re.IGNORECASE,
)
_AT_TIME = re.compile(
    r"\b(?:(?:nightly|daily|every\s+day|each\s+day)\s+)?at\s+(\d{1,2}:\d{2})", re.IGNORECASE
)
_POST_PATH = re.compile(r"\bPOST\s+`?(/[A-Za-z0-9._~/{}-]*)`?")
_WEBHOOK = re.compile(
    r"webhook|\bPOST\b|\bevents?\b|publish|emits?\b|\bcalls?\b|\bAPI\b|\bHTTP", re.IGNORECASE
)
_SCHEDULED = re.compile(r"schedul|cron|nightly|daily|hourly|\bbatch\b|every\s", re.IGNORECASE)
_FILE = re.compile(r"\bfile\b|\bdrops?\b|landing|\bsftp\b|export", re.IGNORECASE)


@dataclass(frozen=True)
class TriggerReading:
    """What starts a run, read from the design's trigger step; ``unread`` says why not."""

    kind: str  # file | schedule | webhook
    schedule: str | None = None  # as the runtime's schedule.py reads it
    path: str | None = None  # the webhook path the design names (POST /api/v1/orders)
    unread: str | None = None


def container_command(reading: TriggerReading, text: str | None) -> str:
    """The image's default command: ``serve`` for a trigger that keeps running (a
    webhook, a schedule, a file the design says arrives), ``run`` for a one-shot job
    (the design names no trigger, or one the runtime does not build: the container then
    processes the input once and exits, for an outside scheduler to start again)."""
    if reading.kind in ("webhook", "schedule"):
        return "serve"
    if reading.unread is None and (text or "").strip():
        return "serve"
    return "run"


def _schedule_words(text: str) -> str | None:
    cron = _CRON_TEXT.search(text)
    if cron:
        return cron.group(1)
    at = _AT_TIME.search(text)
    if at:
        return f"daily at {at.group(1)}"
    every = _EVERY.search(text)
    if every:
        words = " ".join(every.group(0).lower().replace("-", " ").split())
        if words == "hourly":
            return words
        count = re.search(r"(\d+)\s*(second|minute|hour|day)", words)
        if count:  # "15-minute delta", "every 15 minutes": one spelling for the runtime
            return f"every {count.group(1)} {count.group(2)}s"
        return words
    if re.search(r"\bnightly\b", text, re.IGNORECASE):
        return "daily at 02:00"  # "nightly" with no time: the usual batch window, marked default
    return None


def trigger(text: str | None) -> TriggerReading:
    """The trigger kind, schedule and webhook path from the trigger step's words.

    Events, webhooks and API calls become the webhook trigger (its path from
    ``POST /path`` when the design names one); a schedule beside them is kept as the
    catch-up run ("a 15-minute delta catches anything missed"). A schedule alone is the
    schedule trigger; files, or nothing, the file trigger. Change data capture and
    queues have no built-in trigger: file, with the reason in ``unread``.
    """
    words = (text or "").strip()
    if not words:
        return TriggerReading("file")
    schedule = _schedule_words(words)
    path = _POST_PATH.search(words)
    if re.search(r"change data capture|\bcdc\b|\bconsumes?\b", words, re.I) and not re.search(
        r"webhook|\bPOST\b", words
    ):
        return TriggerReading(
            "file", unread="change data capture and queue consumers are not built in"
        )
    if _WEBHOOK.search(words):
        return TriggerReading("webhook", schedule, path.group(1) if path else None)
    if schedule or _SCHEDULED.search(words):
        if schedule is None:
            return TriggerReading(
                "file", unread="the trigger is scheduled but names no time or interval"
            )
        return TriggerReading("schedule", schedule)
    if _FILE.search(words):
        return TriggerReading("file")
    return TriggerReading("file", unread="the trigger step names no file, schedule, event or call")


def signature_header(texts: list[str | None]) -> str | None:
    """The header a webhook's HMAC signature comes in, when the design names it
    (``HMAC signature valid (`X-Shopify-Hmac-Sha256`)``)."""
    for text in texts:
        if text and re.search(r"hmac|signature|signed", text, re.IGNORECASE):
            match = re.search(r"`(X-[A-Za-z0-9-]+)`", text)
            if match:
                return match.group(1)
    return None
