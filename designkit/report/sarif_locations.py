"""Where a SARIF result points: artifact locations relative to a named base.

Every artifact URI is relative, with forward slashes, to a base named in the run's
``originalUriBaseIds``: ``%SRCROOT%`` is the report's ``base_dir`` (the repository
root in CI), so code scanning can place the file; a file outside it is relative to a
base of its own folder (``OUTSIDE1``, ...), so the only absolute ``file://`` URIs are
those bases.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePath, PureWindowsPath
from typing import Any
from urllib.parse import quote


def relative_path(path: str, base_dir: Path) -> str:
    """``path`` relative to ``base_dir`` with forward slashes; as given when outside it."""
    if path in ("", "-"):
        return path
    given = Path(path)
    try:
        absolute = (given if given.is_absolute() else Path.cwd() / given).resolve()
        return absolute.relative_to(base_dir.resolve()).as_posix()
    except (ValueError, OSError):
        return path.replace(os.sep, "/")


def artifact_uri(path: str, base_dir: Path) -> str:
    """A URI reference for a file: relative to ``base_dir`` when under it, else the path as
    given; forward slashes, and characters a URI cannot hold percent-encoded."""
    shown = relative_path(path, base_dir).replace("\\", "/")
    if PureWindowsPath(shown).drive:  # C:/x would read as a URI with the scheme "C"
        return PureWindowsPath(shown).as_uri()
    return quote(shown, safe=_URI_SAFE)


SRCROOT = "%SRCROOT%"
"""The base of every file under ``base_dir``: the name SARIF tools (and CodeQL) use for it."""

_URI_SAFE = "/@!$&'()*+,;=-._~"  # not ":": "a:b/c" would read as a URI with the scheme "a"


def _folder_uri(folder: PurePath) -> str:
    uri = folder.as_uri()
    return uri if uri.endswith("/") else uri + "/"  # SARIF: a base URI ends with a slash


class Artifacts:
    """Relative artifact locations for one run, and the ``originalUriBaseIds`` they need.

    A file under ``base_dir`` is ``{"uri": "designs/a.md", "uriBaseId": "%SRCROOT%"}``;
    a file elsewhere gets a base for its folder, named in order of first use.
    """

    def __init__(self, base_dir: Path) -> None:
        self.base_dir = base_dir
        self._bases: dict[str, dict[str, Any]] = {
            SRCROOT: {
                "uri": _folder_uri(base_dir.resolve()),
                "description": {
                    "text": "The folder file paths are relative to (the repository root in CI)."
                },
            }
        }
        self._outside: dict[str, str] = {}  # folder URI -> base id

    def location(self, path: str) -> dict[str, str]:
        """The ``artifactLocation`` of ``path`` (as the design was named on the command line)."""
        shown = relative_path(path, self.base_dir).replace("\\", "/")
        windows = PureWindowsPath(shown)
        if not (windows.drive or shown.startswith(("/", "../")) or shown == ".."):
            return {"uri": quote(shown, safe=_URI_SAFE), "uriBaseId": SRCROOT}
        absolute: PurePath
        if windows.drive:
            absolute = windows
        else:
            absolute = (Path.cwd() / path).resolve() if not Path(path).is_absolute() else Path(path)
        folder = _folder_uri(absolute.parent)
        if folder not in self._outside:
            base = f"OUTSIDE{len(self._outside) + 1}"
            self._outside[folder] = base
            self._bases[base] = {
                "uri": folder,
                "description": {"text": "A folder outside that one, holding a design."},
            }
        return {"uri": quote(absolute.name, safe=_URI_SAFE), "uriBaseId": self._outside[folder]}

    def key(self, location: dict[str, str]) -> str:
        """What fingerprints hash: the URI relative to the base dir, else the absolute one."""
        if location["uriBaseId"] == SRCROOT:
            return location["uri"]
        return str(self._bases[location["uriBaseId"]]["uri"]) + location["uri"]

    def original_uri_base_ids(self) -> dict[str, dict[str, Any]]:
        return dict(self._bases)


def physical_location(
    artifacts: Artifacts, path: str, line: int, column: int = 0
) -> dict[str, Any]:
    region: dict[str, int] = {"startLine": max(1, line)}
    if column > 0:
        region["startColumn"] = column
    return {"physicalLocation": {"artifactLocation": artifacts.location(path), "region": region}}
