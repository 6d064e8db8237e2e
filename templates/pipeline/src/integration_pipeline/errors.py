"""Error classification: every failure gets one error class before anything decides what to do.

Retry, the circuit breaker and the dead-letter queue all key on the class, never on
exception types, so a new connector only has to map its errors here.
"""

from __future__ import annotations

import email.utils
import sqlite3
import time
from typing import get_args

import httpx

from .config import ErrorClass

ERROR_CLASSES: tuple[str, ...] = get_args(ErrorClass)
TRANSIENT: frozenset[str] = frozenset({"timeout", "connection", "rate_limited", "server_error"})
NEVER_RETRIED: frozenset[str] = frozenset({"auth", "validation", "permanent"})


class PipelineError(Exception):
    """An error with its class attached; ``retry_after`` is the server's requested wait."""

    def __init__(
        self, error_class: ErrorClass, message: str, *, retry_after: float | None = None
    ) -> None:
        super().__init__(message)
        self.error_class: ErrorClass = error_class
        self.message = message
        self.retry_after = retry_after
        self.attempts = 1  # set by the retry executor when it gives up

    @property
    def classification(self) -> str:
        """``transient`` errors may succeed later; ``permanent`` ones need a person or a fix."""
        return "transient" if self.error_class in TRANSIENT else "permanent"


class ValidationFailed(PipelineError):
    """A record broke the canonical model or a validation rule; never retried."""

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__("validation", message)
        self.rule = rule


class CircuitOpenError(PipelineError):
    """The breaker refused the call; failing fast is the point, so it is not retried."""

    def __init__(self, message: str = "circuit breaker is open") -> None:
        super().__init__("connection", message)


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """``Retry-After`` is either seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    current = time.time() if now is None else now
    return max(0.0, when.timestamp() - current)


def classify_status(status: int, retry_after: str | None = None, detail: str = "") -> PipelineError:
    """Map an HTTP status to an error class; 429 and 503 carry Retry-After."""
    message = f"HTTP {status}{': ' + detail if detail else ''}"
    wait = parse_retry_after(retry_after)
    if status == 429:
        return PipelineError("rate_limited", message, retry_after=wait)
    if status in (401, 403):
        return PipelineError("auth", message)
    if status == 408:
        return PipelineError("timeout", message)
    if status in (400, 422):
        return PipelineError("validation", message)
    if status >= 500:
        return PipelineError("server_error", message, retry_after=wait if status == 503 else None)
    return PipelineError("permanent", message)


def classify(exc: BaseException) -> PipelineError:
    """Return ``exc`` as a PipelineError (itself when it already is one)."""
    if isinstance(exc, PipelineError):
        return exc
    text = f"{type(exc).__name__}: {exc}"
    if isinstance(exc, httpx.HTTPStatusError):
        response = exc.response
        return classify_status(response.status_code, response.headers.get("Retry-After"))
    if isinstance(exc, httpx.TimeoutException | TimeoutError):
        return PipelineError("timeout", text)
    if isinstance(exc, httpx.TransportError | ConnectionError):
        return PipelineError("connection", text)
    if isinstance(exc, sqlite3.OperationalError):
        lowered = str(exc).lower()
        if "locked" in lowered or "busy" in lowered:
            return PipelineError("connection", text)
        return PipelineError("permanent", text)
    if isinstance(exc, sqlite3.IntegrityError):
        return PipelineError("validation", text)
    if isinstance(exc, sqlite3.Error):
        return PipelineError("permanent", text)
    if isinstance(exc, OSError):
        return PipelineError("connection", text)
    if isinstance(exc, ValueError | TypeError | KeyError):
        return PipelineError("validation", text)
    return PipelineError("permanent", text)
