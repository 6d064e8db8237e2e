"""Walking a Workato recipe's step tree into steps, triggers, mappings, error handling, calls.

The tree is walked depth first in ``block`` order, which is the order the recipe
editor shows. Each step is classified from its ``keyword`` (control flow) or its
``provider`` and ``name`` (the connector and operation). Error handling is read
where Workato keeps it: ``catch`` blocks (with ``max_retry_count`` /
``retry_interval``), retry, timeout and ``on_error`` settings on a step or its input.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from designkit.assess.inventory import (
    Connection,
    ContextVariable,
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
)
from designkit.assess.readers.workato_expressions import (
    account_properties,
    is_plain_value,
    mapping_kind,
    render,
)
from designkit.assess.readers.workato_shapes import (
    CALL_OPS,
    CODE,
    CORRELATION,
    HTTP_OPS,
    NOT_MAPPINGS,
    PLATFORM,
    READ,
    RETURN_OPS,
    WRITE,
    callee_name,
    endpoint,
    inputs_of,
    number,
    objects,
    provider_name,
    retry_setting,
    system_kind,
    text,
    trigger_kind,
)
from designkit.assess.secrets import is_secret_name, scrub_url


@dataclass
class _Use:
    """What the recipe's steps do with one connection."""

    connection: Connection
    objects: list[str] = field(default_factory=list)
    directions: set[str] = field(default_factory=set)


class RecipeWalk:
    """Fills one :class:`Integration` from its ``code`` tree."""

    def __init__(
        self,
        integration: Integration,
        accounts: dict[str, Connection],
        display: str,
        lines: list[str],
    ) -> None:
        self.integration = integration
        self.accounts = accounts
        self.display = display
        self.lines = lines
        self.uses: dict[str, _Use] = {}
        self.properties: set[str] = set()
        self.try_starts: list[int] = []
        """Index in ``steps`` where each enclosing ``try`` began (its catch protects the rest)."""

    def walk(self, code: dict[str, Any]) -> None:
        self._node(code, try_name="")
        for provider, connection in self.accounts.items():
            if provider not in self.uses:
                self.uses[provider] = _Use(connection)
        for use in self.uses.values():
            update: dict[str, Any] = {}
            if use.objects and not use.connection.endpoint:
                update["endpoint"] = ", ".join(use.objects)
            if use.directions:
                update["direction"] = "/".join(d for d in ("read", "write") if d in use.directions)
            self.integration.connections.append(use.connection.model_copy(update=update))

    # -- the tree ---------------------------------------------------------

    def _node(self, node: dict[str, Any], try_name: str) -> None:
        keyword = text(node.get("keyword"))
        provider = provider_name(node.get("provider"))
        operation = text(node.get("name"))
        name = text(node.get("as")) or f"{keyword or 'step'} {text(node.get('number')) or '?'}"
        source = self._source(node)
        children = [child for child in node.get("block") or [] if isinstance(child, dict)]
        if keyword == "trigger":
            self._trigger(node, provider, operation, name, source)
        elif keyword == "action":
            self._action(node, provider, operation, name, source)
        elif keyword in ("if", "elsif", "else"):
            self._step(name, keyword, StepKind.ROUTE, source, self._conditions(node))
        elif keyword in ("foreach", "each", "repeat", "while_condition"):
            over = render(text(node.get("source") or (node.get("input") or {}).get("items")))
            self._step(
                name, keyword, StepKind.ROUTE, source, f"loop over {over}" if over else "loop"
            )
        elif keyword == "try":
            self._step(name, "try", StepKind.OTHER, source, "monitors the steps below for errors")
            self.try_starts.append(len(self.integration.steps))
            for child in children:
                self._node(child, try_name=name)
            self.try_starts.pop()
            return
        elif keyword == "catch":
            self._catch(node, name, children, try_name, source)
        elif keyword == "stop":
            self._stop(node, name, source)
        else:
            component = keyword or ".".join(part for part in (provider, operation) if part) or "?"
            self._step(
                name, component, StepKind.UNKNOWN, source, "not a step kind this reader knows"
            )
        self._error_settings(node, name, source)
        for child in children:
            self._node(child, try_name=try_name)

    def _trigger(
        self, node: dict[str, Any], provider: str, operation: str, name: str, source: Source
    ) -> None:
        component = f"{provider}.{operation}"
        inputs = inputs_of(node)
        kind, detail = trigger_kind(provider, operation, inputs)
        self.integration.triggers.append(Trigger(kind=kind, detail=detail, source=source))
        connection = self._use(provider, node, "read")
        self._step(name, component, StepKind.TRIGGER, source, detail, connection)

    def _action(
        self, node: dict[str, Any], provider: str, operation: str, name: str, source: Source
    ) -> None:
        inputs: dict[str, Any] = node["input"] if isinstance(node.get("input"), dict) else {}
        component = f"{provider}.{operation}" if provider else operation or "action"
        if not provider or not operation:
            self._step(name, component, StepKind.UNKNOWN, source, "action without connector")
            return
        detail, connection = "", ""
        if operation in CALL_OPS or (provider in PLATFORM and "call_recipe" in operation):
            kind = StepKind.SUBJOB
            callee = callee_name(inputs.get("flow_id"), node)
            self.integration.calls.append(
                JobCall(
                    caller=self.integration.name,
                    callee=callee,
                    synchronous="async" not in operation,
                    source=source,
                )
            )
            detail = f"calls recipe {callee}"
        elif operation in RETURN_OPS:
            kind, detail = StepKind.OTHER, "returns the result to the caller"
        elif provider == "logger":
            kind, detail = StepKind.LOG, render(text(inputs.get("message")))
        elif provider == "workato_variable" or provider in ("utility", "lookup_table"):
            kind = StepKind.TRANSFORM
            self._variables(node, inputs, name)
        elif provider in CODE:
            kind = StepKind.CODE
        elif (
            provider in ("http", "rest", "soap")
            or operation in HTTP_OPS
            or "adhoc_http" in operation
        ):
            kind = StepKind.CALL
            url = endpoint(inputs)
            detail = " ".join(
                part
                for part in (text(inputs.get("verb") or inputs.get("method")).upper(), url)
                if part
            )
            connection = self._use(provider, node, "read/write", url=url)
        else:
            if READ.match(operation) or "search" in operation:
                kind, direction = StepKind.READ, "read"
            elif WRITE.search(operation):
                kind, direction = StepKind.WRITE, "write"
            else:
                kind, direction = StepKind.CALL, "read/write"
            connection = self._use(provider, node, direction)
        self._step(name, component, kind, source, detail, connection)
        if kind is not StepKind.LOG and provider != "workato_variable":
            self._mappings(inputs, name, node, "")

    def _catch(
        self,
        node: dict[str, Any],
        name: str,
        children: list[dict[str, Any]],
        try_name: str,
        source: Source,
    ) -> None:
        actions = [
            ".".join(
                part
                for part in (provider_name(child.get("provider")), text(child.get("name")))
                if part
            )
            or text(child.get("keyword"))
            for child in children
        ]
        detail = "catch: " + (", ".join(actions) if actions else "does nothing")
        start = self.try_starts[-1] if self.try_starts else len(self.integration.steps)
        protected = [
            step.name
            for step in self.integration.steps[start:]
            if step.kind in (StepKind.READ, StepKind.WRITE, StepKind.CALL, StepKind.SUBJOB)
        ] or [try_name]
        self._step(name, "catch", StepKind.ERROR_HANDLER, source, detail)
        for step in protected:
            self.integration.error_handling.append(
                ErrorHandling(
                    kind=ErrorHandlingKind.ON_ERROR,
                    step=step,
                    detail=f"{detail} (catch {name} of {try_name})",
                    source=source,
                )
            )
        inputs = inputs_of(node)
        attempts = number(inputs.get("max_retry_count"))
        delay = number(inputs.get("retry_interval"))
        for step in protected if attempts else []:
            self.integration.error_handling.append(
                ErrorHandling(
                    kind=ErrorHandlingKind.RETRY,
                    step=step,
                    attempts=int(attempts or 0),
                    delay_seconds=delay,
                    detail=f"catch {name} retries {try_name} {int(attempts or 0)} times"
                    + (f", {delay:g} s apart" if delay is not None else ""),
                    source=self._source(inputs) if hasattr(inputs, "line") else source,
                )
            )

    def _stop(self, node: dict[str, Any], name: str, source: Source) -> None:
        inputs = inputs_of(node)
        with_error = text(inputs.get("stop_with_error")).lower() == "true"
        reason = render(text(inputs.get("stop_reason")))
        detail = "stops the job" + (" with an error" if with_error else "")
        self._step(
            name, "stop", StepKind.OTHER, source, f"{detail}: {reason}" if reason else detail
        )

    def _error_settings(self, node: dict[str, Any], name: str, source: Source) -> None:
        """Retry, timeout and on-error settings on a step or its input (a catch has its own)."""
        if node.get("keyword") == "catch":
            return
        places = [node]
        if isinstance(node.get("input"), dict):
            places.append(node["input"])
        for place in places:
            where = self._source(place) if hasattr(place, "line") else source
            attempts, delay = retry_setting(place)
            if attempts:
                self.integration.error_handling.append(
                    ErrorHandling(
                        kind=ErrorHandlingKind.RETRY,
                        step=name,
                        attempts=attempts,
                        delay_seconds=delay,
                        detail=f"step retries {attempts} times"
                        + (f", {delay:g} s apart" if delay is not None else ""),
                        source=where,
                    )
                )
            for key in ("timeout", "request_timeout", "timeout_seconds", "read_timeout"):
                seconds = number(place.get(key))
                if seconds:
                    self.integration.error_handling.append(
                        ErrorHandling(
                            kind=ErrorHandlingKind.TIMEOUT,
                            step=name,
                            timeout_seconds=seconds,
                            detail=f"{key} {seconds:g} s",
                            source=where,
                        )
                    )
            if place.get("on_error") not in (None, "", {}):
                handler = place["on_error"]
                shown = handler if isinstance(handler, str) else json.dumps(handler, sort_keys=True)
                self.integration.error_handling.append(
                    ErrorHandling(
                        kind=ErrorHandlingKind.ON_ERROR,
                        step=name,
                        detail=f"on_error: {render(shown)}",
                        source=where,
                    )
                )

    # -- facts ------------------------------------------------------------

    def _mappings(self, value: Any, step: str, owner: dict[str, Any], prefix: str) -> None:
        if not isinstance(value, dict):
            return
        for key, item in value.items():
            target = f"{prefix}.{key}" if prefix else str(key)
            if key in NOT_MAPPINGS or str(key).endswith("_schema_json"):
                continue
            if isinstance(item, dict):
                self._mappings(item, step, item, target)
                continue
            if isinstance(item, list) or item is None:
                continue
            expression = text(item)
            if expression == "":
                continue
            source = Source(file=self.display, line=self._key_line(owner, str(key)))
            for prop in account_properties(expression):
                self._property(prop, source)
            if self.integration.passes_correlation_id is None and CORRELATION.search(
                f"{key} {expression}"
            ):
                self.integration.passes_correlation_id = source
            kind = mapping_kind(expression) if isinstance(item, str) else MappingKind.CONSTANT
            shown = render(expression)
            if is_secret_name(str(key)) and is_plain_value(expression):
                shown = "(literal credential, not shown)"
                self.integration.variables.append(
                    ContextVariable(
                        name=target,
                        secret=True,
                        has_plain_value=True,
                        scope=f"input of step {step}",
                        source=source,
                    )
                )
            self.integration.mappings.append(
                FieldMapping(
                    source_expression=shown,
                    target_field=target,
                    kind=kind,
                    step=step,
                    source=source,
                )
            )

    def _variables(self, node: dict[str, Any], inputs: dict[str, Any], step: str) -> None:
        """Recipe variables declared with a value (``workato_variable.declare_variable``)."""
        variables = inputs.get("variables")
        data = variables.get("data") if isinstance(variables, dict) else None
        if not isinstance(data, dict):
            return
        for key, value in data.items():
            if isinstance(value, dict | list):
                continue
            raw = text(value)
            source = Source(file=self.display, line=self._key_line(data, str(key)))
            secret = is_secret_name(str(key))
            for prop in account_properties(raw):
                self._property(prop, source)
            self.integration.variables.append(
                ContextVariable(
                    name=str(key),
                    value="" if secret else render(raw),
                    secret=secret,
                    has_plain_value=secret and is_plain_value(raw),
                    scope=f"recipe variable ({step})",
                    source=source,
                )
            )

    def _property(self, name: str, source: Source) -> None:
        if name in self.properties:
            return
        self.properties.add(name)
        self.integration.variables.append(
            ContextVariable(
                name=name, secret=is_secret_name(name), scope="account property", source=source
            )
        )

    def _use(self, provider: str, node: dict[str, Any], direction: str, url: str = "") -> str:
        """Record that a step uses ``provider``'s connection; returns the connection's name."""
        if provider in PLATFORM and not url:
            return ""
        key = provider
        connection = self.accounts.get(provider)
        if connection is None:
            host = scrub_url(url, drop_fragment=True).split("/")[2] if "://" in url else ""
            key = f"{provider}:{host}" if host else provider
            connection = Connection(
                name=host or provider,
                connector=provider,
                system_kind="http" if url else system_kind(provider),
                source=self._source(node),
            )
        use = self.uses.setdefault(key, _Use(connection))
        use.directions.update(direction.split("/"))
        for found in objects(node, url):
            if found not in use.objects:
                use.objects.append(found)
        return use.connection.name

    def _step(
        self,
        name: str,
        component: str,
        kind: StepKind,
        source: Source,
        detail: str = "",
        connection: str = "",
    ) -> None:
        self.integration.steps.append(
            Step(
                name=name,
                component=component,
                kind=kind,
                connection=connection,
                detail=detail,
                source=source,
            )
        )

    def _conditions(self, node: dict[str, Any]) -> str:
        inputs = inputs_of(node)
        parts = []
        for condition in inputs.get("conditions") or []:
            if isinstance(condition, dict):
                parts.append(
                    " ".join(
                        render(text(condition.get(key)))
                        for key in ("lhs", "operand", "rhs")
                        if text(condition.get(key))
                    )
                )
        joiner = f" {text(inputs.get('operand')) or 'and'} "
        return joiner.join(parts)

    def _source(self, node: Any) -> Source:
        return Source(file=self.display, line=getattr(node, "line", 0))

    def _key_line(self, owner: Any, key: str) -> int:
        """The line of ``"key":`` in the object ``owner`` (its opening line if not found)."""
        start = getattr(owner, "line", 0)
        if not self.lines or start <= 0:
            return start
        needle = json.dumps(key)
        for index in range(start - 1, min(len(self.lines), start + 2000)):
            at = self.lines[index].find(needle)
            if at >= 0 and self.lines[index][at + len(needle) :].lstrip().startswith(":"):
                return index + 1
        return start
