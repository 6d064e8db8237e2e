"""Value normalisers: the text a person wrote -> the number or enum the model holds.

Each parser takes one table cell or bullet value (already trimmed) and returns
the normalised value or raises :class:`UnparseableValue` with a message that
says what was expected. They never see whole documents, and every pattern is
anchored and free of nested quantifiers, so time stays linear in the input.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TypeVar

E = TypeVar("E")


class UnparseableValue(ValueError):
    """A value that is filled in but cannot be read as what the field needs."""


# --------------------------------------------------------------------------- placeholders

_BLANKS = frozenset({"", "-", "--", "—", "–", "?", "??", "..."})
_NOT_APPLICABLE = frozenset({"n/a", "na", "n.a.", "not applicable", "none", "nil"})
_TO_BE_DECIDED = frozenset(
    {
        "tbd",
        "tbc",
        "todo",
        "to do",
        "tba",
        "to be decided",
        "to be defined",
        "to be confirmed",
        "pending",
        "xxx",
        "x",
    }
)
# A template slot: "[X]", "[7/14/30 days]", "[OAuth 2.0 / API Key / mTLS]". The
# opening bracket starts the value or follows a space or an opening punctuation
# mark, so "Observation.value[x]" and "line_items[].sku" are real values.
_SLOT = re.compile(r"(?:^|(?<=[\s(>:<=,]))\[[^\[\]\n]+\](?!\()")


def is_not_applicable(text: str | None) -> bool:
    """``N/A`` and friends: a deliberate "does not apply", not a gap."""
    return text is not None and text.strip().strip("*_").strip().lower() in _NOT_APPLICABLE


def is_blank(text: str | None) -> bool:
    return text is None or text.strip().strip("*_").strip() in _BLANKS


_LONGEST_WORD_PLACEHOLDER = max(len(w) for w in _NOT_APPLICABLE | _TO_BE_DECIDED) + 1


def is_placeholder(text: str | None) -> bool:
    """True when the whole value is still in template form (or blank, TBD, N/A)."""
    if text is None:
        return True
    value = text.strip()
    if value[:1] in ("*", "_", "`"):
        value = value.strip("*_`").strip()
    if value in _BLANKS:
        return True
    if len(value) <= _LONGEST_WORD_PLACEHOLDER:
        lowered = value.lower().rstrip(".")
        if lowered in _NOT_APPLICABLE or lowered in _TO_BE_DECIDED:
            return True
    head = value[:6].lower()
    if head.startswith(("tbd ", "tbd:", "tbd-", "tbd (", "todo:", "todo ")):
        return True
    if value[0] != "[":
        return False
    match = _SLOT.match(value)
    return match is not None and match.end() == len(value)


def has_slot(text: str | None) -> bool:
    """True when a template slot such as ``[X]`` is left anywhere in the value."""
    return bool(text) and _SLOT.search(text or "") is not None


def starts_with_slot(text: str | None) -> bool:
    """``[Vault / Key Vault] - never in code``: the value's subject is still a slot."""
    return bool(text) and _SLOT.match((text or "").strip()) is not None


def slot_text(text: str) -> str | None:
    """The first template slot left in ``text`` (``"[threshold]"``), if any."""
    match = _SLOT.search(text)
    return match.group(0) if match else None


def has_digit_outside_slots(text: str) -> bool:
    """``5 failures in [window]`` states a number; ``[N] failures`` does not."""
    remainder = text
    while True:
        slot = slot_text(remainder)
        if slot is None:
            break
        remainder = remainder.replace(slot, " ", 1)
    return any(ch.isdigit() for ch in remainder)


# --------------------------------------------------------------------------- numbers

_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)"
_WORDS = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "once": 1,
    "twice": 2,
    "single": 1,
    "a": 1,
    "an": 1,
}
_MAGNITUDE = {"k": 1_000, "m": 1_000_000, "mm": 1_000_000, "b": 1_000_000_000}


def _to_float(number: str) -> float:
    value = float(number.replace(",", ""))
    if not math.isfinite(value):
        raise UnparseableValue(f"number too large: {number[:20]}...")
    return value


def _clean(text: str) -> str:
    return text.strip().strip("*_`").strip()


_COUNT_RE = re.compile(
    r"^(?:~|about|approx\.?|up to|max\.?|maximum|≈|<=?|>=?|≤|≥)?\s*"
    + _NUMBER
    + r"\s*([kKmMbB]{1,2})?\b"
)


def parse_count(text: str) -> int:
    """``3`` -> 3, ``10,000 records`` -> 10000, ``10k`` -> 10000, ``three`` -> 3."""
    value = _clean(text)
    lowered = value.lower()
    if lowered in _WORDS and lowered not in {"a", "an"}:
        return _WORDS[lowered]
    match = _COUNT_RE.match(value)
    if not match:
        raise UnparseableValue(f"expected a whole number, got {value!r}")
    number = _to_float(match.group(1))
    suffix = (match.group(2) or "").lower()
    number *= _MAGNITUDE.get(suffix, 1)
    rest = value[match.end() :].strip()
    if (rest[:1] in {"-", "."} and rest[1:2].isalpha()) or (
        rest[:1] == "," and rest[1:2].isdigit()
    ):
        raise UnparseableValue(f"expected a whole number, got {value!r}")
    if not number.is_integer():
        raise UnparseableValue(f"expected a whole number, got {value!r}")
    return int(number)


_PERCENT_RE = re.compile(
    r"^(?:<=?|>=?|≤|≥|~|about|under|below|over|above|at least|at most)?\s*"
    + _NUMBER
    + r"\s*(%|percent\b|pct\b)"
)


def parse_percent(text: str) -> float:
    """``99.9%`` -> 99.9, ``<0.5%`` -> 0.5, ``> 80 percent`` -> 80."""
    value = _clean(text)
    match = _PERCENT_RE.match(value.lower())
    if not match:
        raise UnparseableValue(f"expected a percentage such as '99.9%', got {value!r}")
    return _to_float(match.group(1))


# --------------------------------------------------------------------------- durations

_SECONDS_PER_UNIT: dict[str, float] = {}
for _names, _seconds in (
    (("ms", "msec", "msecs", "millisecond", "milliseconds"), 0.001),
    (("s", "sec", "secs", "second", "seconds"), 1.0),
    (("m", "min", "mins", "minute", "minutes"), 60.0),
    (("h", "hr", "hrs", "hour", "hours"), 3600.0),
    (("d", "day", "days"), 86400.0),
    (("w", "wk", "wks", "week", "weeks"), 604800.0),
    (("mo", "month", "months"), 30 * 86400.0),
    (("y", "yr", "yrs", "year", "years"), 365 * 86400.0),
):
    for _name in _names:
        _SECONDS_PER_UNIT[_name] = _seconds

_DURATION_PART = re.compile(r"\s*" + _NUMBER + r"\s*([a-zA-Z]+)\.?")
_DURATION_PREFIX = re.compile(
    r"^(?:~|≈|<=?|>=?|≤|≥|under|within|less than|up to|about|approx\.?|max\.?|maximum|at most)\s*",
    re.IGNORECASE,
)
_DURATION_WORD = re.compile(r"^(?:an?|one)\s+([a-zA-Z]+)$", re.IGNORECASE)


def parse_duration(text: str) -> float:
    """A duration in seconds: ``500ms`` -> 0.5, ``2m`` -> 120, ``1h 30m`` -> 5400.

    A bare number is read as seconds. Trailing words after the duration
    ("30s per attempt", "4 hours (business hours)") are ignored.
    """
    value = _DURATION_PREFIX.sub("", _clean(text))
    word = _DURATION_WORD.match(value)
    if word and word.group(1).lower() in _SECONDS_PER_UNIT:
        return _SECONDS_PER_UNIT[word.group(1).lower()]
    total = 0.0
    position = 0
    found = False
    while True:
        match = _DURATION_PART.match(value, position)
        if not match:
            break
        unit = match.group(2).lower()
        if unit not in _SECONDS_PER_UNIT:
            break
        total += _to_float(match.group(1)) * _SECONDS_PER_UNIT[unit]
        position = match.end()
        found = True
        if value[position : position + 5].lower().startswith((" and ", ", ")):
            joiner = value.find(" ", position + 1) if value[position] != "," else position + 1
            peek = _DURATION_PART.match(value, joiner)
            if peek and peek.group(2).lower() in _SECONDS_PER_UNIT:
                position = joiner
    if found:
        rest = value[position:]
        if rest[:1].isalnum():
            raise UnparseableValue(
                f"expected a duration such as '30s' or '4 hours', got {text.strip()!r}"
            )
        return round(total, 6)
    bare = re.fullmatch(_NUMBER, value)
    if bare:
        return _to_float(bare.group(1))
    raise UnparseableValue(f"expected a duration such as '30s' or '4 hours', got {text.strip()!r}")


_LIST_SPLIT = re.compile(r"(?:,|/|;|->|→|\bthen\b|\band\b)")


def parse_duration_list(text: str) -> list[float]:
    """Backoff delays: ``1s, 2s, 4s`` and ``1s/2s/4s`` -> [1, 2, 4]; ``N/A`` -> [].

    A trailing unit applies to bare numbers before it (``1, 2, 4 s``).
    """
    value = _clean(text)
    if is_not_applicable(value) or value.lower() in {"no retry", "none", "immediate", "0"}:
        return []
    parts = [p.strip() for p in _LIST_SPLIT.split(value) if p.strip()]
    if not parts:
        raise UnparseableValue(f"expected delays such as '1s, 2s, 4s', got {value!r}")
    last_unit = ""
    unit_match = re.search(r"(?<![a-zA-Z])[a-zA-Z]+$", parts[-1])
    if unit_match and unit_match.group(0).lower() in _SECONDS_PER_UNIT:
        last_unit = unit_match.group(0)
    delays: list[float] = []
    for part in parts:
        if last_unit and re.fullmatch(_NUMBER, part):
            part = part + last_unit
        delays.append(parse_duration(part))
    return delays


def parse_retention_days(text: str) -> float:
    """A retention in days: ``30 days`` -> 30, ``2 weeks`` -> 14, ``7 years`` -> 2555.

    A bare number is read as days, since that is how retention is stated.
    """
    value = _clean(text)
    bare = re.fullmatch(_NUMBER, value)
    if bare:
        return _to_float(bare.group(1))
    try:
        seconds = parse_duration(value)
    except UnparseableValue:
        raise UnparseableValue(
            f"expected a retention such as '30 days' or '1 year', got {value!r}"
        ) from None
    return round(seconds / 86400.0, 6)


_RATE_UNITS = {
    "s": 60.0,
    "sec": 60.0,
    "second": 60.0,
    "seconds": 60.0,
    "m": 1.0,
    "min": 1.0,
    "minute": 1.0,
    "minutes": 1.0,
    "h": 1 / 60,
    "hr": 1 / 60,
    "hour": 1 / 60,
    "hours": 1 / 60,
    "d": 1 / 1440,
    "day": 1 / 1440,
    "days": 1 / 1440,
}
_RATE_RE = re.compile(
    r"^(?:>=?|≥|~|about|at least|up to|min\.?|minimum)?\s*"
    + _NUMBER
    + r"\s*([kKmM])?\b[^/\d]*?(?:/|\bper\b|\ban?\b|\beach\b)\s*([a-zA-Z]+)"
)


def parse_rate_per_minute(text: str) -> float:
    """Throughput per minute: ``10,000 records/minute`` -> 10000, ``600/hour`` -> 10."""
    value = _clean(text)
    match = _RATE_RE.match(value)
    if not match or match.group(3).lower() not in _RATE_UNITS:
        raise UnparseableValue(f"expected a rate such as '1,000 records/minute', got {value!r}")
    number = _to_float(match.group(1)) * _MAGNITUDE.get((match.group(2) or "").lower(), 1)
    return round(number * _RATE_UNITS[match.group(3).lower()], 6)


_LEVEL_RE = re.compile(r"^(?:level|lvl|l)\s*[-:]?\s*(\d{1,3})\b", re.IGNORECASE)


def parse_level(text: str) -> int:
    """A maturity level: ``Level 3 across all dimensions`` -> 3, ``L4`` -> 4."""
    value = _clean(text)
    match = _LEVEL_RE.match(value) or re.match(r"^(\d{1,3})\b", value)
    if not match:
        raise UnparseableValue(f"expected a maturity level such as 'Level 3', got {value!r}")
    level = int(match.group(1))
    if not 0 <= level <= 5:
        raise UnparseableValue(f"maturity levels run from 0 to 5, got {level}")
    return level


# --------------------------------------------------------------------------- enums


def snake_case(text: str) -> str:
    """``Event-driven`` -> ``event_driven``, ``API-led`` -> ``api_led``."""
    words = re.findall(r"[a-z0-9]+", text.lower())
    return "_".join(words)


@lru_cache(maxsize=4096)
def normalise_key(text: str) -> str:
    """Loose key for matching labels and headings: case, ``&``, punctuation, numbering."""
    lowered = text.lower().replace("&", " and ")
    words = re.findall(r"[a-z0-9]+", lowered)
    start = 0
    while start < len(words) and (
        re.fullmatch(r"\d+[a-z]?", words[start]) or words[start] in {"section", "chapter", "part"}
    ):
        start += 1
    return " ".join(words[start:])


def parse_enum(text: str, choices: Mapping[str, E], *, what: str) -> E:
    """Match ``text`` against the loose keys in ``choices``.

    Keys are snake-case phrases; the value matches when its snake case equals a
    key, starts with one (``Exponential backoff`` -> ``exponential``), or, for
    a key of one word, contains it as a word.
    """
    key = snake_case(text)
    if key in choices:
        return choices[key]
    words = key.split("_")
    for candidate, result in choices.items():
        if key.startswith(candidate + "_"):
            return result
    for candidate, result in choices.items():
        if "_" not in candidate and candidate in words:
            return result
    options = ", ".join(sorted({str(getattr(v, "value", v)) for v in choices.values()}))
    raise UnparseableValue(f"unknown {what} {text.strip()!r} (expected one of: {options})")
