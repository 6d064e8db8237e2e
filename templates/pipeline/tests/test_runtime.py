"""Unit tests of the runtime: retry, breaker, expressions, DLQ, idempotency, mapping, logs."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from conftest import FakeTime, base_config
from integration_pipeline.breaker import CircuitBreaker
from integration_pipeline.config import CircuitBreakerConfig, Idempotency, Retry
from integration_pipeline.dlq import DeadLetterQueue
from integration_pipeline.errors import PipelineError, ValidationFailed, classify_status
from integration_pipeline.expressions import Expression, ExpressionError
from integration_pipeline.idempotency import IdempotencyStore
from integration_pipeline.logs import make_logger
from integration_pipeline.mapping import Mapper
from integration_pipeline.metrics import Metrics
from integration_pipeline.retry import RetryExecutor, planned_delays
from integration_pipeline.validation import AlertAndQueue, Validator


def _retry(default_reading: str, **policy: object) -> Retry:
    row = {
        "name": "p",
        "scenario": "s",
        "applies_to": ["server_error", "rate_limited"],
        "strategy": "exponential",
        "max_attempts": 3,
        "delays_seconds": [1, 2, 4],
    }
    row.update(policy)
    return Retry.model_validate({"reading": default_reading, "policies": [row]})


def _failing(errors: list[PipelineError]):
    calls: list[float] = []

    def fn(timeout: float) -> str:
        calls.append(timeout)
        if errors:
            raise errors.pop(0)
        return "ok"

    return fn, calls


# --- retry -------------------------------------------------------------------------------


def test_retries_after_first_try_reading_uses_every_delay(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("retries_after_first_try"), sleep=fake_time.sleep, clock=fake_time.clock
    )
    fn, calls = _failing([PipelineError("server_error", "500")] * 10)
    with pytest.raises(PipelineError) as info:
        executor.call(fn)
    assert fake_time.sleeps == [1, 2, 4]
    assert len(calls) == 4 and info.value.attempts == 4


def test_total_tries_reading(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("total_tries", delays_seconds=[1, 2]), sleep=fake_time.sleep, clock=fake_time.clock
    )
    fn, calls = _failing([PipelineError("server_error", "500")] * 10)
    with pytest.raises(PipelineError):
        executor.call(fn)
    assert fake_time.sleeps == [1, 2] and len(calls) == 3


def test_a_policy_reading_overrides_the_default(fake_time: FakeTime) -> None:
    """Designs mix readings in one table: a row with one delay fewer than its attempts
    carries ``reading: total_tries`` and is run that way under the other default."""
    retry = _retry("retries_after_first_try", delays_seconds=[1, 2], reading="total_tries")
    executor = RetryExecutor(retry, sleep=fake_time.sleep, clock=fake_time.clock)
    fn, calls = _failing([PipelineError("server_error", "500")] * 10)
    with pytest.raises(PipelineError):
        executor.call(fn)
    assert fake_time.sleeps == [1, 2] and len(calls) == 3


def test_success_after_failures_stops_retrying(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("retries_after_first_try"), sleep=fake_time.sleep, clock=fake_time.clock
    )
    fn, calls = _failing([PipelineError("server_error", "500")] * 2)
    assert executor.call(fn) == "ok"
    assert fake_time.sleeps == [1, 2] and len(calls) == 3


def test_delays_extended_by_strategy() -> None:
    policy = _retry("retries_after_first_try", max_attempts=5, delays_seconds=[1]).policies[0]
    assert planned_delays(policy, "retries_after_first_try") == [1, 2, 4, 8, 16]
    linear = policy.model_copy(update={"strategy": "linear", "delays_seconds": [2, 4]})
    assert planned_delays(linear, "total_tries") == [2, 4, 6, 8]
    none = policy.model_copy(update={"strategy": "none"})
    assert planned_delays(none, "retries_after_first_try") == []


@pytest.mark.parametrize("error_class", ["auth", "validation", "permanent"])
def test_never_retried_even_if_listed(fake_time: FakeTime, error_class: str) -> None:
    retry = _retry("retries_after_first_try", applies_to=[error_class])
    executor = RetryExecutor(retry, sleep=fake_time.sleep, clock=fake_time.clock)
    fn, calls = _failing([PipelineError(error_class, "no")])  # type: ignore[arg-type]
    with pytest.raises(PipelineError):
        executor.call(fn)
    assert fake_time.sleeps == [] and len(calls) == 1


def test_retry_after_is_honoured(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("retries_after_first_try"), sleep=fake_time.sleep, clock=fake_time.clock
    )
    fn, _ = _failing([classify_status(429, "7"), classify_status(500)])
    assert executor.call(fn) == "ok"
    assert fake_time.sleeps == [7, 2]


def test_budget_stops_retries(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("retries_after_first_try", timeout_seconds=2.5),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
    )
    fn, calls = _failing([PipelineError("server_error", "500")] * 10)
    with pytest.raises(PipelineError):
        executor.call(fn)
    assert fake_time.sleeps == [1] and len(calls) == 2
    assert calls[1] == pytest.approx(1.5)  # per-attempt timeout = remaining budget


def test_jitter_uses_rng(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("retries_after_first_try", jitter=True),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        rng=lambda: 0.0,
    )
    fn, _ = _failing([PipelineError("server_error", "500")] * 10)
    with pytest.raises(PipelineError):
        executor.call(fn)
    assert fake_time.sleeps == [0.5, 1, 2]


def test_unlisted_class_not_retried(fake_time: FakeTime) -> None:
    executor = RetryExecutor(
        _retry("retries_after_first_try"), sleep=fake_time.sleep, clock=fake_time.clock
    )
    fn, calls = _failing([PipelineError("timeout", "slow")])
    with pytest.raises(PipelineError):
        executor.call(fn)
    assert len(calls) == 1


# --- breaker -----------------------------------------------------------------------------


def _boom() -> None:
    raise PipelineError("server_error", "500")


def test_breaker_opens_half_opens_and_closes(fake_time: FakeTime) -> None:
    metrics = Metrics()
    config = CircuitBreakerConfig(
        failure_threshold=3,
        half_open_after_seconds=30,
        half_open_requests=1,
        close_after_successes=2,
    )
    breaker = CircuitBreaker(config, clock=fake_time.clock, on_state=metrics.set_breaker)
    for _ in range(3):
        with pytest.raises(PipelineError):
            breaker.call(_boom)
    assert breaker.state == "open"
    assert metrics.value("pipeline_circuit_breaker_state", name="target") == 1
    with pytest.raises(PipelineError, match="open"):
        breaker.call(lambda: "x")
    fake_time.now += 30
    assert breaker.call(lambda: "x") == "x"
    assert breaker.state == "half-open"
    assert metrics.value("pipeline_circuit_breaker_state", name="target") == 2
    assert breaker.call(lambda: "x") == "x"
    assert breaker.state == "closed"
    assert metrics.value("pipeline_circuit_breaker_state", name="target") == 0


def test_breaker_probe_failure_reopens(fake_time: FakeTime) -> None:
    config = CircuitBreakerConfig(failure_threshold=1, half_open_after_seconds=10)
    breaker = CircuitBreaker(config, clock=fake_time.clock)
    with pytest.raises(PipelineError):
        breaker.call(_boom)
    fake_time.now += 10
    with pytest.raises(PipelineError):
        breaker.call(_boom)
    assert breaker.state == "open"
    fake_time.now += 5
    with pytest.raises(PipelineError, match="open"):
        breaker.call(lambda: "x")


def test_breaker_error_rate_window(fake_time: FakeTime) -> None:
    config = CircuitBreakerConfig(
        failure_threshold=None, error_rate_percent=50, window_seconds=60, error_rate_min_calls=4
    )
    breaker = CircuitBreaker(config, clock=fake_time.clock)
    breaker.call(lambda: 1)
    breaker.call(lambda: 1)
    with pytest.raises(PipelineError):
        breaker.call(_boom)
    assert breaker.state == "closed"  # 1 of 3: below the minimum volume
    with pytest.raises(PipelineError):
        breaker.call(_boom)
    assert breaker.state == "open"  # 2 of 4 = 50%


def test_breaker_ignores_validation_errors(fake_time: FakeTime) -> None:
    breaker = CircuitBreaker(CircuitBreakerConfig(failure_threshold=1), clock=fake_time.clock)

    def bad() -> None:
        raise ValidationFailed("bad record")

    with pytest.raises(ValidationFailed):
        breaker.call(bad)
    assert breaker.state == "closed"


# --- expressions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "source",
    [
        "__import__('os').system('x')",
        "().__class__",
        "open('x')",
        "9**9**9",
        "(lambda: 1)()",
        "[x for x in y]",
        "a.__class__",
        "upper.__globals__",
        "getattr(a, 'b')",
        "x[0:2]",
        "a.b()",
        "f'{a}'",
        "x" * 600,
        "upper(*a)",
        "round(a, ndigits=2)",
    ],
)
def test_adversarial_expressions_refused_at_load(source: str) -> None:
    with pytest.raises(ExpressionError):
        Expression(source)


def test_expression_cost_is_bounded() -> None:
    with pytest.raises(ExpressionError):
        Expression("'a' * 1000000000").evaluate({})
    with pytest.raises(ExpressionError):
        Expression("n * n * n * n").evaluate({"n": 10**40})
    with pytest.raises(ExpressionError):
        Expression("s[0]").evaluate({"s": "abc"})


@pytest.mark.parametrize(
    ("source", "record", "expected"),
    [
        ("amount * qty", {"amount": 2.5, "qty": 4}, 10.0),
        ("upper(trim(name))", {"name": " ab "}, "AB"),
        ("'vip' if total >= 100 and not blocked else 'std'", {"total": 150}, "vip"),
        ("customer.email", {"customer": {"email": "a@b.c"}}, "a@b.c"),
        ("coalesce(nick, name)", {"name": "n"}, "n"),
        ("concat(a, '-', b)", {"a": 1, "b": 2}, "1-2"),
        ("round(x, 1)", {"x": 1.26}, 1.3),
        ("len(items) % 2 == 0", {"items": [1, 2]}, True),
        ("d['k']", {"d": {"k": 3}}, 3),
        ("int('7') // 2", {}, 3),
    ],
)
def test_expressions_evaluate(source: str, record: dict, expected: object) -> None:
    assert Expression(source).evaluate(record) == expected


# --- DLQ and idempotency -----------------------------------------------------------------


def test_dlq_envelope_replay_discard_purge(tmp_path: Path, fake_time: FakeTime) -> None:
    depth: list[int] = []
    queue = DeadLetterQueue(tmp_path / "dlq.sqlite", clock=fake_time.clock, on_depth=depth.append)
    first = queue.add(
        {"id": 1},
        source="jsonl:x",
        stage="load",
        error_class="server_error",
        error_message="HTTP 500",
        classification="transient",
        attempts=4,
        correlation_id="c1",
        idempotency_key="k1",
    )
    second = queue.add(
        {"id": 2},
        source="jsonl:x",
        stage="validate",
        error_class="validation",
        error_message="bad",
        classification="permanent",
        attempts=1,
        correlation_id="c2",
    )
    assert depth[-1] == 2
    entry = queue.show(first)
    assert entry is not None and entry.payload == {"id": 1} and entry.attempts == 4
    assert entry.first_failure_at == entry.last_failure_at == 1000.0
    replayed = queue.replay([first])
    assert [e.id for e in replayed] == [first] and replayed[0].replay_count == 1
    assert queue.show(first).status == "replayed"  # type: ignore[union-attr]
    assert queue.discard(second) and queue.depth() == 0
    fake_time.now += 15 * 86400
    assert queue.purge(14) == 2 and queue.list(None) == []


def test_idempotency_window(tmp_path: Path, fake_time: FakeTime) -> None:
    config = Idempotency(key=["order_id"], dedup_window_seconds=60)
    store = IdempotencyStore(config, tmp_path / "s.sqlite", clock=fake_time.clock)
    key = store.key_for({"order_id": "A1"})
    assert not store.seen(key)
    store.mark(key)
    assert store.seen(key)
    fake_time.now += 61
    assert not store.seen(key)
    upsert = IdempotencyStore(
        config.model_copy(update={"approach": "upsert"}), tmp_path / "u.sqlite"
    )
    upsert.mark(key)
    assert not upsert.seen(key)


# --- mapping, validation, logs -----------------------------------------------------------


def test_mapping_builds_canonical_record() -> None:
    mapper = Mapper(base_config())
    record = {"id": 7, "amount": None, "qty": 3, "state": "S", "customer": {"email": "a@b.c"}}
    # a formula on a missing amount fails as a validation error, not a crash
    with pytest.raises(ValidationFailed):
        mapper.to_canonical(record)
    record["amount"] = 2
    assert mapper.to_canonical(record) == {
        "order_id": "7",
        "total": 6.0,
        "status": "shipped",
        "email": "a@b.c",
    }
    assert mapper.to_canonical({**record, "state": "?"})["status"] == "unknown"
    with pytest.raises(ValidationFailed, match="order_id"):
        mapper.to_canonical({**record, "id": None})


def test_hook_without_user_file_names_the_file(monkeypatch: pytest.MonkeyPatch) -> None:
    # a generated project has user_hooks.py; take it away for this test
    monkeypatch.setitem(sys.modules, "integration_pipeline.user_hooks", None)
    config = base_config(mappings=[{"target": "order_id", "transformation": "hook"}])
    with pytest.raises(ValidationFailed, match=r"user_hooks\.py"):
        Mapper(config).map({})


def test_bad_formula_fails_at_load() -> None:
    config = base_config(
        mappings=[
            {"target": "total", "transformation": "formula", "expression": "__import__('os')"}
        ]
    )
    with pytest.raises(ExpressionError):
        Mapper(config)


def test_validation_actions() -> None:
    rules = [
        {"rule": "status is required", "check": "required", "action": "default"},
        {"rule": "email must be a valid email", "check": "format", "action": "reject"},
        {"rule": "total >= 0", "check": "business", "action": "alert_and_queue"},
    ]
    config = base_config(validation=rules)
    config = config.model_copy(
        update={
            "mappings": [
                m if m.target != "status" else m.model_copy(update={"default": "new"})
                for m in config.mappings
            ]
        }
    )
    validator = Validator(config)
    good = {"order_id": "1", "total": 1.0, "status": None, "email": "a@b.c"}
    assert validator.apply(dict(good))["status"] == "new"
    with pytest.raises(ValidationFailed):
        validator.apply({**good, "email": "nope"})
    with pytest.raises(AlertAndQueue):
        validator.apply({**good, "total": -1})


def test_logs_redact_secrets_and_sensitive_fields() -> None:
    stream = io.StringIO()
    log = make_logger(["email"], stream)
    log.info(
        "x",
        correlationId="c",
        step="load",
        status="ok",
        payload={"email": "a@b.c", "nested": [{"api_key": "k1", "Authorization": "B t"}], "ok": 1},
        password="p",
    )
    line = json.loads(stream.getvalue())
    text = stream.getvalue()
    assert "a@b.c" not in text and "k1" not in text and '"p"' not in text
    assert line["correlationId"] == "c" and line["payload"]["ok"] == 1 and "timestamp" in line
