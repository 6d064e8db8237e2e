"""Read a rubric file: ruamel.yaml keeps line numbers, so every error is ``file:line: message``.

``extends: integration-maturity`` (a built-in rubric) or ``extends: other.yaml``
(relative to the file) starts from another rubric; the file then overrides
dimensions and criteria by id, field by field, adds new ones, and lists ids to
switch off under ``disable`` (criterion ids, or red-flag codes for every criterion
carrying one).

An id that matches nothing is an error, not a silent no-op: a ``disable`` entry
that names no criterion or red-flag code, and an override whose id is not in the
base rubric unless it is a complete new criterion (title, level, severity, check
and remediation). A misspelt id would otherwise add a half criterion or leave
the one meant switched on, and ``designkit rubric check`` would say ok.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from designkit import compiled_cache
from designkit.errors import UserError
from designkit.inputs import RUBRIC, read_input
from designkit.resources import builtin_rubric_path
from designkit.rubric.checks import CheckError
from designkit.rubric.ids import UnknownId, lint_codes, unknown_id_message
from designkit.rubric.schema import TRUSTED, Rubric

DEFAULT_RUBRIC = "integration-maturity"
NEW_CRITERION_KEYS = ("title", "level", "severity", "check", "remediation")
"""What an entry of an extending rubric needs to be a criterion of its own."""


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


def _read(path: Path, sources: list[tuple[Path, str]]) -> Any:
    """The file's YAML with line numbers; records the file and its digest in ``sources``."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    try:
        data = read_input(path, RUBRIC, stdin=False)
    except UserError as error:  # a rubric's errors are RubricErrors, whatever went wrong
        raise RubricError(error.message, path=error.path, line=error.line) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise RubricError(f"cannot read rubric: {error}", path=str(path)) from None
    sources.append((path, compiled_cache.digest(data)))
    try:
        document = YAML(typ="rt").load(text)
    except MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        raise RubricError(
            f"invalid YAML: {error.problem or error.context}", path=str(path), line=line
        ) from None
    if not isinstance(document, Mapping):
        raise RubricError(
            "a rubric is a YAML mapping (id, name, levels, dimensions)", path=str(path), line=1
        )
    return document


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
    _disable(merged, override.get("disable"))
    return merged


def _disable(rubric: dict[str, Any], ids: Any) -> None:
    """Switch off the criteria ``ids`` name, by criterion id or by red-flag code."""
    disabled = {str(i).upper() for i in ids} if isinstance(ids, list) else set()
    for dimension in rubric.get("dimensions", []) or []:
        if not isinstance(dimension, dict):
            continue
        for criterion in dimension.get("criteria", []) or []:
            if not isinstance(criterion, dict):
                continue
            if criterion.get("id") in disabled or criterion.get("red_flag") in disabled:
                criterion["enabled"] = False


def _criterion_ids(data: Mapping[str, Any]) -> list[str]:
    return [
        str(criterion["id"])
        for dimension in data.get("dimensions", []) or []
        if isinstance(dimension, Mapping)
        for criterion in dimension.get("criteria", []) or []
        if isinstance(criterion, Mapping) and "id" in criterion
    ]


def _check_overrides(
    base: Mapping[str, Any], data: Mapping[str, Any], node: Any, path: Path
) -> None:
    """An entry whose id the base rubric lacks must be a whole new criterion."""
    known = _criterion_ids(base)
    for d, dimension in enumerate(data.get("dimensions", []) or []):
        if not isinstance(dimension, Mapping):
            continue
        for c, criterion in enumerate(dimension.get("criteria", []) or []):
            if not isinstance(criterion, Mapping) or "id" not in criterion:
                continue
            if criterion["id"] in known:
                continue
            missing = [key for key in NEW_CRITERION_KEYS if key not in criterion]
            if missing:
                message = unknown_id_message(
                    str(criterion["id"]),
                    known,
                    fallback=(
                        f" in the base rubric; a new criterion also needs {', '.join(missing)}"
                    ),
                )
                line = _line_of(node, ("dimensions", d, "criteria", c, "id"))
                raise RubricError(message, path=str(path), line=line)


def _check_disable(merged: Mapping[str, Any], node: Any, path: Path) -> None:
    """Every ``disable`` entry names a criterion of the merged rubric or a red-flag code."""
    from designkit.rubric.red_flags import red_flags

    entries = node.get("disable") if isinstance(node, Mapping) else None
    if entries is None:
        return
    if not isinstance(entries, list):
        raise RubricError(
            "disable: expected a list of criterion ids, e.g. [PLT-TCO-ANNUAL]",
            path=str(path),
            line=_line_of(node, ("disable",)),
        )
    criteria = _criterion_ids(merged)
    for index, entry in enumerate(entries):
        identifier = str(entry).strip().upper()
        if identifier in criteria or identifier in red_flags():
            continue
        line = _line_of(node, ("disable", index))
        if identifier in lint_codes():
            raise RubricError(
                f"{entry!r} is a lint code; a rubric's disable switches off criteria "
                "(list lint codes under ignore in designkit.toml)",
                path=str(path),
                line=line,
            )
        message = unknown_id_message(str(entry), [*criteria, *red_flags()])
        raise RubricError(message, path=str(path), line=line)


def _position(items: Any, identifier: Any) -> int | None:
    if not isinstance(items, list):
        return None
    return next(
        (
            i
            for i, item in enumerate(items)
            if isinstance(item, Mapping) and item.get("id") == identifier
        ),
        None,
    )


def _in_file(where: tuple[Any, ...], merged: Mapping[str, Any], node: Any) -> tuple[Any, ...]:
    """An error location in the merged rubric, as a location in the extending file.

    Validation sees the base and the override merged, so ``dimensions.3.criteria.18``
    counts the base's entries; the file the user wrote has the same dimension and
    criterion under other indices (or not at all: then its nearest enclosing entry).
    """
    if len(where) < 2 or where[0] != "dimensions" or not isinstance(where[1], int):
        return where
    try:
        dimension = merged["dimensions"][where[1]]
        criterion = (
            dimension["criteria"][where[3]]
            if len(where) >= 4 and where[2] == "criteria" and isinstance(where[3], int)
            else None
        )
    except (KeyError, IndexError, TypeError):
        return where
    d = _position(node.get("dimensions"), dimension.get("id"))
    if d is None:
        return ()
    if criterion is None:
        return ("dimensions", d, *where[2:])
    c = _position(node["dimensions"][d].get("criteria"), criterion.get("id"))
    if c is None:
        return ("dimensions", d)
    return ("dimensions", d, "criteria", c, *where[4:])


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


def _raw(
    path: Path, sources: list[tuple[Path, str]], seen: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], Any]:
    node = _read(path, sources)  # first: it says what is wrong with a path resolve() cannot take
    if path.resolve() in seen:
        raise RubricError("extends: rubrics extend each other in a loop", path=str(path))
    data = _plain(node)
    extends = data.pop("extends", None)
    if extends is None:
        _check_disable(data, node, path)
        _disable(data, data.pop("disable", None))
        return data, node
    base, _ = _raw(_resolve_extends(str(extends), path), sources, (*seen, path.resolve()))
    _check_overrides(base, data, node, path)
    merged = _merge(base, data)
    _check_disable(merged, node, path)
    return merged, node


def load_rubric(path: str | Path | None = None) -> Rubric:
    """Load and validate a rubric; ``None`` is the built-in integration-maturity rubric.

    A rubric read before, unchanged with every file it extends, comes validated
    from the compiled cache (:mod:`designkit.compiled_cache`).
    """
    file = Path(path) if path is not None else builtin_rubric_path(DEFAULT_RUBRIC)
    if file is None:
        raise RubricError("the built-in rubric is missing from this installation")
    # keyed by the code that validates it too: an edited checkout (same version) that checks
    # more must not read a rubric an older check let through
    salt = compiled_cache.source_fingerprint(Path(__file__).parent)
    cached = compiled_cache.load("rubric", file, salt=salt)
    if cached is not None:
        try:
            return Rubric.model_validate({**cached, "source": str(file)}, context=TRUSTED)
        except ValidationError:
            pass  # built by an older schema: build it again
    sources: list[tuple[Path, str]] = []
    data, node = _raw(file, sources)
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
        elif isinstance(context, UnknownId):
            message = str(context)
        if "extends" in node:
            where = _in_file(where, data, node)
        line = _line_of(node, where)
        field = ".".join(str(part) for part in where)
        raise RubricError(f"{field}: {message}", path=str(file), line=line) from None
    compiled_cache.store("rubric", file, sources, rubric.model_dump(mode="json"), salt=salt)
    return rubric
