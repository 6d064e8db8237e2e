"""Read a rubric file: ruamel.yaml keeps line numbers, so every error is ``file:line: message``.

``extends: integration-maturity`` (a built-in rubric) or ``extends: other.yaml``
(relative to the file) starts from another rubric; the file then overrides
dimensions and criteria by id, field by field, adds new ones, and lists ids to
switch off under ``disable``.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from designkit.errors import UserError
from designkit.resources import builtin_rubric_path
from designkit.rubric.checks import CheckError
from designkit.rubric.schema import Rubric

DEFAULT_RUBRIC = "integration-maturity"


class RubricError(UserError):
    """A rubric file that cannot be used; the message names the file and line."""


def _line_of(node: Any, where: tuple[Any, ...]) -> int | None:
    """The 1-based line of the deepest element of ``where`` that ruamel knows."""
    line: int | None = None
    current = node
    for key in where:
        lc = getattr(current, "lc", None)
        try:
            if isinstance(key, int) and isinstance(current, list):
                if lc is not None:
                    line = lc.item(key)[0] + 1
                current = current[key]
            elif isinstance(current, Mapping) and key in current:
                if lc is not None:
                    line = lc.key(key)[0] + 1
                current = current[key]
            else:
                break
        except (KeyError, IndexError, TypeError, AttributeError):
            break
    if line is None and getattr(node, "lc", None) is not None:
        line = node.lc.line + 1
    return line


def _plain(node: Any) -> Any:
    if isinstance(node, Mapping):
        return {str(k) if not isinstance(k, int) else k: _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    return node


def _read(path: Path) -> Any:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RubricError("no such rubric file", path=str(path)) from None
    except (OSError, UnicodeDecodeError) as error:
        raise RubricError(f"cannot read rubric: {error}", path=str(path)) from None
    try:
        data = YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RubricError(
            f"invalid YAML: {error.problem or error.context}", path=str(path), line=line
        ) from None
    if not isinstance(data, Mapping):
        raise RubricError(
            "a rubric is a YAML mapping (id, name, levels, dimensions)", path=str(path), line=1
        )
    return data


def _merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = deepcopy(base)
    for key in ("id", "name", "version", "levels"):
        if key in override:
            merged[key] = override[key]
    dimensions = {d["id"]: d for d in merged.get("dimensions", [])}
    for dimension in override.get("dimensions", []) or []:
        if not isinstance(dimension, dict) or "id" not in dimension:
            merged.setdefault("dimensions", []).append(dimension)
            continue
        target = dimensions.get(dimension["id"])
        if target is None:
            merged.setdefault("dimensions", []).append(dimension)
            dimensions[dimension["id"]] = dimension
            continue
        for key, value in dimension.items():
            if key != "criteria":
                target[key] = value
        by_id = {c.get("id"): c for c in target.get("criteria", [])}
        for criterion in dimension.get("criteria", []) or []:
            existing = by_id.get(criterion.get("id")) if isinstance(criterion, dict) else None
            if existing is not None:
                existing.update(criterion)
            else:
                target.setdefault("criteria", []).append(criterion)
    disabled = set(override.get("disable", []) or [])
    for dimension in merged.get("dimensions", []):
        for criterion in dimension.get("criteria", []):
            if criterion.get("id") in disabled:
                criterion["enabled"] = False
    return merged


def _resolve_extends(name: str, relative_to: Path) -> Path:
    candidate = relative_to.parent / name
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    builtin = builtin_rubric_path(name)
    if builtin is not None:
        return builtin
    raise RubricError(
        f"extends: no rubric named {name!r} (built-in: {DEFAULT_RUBRIC})", path=str(relative_to)
    )


def _raw(path: Path, seen: tuple[Path, ...] = ()) -> tuple[dict[str, Any], Any]:
    if path.resolve() in seen:
        raise RubricError("extends: rubrics extend each other in a loop", path=str(path))
    node = _read(path)
    data = _plain(node)
    extends = data.pop("extends", None)
    if extends is None:
        data.pop("disable", None)
        return data, node
    base, _ = _raw(_resolve_extends(str(extends), path), (*seen, path.resolve()))
    return _merge(base, data), node


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load and validate a rubric; ``None`` is the built-in integration-maturity rubric."""
    file = Path(path) if path is not None else builtin_rubric_path(DEFAULT_RUBRIC)
    if file is None:
        raise RubricError("the built-in rubric is missing from this installation")
    data, node = _raw(file)
    try:
        rubric = Rubric.model_validate({**data, "source": str(file)})
    except ValidationError as error:
        first = error.errors()[0]
        where = tuple(first["loc"])
        message = first["msg"]
        context = first.get("ctx", {}).get("error")
        if isinstance(context, CheckError):
            where = (*where, *context.where)
            message = str(context)
        line = _line_of(node, where)
        field = ".".join(str(part) for part in where)
        raise RubricError(f"{field}: {message}", path=str(file), line=line) from None
    return rubric
