"""Is this piece of a drawing or a table the name of a system?

The architecture readers (box drawings, Mermaid, flow tables) find candidate
names wherever an arrow or a column points; this module decides which of them
to believe. A wrong system is worse than a missing one (it draws a false
picture and raises false lint findings), so the checks lean towards refusal:

- a name inside a drawn box is trusted most: the box is the author saying
  "this is a thing" (``box_name``);
- a name that only stands next to an arrow on a plain line must also look like
  a proper name, not code or a sentence (``inline_name``): ``Salesforce`` and
  ``Integration Service`` pass; ``user_profiles.user_id``, ``"Fuel"``,
  ``x``, ``f(x: int)`` and ``the record is saved`` do not;
- a table cell is trusted like a box, unless it is code or an identifier
  (``cell_name``), which is what mapping tables hold.

PASS: ``box_name("OrderSyncService.syncOrders()")``, ``inline_name("HubSpot")``,
``cell_name("SAP S/4HANA")``.
FAIL: ``inline_name("order.total_amount")``, ``inline_name("x")``,
``cell_name("`customer_id`")``, ``cell_name("TBD")``.
"""

from __future__ import annotations

import re

from designkit.parse import values as v

MAX_NAME = 80
"""Longer than this is a sentence or a description, not a name."""

DRAWING_CHARS = frozenset("─━═│┃║┌┐└┘├┤┬┴┼╔╗╚╝╠╣╦╩╬╭╮╯╰╟╢╤╧╪╫▶◀►◄▷◁▼▲↓↑→←")
HAS_DRAWING = re.compile(f"[{''.join(sorted(DRAWING_CHARS))}]")
_SPACES = re.compile(r"\s+")
_INLINE = re.compile(r"[A-Za-z0-9][A-Za-z0-9 &/+.'’()\-]*")
_IDENTIFIER = re.compile(
    r"^[A-Za-z_$][\w$]*(?:[._:]+[A-Za-z_$][\w$\[\]]*)+$"  # user_profiles.user_id, a::b
    r"|^[a-z0-9]+(?:_[a-z0-9]+)+$"  # snake_case
    r"|^[a-z]{2,}[A-Z]\w*$"  # camelCase (but not iPaaS, eBay)
)
_CALL = re.compile(r"\w\(")
_SENTENCE_WORDS = frozenset(
    [
        "the",
        "is",
        "are",
        "was",
        "were",
        "will",
        "would",
        "then",
        "when",
        "if",
        "should",
        "must",
        "can",
        "could",
        "we",
        "you",
        "it",
        "this",
        "that",
        "into",
        "onto",
        "which",
        "where",
        "while",
    ]
)
_STEP_WORDS = frozenset(
    [
        "add",
        "apply",
        "build",
        "call",
        "check",
        "compute",
        "convert",
        "create",
        "delete",
        "ensure",
        "enrich",
        "extract",
        "fetch",
        "filter",
        "finalize",
        "find",
        "for",
        "get",
        "handle",
        "if",
        "load",
        "log",
        "lookup",
        "map",
        "mark",
        "merge",
        "notify",
        "parse",
        "poll",
        "process",
        "publish",
        "push",
        "query",
        "read",
        "receive",
        "retry",
        "return",
        "run",
        "save",
        "search",
        "send",
        "start",
        "stop",
        "store",
        "sync",
        "transform",
        "update",
        "upsert",
        "validate",
        "verify",
        "wait",
        "when",
        "write",
    ]
)


_TEMPLATE_SLOT = re.compile(r"\{[^{}]*\}|<[A-Za-z][\w ]*>")
"""``{source}``, ``{{system_1}}``, ``<system>``: a template's slot, not a name."""


def _clean(text: str) -> str:
    return _SPACES.sub(" ", text.replace("**", "").replace("__", "")).strip()


def box_name(text: str) -> str | None:
    """The text of a drawn box, or ``None`` when it cannot be a name."""
    name = _clean(text)
    if not name or len(name) > MAX_NAME or not any(ch.isalpha() for ch in name):
        return None
    if HAS_DRAWING.search(name) or v.is_placeholder(name) or _is_slot(name):
        return None
    return name


def _is_slot(name: str) -> bool:
    return v.starts_with_slot(name) or _TEMPLATE_SLOT.search(name) is not None


def inline_name(text: str) -> str | None:
    """A name standing beside an arrow with no box around it: a proper name only."""
    name = _clean(text)
    if len(name) < 2 or len(name) > 48 or _INLINE.fullmatch(name) is None:
        return None
    words = name.split(" ")
    if len(words) > 5 or not any(ch.isupper() for ch in name):
        return None
    if any(word.lower() in _SENTENCE_WORDS for word in words):
        return None
    if any(_IDENTIFIER.match(word) or _CALL.search(word) for word in words):
        return None
    return None if v.is_placeholder(name) else name


def is_code(text: str) -> bool:
    """``customer_id``, ```email```, ``order.total``: what a mapping table's cells hold."""
    name = _clean(text)
    return "`" in name or any(_IDENTIFIER.match(word) for word in name.split(" "))


def cell_name(text: str) -> str | None:
    """A system named in a table cell; code, identifiers and placeholders are not names."""
    if "\n" in text or any(mark in text for mark in ",;@") or "://" in text or is_code(text):
        return None  # lists, e-mail addresses, URLs and code name no single system
    name = _clean(text)
    if not name or len(name) > 60 or not any(ch.isalpha() for ch in name):
        return None
    if v.is_placeholder(name) or _is_slot(name):
        return None
    return name


def looks_like_step(name: str) -> bool:
    """``Check Customer Exists``, ``Valid?``: a step of a process flow, not a system."""
    if name.rstrip().endswith("?"):
        return True
    first = name.split(" ", 1)[0].lower()
    return first in _STEP_WORDS


def mostly_steps(names: list[str]) -> bool:
    """A drawing whose boxes are mostly actions and decisions is a process, not architecture."""
    if not names:
        return False
    steps = sum(1 for name in names if looks_like_step(name))
    return steps * 2 >= len(names)
