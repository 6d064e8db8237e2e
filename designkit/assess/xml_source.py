"""XML parsed with the line of every element, because every fact cites its line.

The standard library's ElementTree drops positions, so the tree is built here from
expat's callbacks, which know the current line; lines are kept in a side table,
so element attributes stay exactly as exported. Documents with a DTD are refused
before parsing (entity expansion, external entities): exports come from clients
and are data.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path
from xml.parsers import expat

from designkit.assess.errors import ExportError


@dataclass
class XmlDocument:
    root: ET.Element
    path: str
    lines: dict[int, int] = field(default_factory=dict)
    """``id(element)`` -> 1-based line of its start tag (the tree keeps every element alive)."""
    namespaces: dict[str, str] = field(default_factory=dict)
    """Namespace URI -> the prefix the export declared for it."""

    def line(self, element: ET.Element) -> int:
        return self.lines.get(id(element), 0)


def parse_xml(path: Path, display: str) -> XmlDocument:
    """Parse ``path``; malformed XML or a DTD is one :class:`ExportError` with its line."""
    data = path.read_bytes()
    upper = data.upper()
    for marker in (b"<!DOCTYPE", b"<!ENTITY"):
        at = upper.find(marker)
        if at >= 0:
            line = data[:at].count(b"\n") + 1
            raise ExportError(
                "DTDs and entity declarations are not read in exports", path=display, line=line
            )
    document = XmlDocument(root=ET.Element("_"), path=display)
    stack: list[ET.Element] = []
    parser = expat.ParserCreate(namespace_separator="}")

    def start(tag: str, attrs: dict[str, str]) -> None:
        element = ET.Element("{" + tag if "}" in tag else tag, attrs)
        if stack:
            stack[-1].append(element)
        else:
            document.root = element
        stack.append(element)
        document.lines[id(element)] = parser.CurrentLineNumber

    def end(_tag: str) -> None:
        stack.pop()

    def text(data: str) -> None:
        if stack:
            element = stack[-1]
            if len(element):
                last = element[-1]
                last.tail = (last.tail or "") + data
            else:
                element.text = (element.text or "") + data

    def namespace(prefix: str | None, uri: str) -> None:
        document.namespaces.setdefault(uri, prefix or "")

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    parser.CharacterDataHandler = text
    parser.StartNamespaceDeclHandler = namespace
    try:
        parser.Parse(data, True)
    except expat.ExpatError as error:
        message = (
            expat.errors.messages.get(error.code, "syntax error") if error.code else "syntax error"
        )
        raise ExportError(
            f"not well-formed XML ({message})", path=display, line=error.lineno
        ) from None
    return document


def local_name(tag: str) -> str:
    """``{http://www.mulesoft.org/schema/mule/core}flow`` -> ``flow``."""
    return tag.rsplit("}", 1)[-1]


def prefix_of(tag: str, document: XmlDocument) -> str:
    """The prefix an export used for a namespaced tag (``http`` for the HTTP connector)."""
    if not tag.startswith("{"):
        return ""
    uri = tag[1:].split("}", 1)[0]
    return document.namespaces.get(uri) or uri.rstrip("/").rsplit("/", 1)[-1]
