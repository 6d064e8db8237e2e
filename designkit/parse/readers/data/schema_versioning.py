"""Schema Versioning Strategy: how the data's schema changes without breaking consumers.

Read from labelled lines (approach, evolution rules, compatibility mode). The
compatibility mode is one of the contract's (forward, backward, full, none);
``None`` is that mode, written as a word, not a placeholder, while ``N/A`` says
the field does not apply.

PASS::

    ## Data Design

    ### Schema Versioning Strategy

    - **Approach**: Semantic versions in the event envelope
    - **Compatibility**: Backward

PASS::

    ## Data Design

    ### Schema Versioning Strategy

    - **Compatibility**: None

FAIL (DK202)::

    ## Data Design

    ### Schema Versioning Strategy

    - **Compatibility**: Sideways
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.model import Compatibility
from designkit.parse.readers._prose import carried_over
from designkit.parse.readers.spec import SectionSpec, Topic
from designkit.parse.tables import find_label

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "data.schema_versioning"

SPEC = SectionSpec(
    KEY,
    "Schema Versioning Strategy",
    "data",
    ("schema versioning", "versioning strategy", "schema evolution"),
    topic=Topic(
        ("versioning", "compatibility", "compatibility mode", "schema", "evolution"),
        re.compile(
            r"version|schema|compatib|evolution|semver|registry|avro|protobuf|breaking",
            re.IGNORECASE,
        ),
    ),
)

COMPATIBILITY = {
    "forward": Compatibility.FORWARD,
    "backward": Compatibility.BACKWARD,
    "backwards": Compatibility.BACKWARD,
    "full": Compatibility.FULL,
    "none": Compatibility.NONE,
}


def read(doc: Reader) -> dict[str, Any]:
    labels = doc.labels(KEY)
    out: dict[str, Any] = {}
    for name, aliases in (
        ("approach", ("approach", "versioning", "scheme")),
        ("evolution", ("evolution", "rules", "policy")),
    ):
        found = find_label(labels, aliases)
        if found is not None:
            value = carried_over(doc, KEY, found.item, found.value)
            out[name] = doc.text(value, f"{KEY}.{name}", found.line, found.column)
    found = find_label(labels, ("compatibility", "compatibility mode"))
    if found is not None and _says_none(found.value):
        # 'None' is one of the contract's compatibility modes, not a placeholder
        doc.at(f"{KEY}.compatibility", found.line, found.column)
        out["compatibility"] = Compatibility.NONE
    elif found is not None:
        out["compatibility"] = doc.enum(
            found.value,
            COMPATIBILITY,
            "compatibility",
            f"{KEY}.compatibility",
            found.line,
            found.column,
        )
    return out


def _says_none(text: str) -> bool:
    """``None``, ``**None**``, ``none.``: the word itself, which ``N/A`` is not."""
    return text.strip().strip("*_`").strip().rstrip(".").lower() == "none"
