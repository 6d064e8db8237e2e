"""Encryption: in transit, at rest, and where the secrets are kept.

Labelled lines, read whole. Written straight under ``## Security``, a line counts
only when it talks about encryption, TLS, keys or secrets (:data:`SPEC` topic).

PASS::

    ## Security Design

    ### Encryption

    - **In transit**: TLS 1.2+
    - **At rest**: AES-256 via the cloud KMS

FAIL (DK201)::

    ## Security Design

    ### Encryption

    - **In transit**: [TLS version]
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from designkit.parse.readers._prose import labelled_fields
from designkit.parse.readers.spec import SectionSpec, Topic

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader

KEY = "security.encryption"

SPEC = SectionSpec(
    KEY,
    "Encryption",
    "security",
    ("encryption", "data protection"),
    topic=Topic(
        (
            "in transit",
            "at rest",
            "encryption",
            "secrets",
            "secret management",
            "secrets management",
            "key management",
        ),
        re.compile(
            r"encrypt|\btls\b|\bssl\b|https|\baes\b|\bkms\b|\bhsm\b|vault|secret|cipher|"
            r"at\s+rest|in\s+transit|key\s+management|certificate",
            re.IGNORECASE,
        ),
    ),
)

FIELDS = (
    ("in_transit", ("in transit", "transit", "transport")),
    ("at_rest", ("at rest", "rest", "storage")),
    (
        "secrets",
        ("secrets", "secret management", "secrets management", "key management", "keys"),
    ),
)


def read(doc: Reader) -> dict[str, Any]:
    return labelled_fields(doc, KEY, KEY, FIELDS)
