"""Safe names made from document text.

Names in a design (integration, entity, fields, scenarios) end up in file names,
package metadata and configuration keys. They are free text written by people,
so every one goes through here first: the result is plain ASCII, never a path
separator, ``..``, a Python keyword or a dunder.
"""

from __future__ import annotations

import keyword
import re
import unicodedata

SLUG_MAX = 63
IDENTIFIER_MAX = 64


def _ascii_words(text: str, *, camel: bool = True) -> list[str]:
    """Split text into lower-case ASCII words; accents are folded, other letters dropped."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    if camel:  # camelCase -> camel Case so OrderEvent becomes order_event
        folded = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", folded)
    return [word for word in re.split(r"[^A-Za-z0-9]+", folded.lower()) if word]


def integration_slug(name: str | None) -> str:
    """Lower-kebab project name (``^[a-z][a-z0-9-]{0,62}$``); ``integration`` when nothing is left."""
    words = _ascii_words(name or "", camel=False)
    while words and not words[0][0].isalpha():
        words.pop(0)
    slug = "-".join(words)[:SLUG_MAX].rstrip("-")
    return slug or "integration"


def snake_name(text: str | None, *, fallback: str = "field") -> str:
    """A snake_case Python identifier: ASCII, not a keyword, no leading underscore."""
    name = "_".join(_ascii_words(text or ""))[:IDENTIFIER_MAX].rstrip("_")
    if not name:
        name = fallback
    if name[0].isdigit():
        name = f"{fallback}_{name}"[:IDENTIFIER_MAX]
    if keyword.iskeyword(name) or keyword.issoftkeyword(name):
        name = f"{name}_"
    return name


class NameMap:
    """Unique identifiers for a set of document names, remembering the originals.

    Two document names that fold to the same identifier (``Order ID`` and
    ``order_id``) get ``_2``, ``_3`` suffixes so no field silently replaces another.
    """

    def __init__(self, fallback: str = "field") -> None:
        self._fallback = fallback
        self._by_original: dict[str, str] = {}
        self.originals: dict[str, str] = {}

    def add(self, original: str | None) -> str:
        key = original or ""
        if key in self._by_original:
            return self._by_original[key]
        base = snake_name(original, fallback=self._fallback)
        name, counter = base, 2
        while name in self.originals:
            suffix = f"_{counter}"
            name = base[: IDENTIFIER_MAX - len(suffix)] + suffix
            counter += 1
        self._by_original[key] = name
        self.originals[name] = key
        return name

    def get(self, original: str | None) -> str | None:
        return self._by_original.get(original or "")
