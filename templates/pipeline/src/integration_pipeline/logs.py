"""Structured JSON logs: timestamp, level, event, correlationId, step, status.

Redaction runs as the last processor before rendering, so no code path can log a secret
by accident: the fields the design declares sensitive (``logging.redact``) and any key
that looks like a secret are replaced, at any depth.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from typing import IO, Any

import structlog

SECRET_KEY = re.compile(r"password|passwd|secret|token|api[_-]?key|authorization", re.I)
REDACTED = "[REDACTED]"
_ENCODER = json.JSONEncoder(default=str)
"""One encoder for every line (json.dumps with options builds a new one per call)."""


def _render(event: Any, **_options: Any) -> str:
    return _ENCODER.encode(event)


_SCALARS = (str, int, float, bool, type(None))


class Redactor:
    def __init__(self, fields: Iterable[str]) -> None:
        self.fields = {f.lower() for f in fields}
        self._decided: dict[str, bool] = {}  # log keys repeat: decide each name once

    def _hide(self, key: str) -> bool:
        hide = self._decided.get(key)
        if hide is None:
            hide = key.lower() in self.fields or bool(SECRET_KEY.search(key))
            if len(self._decided) < 10_000:  # keys come from code and payloads: stay bounded
                self._decided[key] = hide
        return hide

    def clean(self, value: Any) -> Any:
        if isinstance(value, dict):
            return {
                k: REDACTED
                if isinstance(k, str) and self._hide(k)
                else (v if type(v) in _SCALARS else self.clean(v))
                for k, v in value.items()
            }
        if isinstance(value, list | tuple):  # e.g. a chunk's correlation ids: scalars, no call each
            return [v if type(v) in _SCALARS else self.clean(v) for v in value]
        return value

    def __call__(self, _logger: Any, _method: str, event: dict[str, Any]) -> dict[str, Any]:
        return self.clean(event)  # type: ignore[no-any-return]


def make_logger(
    redact: Iterable[str] = (), stream: IO[str] | None = None, level: str = "INFO"
) -> Any:
    """A logger bound to its own stream; does not touch structlog's global configuration."""
    levels = {"DEBUG": 10, "INFO": 20, "WARNING": 30, "ERROR": 40}
    return structlog.wrap_logger(
        structlog.PrintLogger(stream or sys.stderr),
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True, key="timestamp"),
            Redactor(redact),
            structlog.processors.JSONRenderer(serializer=_render),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(levels[level]),
    )


_LEVELS = {logging.DEBUG: "debug", logging.INFO: "info", logging.WARNING: "warning"}


class StdlibToJson(logging.Handler):
    """Writes the standard library's log records (uvicorn's ``uvicorn.error`` and
    ``uvicorn.access``, ``asyncio``) as lines of the pipeline's JSON log, so an operator's
    log shipper never meets a plain-text line or a multi-line traceback: an exception
    becomes one ``exception`` field. The access line keeps the path without its query
    string, where callers sometimes put tokens."""

    def __init__(self, log: Any) -> None:
        super().__init__()
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        try:
            fields: dict[str, Any] = {"step": "http", "logger": record.name}
            args = record.args
            if record.name == "uvicorn.access" and isinstance(args, tuple) and len(args) == 5:
                client, method, path, _version, status = args
                event = "http request"
                fields.update(
                    client=str(client), method=str(method),
                    path=str(path).split("?", 1)[0], status=int(str(status)),
                )  # fmt: skip
            else:
                event = record.getMessage()
            if record.exc_info and record.exc_info[0] is not None:
                fields["exception"] = "".join(traceback.format_exception(*record.exc_info))
            level = _LEVELS.get(record.levelno, "error" if record.levelno > 30 else "debug")
            getattr(self.log, level)(event, **fields)
        except Exception:  # a log line must never take the server down
            self.handleError(record)
