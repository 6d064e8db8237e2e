"""``designkit.toml`` or ``[tool.designkit]`` in ``pyproject.toml``: set once per repository.

Found by walking up from the current folder to the repository root (the folder
holding ``.git``), nearest first; in one folder ``designkit.toml`` wins over
``pyproject.toml``, and a ``pyproject.toml`` without ``[tool.designkit]`` is
passed over. Command-line flags override what the file says. Paths in the file
are relative to the file. A bad file is one line, ``file:line: message``, and
exit 2, like every other unusable input.

.. code-block:: toml

    [tool.designkit]           # or, in designkit.toml, the same keys at the top level
    rubric = "rubrics/team.yaml"
    fail-under = 3                # exit 1 below this overall level
    fail-on = "revisions"         # or "conditions": also exit 1 on approved with conditions
    lint-fail-on = "warning"      # designkit lint: exit 1 on warnings too (default "error")
    format = "markdown"
    ignore = ["DK201", "OPS-RUNBOOK"]   # lint codes, criterion ids or red-flag codes
    baseline = ".designkit-baseline.json"

    [tool.designkit.outputs]   # extra reports every `designkit score` run writes
    sarif = "build/designkit.sarif"
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from designkit.errors import UserError
from designkit.inputs import CONFIG, read_input_text
from designkit.resources import builtin_rubric_path

FORMATS = ("text", "json", "markdown", "summary", "sarif", "junit", "github", "html")
KEYS = (
    "rubric",
    "fail-under",
    "fail-on",
    "lint-fail-on",
    "format",
    "ignore",
    "baseline",
    "outputs",
    "encoding",
)
FAIL_ON = ("revisions", "conditions")
LINT_FAIL_ON = ("warning", "error")


@dataclass(frozen=True)
class Config:
    """The settings a configuration file gives; all optional, paths already resolved."""

    path: Path | None = None
    rubric: str | None = None
    fail_under: int | None = None
    fail_on: str | None = None
    lint_fail_on: str | None = None
    """``designkit lint``'s --fail-on: ``warning`` or ``error``."""
    format: str | None = None
    ignore: tuple[str, ...] = ()
    ignore_lines: dict[str, int] = field(default_factory=dict)
    """Each ``ignore`` entry's line in the file, for errors about an unknown id."""
    baseline: str | None = None
    outputs: dict[str, str] = field(default_factory=dict)
    encoding: str | None = None

    @property
    def shown(self) -> str:
        """The file as messages name it (relative to the current folder when inside it)."""
        return _shown(self.path) if self.path else ""

    @property
    def root(self) -> Path | None:
        """The folder of the configuration file: where a default baseline file lives."""
        return self.path.parent if self.path else None


def find_config(start: Path | None = None) -> Path | None:
    """The nearest configuration file from ``start`` up to the repository root."""
    folder = (start or Path.cwd()).resolve()
    for current in (folder, *folder.parents):
        candidate = current / "designkit.toml"
        if candidate.is_file():
            return candidate
        project = current / "pyproject.toml"
        if project.is_file() and _has_tool_table(project):
            return project
        if (current / ".git").exists():
            return None
    return None


def repository_root(start: Path | None = None) -> Path | None:
    folder = (start or Path.cwd()).resolve()
    for current in (folder, *folder.parents):
        if (current / ".git").exists():
            return current
    return None


def _shown(path: Path) -> str:
    """The file as errors name it: relative to the current folder when it is inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _has_tool_table(path: Path) -> bool:
    """Whether a pyproject.toml found on the way up configures designkit; one that
    cannot be read (a FIFO, a folder, not UTF-8) does not."""
    try:
        text = read_input_text(path, CONFIG)
    except UserError:
        return False
    return re.search(r"^\s*\[\s*tool\s*\.\s*designkit\s*[\].]", text, re.MULTILINE) is not None


def _line_of(text: str, key: str, table: str | None) -> int | None:
    """The line of ``key =`` (inside ``[table]`` when given): tomllib keeps no positions."""
    lines = text.splitlines()
    start = 0
    if table is not None:
        dotted = r"\s*\.\s*".join(re.escape(part) for part in table.split("."))
        header = re.compile(rf"^\s*\[\s*{dotted}\s*\]")
        start = next((i + 1 for i, line in enumerate(lines) if header.match(line)), 0)
    pattern = re.compile(rf'^\s*"?{re.escape(key)}"?\s*=')
    for number in range(start, len(lines)):
        if number > start and lines[number].lstrip().startswith("[") and table is not None:
            break
        if pattern.match(lines[number]):
            return number + 1
    return start or None


def _item_lines(text: str, key: str, table: str | None, items: list[str]) -> dict[str, int]:
    """The line of each string of the array ``key = [...]``, which may span lines.

    tomllib keeps no positions, so the array is read again as text from its key's
    line to its closing bracket; an item not found there gets the key's line.
    """
    start = _line_of(text, key, table)
    if start is None:
        return {}
    lines = text.splitlines()
    found: dict[str, int] = {}
    for number in range(start - 1, len(lines)):
        line = re.sub(r"#.*$", "", lines[number])  # no quotes in designkit ids, so no '#' either
        for item in items:
            if item not in found and re.search(rf"""["']{re.escape(item)}["']""", line):
                found[item] = number + 1
        if "]" in line:
            break
    return {item: found.get(item, start) for item in items}


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """Read the given file, or the one :func:`find_config` finds; no file: empty settings."""
    path = path or find_config(start)
    if path is None:
        return Config()
    shown = _shown(path)
    text = read_input_text(path, CONFIG, name=shown)
    import tomllib  # here, not at the top: most runs have no configuration file to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        match = re.search(r"\(at line (\d+), column \d+\)", str(error))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise UserError(
            f"invalid TOML: {message}", path=shown, line=int(match.group(1)) if match else None
        ) from None
    table: str | None = None
    if path.name == "pyproject.toml":
        table = "tool.designkit"
        settings = data.get("tool", {}).get("designkit", {})
    else:
        settings = data
    return _validate(settings, path, text, table)


def _validate(settings: dict[str, Any], path: Path, text: str, table: str | None) -> Config:
    def fail(key: str, message: str, within: str | None = table) -> UserError:
        return UserError(message, path=_shown(path), line=_line_of(text, key, within))

    for key in settings:
        if key not in KEYS:
            import difflib  # only for a mistyped key: every `score` imports this module

            near = difflib.get_close_matches(key, KEYS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; known keys: {', '.join(KEYS)}"
            raise fail(key, f"unknown key {key!r}{hint}")
    folder = path.parent

    def resolve(value: str) -> str:
        return str(folder / value) if not Path(value).is_absolute() else value

    def resolve_rubric(value: str) -> str:
        """A path, or the name of a built-in rubric (``integration-maturity``)."""
        if Path(value).suffix not in (".yaml", ".yml") and "/" not in value:
            builtin = builtin_rubric_path(value)
            if builtin is not None:
                return str(builtin)
        return resolve(value)

    def text_value(key: str) -> str | None:
        value = settings.get(key)
        if value is not None and not (isinstance(value, str) and value.strip()):
            raise fail(key, f"{key} must be a non-empty string")
        return value

    rubric = text_value("rubric")
    fail_under = settings.get("fail-under")
    if fail_under is not None and (
        isinstance(fail_under, bool) or not isinstance(fail_under, int) or not 0 <= fail_under <= 5
    ):
        raise fail(
            "fail-under", f"fail-under must be a whole number from 0 to 5, got {fail_under!r}"
        )
    fail_on = text_value("fail-on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise fail("fail-on", f"fail-on must be one of {', '.join(FAIL_ON)}, got {fail_on!r}")
    lint_fail_on = text_value("lint-fail-on")
    if lint_fail_on is not None and lint_fail_on not in LINT_FAIL_ON:
        raise fail(
            "lint-fail-on",
            f"lint-fail-on must be one of {', '.join(LINT_FAIL_ON)}, got {lint_fail_on!r}",
        )
    output_format = text_value("format")
    if output_format is not None and output_format not in FORMATS:
        raise fail("format", f"format must be one of {', '.join(FORMATS)}, got {output_format!r}")
    ignore = settings.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(i, str) and i for i in ignore):
        raise fail("ignore", 'ignore must be a list of codes, e.g. ["DK201", "OPS-RUNBOOK"]')
    baseline = text_value("baseline")
    encoding = text_value("encoding")
    outputs = settings.get("outputs", {})
    outputs_table = f"{table}.outputs" if table else "outputs"
    if not isinstance(outputs, dict):
        raise fail("outputs", 'outputs must be a table of format = "path"')
    for name, target in outputs.items():
        if name not in FORMATS:
            raise fail(name, f"outputs: unknown format {name!r}", outputs_table)
        if not isinstance(target, str) or not target.strip():
            raise fail(name, f"outputs.{name} must be a file path", outputs_table)
    return Config(
        path=path,
        rubric=resolve_rubric(rubric) if rubric else None,
        fail_under=fail_under,
        fail_on=fail_on,
        lint_fail_on=lint_fail_on,
        format=output_format,
        ignore=tuple(ignore),
        ignore_lines=_item_lines(text, "ignore", table, ignore),
        baseline=resolve(baseline) if baseline else None,
        outputs={name: resolve(target) for name, target in outputs.items()},
        encoding=encoding,
    )
