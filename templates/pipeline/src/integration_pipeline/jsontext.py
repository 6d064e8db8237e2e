"""JSON on the per-record path: the standard library's exact results, at less CPU.

Every record of a JSONL source is decoded once, and every nested value of a SQLite or
JSONL target is encoded once, so these two calls are a large part of a record's cost.

* :func:`loads` decodes with orjson (about 2.5x cheaper than ``json``'s C scanner) and
  returns what ``json.loads`` returns. Where orjson differs, ``json.loads`` decides:
  orjson refuses ``NaN``/``Infinity``, lone surrogate escapes and numbers beyond the
  float range (then ``json.loads`` is asked); it turns an integer outside 64 bits into
  a float (such an integer has 19 digits in a row, so a line holding 19 digits in a row,
  in a number or a string, goes to ``json.loads``); and it reads nesting up to 1,024
  levels where ``json.loads`` raises ``RecursionError`` from about 1,000 less the stack
  in use (so a line with 500 or more opening brackets goes to ``json.loads`` too).
* :func:`dumps` is ``json.dumps(value)`` (or with ``default=str``) through one encoder
  built at import: ``json.dumps`` builds a new C encoder on every call, which costs more
  than encoding a small list. Any error is raised by ``json.dumps`` itself, so it is the
  same as before (a circular value: ``ValueError``).
"""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

import orjson

_DIGITS_AS_ZERO = bytes.maketrans(b"123456789", b"000000000")
_LONG_RUN = b"0" * 19
"""19 digits in a row: the shortest integer orjson would turn into a float."""
_DEEP = 500
"""Opening brackets from which a line might be nested deeper than json.loads can go."""


def loads(text: str) -> Any:
    """``json.loads(text)``: the same value, or the same error."""
    data = text.encode("utf-8", "surrogatepass")  # a lone surrogate: orjson refuses it
    deep = len(data) >= 2 * _DEEP and data.count(b"[") + data.count(b"{") >= _DEEP
    if not deep and _LONG_RUN not in data.translate(_DIGITS_AS_ZERO):
        try:
            return orjson.loads(data)
        except orjson.JSONDecodeError:
            pass  # not JSON to orjson: json.loads says what it is
    return json.loads(text)


def _encoder(default: Callable[[Any], Any] | None) -> Callable[[Any], str] | None:
    """What ``json.dumps(value, default=default)`` runs, built once; None without the C
    encoder (then :func:`dumps` calls ``json.dumps``)."""
    make = json.encoder.c_make_encoder  # type: ignore[attr-defined]  # typeshed lacks it
    if make is None:
        return None
    encoder = json.JSONEncoder(default=default)
    # json.dumps's arguments for these options (JSONEncoder.iterencode), with no table of
    # open containers: a circular value recurses until it fails, and json.dumps reports it
    try:
        encode = make(
            None, encoder.default, json.encoder.encode_basestring_ascii, None, ": ", ", ",
            False, False, True,
        )  # fmt: skip
    except TypeError:  # another Python's private signature: json.dumps it is
        return None
    return lambda value: "".join(encode(value, 0))


_PLAIN = _encoder(None)
_DEFAULT_STR = _encoder(str)


def dumps(value: Any, *, default_str: bool = False) -> str:
    """``json.dumps(value)``, or ``json.dumps(value, default=str)``: the same text."""
    encode = _DEFAULT_STR if default_str else _PLAIN
    if encode is not None:
        try:
            return encode(value)
        except Exception:  # json.dumps raises its own error, or (never seen) succeeds
            pass
    return json.dumps(value, default=str) if default_str else json.dumps(value)
