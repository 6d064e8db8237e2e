"""The parts of a Mule configuration that are not processors: systems, endpoints, timing.

Split from :mod:`mule_flow` so that the walk over processors stays readable: what a
global config connects to (endpoint without credentials, auth method), what queue
or table an operation names, a scheduler's cadence, and the timeouts and
reconnection strategies an operation inherits from its config.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from designkit.assess.inventory import (
    Connection,
    ErrorHandling,
    ErrorHandlingKind,
    FieldMapping,
    Source,
)
from designkit.assess.readers.mule_app import GlobalConfig, MuleApp
from designkit.assess.readers.mule_dataweave import script_mappings, unwrap_brackets
from designkit.assess.secrets import scrub_url
from designkit.assess.xml_source import XmlDocument, local_name

SYSTEMS = {
    "http": "http", "wsc": "http", "db": "database", "file": "file", "ftp": "ftp", "sftp": "ftp",
    "smb": "file", "jms": "queue", "amqp": "queue", "vm": "queue", "anypoint-mq": "queue",
    "kafka": "queue", "email": "email", "salesforce": "application", "sockets": "application",
}  # fmt: skip
_TIME_UNITS = {
    "MILLISECONDS": 0.001,
    "SECONDS": 1.0,
    "MINUTES": 60.0,
    "HOURS": 3600.0,
    "DAYS": 86400.0,
}


def config_connection(app: MuleApp, config: GlobalConfig) -> Connection:
    """The system a global config connects to, its endpoint cleaned of credentials."""
    prefix = config.component.split(":", 1)[0]
    system = SYSTEMS.get(prefix, "application")
    if prefix == "http":
        endpoint = http_endpoint(app, config, "")
    else:
        url = (
            config.attribute("url")
            or config.attribute("brokerUrl")
            or config.attribute("brokerHost")
            or config.attribute("bootstrapServers")
        )
        host, port = config.attribute("host"), config.attribute("port")
        database = config.attribute("database") or config.attribute("databaseName")
        endpoint = url or ":".join(part for part in (host, port) if part)
        endpoint = f"{endpoint}/{database}" if database and not url else endpoint
    return Connection(
        name=config.name, connector=config.component, system_kind=system,
        endpoint=scrub_url(app.resolve(endpoint), drop_fragment=False), auth=_auth(config),
        source=config.source,
    )  # fmt: skip


def http_endpoint(app: MuleApp, config: GlobalConfig | None, path: str) -> str:
    if config is None:
        return path
    if config.attribute("url"):
        return scrub_url(app.resolve(config.attribute("url") + path), drop_fragment=False)
    protocol = (config.attribute("protocol") or "HTTP").lower()
    host, port = config.attribute("host"), config.attribute("port")
    base = config.element.attrib.get("basePath", "")
    address = f"{protocol}://{host}" + (f":{port}" if port else "")
    joined = "/" + "/".join(part.strip("/") for part in (base, path) if part.strip("/"))
    return scrub_url(app.resolve(address + (joined if joined != "/" else "")), drop_fragment=False)


def _auth(config: GlobalConfig) -> str:
    for element in config.element.iter():
        local = local_name(element.tag)
        if (
            local.endswith("-authentication")
            or "grant-type" in local
            or "oauth" in local
            or "jwt" in local
        ):
            return local.replace("-authentication", "").replace("-connection", "")
    if config.attribute("username") or config.attribute("user"):
        return "username/password"
    return ""


def destination(app: MuleApp, element: ET.Element) -> str:
    """Queue, topic, exchange, object, table or path an operation or source names."""
    attrs = element.attrib
    for key in (
        "destination",
        "queueName",
        "topic",
        "topics",
        "exchangeName",
        "objectType",
        "type",
    ):
        if attrs.get(key):
            return app.resolve(attrs[key])
    for child in element.iter():
        if local_name(child.tag) == "routing-key" and child.attrib.get("value"):
            return app.resolve(child.attrib["value"])
        if local_name(child.tag) == "sql" and child.text:
            match = re.search(r"\b(?:from|into|update|table)\s+([\w.\"`\[\]]+)", child.text, re.I)
            if match:
                return "table " + match.group(1)
    for key in ("path", "directory", "url"):
        if attrs.get(key):
            return scrub_url(app.resolve(attrs[key]), drop_fragment=False)
    return ""


def operation_detail(app: MuleApp, element: ET.Element, local: str) -> str:
    target = destination(app, element)
    method = element.attrib.get("method", "")
    return " ".join(part for part in (method, target) if part)


def cadence(scheduler: ET.Element) -> str:
    for strategy in scheduler.iter():
        local = local_name(strategy.tag)
        if local == "fixed-frequency":
            frequency = strategy.attrib.get("frequency", "60000")
            unit = strategy.attrib.get("timeUnit", "MILLISECONDS").lower()
            delay = strategy.attrib.get("startDelay")
            return f"every {frequency} {unit}" + (f" (start delay {delay})" if delay else "")
        if local == "cron":
            zone = strategy.attrib.get("timeZone")
            return f"cron {strategy.attrib.get('expression', '')}" + (f" ({zone})" if zone else "")
    return "scheduler without a scheduling strategy"


def is_doc(element: ET.Element) -> bool:
    return element.tag.startswith("{http://www.mulesoft.org/schema/mule/documentation}")


def number(text: str) -> bool:
    return bool(re.fullmatch(r"\d+(?:\.\d+)?", text.strip()))


def timeouts(app: MuleApp, doc: XmlDocument, element: ET.Element, step: str) -> list[ErrorHandling]:
    """Timeouts set on an operation, its config or its connection (``responseTimeout``...)."""
    found: list[ErrorHandling] = []
    config = app.configs.get(element.attrib.get("config-ref", ""))
    holders: list[tuple[ET.Element, XmlDocument]] = [(element, doc)]
    if config is not None:
        holders += [(config.element, config.document)]
        holders += [(config.connection, config.document)] if config.connection is not None else []
    for holder, document in holders:
        for attribute, raw in holder.attrib.items():
            if not attribute.lower().endswith("timeout") or "idle" in attribute.lower():
                continue
            value = app.resolve(raw)
            default_unit = "SECONDS" if attribute == "queryTimeout" else "MILLISECONDS"
            unit = holder.attrib.get(f"{attribute}Unit", default_unit).upper()
            seconds = float(value) * _TIME_UNITS.get(unit, 0.001) if number(value) else None
            found.append(
                ErrorHandling(
                    kind=ErrorHandlingKind.TIMEOUT, step=step, timeout_seconds=seconds,
                    detail=f"{attribute}={raw} ({unit.lower()})",
                    source=Source(file=document.path, line=document.line(holder)),
                )
            )  # fmt: skip
    return found


def reconnections(
    app: MuleApp, doc: XmlDocument, element: ET.Element, step: str
) -> list[ErrorHandling]:
    """Reconnection strategies of an operation or of the connection it uses: retry on connect."""
    found: list[ErrorHandling] = []
    config = app.configs.get(element.attrib.get("config-ref", ""))
    places = [(element, doc, "operation")]
    if config is not None:
        places.append((config.element, config.document, f"connection {config.name}"))
    for holder, document, where in places:
        for strategy in holder.iter():
            local = local_name(strategy.tag)
            if local not in {"reconnect", "reconnect-forever"}:
                continue
            count = strategy.attrib.get("count", "2" if local == "reconnect" else "")
            frequency = strategy.attrib.get("frequency", "2000")
            found.append(
                ErrorHandling(
                    kind=ErrorHandlingKind.RETRY, step=step,
                    attempts=int(count) if count.isdigit() else None,
                    delay_seconds=float(frequency) / 1000 if number(frequency) else None,
                    detail=f"{local} on connect ({where}): count={count or 'forever'}, "
                    f"frequency={frequency} ms",
                    source=Source(file=document.path, line=document.line(strategy)),
                )
            )  # fmt: skip
    return found


def transform_mappings(
    app: MuleApp, doc: XmlDocument, element: ET.Element, step: str
) -> tuple[list[FieldMapping], str]:
    """An ``ee:transform``'s mappings (inline scripts or ``resource=`` files) and what it sets."""
    parts: list[str] = []
    mappings: list[FieldMapping] = []
    for part in element.iter():
        local = local_name(part.tag)
        if local == "set-payload":
            target = "payload"
        elif local == "set-variable":
            target = "vars." + part.attrib.get("variableName", "")
        elif local == "set-attributes":
            target = "attributes"
        else:
            continue
        resource = part.attrib.get("resource", "")
        text, file, first_line = part.text or "", doc.path, doc.line(part)
        if resource:
            parts.append(f"{target} from {resource}")
            script = app.resources / resource
            if not script.is_file():
                continue
            text = script.read_text(encoding="utf-8", errors="replace")
            file, first_line = app.display(script), 1
        else:
            parts.append(f"{target} from an inline script")
        for found in script_mappings(text, target):
            line = first_line + text.count("\n", 0, found.offset)
            mappings.append(
                FieldMapping(
                    source_expression=found.expression, target_field=found.target, kind=found.kind,
                    step=step, source=Source(file=file, line=line),
                )
            )  # fmt: skip
    return mappings, "; ".join(parts)


def sql_parameter_mappings(doc: XmlDocument, element: ET.Element, step: str) -> list[FieldMapping]:
    """``db:input-parameters``: which value fills each ``:name`` of the SQL."""
    mappings: list[FieldMapping] = []
    for part in element:
        if local_name(part.tag) != "input-parameters" or not part.text:
            continue
        text = part.text
        for found in script_mappings(unwrap_brackets(text), "params"):
            line = doc.line(part) + text.count("\n", 0, found.offset)
            mappings.append(
                FieldMapping(
                    source_expression=found.expression, target_field=found.target, kind=found.kind,
                    step=step, source=Source(file=doc.path, line=line),
                )
            )  # fmt: skip
    return mappings
