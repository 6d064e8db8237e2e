"""read_source decodes lines with orjson and keeps json.loads's result for every line,
including those orjson reads differently (jsontext.py)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from integration_pipeline import jsontext
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


# orjson alone would give a float for the integers, and refuse the rest
ORJSON_DIFFERS = [
    '{"big": 18446744073709551616}',
    '{"small": -9223372036854775809}',
    '{"huge": 123456789012345678901234567890, "n": 1}',
    '{"id": "12345678901234567890"}',
    '{"x": Infinity, "y": -Infinity}',
    '{"beyond": 1e400}',
    '{"lone": "\\ud800"}',
    '{"digits": ' + "7" * 5000 + "}",
    "\ufeff{}",
]
# both read these alike: the usual lines
ORJSON_AGREES = [
    '{"max": 18446744073709551615, "min": -9223372036854775808}',
    '{"f": 0.1, "g": -0.0, "h": 1E2, "i": 2.2250738585072011e-308, "j": 4.9e-325}',
    '{"a": 1, "a": 2, "b": [true, false, null], "c": {"d": "\\u00e9\\ud83d\\ude00"}}',
    '{"ctl": "x\x01"}',
    '{"a": 1} \t\r\n',
]


@pytest.mark.parametrize("line", ORJSON_DIFFERS + ORJSON_AGREES)
def test_loads_gives_json_loads_result_or_error(line: str) -> None:
    try:
        expected = repr(json.loads(line))  # repr: 1 and 1.0, nan and nan told apart
    except ValueError as error:
        with pytest.raises(type(error)):
            jsontext.loads(line)
    else:
        assert repr(jsontext.loads(line)) == expected


VALUES = [
    [{"sku": "SKU-001", "quantity": 1, "price": 9.5}],
    {"nested": {"list": [1, 2.0, None, True, "é\u2028\ud83d\ude00"]}, 3: "int key"},
    [float("nan"), float("inf"), -0.0, 10**30],
    "plain text",
    [],
]


@pytest.mark.parametrize("value", VALUES)
def test_dumps_gives_json_dumps_text(value: object) -> None:
    assert jsontext.dumps(value) == json.dumps(value)
    assert jsontext.dumps(value, default_str=True) == json.dumps(value, default=str)


def test_dumps_fails_as_json_dumps_does() -> None:
    circular: list[object] = []
    circular.append(circular)
    with pytest.raises(ValueError, match="Circular reference detected"):
        jsontext.dumps(circular)
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsontext.dumps({"when": Path("x")})
    assert jsontext.dumps({"when": Path("x")}, default_str=True) == '{"when": "x"}'


@pytest.mark.parametrize("depth", [10, 499, 500, 1010, 5000])
def test_deep_lines_fail_where_json_loads_fails(depth: int) -> None:
    """orjson reads 1,010 levels; json.loads (and so jsontext.loads) gives up first."""
    line = '{"a": ' + "[" * depth + "]" * depth + "}"
    try:
        expected = repr(json.loads(line))
    except RecursionError:
        with pytest.raises(RecursionError):
            jsontext.loads(line)
    else:
        assert repr(jsontext.loads(line)) == expected
