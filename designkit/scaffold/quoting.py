"""Jinja filters that turn any document text into a valid quoted scalar.

Templates render with autoescape off (it is HTML escaping, wrong for YAML and
TOML), so every string from the document passes through one of these instead:
the output is always one double-quoted scalar on one line whatever the input
(quotes, backslashes, newlines, control characters, unicode), so document text
can only ever become data, never structure.
"""

from __future__ import annotations

import math
import re

_SIMPLE = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\t": "\\t"}


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\u{code:04X}" if code <= 0xFFFF else f"\\U{code:08X}"


def _quoted(value: object, *, surrogate: str | None) -> str:
    """One double-quoted line in the escape syntax YAML and TOML share.

    ``surrogate`` replaces a lone surrogate where the format cannot carry one
    even escaped (TOML); ``None`` escapes it (YAML).
    """
    out = ['"']
    for char in str(value):
        if char in _SIMPLE:
            out.append(_SIMPLE[char])
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append(surrogate if surrogate is not None else _escape(char))
        elif char.isprintable() and char != "\ufeff":
            out.append(char)
        else:
            out.append(_escape(char))
    out.append('"')
    return "".join(out)


def yaml_string(value: object) -> str:
    """A YAML double-quoted scalar; non-printable characters become escapes."""
    return _quoted(value, surrogate=None)


def toml_string(value: object) -> str:
    """A TOML basic string; control characters and non-printables become escapes."""
    return _quoted(value, surrogate="\\uFFFD")  # TOML cannot carry a lone surrogate at all


def yaml_value(value: object) -> str:
    """Any plain value (None, bool, number, string) as a YAML scalar."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return "null"
        return str(int(value)) if value.is_integer() else repr(value)
    return yaml_string(value)


def markdown_cell(value: object) -> str:
    """Text safe inside one Markdown table cell: no pipes, no line breaks, no HTML."""
    text = re.sub(r"\s+", " ", str(value)).strip()
    text = text.replace("\\", "\\\\").replace("|", "\\|")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("`", "'")


def comment_text(value: object) -> str:
    """Text safe after ``#`` in YAML/TOML/Dockerfile: one line, printable ASCII only."""
    text = str(value).encode("ascii", "replace").decode("ascii")
    return "".join(char if char.isprintable() else "?" for char in text)[:200]
