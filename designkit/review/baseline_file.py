"""Known findings (``--write-baseline``): adopt designkit on many existing designs at once.

The file records today's open findings; later runs hide those and report only
new ones, so CI can gate on "no new findings" while the old ones are worked off.
Each finding is keyed by a fingerprint of file + criterion (or lint code) +
named model path (``retry 'NetSuite timeout'``, not ``retry_policies[2]`` and
never a line number), so moving text or inserting rows does not resurrect
a known finding; changing the value the finding is about does not either, on
purpose: the finding is still the same one.

File paths are stored relative to the baseline file's folder with forward
slashes, so the file works from any current folder and on any OS.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from designkit.errors import UserError
from designkit.files import atomic_write
from designkit.inputs import BASELINE, read_input_text
from designkit.text_safety import safe_json

DEFAULT_NAME = ".designkit-baseline.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class KnownFinding:
    file: str
    """Relative to the baseline file's folder, forward slashes."""
    rule: str
    """A criterion id or a lint code."""
    field: str
    """The named model path (see :func:`designkit.review.values.stable_field`)."""
    message: str = ""

    @property
    def fingerprint(self) -> str:
        key = "\x1f".join((self.file, self.rule, self.field))
        return hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]


def relative_to(baseline: Path, file: str) -> str:
    """``file`` relative to the baseline file's folder (as given when on another drive)."""
    target = Path(file).resolve()
    try:
        return Path(os.path.relpath(target, baseline.resolve().parent)).as_posix()
    except ValueError:
        return target.as_posix()


def write_baseline(path: str | Path, findings: Iterable[KnownFinding]) -> int:
    """Write (replace) the baseline file; returns how many findings it records."""
    entries = sorted(
        {f.fingerprint: f for f in findings}.values(), key=lambda f: (f.file, f.rule, f.field)
    )
    data = {
        "version": VERSION,
        "tool": "designkit",
        "findings": [
            {
                "fingerprint": f.fingerprint,
                "file": f.file,
                "rule": f.rule,
                "field": f.field,
                "message": f.message,
            }
            for f in entries
        ],
    }
    text = safe_json(json.dumps(data, indent=2, ensure_ascii=False)) + "\n"
    atomic_write(Path(path), text.encode("utf-8"))
    return len(entries)


def read_baseline(path: str | Path) -> set[str]:
    """The fingerprints a baseline file records; a broken file is a one-line error."""
    file = Path(path)
    text = read_input_text(file, BASELINE)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise UserError(f"invalid JSON: {error.msg}", path=str(file), line=error.lineno) from None
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise UserError(
            f"not a designkit baseline file (version {VERSION})",
            path=str(file),
            line=1,
            hint="write a new one with designkit score --write-baseline",
        )
    findings = data.get("findings")
    if not isinstance(findings, list) or not all(
        isinstance(f, dict) and isinstance(f.get("fingerprint"), str) for f in findings
    ):
        raise UserError("'findings' must be a list of objects with a fingerprint", path=str(file))
    return {f["fingerprint"] for f in findings}


_RULE = re.compile(r'"rule"\s*:\s*"((?:[^"\\]|\\.)*)"')


def baseline_rules(path: str | Path) -> list[tuple[str, int]]:
    """The ``rule`` of every entry with its line, for errors about an unknown id.

    ``json`` keeps no positions, so the ``"rule": "..."`` pairs are found in the
    text, in order; a quote inside a string is escaped in JSON, so text in a
    ``message`` cannot look like one. Call :func:`read_baseline` first: this
    assumes the file is a valid baseline.
    """
    text = read_input_text(path, BASELINE)
    found: list[tuple[str, int]] = []
    for match in _RULE.finditer(text):
        rule = json.loads(f'"{match.group(1)}"')
        found.append((rule, text.count("\n", 0, match.start()) + 1))
    return found
