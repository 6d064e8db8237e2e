"""read_source's scanner fast path keeps json.loads's rules for every other line."""

from __future__ import annotations

from pathlib import Path

from integration_pipeline.config import Source
from integration_pipeline.connectors import read_source


def test_lines_read_as_json_loads_reads_them(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        '{"a": 1}\n\n   \n  {"b": 2}  \n{"c": 3} x\n[1, 2]\n{"d": NaN}\r\n{"e": "\\u00e9"}',
        encoding="utf-8",
    )
    source = Source.model_validate({"kind": "jsonl", "path": str(data)})
    records = list(read_source(source, data))
    assert records[:3] == [{"a": 1}, {"b": 2}, {"_raw": '{"c": 3} x', "_line": 5}]
    assert records[3] == {"_raw": [1, 2], "_line": 6}
    assert str(records[4]["d"]) == "nan"
    assert records[5] == {"e": "é"}
    assert len(records) == 6
