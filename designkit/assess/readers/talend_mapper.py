"""tMap field mappings: ``nodeData`` output and variable tables, lookups told apart from main input.

A tMap's first input table is its main flow; every further input table is a
lookup (Talend also draws the lookup link with ``lineStyle="8"``, the
FLOW_REF connection type, or names it ``LOOKUP``). A mapping expression that
reads a lookup table's column is a lookup; the rest is judged by
:func:`designkit.assess.readers.talend_parts.mapping_kind`. Output tables
marked ``reject`` / ``rejectInnerJoin`` / ``isErrorRejectTable`` are reported
by the job reader as error outputs, not here.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from designkit.assess.inventory import FieldMapping, Source
from designkit.assess.readers.talend_parts import mapping_kind
from designkit.assess.xml_source import XmlDocument, local_name


def lookup_tables(node_data: ET.Element, links_in: list[ET.Element]) -> set[str]:
    """Input tables after the first, and flows drawn into the tMap as lookups."""
    inputs = [t.get("name", "") for t in node_data if local_name(t.tag) == "inputTables"]
    found = set(inputs[1:])
    for link in links_in:
        if link.get("lineStyle") == "8" or link.get("connectorName") == "LOOKUP":
            found.add(link.get("label") or link.get("metaname") or "")
    return found - {""}


def read_mappings(
    document: XmlDocument, step: str, node_data: ET.Element, links_in: list[ET.Element]
) -> list[FieldMapping]:
    """The tMap's mappings; ``links_in`` are the links drawn into it."""
    lookups = lookup_tables(node_data, links_in)
    mappings: list[FieldMapping] = []
    for table in node_data:
        if local_name(table.tag) not in ("varTables", "outputTables"):
            continue
        for entry in table:
            expression = entry.get("expression", "")
            if local_name(entry.tag) != "mapperTableEntries" or not expression.strip():
                continue
            mappings.append(
                FieldMapping(
                    source_expression=expression,
                    target_field=f"{table.get('name', '')}.{entry.get('name', '')}",
                    kind=mapping_kind(expression, lookups),
                    step=step,
                    source=Source(file=document.path, line=document.line(entry)),
                )
            )
    return mappings


def reject_outputs(node_data: ET.Element) -> list[tuple[ET.Element, str]]:
    """Output tables that catch rejected rows, with the flag that makes them so."""
    found = []
    for table in node_data:
        if local_name(table.tag) != "outputTables":
            continue
        for flag in ("reject", "rejectInnerJoin", "isErrorRejectTable", "errorRejectTable"):
            if table.get(flag, "").lower() == "true":
                found.append((table, flag))
                break
    return found
