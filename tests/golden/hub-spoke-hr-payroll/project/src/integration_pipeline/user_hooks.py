"""Your code: the mappings the design describes in prose.

designkit created this file once and never touches it again. Every mapping with
`transformation: hook` in config/pipeline.yaml calls transform() below with the
source record, the target field's name and the value at the mapping's source
field; the design's Notes column (quoted in config/pipeline.yaml) says what each
should do.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def transform(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
    """Return the value for target_field. Until you write it, the source value passes
    through unchanged, so `run` works on day one."""
    return source_value
