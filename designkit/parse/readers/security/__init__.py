"""Security Design: the section that holds authentication, encryption and the audit trail.

No fields of its own. ``Security`` names it among other words (``## Security
Considerations``), but only at the top of the document: ``### Row Level Security
(RLS)`` inside it is its content, not a second security section.

PASS::

    ## Security Considerations

    ### Authentication

FAIL::

    ## Data Access

    ### Row Level Security (RLS)
"""

from __future__ import annotations

from designkit.parse.readers.spec import SectionSpec

SPEC = SectionSpec(
    "security", "Security Design", None, ("security design", "security", "security and compliance")
)
