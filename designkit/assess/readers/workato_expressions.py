"""Workato input values read as data: datapills, mapping kinds, secrets and URLs.

A recipe step's ``input`` holds what the step sends, in Workato's two modes:
text mode (``"Hello #{_dp('{...}')}"``, datapills interpolated into text) and
formula mode (a leading ``=``, a Ruby-like expression). Datapills are JSON
documents inside ``_dp('...')`` naming the step (``line``) and the output path;
they are shown here as ``step.path`` so an inventory reads like the recipe
editor, never executed or evaluated. Older exports write ``_('data.provider.step.path')``.

Everything here is pure string work, so the recipe walker stays about structure.
"""

from __future__ import annotations

import json
import re

from designkit.assess.inventory import MappingKind
from designkit.assess.secrets import scrub_url

_DP = re.compile(r"_dp\('((?:[^'\\]|\\.)*)'\)")
_OLD_PILL = re.compile(r"_\('((?:[^'\\]|\\.)*)'\)")
_PILL_IN_TEXT = re.compile(r"#\{\s*(?:_dp|_)\('(?:[^'\\]|\\.)*'\)\s*\}")
_MARK = "\x00pill\x00"
_INTERPOLATION = re.compile(r"#\{(.*?)\}", re.S)
_LOOKUP = re.compile(r"\blookup(?:_table)?\s*\(|\blookup_table\b", re.I)
_TERNARY = re.compile(r"\s\?\s.*\s:\s", re.S)
_IF_WORD = re.compile(r"\b(?:if|unless|case|when)\b")
_LITERAL = re.compile(r"""^(?:'[^']*'|"[^"]*"|-?\d+(?:\.\d+)?|true|false|nil|null)$""", re.I)

_PLACEHOLDER = re.compile(
    r"^\s*(?:\$\{.*\}|#\{.*\}|=.*|context\.\S+|p\(['\"].*['\"]\)|secure::.*|enc:.*"
    r"|\{\{.*\}\}|account_property\(.*\)|\*+|<[^>]*>)\s*$",
    re.I | re.S,
)
_ACCOUNT_PROPERTY = re.compile(r"""\b(?:account|project)_property\(\s*['"]([^'"]+)['"]\s*\)""")
_URL = re.compile(r"\b[a-z][a-z0-9+.-]*://[^\s'\"<>]+", re.I)


def pill_text(payload: str) -> str:
    """``step.path.to.field`` for the JSON inside one ``_dp('...')`` (raw text if unreadable)."""
    try:
        pill = json.loads(payload.replace("\\'", "'"))
    except json.JSONDecodeError:
        return payload
    if not isinstance(pill, dict):
        return payload
    parts = [str(pill.get("line") or pill.get("provider") or pill.get("pill_type") or "pill")]
    for element in pill.get("path") or []:
        if isinstance(element, dict):
            parts.append("[item]" if element.get("path_element_type") == "current_item" else "[]")
        else:
            parts.append(str(element))
    return ".".join(parts)


def render(expression: str) -> str:
    """The expression as the recipe editor shows it: datapills as ``step.path``.

    A value that is one datapill (``#{_dp(...)}`` or ``=_dp(...)``) becomes just
    ``step.path``; text around datapills keeps them as ``{step.path}``; a formula
    keeps its leading ``=``.
    """
    marked = _mark_pills(expression[1:] if expression.startswith("=") else expression)
    if marked.strip() == _MARK:
        return _pills(expression.strip().lstrip("=").strip())
    if expression.startswith("="):
        return _pills(expression)
    return _pills(
        _PILL_IN_TEXT.sub(lambda match: "{" + match.group(0)[2:-1].strip() + "}", expression)
    )


def _pills(expression: str) -> str:
    text = expression
    if text.startswith("#{") and text.endswith("}"):
        text = text[2:-1].strip()
    text = _DP.sub(lambda match: pill_text(match.group(1)), text)
    return _OLD_PILL.sub(lambda match: _old_pill_text(match.group(1)), text)


def _old_pill_text(path: str) -> str:
    parts = path.split(".")
    if parts and parts[0] == "data":
        parts = parts[2:] if len(parts) > 2 else parts[1:]
    return ".".join(parts)


def pill_steps(expression: str) -> list[str]:
    """The step aliases (``line``) the datapills of ``expression`` read from."""
    steps: list[str] = []
    for payload in _DP.findall(expression):
        text = pill_text(payload)
        steps.append(text.split(".", 1)[0])
    return steps


def mapping_kind(expression: str) -> MappingKind:
    """Direct, formula, lookup, conditional or constant, from the expression's shape.

    A bare datapill is direct; a literal is constant; a lookup-table call is lookup;
    a ternary or ``if``/``case`` is conditional; anything else that computes
    (a method call, an operator, text around a datapill) is formula.
    """
    if expression.startswith("="):
        return _formula_kind(_mark_pills(expression[1:]))
    marked = _mark_pills(expression)
    if marked.strip() == _MARK:
        return MappingKind.DIRECT
    inner = [match.group(1) for match in _INTERPOLATION.finditer(marked)]
    if inner:
        kinds = [_formula_kind(part) for part in inner]
        for kind in (MappingKind.LOOKUP, MappingKind.CONDITIONAL):
            if kind in kinds:
                return kind
        return MappingKind.FORMULA
    return MappingKind.FORMULA if _MARK in marked else MappingKind.CONSTANT


def _mark_pills(expression: str) -> str:
    text = _PILL_IN_TEXT.sub(_MARK, expression)
    text = _DP.sub(_MARK, text)
    return _OLD_PILL.sub(_MARK, text)


def _formula_kind(body: str) -> MappingKind:
    text = body.strip()
    if text == _MARK:
        return MappingKind.DIRECT
    if _LOOKUP.search(text):
        return MappingKind.LOOKUP
    if _TERNARY.search(text) or _IF_WORD.search(text):
        return MappingKind.CONDITIONAL
    if _LITERAL.match(text):
        return MappingKind.CONSTANT
    return MappingKind.FORMULA


def is_plain_value(value: str) -> bool:
    """A literal, non-empty value: not a datapill, formula, property reference or mask."""
    return bool(value.strip()) and not _PLACEHOLDER.match(value) and "_dp(" not in value


def account_properties(expression: str) -> list[str]:
    """Names of the account/project properties an expression reads."""
    return _ACCOUNT_PROPERTY.findall(expression)


def first_url(text: str) -> str:
    """The first absolute URL in a value (datapills and text around it dropped)."""
    match = _URL.search(_mark_pills(text).replace(_MARK, ""))
    return scrub_url(match.group(0), drop_fragment=True) if match else ""
