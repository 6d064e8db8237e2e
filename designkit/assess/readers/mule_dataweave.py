"""Field mappings read out of DataWeave scripts and Mule expressions, by their shape only.

A consultant wants to see which fields an ``ee:transform`` fills and from what,
without running DataWeave. The body of a script (after ``---``) is scanned for an
object literal, ``{ target: expression, ... }``, directly or as the lambda of a
``map``; each entry is one mapping, classified from the expression's shape
(:func:`classify`). Anything else becomes one mapping of the whole body. The
script is data: it is only split into strings, never evaluated.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from designkit.assess.inventory import MappingKind

_REFERENCE = re.compile(
    r"""[A-Za-z_$][\w$]*(?:\s*\.\s*(?:[A-Za-z_$][\w$]*|"[^"]*"|'[^']*')|\s*\[\s*\d+\s*\]|\.\^\w+)*"""
)
_LITERAL = re.compile(
    r"""(?:"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|-?\d+(?:\.\d+)?|true|false|null|\|[^|]*\|)"""
)
_CONDITIONAL = re.compile(r"\bif\s*\(|\bunless\b|\bmatch\s*\{|\belse\b")
_LOOKUP = re.compile(r"\blookup\s*\(|\bLookup|\w(?:Map|Table|Lookup)\s*\[|\[\s*(?:payload|vars|\$)")
_MAP_LAMBDA = re.compile(r"\bmap\s*\(\s*\(?[\w\s,$]*\)?\s*->\s*\{")
_MAX_EXPRESSION = 200


@dataclass(frozen=True)
class Mapping:
    """One ``target <- expression`` found in a script; ``offset`` is where in the text."""

    target: str
    expression: str
    kind: MappingKind
    offset: int


def unwrap(expression: str) -> str:
    """``#[payload.id]`` -> ``payload.id`` (Mule's expression brackets), stripped."""
    text = expression.strip()
    if text.startswith("#[") and text.endswith("]"):
        text = text[2:-1].strip()
    return text


def unwrap_brackets(text: str) -> str:
    """``#[{...}]`` -> `` {...} `` with every offset kept (two spaces for ``#[``, one for ``]``)."""
    stripped = text.strip()
    if stripped.startswith("#[") and stripped.endswith("]"):
        start = text.index("#[")
        end = text.rindex("]")
        return text[:start] + "  " + text[start + 2 : end] + " " + text[end + 1 :]
    return text


def classify(expression: str) -> MappingKind:
    """Direct for a bare reference, constant for a literal, else by the operators used."""
    text = " ".join(unwrap(expression).split())
    if _LITERAL.fullmatch(text):
        return MappingKind.CONSTANT
    if _REFERENCE.fullmatch(text):
        return MappingKind.DIRECT
    if _CONDITIONAL.search(text):
        return MappingKind.CONDITIONAL
    if _LOOKUP.search(text):
        return MappingKind.LOOKUP
    return MappingKind.FORMULA


def script_mappings(script: str, target: str) -> list[Mapping]:
    """The mappings of a DataWeave script whose result goes to ``target`` (``payload``, ``vars.x``)."""
    body_at = _body_start(script)
    body = script[body_at:]
    stripped = body.strip()
    if not stripped:
        return []
    lead = body_at + body.index(stripped[0])
    if stripped.startswith("{") and _closing(stripped, 0) == len(stripped) - 1:
        return _object_entries(script, lead, "" if target == "payload" else target + ".")
    lambda_match = _MAP_LAMBDA.search(stripped)
    if lambda_match:
        brace = lambda_match.end() - 1
        if _closing(stripped, brace) > brace:
            prefix = ("" if target == "payload" else target) + "[*]."
            return _object_entries(script, lead + brace, prefix)
    expression = _shorten(stripped)
    return [Mapping(target, expression, classify(stripped), lead)]


def _body_start(script: str) -> int:
    """Where the body starts: after a ``---`` line when the script has a header."""
    match = re.search(r"^\s*---\s*$", script, re.M)
    return match.end() if match else 0


def _object_entries(text: str, brace: int, prefix: str) -> list[Mapping]:
    """``key: value`` entries of the object literal opening at ``text[brace]``."""
    end = _closing(text, brace)
    mappings: list[Mapping] = []
    for start, entry in _split_top_level(text, brace + 1, end):
        match = re.match(
            r"""\s*("(?:[^"\\]|\\.)*"|'[^']*'|[\w$@#-]+(?:\s*#\s*[\w-]+)?)\s*:""", entry
        )
        if not match or entry[match.end() :].startswith(":"):
            continue
        key = match.group(1).strip("\"'")
        value = entry[match.end() :].strip()
        if not value:
            continue
        at = start + len(entry) - len(entry.lstrip())
        value_at = start + entry.index(value, match.end())
        if value.startswith("{") and _closing(value, 0) == len(value) - 1:
            mappings.extend(_object_entries(text, value_at, f"{prefix}{key}."))
            continue
        mappings.append(Mapping(prefix + key, _shorten(value), classify(value), at))
    return mappings


def _split_top_level(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """Comma-separated parts of ``text[start:end]`` outside brackets, strings and comments."""
    parts: list[tuple[int, str]] = []
    depth = 0
    part_start = start
    index = start
    while index < end:
        char = text[index]
        if char in "\"'`":
            index = _string_end(text, index)
            continue
        if text.startswith("//", index):
            newline = text.find("\n", index)
            index = end if newline < 0 else newline
            continue
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
        elif char == "," and depth == 0:
            parts.append((part_start, text[part_start:index]))
            part_start = index + 1
        index += 1
    parts.append((part_start, text[part_start:end]))
    return [(at, part) for at, part in parts if part.strip()]


def _closing(text: str, opening: int) -> int:
    """Index of the bracket closing ``text[opening]`` (-1 when unbalanced)."""
    depth = 0
    index = opening
    while index < len(text):
        char = text[index]
        if char in "\"'`":
            index = _string_end(text, index)
            continue
        if char in "{[(":
            depth += 1
        elif char in "}])":
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return -1


def _string_end(text: str, quote_at: int) -> int:
    quote = text[quote_at]
    index = quote_at + 1
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == quote:
            return index + 1
        index += 1
    return len(text)


def _shorten(expression: str) -> str:
    flat = " ".join(expression.split())
    return flat if len(flat) <= _MAX_EXPRESSION else flat[: _MAX_EXPRESSION - 3] + "..."
