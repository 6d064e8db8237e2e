"""Many distinct order events for the event-driven sample's generated project, some poison.

The crash-safety and scale-out tests need the same input: records shaped like the
project's ``data/sample.jsonl``, each with its own event id (the entity key), and every
``poison_every``-th one failing entity validation.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path

KEY_SOURCE = "X-Shopify-Webhook-Id (header)"  # maps directly to the entity key event_id


def write_events(
    project: Path, path: Path, count: int, poison_every: int
) -> tuple[set[str], set[str]]:
    """Write ``count`` records to ``path``; returns (good keys, poison keys)."""
    lines = (project / "data" / "sample.jsonl").read_text(encoding="utf-8").splitlines()
    templates = [json.loads(line) for line in lines if line.strip()]
    good: set[str] = set()
    poison: set[str] = set()
    with path.open("w", encoding="utf-8") as handle:
        for number, template in zip(range(count), itertools.cycle(templates), strict=False):
            key = f"evt-{number:06d}"
            record = {
                **template,
                KEY_SOURCE: key,
                "id": f"order-{number}",
                "name": f"#T-{number}",
                "email": f"user{number}@example.com",
            }
            if number % poison_every == poison_every - 1:
                record["current_subtotal_price"] = "not a number"  # fails entity validation
                poison.add(key)
            else:
                good.add(key)
            handle.write(json.dumps(record) + "\n")
    return good, poison
