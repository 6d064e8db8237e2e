"""What one Mule application declares across its files: global configs, flows, callers.

A Mule 4 flow names its connection by ``config-ref`` and its callers by
``flow-ref`` in other files of the same application (``global.xml`` holds the
``http:request-config``; the default error handler lives in yet another file).
The reader is given one file at a time, so this index reads every configuration
file of the application once (cached by path, size and modification time) and
answers for any of them. Lines in other files are cited with those files' own
names, derived from the name the caller was given on the command line.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from pathlib import Path

from designkit.assess.errors import ExportError
from designkit.assess.inventory import Source
from designkit.assess.readers.mule_values import read_properties
from designkit.assess.xml_source import XmlDocument, local_name, parse_xml, prefix_of

CORE = "http://www.mulesoft.org/schema/mule/core"
DOC_NAME = "http://www.mulesoft.org/schema/mule/documentation}name"
"""``doc:name`` as :func:`parse_xml` keys namespaced attributes (expat's ``uri}local``)."""
_CACHE_SIZE = 8


@dataclass
class GlobalConfig:
    """A named global element (``http:request-config``, ``db:config``) and its connection."""

    name: str
    component: str
    element: ET.Element
    document: XmlDocument
    connection: ET.Element | None
    """The ``*-connection`` child holding host, port, protocol, credentials, reconnection."""

    @property
    def source(self) -> Source:
        return Source(file=self.document.path, line=self.document.line(self.element))

    def attribute(self, name: str) -> str:
        """An attribute of the connection child, else of the config element itself."""
        if self.connection is not None and name in self.connection.attrib:
            return self.connection.attrib[name]
        return self.element.attrib.get(name, "")


@dataclass
class MuleApp:
    """Everything the flows of one application can refer to."""

    name: str
    resources: Path
    anchor: tuple[Path, str]
    """A file of the application and the name it was given, to name the others alike."""
    documents: dict[Path, XmlDocument | ExportError] = field(default_factory=dict)
    configs: dict[str, GlobalConfig] = field(default_factory=dict)
    flows: dict[str, str] = field(default_factory=dict)
    """Flow name -> ``flow`` or ``sub-flow``."""
    callers: dict[str, list[str]] = field(default_factory=dict)
    """Flow -> the flows whose ``flow-ref`` names it."""
    apikit_routers: dict[str, str] = field(default_factory=dict)
    """APIkit config name -> the flow whose ``apikit:router`` dispatches to ``*:config`` flows."""
    vm_listeners: dict[str, str] = field(default_factory=dict)
    """VM queue name -> the flow listening on it."""
    error_handlers: dict[str, tuple[XmlDocument, ET.Element]] = field(default_factory=dict)
    default_error_handler: str = ""
    property_patterns: list[str] = field(default_factory=list)
    """``configuration-properties`` files as glob patterns relative to ``src/main/resources``."""
    properties: dict[str, set[str]] = field(default_factory=dict)
    """Non-secret property values, to name queues and hosts written as ``${...}``."""

    def display(self, other: Path) -> str:
        """The name to cite another file of the application by."""
        return display_for(other, *self.anchor)

    def resolve(self, text: str) -> str:
        """``${key}`` replaced where the application's properties give one value for it."""

        def one(match: re.Match[str]) -> str:
            values = self.properties.get(match.group(1).strip(), set())
            return next(iter(values)) if len(values) == 1 else match.group(0)

        return re.sub(r"\$\{([^}]+)\}", one, text)

    def claims_resource(self, path: Path) -> bool:
        """Whether ``path`` is a properties file some ``configuration-properties`` names."""
        try:
            relative = path.resolve().relative_to(self.resources.resolve()).as_posix()
        except ValueError:
            return False
        return any(fnmatch.fnmatchcase(relative, pattern) for pattern in self.property_patterns)


_cache: dict[tuple[object, ...], MuleApp] = {}


def src_main_dir_of(path: Path, name: str) -> Path | None:
    """The ``src/main/NAME`` folder (``mule``, ``resources``) ``path`` lies in, if it does."""
    for parent in path.resolve().parents:
        if (
            parent.name == name
            and parent.parent.name == "main"
            and parent.parent.parent.name == "src"
        ):
            return parent
    return None


def mule_dir_of(path: Path) -> Path | None:
    """The ``src/main/mule`` folder ``path`` lies in, if it does."""
    return src_main_dir_of(path, "mule")


def display_for(other: Path, path: Path, display: str) -> str:
    """The name to cite ``other`` by, given that ``path`` is cited as ``display``."""
    if other.resolve() == path.resolve():
        return display
    relative = os.path.relpath(other.resolve(), path.resolve().parent)
    return os.path.normpath(os.path.join(os.path.dirname(display), relative))


def is_mule_xml(head: bytes) -> bool:
    return b"<mule" in head and b"mulesoft.org/schema/mule/core" in head


def load_app(path: Path, display: str) -> MuleApp:
    """The application ``path`` belongs to (its ``src/main/mule`` folder, else its own folder)."""
    mule_dir = mule_dir_of(path)
    if mule_dir is not None:
        files = sorted(p for p in mule_dir.rglob("*.xml") if p.is_file())
        resources = mule_dir.parent / "resources"
        root = mule_dir.parent.parent.parent
    else:
        files = [path.resolve()]
        resources = path.resolve().parent
        root = resources
    stamp = tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    key = (str(root), os.path.dirname(display_for(root / "x", path, display)), stamp)
    if key in _cache:
        return _cache[key]
    app = MuleApp(name=_app_name(root), resources=resources, anchor=(path, display))
    for file in files:
        _index_file(app, file, display_for(file, path, display))
    _index_properties(app, path, display)
    if len(_cache) >= _CACHE_SIZE:
        _cache.pop(next(iter(_cache)))
    _cache[key] = app
    return app


def _app_name(root: Path) -> str:
    artifact = root / "mule-artifact.json"
    try:
        name = json.loads(artifact.read_text(encoding="utf-8")).get("name", "")
        if isinstance(name, str) and name:
            return name
    except (OSError, ValueError, AttributeError):
        pass
    return root.name


def _index_file(app: MuleApp, file: Path, display: str) -> None:
    try:
        document = parse_xml(file, display)
    except ExportError as error:
        app.documents[file.resolve()] = error
        return
    app.documents[file.resolve()] = document
    if document.root.tag != f"{{{CORE}}}mule":
        return
    for element in document.root:
        kind = local_name(element.tag)
        name = element.attrib.get("name", "")
        if element.tag == f"{{{CORE}}}{kind}" and kind in {"flow", "sub-flow"} and name:
            app.flows[name] = kind
            _index_calls(app, document, element, name)
        elif element.tag == f"{{{CORE}}}error-handler" and name:
            app.error_handlers[name] = (document, element)
        elif element.tag == f"{{{CORE}}}configuration":
            app.default_error_handler = element.attrib.get("defaultErrorHandler-ref", "")
        elif kind == "configuration-properties" or (kind == "config" and "file" in element.attrib):
            pattern = re.sub(r"\$\{[^}]*\}", "*", element.attrib.get("file", ""))
            if pattern:
                app.property_patterns.append(pattern.lstrip("/"))
        elif name and element.tag != f"{{{CORE}}}{kind}":
            connection = next(
                (child for child in element if local_name(child.tag).endswith("connection")), None
            )
            component = f"{prefix_of(element.tag, document)}:{kind}"
            app.configs[name] = GlobalConfig(name, component, element, document, connection)


def _index_calls(app: MuleApp, document: XmlDocument, flow: ET.Element, caller: str) -> None:
    for element in flow.iter():
        kind = local_name(element.tag)
        if element.tag == f"{{{CORE}}}flow-ref":
            app.callers.setdefault(element.attrib.get("name", ""), []).append(caller)
        elif kind == "router" and prefix_of(element.tag, document) == "apikit":
            app.apikit_routers[element.attrib.get("config-ref", "")] = caller
        elif kind == "listener" and prefix_of(element.tag, document) == "vm":
            app.vm_listeners[element.attrib.get("queueName", "")] = caller


def _index_properties(app: MuleApp, path: Path, display: str) -> None:
    if not app.resources.is_dir():
        return
    for candidate in sorted(app.resources.rglob("*")):
        if candidate.suffix.lower() not in {".properties", ".yaml", ".yml"}:
            continue
        if not app.claims_resource(candidate):
            continue
        try:
            variables = read_properties(candidate, display_for(candidate, path, display), "")
        except ExportError:
            continue
        for item in variables:
            if not item.secret:
                app.properties.setdefault(item.name, set()).add(item.value)
