"""Talend Studio / Open Studio ``.item`` files: jobs, ESB routes, context groups, DB metadata.

A job's ``.item`` (root ``talendfile:ProcessType``) holds its components as
``node`` elements whose settings are ``elementParameter name=... value=...``
pairs, its links as ``connection`` elements (``connectorName`` FLOW, REJECT,
COMPONENT_ERROR, ...), its contexts and, for each tMap, the mapping tables
(``nodeData``). Context groups (``talendfile:ContextType``) and repository
connections (``TalendMetadata:DatabaseConnection``) are project-wide, so they
become shared variables and connections. What a component does is judged from
its name in :mod:`designkit.assess.readers.talend_parts`; a component that is
not known there is kept as an unknown step.

Talend jobs carry no schedule: they are run by hand, from a script or from an
external scheduler, so a job without a trigger component is ``manual``.
"""

from __future__ import annotations

import heapq
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from designkit.assess.errors import ExportError
from designkit.assess.inventory import (
    Connection,
    ContextVariable,
    ErrorHandling,
    ErrorHandlingKind,
    Integration,
    JobCall,
    Source,
    Step,
    Trigger,
    TriggerKind,
)
from designkit.assess.readers import ExportContents
from designkit.assess.readers.talend_handling import JobBehaviour, Node, children, table_rows
from designkit.assess.readers.talend_mapper import read_mappings, reject_outputs
from designkit.assess.readers.talend_parts import holds_plain_secret, plain_value
from designkit.assess.secrets import TALEND_WORDS, is_secret_name, scrub_url
from designkit.assess.xml_source import XmlDocument, local_name, parse_xml

PLATFORM = "talend"
_VERSION_SUFFIX = re.compile(r"_\d+\.\d+$")
_CORRELATION = re.compile(r"correlation|traceparent|x-request-id|trace[_-]?id", re.IGNORECASE)
_SETTING_FIELDS = {"CHECK", "RADIO", "CLOSED_LIST", "TECHNICAL", "COMPONENT_LIST"}
_HEADER_NAME = ("NAME", "HEADER_NAME", "KEY")
_HEADER_VALUE = ("VALUE", "HEADER_VALUE")
"""Columns of the HEADERS table: tRESTClient / tREST ``NAME``, ``VALUE``; tHttpRequest ``HEADER_*``."""


def claims(path: Path, head: bytes) -> bool:
    """Every ``.item`` that is XML: Talend's own roots are told apart in :func:`read`."""
    return path.suffix.lower() == ".item" and head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")


def read(path: Path, display: str) -> ExportContents:
    document = parse_xml(path, display)
    root = document.root
    elements = list(root) if local_name(root.tag) == "XMI" else [root]
    contents = ExportContents()
    talend = False
    for element in elements:
        uri = element.tag[1:].split("}", 1)[0] if element.tag.startswith("{") else ""
        if "talend" not in uri.lower():
            continue
        talend = True
        kind = local_name(element.tag)
        if kind == "ProcessType":
            name = _VERSION_SUFFIX.sub("", path.name.removesuffix(".item"))
            contents.integrations.append(_Job(document, element, name).read())
        elif kind == "ContextType":
            group = _VERSION_SUFFIX.sub("", path.name.removesuffix(".item"))
            contents.shared_variables.extend(_context(document, element, f"context group {group}"))
        elif kind.endswith("Connection") and element.get("ServerName") is not None:
            _metadata_connection(document, element, path, contents)
    if not talend:
        raise ExportError(
            f"not a Talend export: the root element is <{local_name(root.tag)}>, expected "
            "talendfile:ProcessType, talendfile:ContextType or TalendMetadata:...Connection",
            path=display,
            line=document.line(root),
        )
    return contents


def _source(document: XmlDocument, element: ET.Element) -> Source:
    return Source(file=document.path, line=document.line(element))


def _variable(
    document: XmlDocument, element: ET.Element, name: str, value: str, scope: str, *, quoted: bool
) -> ContextVariable:
    """A variable whose value is dropped when its name or its Talend type says credential."""
    secret = is_secret_name(name, TALEND_WORDS) or element.get("type") == "id_Password"
    return ContextVariable(
        name=name,
        value="" if secret else value,
        secret=secret,
        has_plain_value=secret and holds_plain_secret(value, quoted=quoted),
        scope=scope,
        source=_source(document, element),
    )


def _context(document: XmlDocument, context: ET.Element, scope: str) -> list[ContextVariable]:
    return [
        _variable(document, p, p.get("name", ""), p.get("value", ""), scope, quoted=False)
        for p in children(context, "contextParameter")
    ]


def _metadata_connection(
    document: XmlDocument, element: ET.Element, path: Path, contents: ExportContents
) -> None:
    """A repository DB connection; Studio writes its Password attribute encrypted."""
    name = _VERSION_SUFFIX.sub("", path.name.removesuffix(".item"))
    server, port, sid = (element.get(k, "") for k in ("ServerName", "Port", "SID"))
    endpoint = scrub_url(element.get("URL", ""), drop_fragment=False) or server + (
        f":{port}" if port else ""
    )
    endpoint += f"/{sid}" if sid else ""
    contents.shared_connections.append(
        Connection(
            name=name,
            connector=element.get("DatabaseType") or local_name(element.tag),
            system_kind="database",
            endpoint=endpoint,
            auth="user/password" if element.get("Username") else "",
            source=_source(document, element),
        )
    )
    if element.get("Password"):
        contents.shared_variables.append(
            ContextVariable(
                name=f"{name}.Password",
                secret=True,
                has_plain_value=False,
                scope=f"metadata connection {name} (encrypted by Studio)",
                source=_source(document, element),
            )
        )


class _Job(JobBehaviour):
    def __init__(self, document: XmlDocument, process: ET.Element, name: str) -> None:
        self.document = document
        self.process = process
        self.nodes = [Node(e) for e in children(process, "node")]
        self.by_name = {node.name: node for node in self.nodes}
        self.outgoing: dict[str, list[ET.Element]] = {}
        self.incoming: dict[str, list[ET.Element]] = {}
        self.links = children(process, "connection")
        for link in self.links:  # indexed once: per-component scans would make big jobs quadratic
            self.outgoing.setdefault(link.get("source", ""), []).append(link)
            self.incoming.setdefault(link.get("target", ""), []).append(link)
        self.integration = Integration(
            name=name, platform=PLATFORM, source=_source(document, process)
        )

    def read(self) -> Integration:
        job = self.integration
        self._job_settings()
        for context in children(self.process, "context"):
            job.variables.extend(
                _context(self.document, context, f"context {context.get('name', '')}")
            )
        for node in self._in_flow_order():
            self._component(node)
        self._error_links()
        if not job.triggers:
            job.triggers.append(
                Trigger(
                    kind=TriggerKind.MANUAL,
                    detail="no trigger component: run by hand, from a script or an external scheduler",
                    source=self.src(self.process),
                )
            )
        self._correlation()
        return job

    def _job_settings(self) -> None:
        params = children(self.process, "parameters")
        settings = Node(params[0]) if params else None
        if settings is None:
            return
        texts = [settings.value(k) for k in ("PURPOSE", "DESCRIPTION")]
        self.integration.description = " ".join(plain_value(t) for t in texts if t)
        for flag in ("ON_LOGCATCHER_FLAG", "ON_STATCATCHER_FLAG"):
            if settings.flag(flag):
                self.integration.error_handling.append(
                    ErrorHandling(
                        kind=ErrorHandlingKind.LOG,
                        detail=f"job settings: {flag}=true (stats & logs catch errors job-wide)",
                        source=self.src(settings.params[flag]),
                    )
                )
        self._secrets(settings, "job settings")

    def _in_flow_order(self) -> list[Node]:
        """Components ordered along the links (Kahn's algorithm), ties in document order."""
        position = {node.name: index for index, node in enumerate(self.nodes)}
        waiting = dict.fromkeys(position, 0)
        for link in self.links:
            source, target = link.get("source", ""), link.get("target", "")
            if source in position and target in waiting and source != target:
                waiting[target] += 1
        ready = [position[name] for name, count in waiting.items() if count == 0]
        heapq.heapify(ready)
        order: list[int] = []
        while ready:
            current = heapq.heappop(ready)
            order.append(current)
            for link in self.outgoing.get(self.nodes[current].name, []):
                target = link.get("target", "")
                if target in waiting and target != self.nodes[current].name:
                    waiting[target] -= 1
                    if waiting[target] == 0:
                        heapq.heappush(ready, position[target])
        placed = set(order)
        order += [index for index in range(len(self.nodes)) if index not in placed]  # cycles
        return [self.nodes[index] for index in dict.fromkeys(order)]

    def _component(self, node: Node) -> None:
        job = self.integration
        label = plain_value(node.value("LABEL"))
        detail = "" if not label or label.startswith("__") else label
        if node.value("ACTIVATE").strip().lower() == "false":
            detail = f"{detail} (deactivated)".strip()
        step = Step(
            name=node.name,
            component=node.component,
            kind=node.kind.step,
            detail=detail,
            source=self.src(node.element),
        )
        if node.kind.system:
            if node.flag("USE_EXISTING_CONNECTION") and node.value("CONNECTION"):
                step.connection = plain_value(node.value("CONNECTION"))
            else:
                step.connection = node.name
                job.connections.append(self._connection(node))
        job.steps.append(step)
        self._secrets(node, f"component {node.name}")
        self._errors(node)
        self._trigger(node)
        if node.component == "tRunJob":
            self._run_job(node)
        for node_data in children(node.element, "nodeData"):
            into = self.incoming.get(node.name, [])
            job.mappings.extend(read_mappings(self.document, node.name, node_data, into))
            for table, flag in reject_outputs(node_data):
                job.error_handling.append(
                    ErrorHandling(
                        kind=ErrorHandlingKind.ERROR_OUTPUT,
                        step=node.name,
                        detail=f"output {table.get('name', '')} catches rejects ({flag}=true)",
                        logs=_connected(self.outgoing.get(node.name, []), table.get("name", "")),
                        source=self.src(table),
                    )
                )

    def _connection(self, node: Node) -> Connection:
        system = node.kind.system
        endpoint, auth = "", ""
        if system == "database":
            url = node.value("URL")
            host, port = plain_value(node.value("HOST")), plain_value(node.value("PORT"))
            db = plain_value(node.value("DBNAME", "SID", "SERVICE_NAME", "DATABASE"))
            endpoint = (
                scrub_url(plain_value(url), drop_fragment=False)
                if url
                else host + (f":{port}" if port else "")
            )
            endpoint += f"/{db}" if db and not url else ""
            table = plain_value(node.value("TABLE"))
            endpoint = f"{endpoint} table {table}".strip() if table else endpoint
            auth = "user/password" if node.value("USER") else ""
        elif system == "http":
            url = node.value("URL", "URI", "ENDPOINT", "REST_ENDPOINT", "WSDL", "WFS_URL")
            endpoint = scrub_url(plain_value(url), drop_fragment=False)
            if node.flag("NEED_AUTH") or node.value("AUTH_TYPE"):
                auth = plain_value(node.value("AUTH_TYPE") or "basic").lower()
        elif system == "ftp":
            host, folder = plain_value(node.value("HOST")), plain_value(node.value("REMOTEDIR"))
            endpoint = (
                f"{host}{folder if folder.startswith('/') else '/' + folder if folder else ''}"
            )
            auth = "user/password" if node.value("USER") else ""
        elif system == "queue":
            server = plain_value(node.value("SERVER_URL", "BROKER_URL", "BROKER_LIST", "HOST"))
            topic = plain_value(node.value("TOPIC", "QUEUE", "TO", "DESTINATION", "QUEUE_NAME"))
            endpoint = scrub_url(server, drop_fragment=False) + (f" {topic}" if topic else "")
        elif system == "email":
            endpoint = plain_value(node.value("SMTP_HOST", "HOST"))
        else:
            endpoint = plain_value(node.value("FILENAME", "FILEPATH", "DIRECTORY", "FILE", "URI"))
        return Connection(
            name=node.name,
            connector=node.component,
            system_kind=system,
            endpoint=endpoint.strip(),
            auth=auth,
            direction=node.kind.direction,
            source=self.src(node.element),
        )

    def _secrets(self, node: Node, scope: str) -> None:
        headers = node.params.get("HEADERS")
        if headers is not None and headers.get("field") == "TABLE":
            self._header_secrets(node, headers, scope)
        for name, param in node.params.items():
            value = param.get("value", "")
            if param.get("field") in _SETTING_FIELDS or value.strip() in ("", '""'):
                continue
            if (
                is_secret_name(name, TALEND_WORDS) or param.get("field") == "PASSWORD"
            ) and node.active(name):
                self.integration.variables.append(
                    ContextVariable(
                        name=f"{node.name}.{name}" if node.component else name,
                        secret=True,
                        has_plain_value=holds_plain_secret(value, quoted=True),
                        scope=scope,
                        source=self.src(param),
                    )
                )

    def _header_secrets(self, node: Node, headers: ET.Element, scope: str) -> None:
        """HTTP headers that carry a credential (``Authorization``, ``X-API-Key``): name and line.

        The header's value is only judged literal or not (``"Bearer abc"`` against
        ``"Bearer " + context.token``), never kept.
        """
        for row in table_rows(headers):
            name_cell = next((row[c] for c in _HEADER_NAME if c in row), None)
            value_cell = next((row[c] for c in _HEADER_VALUE if c in row), None)
            if name_cell is None or value_cell is None:
                continue
            header = plain_value(name_cell.get("value", ""))
            value = value_cell.get("value", "")
            if not is_secret_name(header) or value.strip() in ("", '""'):
                continue
            self.integration.variables.append(
                ContextVariable(
                    name=f"{node.name}.HEADERS[{header}]",
                    secret=True,
                    has_plain_value=holds_plain_secret(value, quoted=True),
                    scope=f"{scope}, HTTP header",
                    source=self.src(value_cell),
                )
            )

    def _run_job(self, node: Node) -> None:
        named = [plain_value(node.value(k)) for k in ("PROCESS", "PROCESS:PROCESS_TYPE_PROCESS")]
        callee = next((n for n in named if n and not n.startswith("_")), named[0] or named[1])
        if node.flag("USE_DYNAMIC_JOB"):
            callee = f"dynamic: {plain_value(node.value('CONTEXT_JOB')) or callee}"
        self.integration.calls.append(
            JobCall(caller=self.integration.name, callee=callee, source=self.src(node.element))
        )

    def _correlation(self) -> None:
        for element in self.process.iter():
            name, value = element.get("name", ""), element.get("value", "")
            if local_name(element.tag) in (
                "elementParameter",
                "elementValue",
                "contextParameter",
            ) and (_CORRELATION.search(value) or _CORRELATION.search(name)):
                self.integration.passes_correlation_id = self.src(element)
                return


def _connected(links: list[ET.Element], output: str) -> bool:
    """A tMap output table is linked on to a component (its rows are kept somewhere)."""
    return bool(output) and any(link.get("metaname") == output for link in links)
