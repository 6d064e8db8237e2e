"""Deployment & CI/CD: how a change reaches production, and how it is taken back.

Labelled lines, read whole. A rollback sentence that says how fast
(``Redeploy the previous image within 10 minutes``) also gives
``rollback_within_seconds``, which the reliability checks compare with the RTO.

PASS::

    ## Deployment & CI/CD

    - **Strategy**: Blue-green
    - **Rollback**: Switch traffic back within 5 minutes

FAIL (DK201)::

    ## Deployment & CI/CD

    - **Strategy**: [Blue-green | Canary | Rolling]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.parse import values as v
from designkit.parse.readers._prose import labelled_fields
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

SPEC = SectionSpec(
    "deployment",
    "Deployment & CI/CD",
    None,
    ("deployment and ci cd", "deployment", "ci cd", "release strategy"),
)

FIELDS = (
    ("strategy", ("strategy", "deployment strategy", "release strategy")),
    ("pipeline", ("pipeline", "ci cd", "ci cd pipeline")),
    ("rollback", ("rollback", "roll back")),
    ("environments", ("environment promotion", "environments", "promotion")),
)

WITHIN = re.compile(r"\b(?:within|in under|in|under)\s+(\d+(?:\.\d+)?\s*[a-zA-Z]+)", re.IGNORECASE)
"""How fast a rollback is said to be: ``within 10 minutes`` (the renderer reads it too)."""


def read(doc: Reader) -> dict[str, Any]:
    out = labelled_fields(doc, "deployment", "deployment", FIELDS)
    rollback = out.get("rollback")
    if isinstance(rollback, str):
        match = WITHIN.search(rollback)
        if match is not None:
            line, column = doc.locations.get("deployment.rollback", (0, 1))
            out["rollback_within_seconds"] = doc.convert(
                match.group(1),
                v.parse_duration,
                "deployment.rollback_within_seconds",
                line,
                column,
            )
    return out
