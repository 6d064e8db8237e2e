"""Table rows read into model items, the same way for every section's table.

Shared by the readers whose template sections are tables (mappings, validation,
retry, logging, metrics, authentication, audit, testing, risks, questions).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from designkit.diagnostics import Severity
from designkit.parse import values as v
from designkit.parse.tables import NamedTable, TableRow

if TYPE_CHECKING:
    from designkit.parse.readers.core import Reader


def filled_rows(
    doc: Reader,
    table: NamedTable,
    prefix: str,
    *,
    report: Callable[[TableRow], bool] | None = None,
) -> Iterator[tuple[str, TableRow]]:
    """The rows someone filled in, each with its model path (``prefix[i]``) recorded.

    A row still in template form is skipped with a DK201 warning, unless
    ``report`` says this one is not worth one.
    """
    count = 0
    for row in table.rows:
        if all(v.is_placeholder(cell.text) for cell in row.cells.values()):
            if report is None or report(row):
                doc.report(
                    "DK201",
                    Severity.WARNING,
                    f"{prefix}: template row left unfilled",
                    row.line,
                    1,
                    prefix,
                )
            continue
        path = f"{prefix}[{count}]"
        count += 1
        doc.at(path, row.line)
        yield path, row


def plain_rows(
    doc: Reader,
    table: NamedTable | None,
    prefix: str,
    names: Sequence[str],
    *,
    optional: Sequence[str] = (),
    numeric: Sequence[str] = (),
    extra_columns: bool = False,
) -> list[dict[str, Any]]:
    """Each filled row as free-text fields ``names``; ``extra_columns`` keeps the
    columns the template does not name, for models that have room for them."""
    if table is None:
        return []
    rows: list[dict[str, Any]] = []
    for path, row in filled_rows(doc, table, prefix):
        item: dict[str, Any] = {}
        for name in names:
            text, line, column = doc.cell(row.cells, name)
            item[name] = doc.text(
                text,
                f"{path}.{name}",
                line,
                column,
                optional=name in optional,
                numeric=name in numeric,
            )
        if row.extra and extra_columns:
            item["extra_columns"] = row.extra
        rows.append(item)
    return rows
