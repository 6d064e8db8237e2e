"""One Mule flow walked in order: source, processors, scopes, error handlers.

Only elements known to be processors or scopes are descended into; the children
of an operation are its parameters (``http:headers``, ``db:sql``), not steps.
Everything a processor can tell an assessor is recorded where it is found: the
connection behind its ``config-ref``, its timeouts and reconnection strategy,
the retry of an enclosing ``until-successful``, a publish to a dead-letter queue
inside an error handler.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace

from designkit.assess.inventory import (
    Connection,
    ErrorHandling,
    ErrorHandlingKind,
    FieldMapping,
    Integration,
    JobCall,
    MappingKind,
    Source,
    Step,
    StepKind,
    Trigger,
    TriggerKind,
)
from designkit.assess.readers.mule_app import CORE, DOC_NAME, MuleApp
from designkit.assess.readers.mule_components import (
    SYSTEMS,
    cadence,
    config_connection,
    destination,
    http_endpoint,
    is_doc,
    number,
    operation_detail,
    reconnections,
    sql_parameter_mappings,
    timeouts,
    transform_mappings,
)
from designkit.assess.readers.mule_dataweave import (
    classify,
    unwrap,
)
from designkit.assess.xml_source import XmlDocument, local_name, prefix_of

_DLQ = re.compile(r"dlq|dead|error|fail|poison|parking|reject", re.I)
_CORRELATION = re.compile(r"\bcorrelationId\b|x-correlation-id", re.I)
_SOURCE_NAME = re.compile(r"listener$|subscriber$|^on-|^listen|^subscribe")
_CONTAINERS = {"when", "otherwise", "route", "batch:process-records", "batch:on-complete"}
_CORE_KINDS = {
    "set-variable": StepKind.TRANSFORM,
    "set-payload": StepKind.TRANSFORM,
    "remove-variable": StepKind.TRANSFORM,
    "parse-template": StepKind.TRANSFORM,
    "logger": StepKind.LOG,
    "flow-ref": StepKind.SUBJOB,
    "choice": StepKind.ROUTE,
    "foreach": StepKind.ROUTE,
    "parallel-foreach": StepKind.ROUTE,
    "scatter-gather": StepKind.ROUTE,
    "first-successful": StepKind.ROUTE,
    "round-robin": StepKind.ROUTE,
    "async": StepKind.ROUTE,
    "idempotent-message-validator": StepKind.ROUTE,
    "try": StepKind.OTHER,
    "until-successful": StepKind.OTHER,
    "raise-error": StepKind.OTHER,
}
_SCOPES = {"choice", "foreach", "parallel-foreach", "scatter-gather", "first-successful"}
_SCOPES |= {
    "round-robin",
    "async",
    "try",
    "until-successful",
    "ee:cache",
    "batch:job",
    "batch:step",
}
_READS = re.compile(
    r"^(?:select|query|query-single|query-all|retrieve|read|list|consume|get|search)"
)
_WRITES = re.compile(
    r"^(?:insert|update|upsert|delete|bulk|create|write|copy|move|rename|publish|send)"
)
_LOCAL_KINDS = {"ee": StepKind.TRANSFORM, "scripting": StepKind.CODE, "java": StepKind.CODE}
_LOCAL_KINDS |= {"validation": StepKind.ROUTE, "os": StepKind.OTHER, "tracking": StepKind.LOG}
_LOCAL_KINDS |= {
    "batch": StepKind.OTHER,
    "apikit": StepKind.ROUTE,
    "xml-module": StepKind.TRANSFORM,
}
_LOCAL_KINDS |= {"json": StepKind.TRANSFORM, "compression": StepKind.TRANSFORM}
_LOCAL_KINDS |= {"json-logger": StepKind.LOG}


@dataclass(frozen=True)
class _Scope:
    error_path: str = ""
    asynchronous: bool = False


class FlowReader:
    """Reads one ``flow`` or ``sub-flow`` element into an :class:`Integration`."""

    def __init__(self, app: MuleApp, document: XmlDocument, flow: ET.Element) -> None:
        self.app = app
        self.doc = document
        self.flow = flow
        self.kind = local_name(flow.tag)
        name = flow.attrib.get("name", "")
        self.out = Integration(
            name=name,
            platform="mule",
            description=f"Mule {self.kind} in application {app.name}",
            source=self._src(flow),
        )

    def read(self) -> Integration:
        children = [child for child in self.flow if not is_doc(child)]
        if self.kind == "flow" and children and self._is_source(children[0]):
            self._source(children[0])
            children = children[1:]
        else:
            self._called_trigger()
        has_handler = any(child.tag == f"{{{CORE}}}error-handler" for child in children)
        self._walk(children, _Scope())
        if self.kind == "flow" and not has_handler and self.app.default_error_handler:
            self._global_handler(self.app.default_error_handler, "default error handler")
        self._correlation()
        return self.out

    # -- helpers -------------------------------------------------------------------------------
    def _src(self, element: ET.Element) -> Source:
        return Source(file=self.doc.path, line=self.doc.line(element))

    def _component(self, element: ET.Element) -> str:
        prefix = prefix_of(element.tag, self.doc)
        local = local_name(element.tag)
        return local if element.tag.startswith(f"{{{CORE}}}") else f"{prefix}:{local}"

    def _step(
        self, element: ET.Element, kind: StepKind, detail: str = "", connection: str = ""
    ) -> Step:
        component = self._component(element)
        name = element.attrib.get(DOC_NAME) or element.attrib.get("name") or component
        step = Step(
            name=name, component=component, kind=kind, connection=connection,
            detail=detail, source=self._src(element),
        )  # fmt: skip
        self.out.steps.append(step)
        return step

    def _handling(
        self, kind: ErrorHandlingKind, element: ET.Element, detail: str, **more: object
    ) -> None:
        entry = ErrorHandling.model_validate(
            {"kind": kind, "detail": detail, "source": self._src(element), **more}
        )
        self.out.error_handling.append(entry)

    def _is_source(self, element: ET.Element) -> bool:
        if element.tag == f"{{{CORE}}}scheduler":
            return True
        return not element.tag.startswith(f"{{{CORE}}}") and bool(
            _SOURCE_NAME.search(local_name(element.tag))
        )

    # -- triggers ------------------------------------------------------------------------------
    def _source(self, element: ET.Element) -> None:
        component = self._component(element)
        prefix = component.split(":", 1)[0] if ":" in component else ""
        local = local_name(element.tag)
        if component == "scheduler":
            kind, detail = TriggerKind.SCHEDULE, cadence(element)
        elif component == "http:listener":
            kind = TriggerKind.WEBHOOK
            config = self.app.configs.get(element.attrib.get("config-ref", ""))
            endpoint = http_endpoint(self.app, config, element.attrib.get("path", ""))
            methods = element.attrib.get("allowedMethods", "any method")
            detail = f"{methods} {endpoint}"
        else:
            polling = prefix in {"file", "ftp", "sftp", "smb"} or local.startswith("on-")
            kind = TriggerKind.POLLING if polling else TriggerKind.EVENT
            detail = f"{component} {destination(self.app, element)}".strip()
            if any(local_name(child.tag) == "scheduling-strategy" for child in element):
                detail += f", {cadence(element)}"
        self.out.triggers.append(Trigger(kind=kind, detail=detail, source=self._src(element)))
        connection = self._connection(element, "read") if "config-ref" in element.attrib else ""
        step = self._step(element, StepKind.TRIGGER, detail, connection)
        self._reconnection(element, step)
        for response in element.iter():
            if local_name(response.tag) == "error-response":
                status = response.attrib.get("statusCode", "")
                self._handling(
                    ErrorHandlingKind.ERROR_OUTPUT, response,
                    f"HTTP error response to the caller (status {status or 'default 500'})",
                )  # fmt: skip

    def _called_trigger(self) -> None:
        name = self.out.name
        callers = sorted(set(self.app.callers.get(name, [])))
        config = name.rsplit(":", 1)[-1] if ":" in name else ""
        if callers:
            detail = "flow-ref from " + ", ".join(callers)
            kind = TriggerKind.CALLED
        elif config in self.app.apikit_routers:
            detail = (
                f"APIkit router in {self.app.apikit_routers[config]} ({name.rsplit(':', 1)[0]})"
            )
            kind = TriggerKind.CALLED
        else:
            kind = TriggerKind.UNKNOWN
            detail = f"{self.kind} without a source; no flow-ref or APIkit route to it in this application"
        self.out.triggers.append(Trigger(kind=kind, detail=detail, source=self._src(self.flow)))

    # -- processors ----------------------------------------------------------------------------
    def _walk(self, elements: list[ET.Element], scope: _Scope) -> list[Step]:
        steps: list[Step] = []
        for element in elements:
            if is_doc(element):
                continue
            if self._component(element) in _CONTAINERS:
                steps += self._walk(list(element), scope)
            elif element.tag == f"{{{CORE}}}error-handler":
                self._error_handler(element, "")
            elif element.tag.startswith(f"{{{CORE}}}"):
                steps += self._core(element, scope)
            else:
                steps += self._operation(element, scope)
        return steps

    def _core(self, element: ET.Element, scope: _Scope) -> list[Step]:
        local = local_name(element.tag)
        kind = _CORE_KINDS.get(local, StepKind.UNKNOWN)
        attrs = element.attrib
        detail = scope.error_path
        if local == "set-variable":
            target = "vars." + attrs.get("variableName", "")
            self._mapping(attrs.get("value", ""), target, element)
        elif local == "set-payload":
            self._mapping(attrs.get("value", ""), "payload", element)
        elif local == "logger":
            detail = " ".join(f"{scope.error_path} {attrs.get('message', '')}".split())[:200]
            if scope.error_path:
                self._handling(ErrorHandlingKind.LOG, element, f"logs in {scope.error_path}")
        elif local == "raise-error":
            detail = f"raises {attrs.get('type', '')}"
        elif local == "flow-ref":
            callee = attrs.get("name", "")
            detail = f"calls {callee}"
            call = JobCall(
                caller=self.out.name, callee=callee,
                synchronous=not scope.asynchronous, source=self._src(element),
            )  # fmt: skip
            self.out.calls.append(call)
            if scope.error_path and _DLQ.search(callee):
                self._handling(ErrorHandlingKind.DEAD_LETTER, element, f"flow-ref to {callee}")
        elif local in {"choice"}:
            detail = "; ".join(
                f"when {w.attrib.get('expression', '')}"
                for w in element
                if local_name(w.tag) == "when"
            )
        elif local in {"foreach", "parallel-foreach"}:
            detail = f"over {attrs.get('collection', 'payload')}"
        elif local == "try":
            detail = (
                f"transaction {attrs['transactionalAction']}"
                if "transactionalAction" in attrs
                else ""
            )
        step = self._step(element, kind, detail)
        steps = [step]
        if local in _SCOPES:
            inner = replace(scope, asynchronous=scope.asynchronous or local == "async")
            contained = self._walk(list(element), inner)
            steps += contained
            if local == "until-successful":
                self._until_successful(element, step, contained)
        return steps

    def _operation(self, element: ET.Element, scope: _Scope) -> list[Step]:
        component = self._component(element)
        prefix, _, local = component.partition(":")
        system = SYSTEMS.get(prefix)
        if system is not None:
            if _READS.match(local):
                kind, direction = StepKind.READ, "read"
            elif _WRITES.match(local) or (prefix == "db" and local.startswith("execute")):
                kind, direction = StepKind.WRITE, "write"
            else:
                kind, direction = StepKind.CALL, "read/write"
            if prefix in {"http", "wsc"} or local == "publish-consume":
                kind, direction = StepKind.CALL, "read/write"
            elif local in {"ack", "nack", "reject", "recover-session"}:
                kind, direction = StepKind.OTHER, ""
        else:
            kind, direction = _LOCAL_KINDS.get(prefix, StepKind.UNKNOWN), ""
        detail = " ".join(
            f"{scope.error_path} {operation_detail(self.app, element, local)}".split()
        )
        connection = ""
        if "config-ref" in element.attrib and prefix not in _LOCAL_KINDS:
            connection = self._connection(element, direction)
        step = self._step(element, kind, detail, connection)
        steps = [step]
        if component == "ee:transform":
            self._transform(element, step)
        elif prefix == "db":
            self._sql_parameters(element, step)
        elif component == "apikit:router":
            self._apikit_calls(element)
        elif component == "vm:publish":
            listener = self.app.vm_listeners.get(element.attrib.get("queueName", ""))
            if listener:
                self.out.calls.append(
                    JobCall(
                        caller=self.out.name, callee=listener, synchronous=False, source=step.source
                    )
                )
        if system is not None:
            self._timeouts(element, step)
            self._reconnection(element, step)
            target = destination(self.app, element)
            if scope.error_path and kind == StepKind.WRITE and _DLQ.search(target):
                self._handling(
                    ErrorHandlingKind.DEAD_LETTER,
                    element,
                    f"{component} to {target}",
                    step=step.name,
                )
        if component in _SCOPES:
            steps += self._walk(list(element), scope)
        return steps

    def _apikit_calls(self, element: ET.Element) -> None:
        config = element.attrib.get("config-ref", "")
        for flow in sorted(self.app.flows):
            if flow.endswith(f":{config}") and flow != self.out.name:
                call = JobCall(caller=self.out.name, callee=flow, source=self._src(element))
                self.out.calls.append(call)

    # -- connections, timeouts, retries ---------------------------------------------------------
    def _connection(self, element: ET.Element, direction: str) -> str:
        name = element.attrib.get("config-ref", "")
        config = self.app.configs.get(name)
        if config is not None:
            connection = config_connection(self.app, config)
        else:
            component = self._component(element)
            system = SYSTEMS.get(component.split(":", 1)[0], "application")
            connection = Connection(
                name=name, connector=component, system_kind=system, source=self._src(element)
            )
        for known in self.out.connections:
            if known.name == name:
                if direction and known.direction and known.direction != direction:
                    known.direction = "read/write"
                return name
        connection.direction = direction
        self.out.connections.append(connection)
        return name

    def _timeouts(self, element: ET.Element, step: Step) -> None:
        self.out.error_handling += timeouts(self.app, self.doc, element, step.name)

    def _reconnection(self, element: ET.Element, step: Step) -> None:
        self.out.error_handling += reconnections(self.app, self.doc, element, step.name)

    def _until_successful(self, element: ET.Element, step: Step, contained: list[Step]) -> None:
        retries = element.attrib.get("maxRetries", "5")
        delay = element.attrib.get("millisBetweenRetries", "60000")
        external = {StepKind.CALL, StepKind.READ, StepKind.WRITE, StepKind.UNKNOWN}
        protected = [inner for inner in contained if inner.kind in external] or [step]
        for inner in protected:
            self._handling(
                ErrorHandlingKind.RETRY, element,
                f"until-successful: maxRetries={retries}, millisBetweenRetries={delay}",
                step=inner.name, attempts=int(retries) if retries.isdigit() else None,
                delay_seconds=float(delay) / 1000 if number(delay) else None,
            )  # fmt: skip

    # -- error handlers ----------------------------------------------------------------------
    def _error_handler(self, handler: ET.Element, origin: str) -> None:
        if "ref" in handler.attrib:
            self._global_handler(handler.attrib["ref"], "error handler")
            return
        for on_error in handler:
            local = local_name(on_error.tag)
            if local not in {"on-error-continue", "on-error-propagate"}:
                continue
            error_type = on_error.attrib.get("type", "ANY")
            when = on_error.attrib.get("when", "")
            label = f"{local} {error_type}" + (f" when {when}" if when else "")
            inner = self._walk(list(on_error), _Scope(error_path=f"on error ({label}):"))
            actions = ", ".join(step.component for step in inner) or (
                "nothing (error logged by Mule)"
                if on_error.attrib.get("logException", "true") != "false"
                else "nothing, not even a log"
            )
            outcome = (
                "error handled, the flow ends normally"
                if local.endswith("continue")
                else "error propagated to the caller"
            )
            prefix = f"{origin}: " if origin else ""
            self._handling(
                ErrorHandlingKind.ON_ERROR, on_error, f"{prefix}{label}: {actions}; {outcome}"
            )

    def _global_handler(self, name: str, origin: str) -> None:
        found = self.app.error_handlers.get(name)
        if found is None:
            detail = f"{origin} {name} (not found in this application)"
            self._handling(ErrorHandlingKind.ON_ERROR, self.flow, detail)
            return
        document, handler = found
        saved, self.doc = self.doc, document
        try:
            self._error_handler(handler, f"{origin} {name}")
        finally:
            self.doc = saved

    # -- mappings and correlation ----------------------------------------------------------------
    def _mapping(self, expression: str, target: str, element: ET.Element) -> None:
        if not expression:
            return
        # Outside ``#[...]`` a Mule attribute is a literal string, whatever it looks like.
        is_expression = expression.strip().startswith("#[")
        kind = classify(expression) if is_expression else MappingKind.CONSTANT
        self.out.mappings.append(
            FieldMapping(
                source_expression=unwrap(expression), target_field=target, kind=kind,
                step=element.attrib.get(DOC_NAME, local_name(element.tag)), source=self._src(element),
            )
        )  # fmt: skip

    def _transform(self, element: ET.Element, step: Step) -> None:
        mappings, described = transform_mappings(self.app, self.doc, element, step.name)
        self.out.mappings += mappings
        step.detail = " ".join(f"{step.detail} {described}".split())

    def _sql_parameters(self, element: ET.Element, step: Step) -> None:
        self.out.mappings += sql_parameter_mappings(self.doc, element, step.name)

    def _correlation(self) -> None:
        for element in self.flow.iter():
            if local_name(element.tag) == "logger":
                continue
            for attribute, value in element.attrib.items():
                if attribute == "sendCorrelationId" and value.upper() != "NEVER":
                    self.out.passes_correlation_id = self._src(element)
                    return
                if attribute != DOC_NAME and _CORRELATION.search(value):
                    self.out.passes_correlation_id = self._src(element)
                    return
            if element.text and _CORRELATION.search(element.text):
                self.out.passes_correlation_id = self._src(element)
                return
