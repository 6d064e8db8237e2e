"""Numbers stated in prose: read where the phrasing is common, and only there.

Every case asserts what is read and, as importantly, what is not: a wrong
number in a draft is worse than a placeholder.
"""

from __future__ import annotations

import pytest

from designkit.draft.prose_numbers import Kind, ProseNumber, read_numbers
from designkit.draft.sentences import Sentence, document_sentences, split_sentences


def _read(text: str) -> dict[Kind, list[object]]:
    found: dict[Kind, list[object]] = {}
    for sentence in split_sentences(text):
        for number in read_numbers(sentence):
            found.setdefault(number.kind, []).append(number.value)
    return found


@pytest.mark.parametrize(
    ("text", "attempts"),
    [
        ("Deliveries are retried, max 6 attempts.", 6),
        ("A failed call is retried up to 5 retries.", 5),
        ("The worker makes up to 5 retries before giving up.", 5),
        ("We allow 1 initial + 5 retries.", 6),
        ("One initial attempt followed by up to four retries.", 5),
        ("The client makes 1 attempt plus 3 retries.", 4),
        ("Retries: maximum of 3 attempts per message.", 3),
        ("Failed deliveries are retried up to 5 times.", 5),
        ("The job retries 3 times with exponential backoff.", 3),
        ("Max attempts: 4", 4),
        ("A webhook gets at most 8 delivery attempts.", 8),
        ("Retrying stops after a total of 10 attempts.", 10),
    ],
)
def test_attempts_are_read_from_sentences_about_retries(text: str, attempts: int) -> None:
    assert _read(text).get(Kind.ATTEMPTS) == [attempts]


@pytest.mark.parametrize(
    "text",
    [
        "The connector uses version 2.1 of the retry library.",
        "HTTP 429 responses are retried with exponential backoff.",
        "We retried 3 orders by hand last week.",
        "Between 1 and 5 retries were seen per day.",
        "Up to 5 orders are processed per batch.",
        "The job makes 3 calls and 2 retries on average.",
        "Max 6 users can log in at once.",
    ],
)
def test_no_attempts_without_a_count_of_retries(text: str) -> None:
    assert Kind.ATTEMPTS not in _read(text)


@pytest.mark.parametrize(
    ("text", "delays"),
    [
        ("Retry after 5m, 15m, 1h.", (300, 900, 3600)),
        ("Failed calls are retried after 1, 5 and 15 minutes.", (60, 300, 900)),
        ("Exponential backoff of 1s, 2s, 4s between retries.", (1, 2, 4)),
        ("Retries use exponential backoff (1s/2s/4s).", (1, 2, 4)),
        ("The adapter retries a few times, 10 seconds apart.", (10,)),
        ("A 429 is retried every 60 seconds.", (60,)),
        ("Retry delays: 30s, 2m, 10m", (30, 120, 600)),
    ],
)
def test_backoff_delays_are_read_with_their_units(text: str, delays: tuple[float, ...]) -> None:
    assert _read(text).get(Kind.BACKOFF) == [delays]


@pytest.mark.parametrize(
    "text",
    [
        "Retry after the token is refreshed.",
        "Retry after 3 failures to open the circuit.",
        "The job runs every 30 minutes.",  # not about retries
        "Retry up to 6 times within 1 hour.",  # a window, not a delay
        "Retries are logged for 30 days.",
        "Retries happen at most 5 times.",
    ],
)
def test_no_backoff_without_delays_of_a_retry(text: str) -> None:
    assert Kind.BACKOFF not in _read(text)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("Each call has a timeout 30 s.", 30),
        ("The partner call fails with a timeout after 10 seconds.", 10),
        ("Use a 30-second timeout for the ERP.", 30),
        ("The request times out after 2m.", 120),
        ("Timeout: 500ms per attempt", 0.5),
        ("Set the timeout of 45 seconds on the client.", 45),
    ],
)
def test_timeouts(text: str, seconds: float) -> None:
    assert _read(text).get(Kind.TIMEOUT) == [seconds]


@pytest.mark.parametrize(
    "text",
    [
        "The meeting is in 5 minutes.",
        "The gateway answers with a 504 timeout.",
        "Timeouts are reported to the team every 30 minutes.",
        "Runs that take longer than 30 minutes overlap the next one.",
    ],
)
def test_no_timeout_without_a_timeout_duration(text: str) -> None:
    assert Kind.TIMEOUT not in _read(text)


def test_ttl_rto_and_rpo() -> None:
    found = _read(
        "Idempotency keys have a TTL 300s. The RTO of 4 hours and RPO 15 minutes hold. "
        "Recovery time objective: 2h."
    )
    assert found[Kind.TTL] == [300]
    assert found[Kind.RTO] == [14400, 7200]
    assert found[Kind.RPO] == [900]
    assert _read("A 4-hour RTO is agreed.")[Kind.RTO] == [14400]


@pytest.mark.parametrize(
    "text",
    [
        "The RTO team meets in 2 hours.",
        "Recovery time was 3 hours in the last incident.",
        "The cache is refreshed every 300s.",
    ],
)
def test_no_recovery_or_ttl_from_other_sentences(text: str) -> None:
    found = _read(text)
    assert Kind.RTO not in found and Kind.RPO not in found and Kind.TTL not in found


def test_alerts() -> None:
    assert _read("Page the on-call engineer when more than 10% fail.") == {
        Kind.ERROR_RATE_ALERT: [10.0]
    }
    assert _read("Alert if the error rate exceeds 2.5%.")[Kind.ERROR_RATE_ALERT] == [2.5]
    assert _read("Raise an alert when the queue depth is above 1000.") == {Kind.DEPTH_ALERT: [1000]}
    assert _read("Alert on queue > 1,000 messages.")[Kind.DEPTH_ALERT] == [1000]
    quarantine = "Quarantine rejected rows and alert when more than 100 arrive in one run."
    assert _read(quarantine)[Kind.DEPTH_ALERT] == [100]


@pytest.mark.parametrize(
    "text",
    [
        "About 0.4% of deliveries fail today.",  # no alert
        "Alert the team when availability drops below 99.9%.",  # not a failure rate
        "The queue held 5000 messages at peak.",  # no alert
        "Alert when the queue lag is over 30 seconds.",  # a duration, not a depth
        "Alert when more than 10% of orders fail.",  # a rate, not a depth
        "Alert when more than 3 users log in.",  # neither queue nor failures
    ],
)
def test_no_alert_threshold_from_other_sentences(text: str) -> None:
    found = _read(text)
    if "10% of orders fail" in text:
        assert Kind.DEPTH_ALERT not in found and found[Kind.ERROR_RATE_ALERT] == [10.0]
        return
    assert Kind.ERROR_RATE_ALERT not in found and Kind.DEPTH_ALERT not in found


def test_each_number_carries_its_line() -> None:
    text = "Intro line.\n\nDeliveries are retried\nup to 5 times, then parked.\n\n- timeout 30 s\n"
    numbers = [n for s in document_sentences(text) for n in read_numbers(s)]
    assert [(n.kind, n.value, n.line) for n in numbers] == [
        (Kind.ATTEMPTS, 5, 4),
        (Kind.TIMEOUT, 30, 6),
    ]


def test_sentences_split_at_full_stops_but_not_inside_numbers_or_abbreviations() -> None:
    sentences = split_sentences("Use v2.5 e.g. for retries. Then stop.\nNext line here.", 10)
    assert [s.text for s in sentences] == [
        "Use v2.5 e.g. for retries.",
        "Then stop.",
        "Next line here.",
    ]
    assert [s.line for s in sentences] == [10, 10, 11]


def test_headings_tables_and_code_are_not_prose() -> None:
    text = (
        "## Retry up to 5 times\n\n| a | b |\n|---|---|\n| max 6 attempts | x |\n\n"
        "```\nmax 6 attempts\n```\n"
    )
    assert list(document_sentences(text)) == []


def test_a_number_knows_its_words() -> None:
    [number] = read_numbers(Sentence("Failed calls are retried up to 5 times.", 3))
    assert number == ProseNumber(Kind.ATTEMPTS, 5, "retried up to 5 times", 3)
