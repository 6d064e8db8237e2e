"""The full scorecard as JSON: one object for one file, ``{"scorecards": [...]}`` for several.

The schema is :class:`designkit.rubric.scorecard.Scorecard`'s JSON Schema; with a
baseline each object also has ``comparison`` (:class:`designkit.review.trends.Comparison`).

The document is written one scorecard at a time (a thousand designs make a
hundred megabytes of JSON): each object is serialised by pydantic-core, several
times faster than ``json.dumps`` of a model dump and byte for byte the same text,
and indented to its place in the array. Only the first object waits, until a
second one says the document is an array.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from pydantic_core import to_json

from designkit.report import render_with
from designkit.rubric.scorecard import Scorecard
from designkit.text_safety import safe_json, safe_json_bytes

if TYPE_CHECKING:
    from designkit.report import ReportContext


def _json(value: object) -> str:
    return to_json(value, indent=2).decode("utf-8")


def _dump(card: Scorecard, context: ReportContext, item: bool) -> str:
    """The scorecard, plus ``comparison`` (against the baseline) and ``known_findings_hidden``
    (by a baseline file) when the run has them; without them it is the plain scorecard.

    As an ``item`` of the array it is indented four more spaces; the plain scorecard is
    indented and checked as the UTF-8 bytes pydantic-core writes, before they are decoded
    (a third of the cost of doing both on the 100 KB text).
    """
    data = to_json(card, indent=2)
    if card.file not in context.comparisons and not context.hidden.get(card.file):
        if item:
            data = b"    " + data.replace(b"\n", b"\n    ")
        return safe_json_bytes(data)  # the plain scorecard, the common case
    text = data.decode("utf-8")
    extra: list[str] = []
    comparison = context.comparisons.get(card.file)
    if comparison is not None:
        extra.append('  "comparison": ' + _json(comparison).replace("\n", "\n  "))
    if context.hidden.get(card.file):
        extra.append(f'  "known_findings_hidden": {context.hidden[card.file]}')
    if extra:  # the object ends with "\n}": the extra keys go before its brace
        text = text[:-2] + ",\n" + ",\n".join(extra) + "\n}"
    text = safe_json(text)
    return _item(text) if item else text


def _item(text: str) -> str:
    """An object as an item of the ``scorecards`` array: four more spaces on every line."""
    return "    " + text.replace("\n", "\n    ")


class Writer:
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.first: Scorecard | None = None  # alone it is the whole document, unindented
        self.first_context = context
        self.count = 0

    def add(self, card: Scorecard, context: ReportContext) -> None:
        self.count += 1
        if self.count == 1:
            self.first, self.first_context = card, context
            return
        if self.first is not None:
            self.out.write(
                '{\n  "scorecards": [\n' + _dump(self.first, self.first_context, item=True)
            )
            self.first = None
        self.out.write(",\n" + _dump(card, context, item=True))

    def end(self) -> None:
        if self.count == 1 and self.first is not None:
            self.out.write(_dump(self.first, self.first_context, item=False) + "\n")
        elif self.count > 1:
            self.out.write("\n  ]\n}\n")


def render(cards: Sequence[Scorecard], context: ReportContext) -> str:
    return render_with(Writer, cards, context)
