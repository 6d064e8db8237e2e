"""Red flags an export proves, with the codes of the assessment kit and the line that shows them.

Each rule reads the inventory, never the raw export, so it works the same for
every platform. A rule only speaks where the export is evidence: the absence of
a retry on a call the export lists is evidence (REL-01); the absence of
monitoring is not (platforms monitor outside their exports), so OPS-01 is never
raised here. Findings are :class:`~designkit.diagnostics.Diagnostic` objects
whose path and line are the export's, so every formatter designkit has prints
them. A secret's value is never part of a message: only its name and location.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from urllib.parse import urlsplit

from designkit.assess.inventory import (
    Connection,
    ContextVariable,
    ErrorHandlingKind,
    Integration,
    Inventory,
    MappingKind,
    Source,
    Step,
    StepKind,
)
from designkit.diagnostics import Diagnostic, Severity
from designkit.rubric.red_flags import red_flag

_SEVERITY = {"critical": Severity.ERROR, "high": Severity.WARNING, "medium": Severity.INFO}
_LOCAL_SYSTEMS = frozenset({"file", "local", "memory", "log", "variable"})
_CALL_KINDS = frozenset({StepKind.READ, StepKind.WRITE, StepKind.CALL})
_PLAIN_HTTP = frozenset({"http", "http4"})
"""Schemes of unencrypted HTTP (``http4`` is Apache Camel's, in Talend ESB routes)."""
_LOOPBACK = frozenset({"localhost", "127.0.0.1", "::1"})

Rule = Callable[[Integration], Iterator[Diagnostic]]


def finding(code: str, message: str, where: Source, integration: str = "") -> Diagnostic:
    """A red flag at ``where``, with the kit's severity for ``code``."""
    flag = red_flag(code)
    assert flag is not None, code
    return Diagnostic(
        code=code,
        severity=_SEVERITY.get(flag.severity, Severity.WARNING),
        message=f"{flag.meaning}: {message}",
        path=where.file,
        line=where.line,
        field=integration or None,
    )


def connection_of(integration: Integration, step: Step) -> Connection | None:
    for connection in integration.connections:
        if connection.name == step.connection:
            return connection
    return None


def external_calls(integration: Integration) -> list[Step]:
    """Steps that reach another system: reads, writes and calls over a non-local connection."""
    calls = []
    for step in integration.steps:
        if step.kind not in _CALL_KINDS:
            continue
        connection = connection_of(integration, step)
        kind = connection.system_kind if connection else ""
        if kind not in _LOCAL_SYSTEMS:
            calls.append(step)
    return calls


def _covers(integration: Integration, kind: ErrorHandlingKind, step: Step) -> bool:
    """A handler of ``kind`` for the step, its connection, or the whole integration."""
    names = {"", step.name, step.connection}
    return any(h.kind is kind and h.step in names for h in integration.error_handling)


def plain_credentials(variables: list[ContextVariable], owner: str = "") -> Iterator[Diagnostic]:
    for variable in variables:
        if variable.secret and variable.has_plain_value:
            scope = f" ({variable.scope})" if variable.scope else ""
            yield finding(
                "SEC-01",
                f"{variable.name}{scope} holds a literal value (not printed); move it to a vault "
                "or the platform's secured properties",
                variable.source,
                owner,
            )


def _sec01(integration: Integration) -> Iterator[Diagnostic]:
    yield from plain_credentials(integration.variables, integration.name)


def _sec02(integration: Integration) -> Iterator[Diagnostic]:
    for connection in integration.connections:
        parts = urlsplit(connection.endpoint)
        if parts.scheme.lower() in _PLAIN_HTTP:
            host = parts.hostname or ""
            if host in _LOOPBACK:
                continue
            yield finding(
                "SEC-02",
                f"{connection.name} calls {connection.endpoint} over plain HTTP",
                connection.source,
                integration.name,
            )


def _rel01(integration: Integration) -> Iterator[Diagnostic]:
    for step in external_calls(integration):
        if not _covers(integration, ErrorHandlingKind.RETRY, step):
            yield finding(
                "REL-01",
                f"step {step.name} ({step.component}) has no retry in the export",
                step.source,
                integration.name,
            )


def _rel04(integration: Integration) -> Iterator[Diagnostic]:
    kept = any(
        h.kind is ErrorHandlingKind.DEAD_LETTER
        or (h.kind is ErrorHandlingKind.ERROR_OUTPUT and h.logs)
        for h in integration.error_handling
    )  # a dead-letter target, or an error output that keeps the failed rows (a reject store)
    if kept or not external_calls(integration):
        return
    yield finding(
        "REL-04",
        f"{integration.name} keeps no failed record for reprocessing (no dead-letter target "
        "or error store in the export)",
        integration.source,
        integration.name,
    )


def _ops04(integration: Integration) -> Iterator[Diagnostic]:
    for handler in integration.error_handling:
        if handler.continues and not handler.logs:
            where = f" of {handler.step}" if handler.step else ""
            yield finding(
                "OPS-04",
                f"the error handler{where} goes on without logging or keeping the failed "
                f"record ({handler.detail or handler.kind.value})",
                handler.source,
                integration.name,
            )


def _ops03(integration: Integration) -> Iterator[Diagnostic]:
    if integration.passes_correlation_id is None and external_calls(integration):
        yield finding(
            "OPS-03",
            f"{integration.name} passes no correlation id to the systems it calls",
            integration.source,
            integration.name,
        )


def _arc02(integration: Integration) -> Iterator[Diagnostic]:
    calls = [s for s in external_calls(integration) if s.kind is StepKind.CALL]
    chained = calls + [s for s in integration.steps if s.kind is StepKind.SUBJOB]
    if len(chained) < 2:
        return
    untimed = [s for s in chained if not _covers(integration, ErrorHandlingKind.TIMEOUT, s)]
    if len(untimed) == len(chained):
        names = ", ".join(s.name for s in chained[:4]) + (" ..." if len(chained) > 4 else "")
        yield finding(
            "ARC-02",
            f"{len(chained)} synchronous calls in a chain ({names}) and none has a timeout",
            chained[0].source,
            integration.name,
        )


def _arc03(integration: Integration) -> Iterator[Diagnostic]:
    databases = {c.name: c for c in integration.connections if c.system_kind == "database"}
    reads = [s for s in integration.steps if s.kind is StepKind.READ and s.connection in databases]
    writes = [
        s for s in integration.steps if s.kind is StepKind.WRITE and s.connection in databases
    ]
    if reads and writes and any(r.connection != w.connection for r in reads for w in writes):
        yield finding(
            "ARC-03",
            f"{integration.name} reads database {reads[0].connection} and writes database "
            f"{writes[0].connection} directly, coupling both systems to each other's schema",
            writes[0].source,
            integration.name,
        )


def _dat03(integration: Integration) -> Iterator[Diagnostic]:
    mappings = integration.mappings
    complex_kinds = {MappingKind.FORMULA, MappingKind.LOOKUP, MappingKind.CONDITIONAL}
    complex_count = sum(1 for m in mappings if m.kind in complex_kinds)
    if len(mappings) >= 4 and complex_count * 2 > len(mappings):
        yield finding(
            "DAT-03",
            f"{complex_count} of {len(mappings)} mapped fields use formulas, lookups or conditions",
            mappings[0].source,
            integration.name,
        )


RULES: tuple[Rule, ...] = (_sec01, _sec02, _rel01, _rel04, _ops03, _ops04, _arc02, _arc03, _dat03)


def integration_flags(integration: Integration) -> list[Diagnostic]:
    """Every red flag the export proves for one integration, in file and line order."""
    found = [diagnostic for rule in RULES for diagnostic in rule(integration)]
    return sorted(found, key=Diagnostic.sort_key)


def inventory_flags(inventory: Inventory) -> list[Diagnostic]:
    """Red flags of every integration plus plain credentials in shared context and properties."""
    found = list(plain_credentials(inventory.shared_variables))
    for integration in inventory.integrations:
        found.extend(integration_flags(integration))
    return sorted(found, key=Diagnostic.sort_key)
