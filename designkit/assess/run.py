"""``designkit assess``: exports in, an assessment folder out.

Reading (which reader claims which file) and writing (which files the folder
gets) live here; what is read and what is written are the other modules' job.
The folder is designkit's: a re-run replaces what the previous run wrote, but a
file somebody edited since (a current-state design filled in after an
interview) is never overwritten: the run stops with one line naming it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from designkit.assess.current_design import current_state_markdown
from designkit.assess.errors import ExportError
from designkit.assess.flags import integration_flags, inventory_flags
from designkit.assess.inventory import Inventory, Trigger, TriggerKind
from designkit.assess.inventory_report import inventory_json, inventory_markdown
from designkit.assess.readers import reader_modules
from designkit.assess.roadmap_index import RoadmapEntry, roadmap_index
from designkit.diagnostics import Diagnostic
from designkit.errors import UserError
from designkit.files import write_text_safely
from designkit.parse import parse_design
from designkit.roadmap import plan_roadmap
from designkit.roadmap.render import render as render_roadmap
from designkit.rubric import load_rubric
from designkit.scaffold.slugs import integration_slug

MANIFEST = ".designkit-assessment.json"
"""What the last run wrote (file -> sha256), so edits made since are recognised."""
_SKIPPED_FOLDERS = frozenset({".git", ".svn", "node_modules", "target", "bin", ".settings", "temp"})
_HEAD_BYTES = 4096


@dataclass
class Assessment:
    inventory: Inventory
    flags: list[Diagnostic]
    skipped: list[str] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)
    designs: dict[str, Path] = field(default_factory=dict)
    """Integration name -> its current-state design."""


def _files(path: Path, display: str) -> Iterator[tuple[Path, str]]:
    if path.is_file():
        yield path, display
        return
    for child in sorted(path.iterdir()):
        if child.name.startswith(".") or (child.name in _SKIPPED_FOLDERS and child.is_dir()):
            continue
        shown = f"{display.rstrip('/')}/{child.name}"
        if child.is_dir() and not child.is_symlink():
            yield from _files(child, shown)
        elif child.is_file():
            yield child, shown


def read_exports(paths: Sequence[str]) -> tuple[Inventory, list[str]]:
    """Every file some reader claims, read into one inventory; the rest listed as skipped.

    A file named on the command line that no reader claims is an error (the user
    meant it); inside a folder such files are only listed.
    """
    readers = reader_modules()
    inventory = Inventory()
    skipped: list[str] = []
    for given in paths:
        root = Path(given)
        if not root.exists():
            raise UserError("no such file or folder", path=given)
        for path, display in _files(root, given):
            with path.open("rb") as stream:
                head = stream.read(_HEAD_BYTES)
            reader = next((r for r in readers if r.claims(path, head)), None)
            if reader is None:
                if path == root:
                    raise ExportError(
                        "no reader recognises this file (Talend .item, Workato recipe JSON, "
                        "Mule 4 XML)",
                        path=display,
                    )
                skipped.append(display)
                continue
            contents = reader.read(path, display)
            inventory.exports.append(display)
            inventory.integrations.extend(contents.integrations)
            inventory.shared_variables.extend(contents.shared_variables)
            inventory.shared_connections.extend(contents.shared_connections)
    link_calls(inventory)
    if not inventory.integrations:
        raise UserError(
            "no job, recipe or flow found in the exports given",
            path=", ".join(paths),
            hint="give Talend .item files, Workato recipe JSON or a Mule 4 project folder",
        )
    return inventory, skipped


def link_calls(inventory: Inventory) -> None:
    """A job another file's job calls gets a ``called`` trigger citing the call.

    Readers see one file at a time; only here are all jobs known. Names match
    exactly or case-insensitively; a call to a job not in the exports stays as read.
    """
    by_name = {integration.name.casefold(): integration for integration in inventory.integrations}
    for caller in inventory.integrations:
        for call in caller.calls:
            callee = by_name.get(call.callee.casefold())
            if callee is None or callee is caller or callee.source.file == call.source.file:
                continue  # within one file the reader saw both ends already
            if any(
                t.kind is TriggerKind.CALLED and t.source == call.source for t in callee.triggers
            ):
                continue
            callee.triggers.append(
                Trigger(
                    kind=TriggerKind.CALLED, detail=f"called by {caller.name}", source=call.source
                )
            )


def _design_names(inventory: Inventory) -> dict[int, str]:
    names: dict[int, str] = {}
    used: set[str] = set()
    for index, integration in enumerate(inventory.integrations):
        base = integration_slug(integration.name)
        name, n = base, 2
        while name in used:
            name, n = f"{base}-{n}", n + 1
        used.add(name)
        names[index] = name
    return names


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class _Folder:
    """Writes into the assessment folder, refusing to replace a file edited since the last run."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.manifest_path = root / MANIFEST
        self.previous: dict[str, str] = {}
        if self.manifest_path.is_file():
            try:
                self.previous = json.loads(self.manifest_path.read_text(encoding="utf-8"))["files"]
            except (ValueError, KeyError, TypeError):
                raise UserError(
                    "unreadable assessment record", path=str(self.manifest_path)
                ) from None
        self.pending: dict[str, str] = {}

    def plan(self, relative: str, text: str) -> None:
        target = self.root / relative
        if target.exists():
            recorded = self.previous.get(relative)
            current = _digest(target.read_text(encoding="utf-8", errors="replace"))
            if recorded != current:
                raise UserError(
                    "exists and was not written by the last assessment (or was edited since); "
                    "not overwritten",
                    path=str(target),
                    hint="move it away or choose another -o folder",
                )
        self.pending[relative] = text

    def commit(self) -> list[Path]:
        written = []
        for relative, text in self.pending.items():
            target = self.root / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            write_text_safely(target, text)
            written.append(target)
        record = {"files": {**self.previous, **{k: _digest(v) for k, v in self.pending.items()}}}
        write_text_safely(self.manifest_path, json.dumps(record, indent=2, sort_keys=True) + "\n")
        return written


def assess(paths: Sequence[str], out_dir: str | Path) -> Assessment:
    """Read ``paths`` and write the inventory, a current-state design and a roadmap per integration."""
    inventory, skipped = read_exports(paths)
    flags = inventory_flags(inventory)
    assessment = Assessment(inventory=inventory, flags=flags, skipped=skipped)
    root = Path(out_dir)
    if root.exists() and not root.is_dir():
        raise UserError("is a file; give a folder for the assessment", path=str(root))
    folder = _Folder(root)
    folder.plan("inventory.md", inventory_markdown(inventory, flags, skipped))
    folder.plan("inventory.json", inventory_json(inventory, flags, skipped))
    rubric = load_rubric()
    entries = []
    for index, name in _design_names(inventory).items():
        integration = inventory.integrations[index]
        relative = f"designs/{name}.md"
        own_flags = integration_flags(integration)
        text = current_state_markdown(integration, own_flags)
        folder.plan(relative, text)
        assessment.designs[integration.name] = root / relative
        plan = plan_roadmap(parse_design(text, relative), rubric, None)
        roadmap_file = f"roadmaps/{name}.md"
        folder.plan(roadmap_file, render_roadmap(plan, "markdown"))
        entries.append(RoadmapEntry(integration.name, relative, roadmap_file, plan, own_flags))
    folder.plan("roadmap.md", roadmap_index(entries))
    root.mkdir(parents=True, exist_ok=True)
    assessment.written = folder.commit()
    return assessment
