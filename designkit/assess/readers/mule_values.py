"""Placeholder values, secret-safe variables and properties files of a Mule application.

A Mule application keeps its settings in ``.properties`` and YAML files named by
``configuration-properties``; connection elements carry hosts, users and passwords
as attributes. An assessment must show where a credential sits in plain text
without ever repeating it, so every value passes through here: a secret's value
is dropped and only whether it was a literal is kept. Which names are secrets and
how endpoints lose their credentials is shared with the other readers
(:mod:`designkit.assess.secrets`).
"""

from __future__ import annotations

import re
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from designkit.assess.errors import ExportError
from designkit.assess.inventory import ContextVariable, Source
from designkit.assess.secrets import is_secret_name

_REFERENCE = re.compile(
    r"\$\{|#\{|#\[|!\[|\bsecure::|^enc[:(]|^encrypted[:(]|\bp\(\s*['\"]|^context\.\w",
    re.I,
)
_PLACEHOLDER = re.compile(r"<[^<>]*>|\*+|x+|\.{3}|changeme|change[_-]?me|todo|tbd|none|null", re.I)


def is_plain_value(value: str) -> bool:
    """A literal, non-empty value: not a placeholder, property reference or encrypted form."""
    text = value.strip().strip("\"'")
    if not text:
        return False
    return not (_REFERENCE.search(text) or _PLACEHOLDER.fullmatch(text))


def variable(name: str, value: str, scope: str, source: Source) -> ContextVariable:
    """A context variable whose value is kept only when its name is not credential-like."""
    if is_secret_name(name):
        return ContextVariable(
            name=name,
            secret=True,
            has_plain_value=is_plain_value(value),
            scope=scope,
            source=source,
        )
    return ContextVariable(name=name, value=value, scope=scope, source=source)


def read_properties(path: Path, display: str, scope: str) -> list[ContextVariable]:
    """Every key of a ``.properties`` or YAML file, with its line; secrets without values."""
    if path.suffix.lower() in {".yaml", ".yml"}:
        return _read_yaml(path, display, scope)
    return _read_java_properties(path, display, scope)


def _read_text(path: Path, display: str) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ExportError("not UTF-8 text", path=display, line=line) from None


def _read_java_properties(path: Path, display: str, scope: str) -> list[ContextVariable]:
    """``key=value`` / ``key: value`` / ``key value`` lines, ``\\`` continuations, ``#``/``!`` comments."""
    variables: list[ContextVariable] = []
    lines = _read_text(path, display).splitlines()
    index = 0
    while index < len(lines):
        number = index + 1
        logical = lines[index].lstrip()
        while logical.endswith("\\") and not logical.endswith("\\\\") and index + 1 < len(lines):
            index += 1
            logical = logical[:-1] + lines[index].lstrip()
        index += 1
        if not logical or logical[0] in "#!":
            continue
        match = re.match(r"((?:[^\s=:\\]|\\.)+)\s*[=:\s]?\s*(.*)$", logical)
        if not match:
            raise ExportError("not a properties line", path=display, line=number)
        key = match.group(1).replace("\\", "")
        variables.append(
            variable(key, match.group(2).rstrip(), scope, Source(file=display, line=number))
        )
    return variables


def _read_yaml(path: Path, display: str, scope: str) -> list[ContextVariable]:
    yaml = YAML(typ="rt")
    try:
        data = yaml.load(_read_text(path, display))
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        raise ExportError(f"not valid YAML ({error.problem})", path=display, line=line) from None
    except YAMLError as error:
        raise ExportError(f"not valid YAML ({error})", path=display) from None
    if data is None:
        return []
    if not isinstance(data, CommentedMap):
        raise ExportError("a Mule properties YAML file is a mapping of keys", path=display, line=1)
    variables: list[ContextVariable] = []
    _flatten(data, "", display, scope, variables)
    return variables


def _flatten(
    node: CommentedMap | CommentedSeq,
    prefix: str,
    display: str,
    scope: str,
    out: list[ContextVariable],
) -> None:
    if isinstance(node, CommentedMap):
        entries = [(f"{prefix}{key}", node.lc.key(key)[0], value) for key, value in node.items()]
    else:
        base = prefix.rstrip(".")
        entries = [(f"{base}[{i}]", node.lc.item(i)[0], value) for i, value in enumerate(node)]
    for name, line, value in entries:
        if isinstance(value, CommentedMap | CommentedSeq):
            _flatten(value, name + ".", display, scope, out)
            continue
        text = "" if value is None else str(value)
        out.append(variable(name, text, scope, Source(file=display, line=line + 1)))
