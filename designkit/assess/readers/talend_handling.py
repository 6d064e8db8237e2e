"""How a Talend job behaves when things go wrong, and what starts it.

Split from :mod:`designkit.assess.readers.talend` (which walks the job and its
components) so that each module stays readable: here are the die-on-error,
timeout and retry settings of components, the retry loops built from tLoop and
tSleep, tDie / tWarn / tLogCatcher, ESB route error handlers, reject and error
links, and the trigger a component makes (tRESTRequest, tFileWait, a queue
input, the first component of a route).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from designkit.assess.inventory import (
    ErrorHandling,
    ErrorHandlingKind,
    Integration,
    Source,
    StepKind,
    Trigger,
    TriggerKind,
)
from designkit.assess.readers.talend_parts import (
    ComponentKind,
    classify,
    endpoint_system,
    number,
    plain_value,
    route_trigger,
)
from designkit.assess.secrets import scrub_url
from designkit.assess.xml_source import XmlDocument, local_name

_RETRY = re.compile(r"RETR(Y|IES)|ATTEMPTS|TRY_TIMES|MAXIMUM_REDELIVERIES", re.IGNORECASE)
_DELAY = re.compile(r"(RETRY|REDELIVERY)_?(DELAY|INTERVAL|WAIT)", re.IGNORECASE)
_MILLISECONDS = {("tFileFetch", "TIMEOUT")}
"""Timeouts that Talend counts in milliseconds although their names do not say so."""


def children(element: ET.Element, name: str) -> list[ET.Element]:
    return [child for child in element if local_name(child.tag) == name]


def table_rows(param: ET.Element) -> list[dict[str, ET.Element]]:
    """The rows of a TABLE parameter, each as column name -> its ``elementValue``.

    Talend writes a table as one flat list of ``elementValue`` cells, row after
    row in column order; a row ends where a column comes round again.
    """
    rows: list[dict[str, ET.Element]] = []
    for cell in children(param, "elementValue"):
        column = cell.get("elementRef", "")
        if not rows or column in rows[-1]:
            rows.append({})
        rows[-1][column] = cell
    return rows


class Node:
    """One component: its name, kind and parameters (first of each name, with its element)."""

    def __init__(self, element: ET.Element) -> None:
        self.element = element
        self.component = element.get("componentName", "")
        self.params: dict[str, ET.Element] = {}
        for param in children(element, "elementParameter"):
            self.params.setdefault(param.get("name", ""), param)
        self.name = self.value("UNIQUE_NAME") or self.component
        self.kind = classify(self.component)
        if self.component == "cMessagingEndpoint":
            system = endpoint_system(plain_value(self.value("URI")))
            self.kind = ComponentKind(StepKind.CALL, system, "read/write") if system else self.kind

    def value(self, *names: str) -> str:
        """The first of ``names`` that has a non-empty value, as written (a Java expression)."""
        for name in names:
            param = self.params.get(name)
            if param is not None and param.get("value", "").strip() not in ("", '""'):
                return param.get("value", "")
        return ""

    def flag(self, name: str) -> bool:
        return self.value(name).strip().lower() == "true"

    def active(self, name: str) -> bool:
        """False when the option a parameter belongs to is switched off.

        Components keep the defaults of options not in use (tFileFetch holds
        ``SMB_PASSWORD="password"`` while fetching over HTTP); such values are
        not settings of the job. The option is told by the name's prefix.
        """
        prefix = name.split("_", 1)[0] if "_" in name else ""
        if not prefix:
            return True
        gates = [f"USE_{prefix}", f"NEED_{prefix}", f"{prefix}_ENABLED", f"USE_{prefix}_AUTH"]
        if prefix == "AUTH":
            gates += ["NEED_AUTH", "USE_AUTH", "USE_AUTHENTICATION"]
        for gate in gates:
            param = self.params.get(gate)
            if param is not None and param.get("value", "").strip().lower() == "false":
                return False
        protocol = self.value("PROTO", "PROTOCOL").strip().lower()
        return not (
            protocol
            and prefix.lower() in ("smb", "ftp", "sftp", "http")
            and protocol != prefix.lower()
        )


class JobBehaviour:
    """Error handling and triggers of one job; mixed into the job reader."""

    document: XmlDocument
    integration: Integration
    nodes: list[Node]
    links: list[ET.Element]
    outgoing: dict[str, list[ET.Element]]
    incoming: dict[str, list[ET.Element]]
    by_name: dict[str, Node]

    def src(self, element: ET.Element) -> Source:
        return Source(file=self.document.path, line=self.document.line(element))

    def _errors(self, node: Node) -> None:
        handling = self.integration.error_handling
        for name, param in node.params.items():
            raw, at = param.get("value", ""), self.src(param)
            if "DIE_ON" in name and raw.strip().lower() in ("true", "false"):
                stops = raw.strip().lower() == "true"
                what = (
                    "stops the job on the first error" if stops else "errors skipped, job goes on"
                )
                # With die-on-error off Talend's generated code prints the error to stderr
                # and skips the row: the failure is logged, the record itself is not kept.
                handling.append(
                    ErrorHandling(
                        kind=ErrorHandlingKind.DIE_ON_ERROR,
                        step=node.name,
                        detail=f"{name}={raw.strip().lower()}: {what}",
                        continues=not stops,
                        logs=not stops,
                        source=at,
                    )
                )
            elif "TIMEOUT" in name and (seconds := number(raw)) is not None:
                in_ms = (node.component, name) in _MILLISECONDS or re.search(r"_MS\b|MILLI", name)
                scale = 1000.0 if in_ms else 1.0
                handling.append(
                    ErrorHandling(
                        kind=ErrorHandlingKind.TIMEOUT,
                        step=node.name,
                        timeout_seconds=seconds / scale,
                        detail=f"{name}={plain_value(raw)}"
                        + (" (0: no timeout)" if seconds == 0 else ""),
                        source=at,
                    )
                )
            elif _RETRY.search(name) and param.get("field") != "CHECK" and (n := number(raw)):
                handling.append(self._retry(node, name, int(n), at))
        fixed = {
            "tDie": (
                ErrorHandlingKind.ON_ERROR,
                "tDie stops the job: {MESSAGE} (exit code {CODE})",
            ),
            "tWarn": (ErrorHandlingKind.LOG, "tWarn logs a warning: {MESSAGE}"),
            "tLogCatcher": (
                ErrorHandlingKind.ON_ERROR,
                "tLogCatcher catches the job's exceptions, tDie and tWarn",
            ),
            "tStatCatcher": (
                ErrorHandlingKind.LOG,
                "tStatCatcher records the job's run statistics",
            ),
            "cOnException": (ErrorHandlingKind.ON_ERROR, "onException {EXCEPTIONS}"),
        }
        if node.component in fixed:
            kind, text = fixed[node.component]
            words = {k: plain_value(node.value(k)) for k in ("MESSAGE", "CODE", "EXCEPTIONS")}
            handling.append(
                ErrorHandling(
                    kind=kind,
                    step=node.name,
                    detail=text.format(**words),
                    source=self.src(node.element),
                )
            )
        if node.component == "cErrorHandler" and "DEAD" in node.value("ERROR_HANDLER").upper():
            channel = scrub_url(plain_value(node.value("URI")), drop_fragment=False)
            handling.append(
                ErrorHandling(
                    kind=ErrorHandlingKind.DEAD_LETTER,
                    step=node.name,
                    detail=f"dead letter channel {channel}",
                    source=self.src(node.element),
                )
            )
        if node.component == "tLoop":
            self._loop_retry(node)

    def _retry(self, node: Node, name: str, attempts: int, at: Source) -> ErrorHandling:
        delay_name = next((n for n in node.params if _DELAY.search(n)), "")
        delay = number(node.value(delay_name)) if delay_name else None
        if delay is not None and ("REDELIVERY" in delay_name or "_MS" in delay_name):
            delay /= 1000.0  # Camel counts redelivery delays in milliseconds
        return ErrorHandling(
            kind=ErrorHandlingKind.RETRY,
            step=node.name,
            attempts=attempts,
            delay_seconds=delay,
            detail=f"{name}={attempts}"
            + (f", {delay_name}={node.value(delay_name)}" if delay_name else ""),
            source=at,
        )

    def _loop_retry(self, node: Node) -> None:
        """A tLoop is a retry when the job says so (its label or condition names retries/attempts)."""
        words = " ".join(
            plain_value(node.value(k)) for k in ("LABEL", "CONDITION", "TO", "DECLARATION")
        )
        if not re.search(r"retr|attempt|tries|success", words + " " + node.name, re.IGNORECASE):
            return
        loop_for = node.value("FORLOOP").lower() != "false" and node.value("TO")
        start, end = number(node.value("FROM")), number(node.value("TO"))
        step = number(node.value("STEP")) or 1.0
        attempts = (
            int((end - start) / step) + 1
            if loop_for and start is not None and end is not None
            else None
        )
        sleeps = [n for n in self._reachable(node.name) if n.component == "tSleep"]
        delay = number(sleeps[0].value("PAUSE")) if sleeps else None
        self.integration.error_handling.append(
            ErrorHandling(
                kind=ErrorHandlingKind.RETRY,
                step=",".join(self._targets(node.name, "ITERATE")) or node.name,
                attempts=attempts,
                delay_seconds=delay,
                detail=" ".join(
                    [
                        f"{node.name} ({plain_value(node.value('LABEL')) or 'loop'})",
                        f"runs {attempts} times" if attempts else "loops while a condition holds",
                        f"; {sleeps[0].name} pauses {sleeps[0].value('PAUSE')} s" if sleeps else "",
                    ]
                ).strip(),
                source=self.src(node.element),
            )
        )

    def _targets(self, source: str, connector: str = "") -> list[str]:
        return [
            link.get("target", "")
            for link in self.outgoing.get(source, [])
            if not connector or link.get("connectorName") == connector
        ]

    def _reachable(self, start: str) -> list[Node]:
        seen, todo = {start}, [start]
        while todo:
            for target in self._targets(todo.pop()):
                if target not in seen:
                    seen.add(target)
                    todo.append(target)
        seen.discard(start)
        return [self.by_name[name] for name in sorted(seen) if name in self.by_name]

    def _trigger(self, node: Node) -> None:
        kind, detail = None, ""
        if node.component == "tRESTRequest":
            routes = [
                v.get("value", "")
                for v in node.element.iter()
                if v.get("elementRef") in ("HTTP_VERB", "URI_PATTERN")
            ]
            pairs = [
                " ".join(plain_value(x) for x in routes[i : i + 2])
                for i in range(0, len(routes), 2)
            ]
            kind = TriggerKind.WEBHOOK
            detail = " ".join(
                [plain_value(node.value("REST_ENDPOINT")), *[p for p in pairs if p]]
            ).strip()
        elif node.component in ("tFileWait", "tWaitForFile"):
            kind = TriggerKind.POLLING
            where = plain_value(node.value("DIRECTORY", "FILENAME"))
            mask = plain_value(node.value("FILEMASK"))
            wait = plain_value(node.value("WAIT", "FREQUENCY"))
            detail = f"waits for {where}{'/' + mask if mask else ''}" + (
                f" every {wait} s" if wait else ""
            )
        elif node.kind.step is StepKind.TRIGGER and node.kind.system == "queue":
            kind = TriggerKind.EVENT
            topic = node.value("TOPIC", "QUEUE", "TO", "DESTINATION", "QUEUE_NAME")
            detail = f"{node.component} consumes {plain_value(topic)}" if topic else node.component
        elif self._starts_route(node):
            uri = plain_value(node.value("URI"))
            found = route_trigger(node.component, uri)
            if found:
                kind = TriggerKind(found[0])
                period = plain_value(node.value("PERIOD", "CRON_EXPRESSION", "CRON"))
                detail = scrub_url(uri, drop_fragment=False) or plain_value(
                    node.value("URL", "PATH")
                )
                detail = (
                    f"every {period} ms"
                    if node.component == "cTimer" and period
                    else detail or period
                )
        if kind is not None:
            self.integration.triggers.append(
                Trigger(kind=kind, detail=detail, source=self.src(node.element))
            )

    def _starts_route(self, node: Node) -> bool:
        """A Camel component with links going out and none coming in begins its route."""
        if not node.component.startswith("c") or node.kind.step is StepKind.ERROR_HANDLER:
            return False
        return bool(self.outgoing.get(node.name)) and not self.incoming.get(node.name)

    def _error_links(self) -> None:
        handling = self.integration.error_handling
        for link in self.links:
            connector = link.get("connectorName", "")
            source, target = link.get("source", ""), link.get("target", "")
            if connector == "REJECT" or connector.endswith("_REJECT"):
                kind, detail = ErrorHandlingKind.ERROR_OUTPUT, f"{connector} rows go to {target}"
            elif connector in ("COMPONENT_ERROR", "SUBJOB_ERROR", "ROUTE_CATCH"):
                kind, detail = ErrorHandlingKind.ON_ERROR, f"{connector}: on error runs {target}"
            else:
                continue
            kept = kind is ErrorHandlingKind.ERROR_OUTPUT  # reject rows flow on to a component
            handling.append(
                ErrorHandling(
                    kind=kind, step=source, detail=detail, logs=kept, source=self.src(link)
                )
            )
