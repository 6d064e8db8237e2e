"""Line edits of a document, all addressed by the line numbers of the text as it was.

A draft is the rendered (or original) document plus additions at known lines:
comments after values, placeholder rows after table headers, carried text
before headings. Recording every edit against the original numbering and
applying them in one pass keeps them independent: no edit has to know how
many lines the ones before it added.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field


@dataclass(slots=True)
class Edits:
    """Edits of ``lines`` (1-based): replacements, suffixes and lines inserted after a line.

    Line 0 stands for "before the first line". Lines inserted after the same line
    keep the order in which they were added.
    """

    lines: list[str]
    replaced: dict[int, list[str]] = field(default_factory=dict)
    suffixes: dict[int, str] = field(default_factory=dict)
    inserted: dict[int, list[str]] = field(default_factory=lambda: defaultdict(list))

    def replace(self, line: int, *new: str) -> None:
        self.replaced[line] = list(new)

    def append_to(self, line: int, text: str) -> None:
        self.suffixes[line] = self.suffixes.get(line, "") + text

    def insert_after(self, line: int, new: list[str]) -> None:
        self.inserted[line].extend(new)

    def apply(self) -> str:
        out: list[str] = list(self.inserted.get(0, []))
        for number, line in enumerate(self.lines, start=1):
            written = self.replaced.get(number, [line])
            if number in self.suffixes and written:
                written = [*written[:-1], written[-1] + self.suffixes[number]]
            out.extend(written)
            out.extend(self.inserted.get(number, []))
        return "\n".join(out)
