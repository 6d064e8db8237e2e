"""Error Handling Strategy: the section that holds retries, the DLQ and the circuit breaker.

No fields of its own. Its sub-sections are often written as labelled lines
straight under it, with no sub-heading; each then takes only the lines that talk
about it (see each module's topic), so a ``**Recovery**:`` line about reconnecting
is not read as the DLQ's reprocessing.

PASS::

    ## Error Handling

    ### Retry Logic

FAIL::

    ## Overview

    ### Step 4: Error Handling
"""

from __future__ import annotations

from designkit.parse.readers.spec import SectionSpec

SPEC = SectionSpec(
    "error_handling",
    "Error Handling Strategy",
    None,
    ("error handling strategy", "error handling", "exception handling"),
)
