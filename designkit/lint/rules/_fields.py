"""Field-name matching shared by the mapping rules."""

from __future__ import annotations


def field_root(name: str) -> str:
    """The top-level field a path names, lower-cased: ``line_items[].sku`` -> ``line_items``,
    ``shipping_address.city`` -> ``shipping_address``."""
    cleaned = name.strip().strip("`").strip()
    for mark in ("[", "."):
        cut = cleaned.find(mark)
        if cut > 0:
            cleaned = cleaned[:cut]
    return cleaned.lower()


def field_keys(name: str, entity: str | None) -> set[str]:
    """The keys under which a mapping target may name a canonical field."""
    cleaned = name.strip().strip("`").strip()
    keys = {cleaned.lower(), field_root(cleaned)}
    if entity and cleaned.lower().startswith(entity.lower() + "."):
        rest = cleaned[len(entity) + 1 :]
        keys.update({rest.lower(), field_root(rest)})
    return keys
