"""The questions an integration architect answers first, with defaults and validators.

One list serves both the interactive prompts and ``--answers`` files, so a value
typed at the prompt and the same value in a file are checked by the same code.
Defaults may depend on earlier answers (an ETL design defaults to a schedule
trigger), which is why questions are asked in this order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from designkit.model import Pattern
from designkit.parse import values as v


class Trigger(StrEnum):
    EVENT = "event"
    WEBHOOK = "webhook"
    SCHEDULE = "schedule"
    API = "api"
    FILE = "file"
    CDC = "cdc"


class Sensitivity(StrEnum):
    PUBLIC = "public"
    INTERNAL = "internal"
    CONFIDENTIAL = "confidential"
    RESTRICTED = "restricted"


class Criticality(StrEnum):
    TIER_1 = "tier-1"
    TIER_2 = "tier-2"
    TIER_3 = "tier-3"


PATTERN_CHOICES = {
    "event-driven": Pattern.EVENT_DRIVEN,
    "etl": Pattern.ETL,
    "api-led": Pattern.API_LED,
    "hub-spoke": Pattern.HUB_SPOKE,
    "hybrid": Pattern.HYBRID,
}
_PATTERN_ALIASES = {
    **{v.snake_case(name): pattern for name, pattern in PATTERN_CHOICES.items()},
    "batch": Pattern.ETL,
    "elt": Pattern.ETL,
    "hub_and_spoke": Pattern.HUB_SPOKE,
    "event": Pattern.EVENT_DRIVEN,
    "api": Pattern.API_LED,
}
_DEFAULT_TRIGGER = {
    Pattern.EVENT_DRIVEN: Trigger.EVENT,
    Pattern.ETL: Trigger.SCHEDULE,
    Pattern.API_LED: Trigger.API,
    Pattern.HUB_SPOKE: Trigger.EVENT,
    Pattern.HYBRID: Trigger.API,
}
_DEFAULT_LATENCY = {
    Pattern.EVENT_DRIVEN: "30s",
    Pattern.ETL: "2 hours",
    Pattern.API_LED: "2s",
    Pattern.HUB_SPOKE: "1 minute",
    Pattern.HYBRID: "2s",
}
_DEFAULT_PLATFORM = {
    Pattern.EVENT_DRIVEN: "Apache Kafka (Confluent Cloud)",
    Pattern.ETL: "Apache Airflow with dbt",
    Pattern.API_LED: "MuleSoft Anypoint Platform",
    Pattern.HUB_SPOKE: "Boomi",
    Pattern.HYBRID: "MuleSoft Anypoint Platform with Apache Kafka",
}

MAX_TEXT = 300
"""Answers are names and sentences; anything longer is pasted by mistake."""


class InvalidAnswer(ValueError):
    """An answer that cannot be used; the message says what is expected."""


# --------------------------------------------------------------------------- validators


def text(value: Any) -> str:
    """One line of text, not blank, not a placeholder."""
    if not isinstance(value, str | int | float) or isinstance(value, bool):
        raise InvalidAnswer("expected text")
    cleaned = " ".join(str(value).split())
    if not cleaned:
        raise InvalidAnswer("must not be empty")
    if len(cleaned) > MAX_TEXT:
        raise InvalidAnswer(f"at most {MAX_TEXT} characters, got {len(cleaned)}")
    if v.is_placeholder(cleaned):
        raise InvalidAnswer(f"{cleaned!r} is a placeholder; give the real value")
    return cleaned


def system_name(value: Any) -> str:
    """A system name is drawn as ``[Name]`` in the diagram, so brackets cannot appear in it."""
    name = text(value)
    if any(char in name for char in "[]|`"):
        raise InvalidAnswer("a system name cannot contain [ ] | or `")
    return name


def _choice(choices: Mapping[str, Any], aliases: Mapping[str, Any]) -> Callable[[Any], Any]:
    def parse(value: Any) -> Any:
        key = v.snake_case(str(value)) if isinstance(value, str | StrEnum) else ""
        if key in aliases:
            return aliases[key]
        raise InvalidAnswer(f"{value!r} is not one of: {', '.join(choices)}")

    return parse


def positive_int(value: Any) -> int:
    if isinstance(value, bool):
        raise InvalidAnswer("expected a whole number")
    if isinstance(value, int):
        number = value
    else:
        try:
            number = v.parse_count(str(value))
        except v.UnparseableValue:
            raise InvalidAnswer(f"expected a whole number such as 10000, got {value!r}") from None
    if number < 1:
        raise InvalidAnswer(f"must be at least 1, got {number}")
    return number


def duration_seconds(value: Any) -> float:
    """``2s``, ``500ms``, ``5 minutes``, or a bare number of seconds."""
    if isinstance(value, bool):
        raise InvalidAnswer("expected a duration such as '2s' or '5 minutes'")
    try:
        seconds = float(value) if isinstance(value, int | float) else v.parse_duration(str(value))
    except v.UnparseableValue:
        raise InvalidAnswer(
            f"expected a duration such as '2s' or '5 minutes', got {value!r}"
        ) from None
    if not 0 < seconds <= 7 * 86400:
        raise InvalidAnswer("must be more than 0 and at most 7 days")
    return seconds


def cron(value: Any) -> str:
    """Five cron fields, or words a scheduler understands (``nightly at 02:00 UTC``)."""
    schedule = text(value)
    parts = schedule.split()
    if len(parts) == 5 and all(set(part) <= set("0123456789*/,-") for part in parts):
        return f"cron `{schedule}`"
    return schedule


# --------------------------------------------------------------------------- questions


@dataclass(frozen=True)
class Question:
    """One answer the design needs: the prompt, how to default it, how to check it."""

    key: str
    prompt: str
    parse: Callable[[Any], Any]
    default: Callable[[Mapping[str, Any]], str]
    choices: tuple[str, ...] = ()
    required_in_file: bool = False
    """An ``--answers`` file must give it: nothing else determines it."""
    applies: Callable[[Mapping[str, Any]], bool] = field(default=lambda answers: True)
    help: str = ""


def _fixed(value: str) -> Callable[[Mapping[str, Any]], str]:
    return lambda answers: value


def _pattern_key(pattern: Pattern) -> str:
    return next(name for name, value in PATTERN_CHOICES.items() if value is pattern)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "name",
        "Integration name",
        text,
        _fixed("CRM to ERP Order Sync"),
        required_in_file=True,
        help="the title: '# Integration Design: NAME'",
    ),
    Question("source", "Source system", system_name, _fixed("CRM"), required_in_file=True),
    Question("target", "Target system", system_name, _fixed("ERP"), required_in_file=True),
    Question(
        "entity",
        "Main business object (entity)",
        system_name,
        _fixed("Order"),
        help="what moves, e.g. Order, Customer, Invoice",
    ),
    Question(
        "purpose",
        "Purpose (what it does and why)",
        text,
        lambda a: (
            f"Deliver every {a['entity'].lower()} created or changed in {a['source']} to "
            f"{a['target']} reliably, without manual re-keying"
        ),
    ),
    Question(
        "pattern",
        "Architecture pattern",
        _choice(PATTERN_CHOICES, _PATTERN_ALIASES),
        _fixed("event-driven"),
        choices=tuple(PATTERN_CHOICES),
        required_in_file=True,
    ),
    Question(
        "trigger",
        "Trigger",
        _choice({t.value: t for t in Trigger}, {t.value: t for t in Trigger}),
        lambda a: _DEFAULT_TRIGGER[a["pattern"]].value,
        choices=tuple(t.value for t in Trigger),
    ),
    Question(
        "schedule",
        "Schedule (cron or words)",
        cron,
        _fixed("0 2 * * *"),
        applies=lambda a: a["trigger"] is Trigger.SCHEDULE,
        help="five cron fields are written as cron `...`",
    ),
    Question(
        "daily_volume",
        "Records per day (typical)",
        positive_int,
        _fixed("10000"),
    ),
    Question(
        "peak_per_minute",
        "Peak records per minute",
        positive_int,
        lambda a: str(max(1, a["daily_volume"] * 10 // 1440)),
        help="defaults to ten times the daily average",
    ),
    Question(
        "latency",
        "End-to-end latency target (P95)",
        duration_seconds,
        lambda a: _DEFAULT_LATENCY[a["pattern"]],
    ),
    Question(
        "sensitivity",
        "Data sensitivity",
        _choice({s.value: s for s in Sensitivity}, {v.snake_case(s.value): s for s in Sensitivity}),
        _fixed("internal"),
        choices=tuple(s.value for s in Sensitivity),
        required_in_file=True,
        help="confidential and restricted data get encryption at rest, masking and longer audit",
    ),
    Question(
        "criticality",
        "Business criticality",
        _choice(
            {c.value: c for c in Criticality},
            {
                **{v.snake_case(c.value): c for c in Criticality},
                "tier1": Criticality.TIER_1,
                "tier2": Criticality.TIER_2,
                "tier3": Criticality.TIER_3,
                "1": Criticality.TIER_1,
                "2": Criticality.TIER_2,
                "3": Criticality.TIER_3,
            },
        ),
        _fixed("tier-2"),
        choices=tuple(c.value for c in Criticality),
        required_in_file=True,
        help="tier-1 gets tighter RTO/RPO and automatic failover",
    ),
    Question(
        "platform",
        "Integration platform",
        text,
        lambda a: _DEFAULT_PLATFORM[a["pattern"]],
    ),
)

QUESTION_KEYS = tuple(question.key for question in QUESTIONS)
EXTRA_KEYS = ("date", "version", "designer")
"""Keys an answers file may add that are never prompted (fixed dates make golden files)."""
