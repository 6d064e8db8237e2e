"""Numbers stated in prose, read where the phrasing is common and nowhere else.

Documents that do not follow the template still state the facts the template
asks for, in sentences: "deliveries are retried up to 5 times", "retry after
5m, 15m, 1h", "page the on-call when more than 10% fail", "RTO of 4 hours".
:func:`read_numbers` reads such a number from one sentence, with the line it
was written on.

Wrong is worse than missing, so every reading is tied to the words that say
what the number is, inside the same sentence:

PASS (read)::

    max 6 attempts / up to 5 retries / retried 3 times      -> attempts 6 / 5 / 3
    1 initial + 5 retries                                   -> attempts 6
    retry after 5m, 15m, 1h / backoff of 1s, 2s, 4s          -> backoff [300, 900, 3600] / [1, 2, 4]
    retried a few times, 10 seconds apart                   -> backoff [10]
    timeout 30 s / a 30-second timeout / times out after 2m  -> timeout 30 / 30 / 120
    TTL 300s                                                -> ttl 300
    alert when more than 10% fail                           -> error-rate alert 10 (%)
    alert when the queue depth is above 1000                -> depth alert 1000
    RTO of 4 hours / RPO 15 minutes                         -> rto 14400 / rpo 900

FAIL (nothing read)::

    the meeting is in 5 minutes          (no timeout word)
    version 2.1 retries the call          (no count of attempts)
    about 0.4% of deliveries fail         (no alert)
    a 504 gateway timeout                 (no duration)
    the queue held 5000 messages          (no alert, no threshold)

"N retries" is kept as written (the template pairs "Max Attempts 3" with three
delays, and lint accepts either reading of a row); only "1 initial + N retries"
is added up, because the author counted the first try explicitly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from designkit.draft.sentences import Sentence
from designkit.parse import values as v


class Kind(StrEnum):
    """What a number read from prose is."""

    ATTEMPTS = "attempts"
    BACKOFF = "backoff"
    TIMEOUT = "timeout"
    TTL = "ttl"
    ERROR_RATE_ALERT = "error_rate_alert"
    DEPTH_ALERT = "depth_alert"
    RTO = "rto"
    RPO = "rpo"


Value = int | float | tuple[float, ...]


@dataclass(frozen=True, slots=True)
class ProseNumber:
    """A number read from a sentence: what it is, its value (seconds for durations,
    a tuple of seconds for backoff, a percentage for the error-rate alert), the
    words it was read from, and the line they are on."""

    kind: Kind
    value: Value
    words: str
    line: int


# --------------------------------------------------------------------------- building blocks

_COUNT_WORDS = "one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
_N = rf"(\d{{1,3}}(?:,\d{{3}})+|\d+|{_COUNT_WORDS})"
_UNIT = (
    r"(?:ms|msecs?|milliseconds?|s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?"
    r"|w|wks?|weeks?)"
)
_DURATION = rf"(\d+(?:\.\d+)?)[ \t-]*({_UNIT})\b"
_DURATION_RE = re.compile(_DURATION, re.IGNORECASE)
_DELAY = rf"\d+(?:\.\d+)?[ \t]*(?:{_UNIT}\b)?"
_DELAYS = (
    rf"({_DELAY}(?:[ \t]*(?:,|/|->|→|\band\b|\bthen\b|,[ \t]*and\b|,[ \t]*then\b)[ \t]*{_DELAY})*)"
)

_RETRY_TOPIC = re.compile(
    r"\bretr(?:y|ies|ied|ying)\b|\bre-?attempt|\bre-?deliver|\battempts?\b|\bback-?off\b",
    re.IGNORECASE,
)
_ALERT_TOPIC = re.compile(
    r"\balert|\balarm|\bpag(?:e|es|ed|ing)\b|\bnotif|\bwarn|\bescalat", re.IGNORECASE
)
_FAILURE_TOPIC = re.compile(
    r"\bfail|\berror|\b5\d\d\b|\b5xx\b|\breject|\bunsuccessful", re.IGNORECASE
)
_DEAD_LETTER_TOPIC = re.compile(
    r"\bdlq\b|dead[\s-]?letter|\bpoison|quarantin|\breject|\bpark(?:ed|ing)\b|error\s+(?:table|queue)|"
    r"failed\s+(?:messages?|events?|records?|rows?|items?|orders?|deliver(?:y|ies)|jobs?)",
    re.IGNORECASE,
)
_QUEUE_TOPIC = re.compile(r"\bqueue|\bbacklog|\blag\b|\bwaiting\b|\bdepth\b", re.IGNORECASE)

_ATTEMPTS = (
    # max 6 attempts, up to 5 retries, at most 3 tries, a total of 4 delivery attempts
    re.compile(
        r"\b(?:max(?:imum)?\.?(?:[ \t]+of)?|up[ \t]+to|at[ \t]+most|no[ \t]+more[ \t]+than|"
        r"limit(?:ed)?[ \t]+(?:to|of)|(?:a[ \t]+)?total[ \t]+of)[ \t]+"
        + _N
        + r"[ \t]+(?:delivery[ \t]+|total[ \t]+|retry[ \t]+|send[ \t]+)?"
        r"(?:attempts?|tries|retries|retry)\b",
        re.IGNORECASE,
    ),
    # 6 attempts max, 5 retries at most
    re.compile(
        _N
        + r"[ \t]+(?:delivery[ \t]+)?(?:attempts|tries|retries)[ \t]+(?:max(?:imum)?|at[ \t]+most)\b",
        re.IGNORECASE,
    ),
    # retried up to 5 times, retry 3 times, retries at most twice
    re.compile(
        r"\bretr(?:y|ies|ied)[ \t]+(?:up[ \t]+to[ \t]+|at[ \t]+most[ \t]+|a[ \t]+maximum[ \t]+of[ \t]+|"
        r"max(?:imum)?[ \t]+)?" + _N + r"[ \t]+times\b",
        re.IGNORECASE,
    ),
    # max attempts: 6, maximum retries of 5, max retries = 3
    re.compile(
        r"\bmax(?:imum)?[ \t_-]*(?:number[ \t]+of[ \t]+)?(?:attempts|retries|tries)[ \t]*"
        r"(?:[:=]|of|is)?[ \t]*" + _N + r"\b(?![ \t]*(?:%|" + _UNIT + r"\b))",
        re.IGNORECASE,
    ),
)
_INITIAL_PLUS_RETRIES = re.compile(
    _N + r"[ \t]+(?:(?:initial|first)(?:[ \t]+(?:attempt|try|call|request|delivery))?|"
    r"(?:attempt|try|call|request|delivery))[ \t]*(?:\+|plus|and|followed[ \t]+by)[ \t]+"
    r"(?:up[ \t]+to[ \t]+)?" + _N + r"[ \t]+retr(?:y|ies)\b"
    r"|" + _N + r"[ \t]*\+[ \t]*" + _N + r"[ \t]+retr(?:y|ies)\b",
    re.IGNORECASE,
)

_BACKOFF = (
    # retry after 5m, 15m, 1h; backoff of 1s, 2s, 4s; delays: 1s/2s/4s; exponential backoff (1s, 2s)
    re.compile(
        r"\b(?:retr(?:y|ies|ied|ying)|back-?off|delays?|intervals?|re-?attempts?|re-?deliver(?:y|ies|ed))"
        r"\b[^.;:()]{0,30}?(?:\bafter|\bat|\bof|\bevery|:|\()[ \t]*" + _DELAYS,
        re.IGNORECASE,
    ),
    # 10 seconds apart, 60s between attempts
    re.compile(
        r"(?<![\w.])" + _DURATION + r"[ \t]+(?:apart|between[ \t]+(?:attempts|retries|tries))\b",
        re.IGNORECASE,
    ),
)

_TIMEOUT = (
    # timeout 30 s, timeout of 30 seconds, a timeout after 10 seconds, timeout: 30s
    re.compile(
        r"\btime[ \t-]?outs?\b[ \t]*(?:(?:of|is|at|after|set[ \t]+to|=|:)[ \t]*)?(?:of[ \t]+)?"
        + _DURATION,
        re.IGNORECASE,
    ),
    # times out after 2m
    re.compile(r"\btimes?[ \t]+out[ \t]+(?:after|at)[ \t]+" + _DURATION, re.IGNORECASE),
    # a 30-second timeout, 30 s timeout
    re.compile(r"(?<![\w.])" + _DURATION + r"[ \t]+time[ \t-]?out\b", re.IGNORECASE),
)
_TTL = (
    re.compile(
        r"\b(?:ttl|time[ \t-]to[ \t-]live)\b[ \t]*(?:(?:of|is|=|:)[ \t]*)?" + _DURATION,
        re.IGNORECASE,
    ),
    re.compile(r"(?<![\w.])" + _DURATION + r"[ \t]+ttl\b", re.IGNORECASE),
)
_RECOVERY_CONNECTOR = (
    r"[ \t]*(?:\([^()]{0,40}\)[ \t]*)?(?:(?:of|is|:|=|<=?|≤|under|below|within|target(?:[ \t]+of)?|"
    r"at[ \t]+most|no[ \t]+more[ \t]+than|set[ \t]+to)[ \t]*)*"
)
_RECOVERY = {
    Kind.RTO: (
        re.compile(
            r"\b(?:rto|recovery[ \t]+time(?:[ \t]+objective)?)\b" + _RECOVERY_CONNECTOR + _DURATION,
            re.IGNORECASE,
        ),
        re.compile(r"(?<![\w.])" + _DURATION + r"[ \t]+rto\b", re.IGNORECASE),
    ),
    Kind.RPO: (
        re.compile(
            r"\b(?:rpo|recovery[ \t]+point(?:[ \t]+objective)?)\b"
            + _RECOVERY_CONNECTOR
            + _DURATION,
            re.IGNORECASE,
        ),
        re.compile(r"(?<![\w.])" + _DURATION + r"[ \t]+rpo\b", re.IGNORECASE),
    ),
}
_MORE_THAN = r"(?:more[ \t]+than|above|over|exceeds?|exceeding|greater[ \t]+than|>=?|≥|reaches)"
_PERCENT_OVER = re.compile(
    _MORE_THAN + r"[ \t]*(\d+(?:\.\d+)?)[ \t]*(?:%|percent\b)", re.IGNORECASE
)
_COUNT_OVER = re.compile(
    _MORE_THAN + r"[ \t]*(\d{1,3}(?:,\d{3})+|\d+)\b(?![ \t]*(?:%|percent\b|\.\d|" + _UNIT + r"\b))",
    re.IGNORECASE,
)


def _count(text: str) -> int:
    return v.parse_count(text)


def _seconds(number: str, unit: str) -> float:
    return v.parse_duration(f"{number}{unit}")


# --------------------------------------------------------------------------- readers


def _attempts(sentence: Sentence) -> list[ProseNumber]:
    text = sentence.text
    found: list[ProseNumber] = []
    taken: list[tuple[int, int]] = []
    for match in _INITIAL_PLUS_RETRIES.finditer(text):
        first, retries = match.group(1) or match.group(3), match.group(2) or match.group(4)
        total = _count(first) + _count(retries)
        found.append(
            ProseNumber(Kind.ATTEMPTS, total, match.group(0), sentence.line_at(match.start()))
        )
        taken.append(match.span())
    for pattern in _ATTEMPTS:
        for match in pattern.finditer(text):
            if any(start <= match.start(1) < end for start, end in taken):
                continue
            found.append(
                ProseNumber(
                    Kind.ATTEMPTS,
                    _count(match.group(1)),
                    match.group(0),
                    sentence.line_at(match.start(1)),
                )
            )
            taken.append(match.span())
    return found


def _backoff(sentence: Sentence) -> list[ProseNumber]:
    if _RETRY_TOPIC.search(sentence.text) is None:
        return []
    found: list[ProseNumber] = []
    for pattern in _BACKOFF:
        for match in pattern.finditer(sentence.text):
            words = match.group(1) if pattern is _BACKOFF[0] else match.group(0)
            delays = _delays(words)
            if delays is None:
                continue
            found.append(
                ProseNumber(Kind.BACKOFF, delays, match.group(0), sentence.line_at(match.start(1)))
            )
        if found:
            break
    return found


def _delays(words: str) -> tuple[float, ...] | None:
    """Delays only when a unit says they are durations (``5m, 15m, 1h``; ``1, 5 and 15
    minutes``); ``retry after 3 failures`` has no unit and is no delay."""
    if _unit_of(words) is None:
        return None
    cleaned = re.sub(r"\b(?:apart|between\b.*)$", "", words, flags=re.IGNORECASE).strip()
    cleaned = re.sub(r",[ \t]*(?=and\b|then\b)", " ", cleaned)
    try:
        delays = v.parse_duration_list(cleaned)
    except v.UnparseableValue:
        return None
    if not delays or any(delay <= 0 for delay in delays):
        return None
    return tuple(delays)


def _unit_of(words: str) -> str | None:
    """The unit of the last duration in ``words``, if one is written."""
    found = _DURATION_RE.findall(words)
    return found[-1][1] if found else None


def _durations(
    sentence: Sentence, kind: Kind, patterns: tuple[re.Pattern[str], ...]
) -> list[ProseNumber]:
    found: list[ProseNumber] = []
    for pattern in patterns:
        for match in pattern.finditer(sentence.text):
            found.append(
                ProseNumber(
                    kind,
                    _seconds(match.group(1), match.group(2)),
                    match.group(0),
                    sentence.line_at(match.start(1)),
                )
            )
    return found


def _alerts(sentence: Sentence) -> list[ProseNumber]:
    text = sentence.text
    if _ALERT_TOPIC.search(text) is None:
        return []
    found: list[ProseNumber] = []
    if _FAILURE_TOPIC.search(text) is not None:
        for match in _PERCENT_OVER.finditer(text):
            found.append(
                ProseNumber(
                    Kind.ERROR_RATE_ALERT,
                    float(match.group(1)),
                    match.group(0),
                    sentence.line_at(match.start(1)),
                )
            )
    if _DEAD_LETTER_TOPIC.search(text) is not None or _QUEUE_TOPIC.search(text) is not None:
        for match in _COUNT_OVER.finditer(text):
            found.append(
                ProseNumber(
                    Kind.DEPTH_ALERT,
                    _count(match.group(1)),
                    match.group(0),
                    sentence.line_at(match.start(1)),
                )
            )
    return found


def read_numbers(sentence: Sentence) -> list[ProseNumber]:
    """Every number :mod:`this module <designkit.draft.prose_numbers>` can read from one
    sentence, in the order of the kinds above."""
    text = sentence.text
    found: list[ProseNumber] = []
    if _RETRY_TOPIC.search(text) is not None:
        found.extend(_attempts(sentence))
        found.extend(_backoff(sentence))
    found.extend(_durations(sentence, Kind.TIMEOUT, _TIMEOUT))
    found.extend(_durations(sentence, Kind.TTL, _TTL))
    for kind, patterns in _RECOVERY.items():
        found.extend(_durations(sentence, kind, patterns))
    found.extend(_alerts(sentence))
    return found


def talks_about_dead_letters(text: str) -> bool:
    """Whether a sentence is about the dead-letter queue (or failed, parked messages)."""
    return _DEAD_LETTER_TOPIC.search(text) is not None


def talks_about_queues(text: str) -> bool:
    """Whether a sentence is about a queue's depth, backlog or lag."""
    return _QUEUE_TOPIC.search(text) is not None
