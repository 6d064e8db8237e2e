"""Monitoring & Observability: the section that holds logging, metrics and dashboards.

No fields of its own. ``Monitoring`` and ``Observability`` each name it alone,
but a plan item such as ``### Week 5: Multi-Store & Observability`` never does,
and never repeats it.

PASS::

    ## Monitoring and Observability

    ### Metrics

FAIL::

    ## Plan

    ### Week 5: Multi-Store & Observability
"""

from __future__ import annotations

from designkit.parse.readers.spec import SectionSpec

SPEC = SectionSpec(
    "observability",
    "Monitoring & Observability",
    None,
    ("monitoring and observability", "monitoring", "observability"),
)
