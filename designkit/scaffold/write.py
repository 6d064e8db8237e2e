"""Writing a plan into a folder, safely and repeatably.

Rules: nothing is written outside the output folder (every path is resolved
and checked, symlinks included); a manifest records the hash of what was
generated so a later run can tell "unchanged since generation" (safe to update)
from "edited by the user" (never overwritten: the new version goes beside it as
``FILE.designkit-new``); user-owned files are created once and then left alone.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from designkit.errors import UserError
from designkit.files import atomic_write
from designkit.inputs import PROJECT_FILE, open_regular, read_input_text
from designkit.scaffold.plan import Plan

MANIFEST = ".designkit-manifest.json"
CONFLICT_SUFFIX = ".designkit-new"
ACTIONS = ("created", "updated", "unchanged", "modified", "conflict", "kept")


@dataclass(frozen=True)
class FileAction:
    path: str
    # one of ACTIONS; "modified": the user changed it and the template did not (left alone);
    # "kept": a user-owned file, never touched after creation
    action: str


@dataclass
class Report:
    actions: list[FileAction] = field(default_factory=list)
    written: bool = True

    def count(self, action: str) -> int:
        return sum(1 for item in self.actions if item.action == action)

    @property
    def drifted(self) -> bool:
        """Anything a real run would create, update or flag: ``--check`` fails on it."""
        return any(item.action in ("created", "updated", "conflict") for item in self.actions)

    def summary(self) -> str:
        parts = [f"{self.count(a)} {a}" for a in ACTIONS if self.count(a)]
        return ", ".join(parts) or "nothing to do"


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _inside(root: Path, relative: str) -> Path:
    """The file's path under root, or a UserError when it would land anywhere else."""
    pure = PurePosixPath(relative)
    if not relative or pure.is_absolute() or "\\" in relative or ".." in pure.parts:
        raise UserError(f"refusing to write outside the output folder: {relative!r}")
    target = root / Path(*pure.parts)
    resolved = target.resolve()
    if resolved != root and root not in resolved.parents:
        raise UserError(f"refusing to write outside the output folder: {relative!r}")
    return target


def _atomic_write(path: Path, data: bytes) -> None:
    atomic_write(path, data)


def _read_manifest(root: Path) -> dict[str, str]:
    path = root / MANIFEST
    if not path.exists():
        return {}
    text = read_input_text(path, PROJECT_FILE)
    try:
        data = json.loads(text)
        files = data.get("files", {})
        return {str(k): str(v) for k, v in files.items()} if isinstance(files, dict) else {}
    except (ValueError, AttributeError, OSError):
        raise UserError(
            "the scaffold manifest is unreadable; delete it to start over", path=str(path)
        ) from None


def _decide(target: Path, data: bytes, recorded: str | None, user_owned: bool) -> str:
    if not target.exists():
        return "created"
    if target.is_dir():
        raise UserError("a folder stands where the scaffold writes a file", path=str(target))
    with open_regular(target, PROJECT_FILE) as stream:  # a FIFO here would block a read
        current = hashlib.file_digest(stream, "sha256").hexdigest()  # type: ignore[arg-type]
    if user_owned:
        return "kept"
    if current == _digest(data):
        return "unchanged"
    if recorded is not None and current == recorded:
        return "updated"  # untouched since we generated it: take the new template output
    if recorded is not None and _digest(data) == recorded:
        return "modified"  # only the user changed it: theirs stands, nothing to merge
    return "conflict"


def write_project(
    plan: Plan, out_dir: str | Path, *, dry_run: bool = False, check: bool = False
) -> Report:
    """Create or refresh the project in ``out_dir``; see the module docstring for the rules."""
    root_path = Path(out_dir)
    if root_path.exists() and not root_path.is_dir():
        raise UserError("the output exists and is not a folder", path=str(root_path))
    root = root_path.resolve()
    manifest = _read_manifest(root) if root.is_dir() else {}
    report = Report(written=not (dry_run or check))
    new_manifest: dict[str, str] = {}
    for relative in sorted(plan.files):
        data = plan.files[relative]
        target = _inside(root, relative)
        action = _decide(target, data, manifest.get(relative), relative in plan.user_owned)
        report.actions.append(FileAction(relative, action))
        if action in ("kept", "conflict", "modified"):
            new_manifest[relative] = manifest.get(relative, _digest(data))
        else:
            new_manifest[relative] = _digest(data)
        if not report.written:
            continue
        if action in ("created", "updated"):
            _atomic_write(target, data)
        elif action == "conflict":
            _atomic_write(_inside(root, relative + CONFLICT_SUFFIX), data)
    if report.written:
        body = json.dumps(
            {"generator": "designkit scaffold", "files": new_manifest}, indent=2, sort_keys=True
        )
        _atomic_write(_inside(root, MANIFEST), (body + "\n").encode("utf-8"))
    return report
