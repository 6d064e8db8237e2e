"""Reliability & Resilience: the section that holds idempotency and disaster recovery.

No fields of its own.

PASS::

    ## Reliability

    ### Idempotency Strategy

FAIL::

    ## Milestones

    ### Milestone 4: Reliability
"""

from __future__ import annotations

from designkit.parse.readers.spec import SectionSpec

SPEC = SectionSpec(
    "reliability",
    "Reliability & Resilience",
    None,
    ("reliability and resilience", "reliability", "resilience"),
)
