"""JSON parsed with the line of every object, because every fact cites its line.

``json.loads`` gives no positions. The standard library's pure-Python decoder
calls ``parse_object`` with the index where each object starts; wrapping it
records that index, and a table of line starts turns it into a line. Objects
come back as :class:`LinedDict` (a plain dict with a ``line`` attribute), so
readers use them like the dicts ``json.loads`` returns.
"""

from __future__ import annotations

import bisect
import json
import json.decoder
import json.scanner
from pathlib import Path
from typing import Any

from designkit.assess.errors import ExportError

# Private parts of the standard library's decoder (stable since Python 2.7, typed nowhere).
_JSON_OBJECT = getattr(json.decoder, "JSONObject")  # noqa: B009
_PY_MAKE_SCANNER = getattr(json.scanner, "py_make_scanner")  # noqa: B009


class LinedDict(dict[str, Any]):
    """A JSON object that knows the 1-based line of its opening brace."""

    line: int = 0


def _decoder(text: str) -> json.JSONDecoder:
    starts = [0]
    starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")
    decoder = json.JSONDecoder()

    def parse_object(s_and_end: tuple[str, int], *args: Any) -> tuple[LinedDict, int]:
        _s, end = s_and_end
        pairs, new_end = _JSON_OBJECT(s_and_end, *args)
        obj = LinedDict(pairs)
        obj.line = bisect.bisect_right(starts, end - 1)
        return obj, new_end

    decoder.object_pairs_hook = list  # JSONObject hands pairs over; LinedDict builds the dict
    setattr(decoder, "parse_object", parse_object)  # noqa: B010
    setattr(decoder, "scan_once", _PY_MAKE_SCANNER(decoder))  # noqa: B010
    return decoder


def parse_json(path: Path, display: str) -> Any:
    """Parse ``path``; malformed JSON is one :class:`ExportError` with its line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        raise ExportError("not UTF-8 text", path=display, line=line) from None
    try:
        value, end = _decoder(text).raw_decode(text, _skip_space(text, 0))
    except json.JSONDecodeError as error:
        raise ExportError(
            f"not valid JSON ({error.msg})", path=display, line=error.lineno
        ) from None
    rest = _skip_space(text, end)
    if rest != len(text):
        line = text.count("\n", 0, rest) + 1
        raise ExportError("not valid JSON (extra data after the document)", path=display, line=line)
    return value


def _skip_space(text: str, at: int) -> int:
    return len(text) - len(text[at:].lstrip(" \t\n\r"))
