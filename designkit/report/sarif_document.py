"""The SARIF 2.1.0 document ``designkit score`` and ``designkit lint`` both write.

One run of designkit: the driver names the project (``informationUri``) and lists the
rules; each result points at a file through :class:`~designkit.report.sarif_locations.Artifacts`
and carries a partial fingerprint that survives line moves, so code scanning tracks a
finding across runs.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from designkit.project import REPOSITORY_URL
from designkit.report.sarif_locations import Artifacts, physical_location
from designkit.text_safety import safe_json

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def fingerprint(rule_id: str, uri: str, field: str | None) -> str:
    """Stable across runs and line moves: the same criterion on the same value of the same file."""
    key = "\x1f".join((rule_id, uri, field or ""))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def then(sentence: str, more: str) -> str:
    """``sentence`` closed with a full stop unless it has one, then ``more``."""
    return sentence + ("" if sentence.endswith((".", "!", "?")) else ".") + more


def located_result(
    artifacts: Artifacts,
    *,
    rule_id: str,
    index: int,
    level: str,
    text: str,
    path: str,
    line: int,
    column: int = 0,
    fingerprint_name: str,
    fingerprint_field: str | None,
) -> dict[str, Any]:
    """A result of the rule ``rule_id`` (``index`` in the run's rules) at a line of
    ``path``, fingerprinted by the rule, the file and ``fingerprint_field``. Callers
    add ``properties`` and whatever else their results carry, in that order."""
    location = physical_location(artifacts, path, line, column)
    uri = artifacts.key(location["physicalLocation"]["artifactLocation"])
    return {
        "ruleId": rule_id,
        "ruleIndex": index,
        "level": level,
        "message": {"text": text},
        "locations": [location],
        "partialFingerprints": {fingerprint_name: fingerprint(rule_id, uri, fingerprint_field)},
    }


def sarif_document(
    rules: list[dict[str, Any]],
    results: list[dict[str, Any]],
    artifacts: Artifacts,
    tool_version: str,
    properties: dict[str, Any],
) -> dict[str, Any]:
    """The one SARIF document ``score`` and ``lint`` both write: one run of designkit."""
    driver: dict[str, Any] = {
        "name": "designkit",
        "informationUri": REPOSITORY_URL,
        "rules": rules,
    }
    if tool_version:
        driver["version"] = tool_version
    return {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {"driver": driver},
                "originalUriBaseIds": artifacts.original_uri_base_ids(),
                "results": results,
                "columnKind": "unicodeCodePoints",
                "properties": properties,
            }
        ],
    }


def sarif_text(document: dict[str, Any]) -> str:
    """The document as the file holds it: indented JSON, text-safe, one final newline."""
    return safe_json(json.dumps(document, indent=2, ensure_ascii=False)) + "\n"
