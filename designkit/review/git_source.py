"""The old version of a design, read from git (``--baseline-ref``).

``git show REF:path`` with the path relative to the repository that holds the
file, so it works from any folder. A file that did not exist at REF is not an
error: a pull request that adds a design compares it with nothing (every
dimension ``new``).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from designkit.errors import UserError
from designkit.inputs import DESIGN, MB


def _git(args: list[str], cwd: Path) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise UserError("--baseline-ref needs git, which is not installed") from None


def read_at_ref(path: str, ref: str) -> tuple[bytes | None, str]:
    """The bytes of ``path`` at ``ref`` (None when it did not exist there) and a label
    ``REF:repo/relative/path`` for reports."""
    if not ref or ref.startswith("-"):
        raise UserError(f"not a git ref: {ref!r}")
    file = Path(path).resolve()
    folder = file.parent
    if not folder.is_dir():
        raise UserError("no such file", path=path)
    top = _git(["rev-parse", "--show-toplevel"], folder)
    if top.returncode != 0:
        raise UserError("--baseline-ref: not inside a git repository", path=path)
    root = Path(top.stdout.decode().strip()).resolve()
    relative = file.relative_to(root).as_posix()
    label = f"{ref}:{relative}"
    if _git(["rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], root).returncode != 0:
        raise UserError(f"--baseline-ref: unknown git revision {ref!r}", path=path)
    return _show(f"{ref}:{relative}", root, label), label


def _show(spec: str, root: Path, label: str) -> bytes | None:
    """``git show SPEC`` (None when it fails: no such file at that revision), reading at
    most the design size limit plus one byte: an old version is a design document like
    any other (:mod:`designkit.inputs`)."""
    limit = DESIGN.limit
    with subprocess.Popen(
        ["git", "show", spec], cwd=root, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
    ) as process:
        assert process.stdout is not None
        data = process.stdout.read(limit + 1)
        if len(data) > limit:
            process.kill()
        process.stdout.close()
        process.wait()
    if len(data) > limit:
        raise UserError(
            f"more than {limit // MB} MB; design documents are read up to {limit // MB} MB",
            path=label,
        )
    return data if process.returncode == 0 else None
