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


def _escape(char: str, *, long_form: bool) -> str:
    code = ord(char)
    if code <= 0xFFFF:
        return f"\\u{code:04X}"
    return f"\\U{code:08X}" if long_form else f"\\u{code:04X}"


def yaml_string(value: object) -> str:
    """A YAML double-quoted scalar; non-printable characters become escapes."""
    out = ['"']
    for char in str(value):
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif char.isprintable() and not 0xD800 <= ord(char) <= 0xDFFF and char != "\ufeff":
            out.append(char)
        else:
            out.append(_escape(char, long_form=True))
    out.append('"')
    return "".join(out)


def toml_string(value: object) -> str:
    """A TOML basic string; control characters and non-printables become escapes."""
    out = ['"']
    for char in str(value):
        if char in ('"', "\\"):
            out.append("\\" + char)
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif 0xD800 <= ord(char) <= 0xDFFF:
            out.append("\\uFFFD")  # TOML cannot carry a lone surrogate at all
        elif char.isprintable():
            out.append(char)
        else:
            out.append(_escape(char, long_form=True))
    out.append('"')
    return "".join(out)


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
