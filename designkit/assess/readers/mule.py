"""MuleSoft Mule 4 applications: every ``flow`` and ``sub-flow`` as an integration.

Mule 4 configuration files (``src/main/mule/*.xml``, root ``mule`` in the core
namespace) hold flows whose first element is the source (``http:listener``,
``scheduler``, ``jms:listener``...) followed by processors and scopes. This
reader walks them in order into the inventory model: connections resolved
through ``config-ref`` to the global elements of any file of the application
(:mod:`mule_app`), retries from ``until-successful`` and reconnection strategies,
error handlers (inline, referenced, or the application's default), DataWeave
mappings (:mod:`mule_dataweave`), and properties files as shared variables
(:mod:`mule_values`). Components it does not know are kept as unknown steps.
The per-element rules live in :mod:`mule_flow`.
"""

from __future__ import annotations

from pathlib import Path

from designkit.assess.errors import ExportError
from designkit.assess.inventory import ContextVariable, Source
from designkit.assess.readers import ExportContents
from designkit.assess.readers.mule_app import (
    CORE,
    GlobalConfig,
    is_mule_xml,
    load_app,
    mule_dir_of,
    src_main_dir_of,
)
from designkit.assess.readers.mule_components import config_connection
from designkit.assess.readers.mule_flow import FlowReader
from designkit.assess.readers.mule_values import read_properties, variable
from designkit.assess.secrets import is_secret_name
from designkit.assess.xml_source import local_name, parse_xml

_PROPERTY_SUFFIXES = {".properties", ".yaml", ".yml"}
_NOT_SYSTEMS = {"apikit", "ee", "os", "validation", "tls", "api-gateway", "secure-properties"}
_NOT_SYSTEMS |= {"json-logger", "spring", "scripting", "java", "batch", "tracking", "xml-module"}


def claims(path: Path, head: bytes) -> bool:
    """Mule configuration XML, or a properties file a ``configuration-properties`` names."""
    suffix = path.suffix.lower()
    if suffix == ".xml":
        return is_mule_xml(head) or mule_dir_of(path) is not None
    if suffix in _PROPERTY_SUFFIXES:
        resources = _resources_dir_of(path)
        if resources is None:
            return False
        xml_files = sorted((resources.parent / "mule").rglob("*.xml"))
        if not xml_files:
            return False
        return load_app(xml_files[0], str(xml_files[0])).claims_resource(path)
    return False


def read(path: Path, display: str) -> ExportContents:
    """One configuration file's flows, global connections and credentials, or one properties file."""
    if path.suffix.lower() in _PROPERTY_SUFFIXES:
        resources = _resources_dir_of(path)
        scope = path.resolve().relative_to(resources).as_posix() if resources else path.name
        return ExportContents(shared_variables=read_properties(path, display, scope))
    app = load_app(path, display)
    document = app.documents.get(path.resolve())
    if document is None or document.path != display:
        # Not indexed under the name this call cites it by: parse (and fail) under that name.
        document = parse_xml(path, display)
    if isinstance(document, ExportError):
        raise document
    root = document.root
    if (
        root.tag not in {f"{{{CORE}}}mule", f"{{{CORE}}}domain"}
        and local_name(root.tag) != "mule-domain"
    ):
        raise ExportError(
            f"not a Mule configuration: the root element is <{local_name(root.tag)}>, not <mule>",
            path=display,
            line=document.line(root),
        )
    contents = ExportContents()
    for element in root:
        kind = local_name(element.tag)
        if element.tag in {f"{{{CORE}}}flow", f"{{{CORE}}}sub-flow"}:
            contents.integrations.append(FlowReader(app, document, element).read())
        elif element.tag == f"{{{CORE}}}global-property":
            line = Source(file=display, line=document.line(element))
            name = element.attrib.get("name", "")
            value = element.attrib.get("value", "")
            contents.shared_variables.append(variable(name, value, "global-property", line))
        elif element.attrib.get("name") in app.configs and element.tag != f"{{{CORE}}}{kind}":
            config = app.configs[element.attrib["name"]]
            if config.document is document and not _is_local_config(config):
                contents.shared_connections.append(config_connection(app, config))
                contents.shared_variables.extend(_config_credentials(config, document.path))
    return contents


def _config_credentials(config: GlobalConfig, display: str) -> list[ContextVariable]:
    """Credential-like attributes of a global config: where they are, never their values."""
    found: list[ContextVariable] = []
    for element in config.element.iter():
        for attribute, value in element.attrib.items():
            if is_secret_name(attribute):
                source = Source(file=display, line=config.document.line(element))
                scope = f"{config.component} {config.name}"
                found.append(variable(f"{config.name}.{attribute}", value, scope, source))
    return found


def _is_local_config(config: GlobalConfig) -> bool:
    """Configs of in-process modules (APIkit, TLS, object store...), not systems."""
    return config.component.split(":", 1)[0] in _NOT_SYSTEMS


def _resources_dir_of(path: Path) -> Path | None:
    return src_main_dir_of(path, "resources")
