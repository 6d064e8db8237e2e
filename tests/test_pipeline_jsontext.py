"""The generated runtime's jsontext (orjson for decoding, one prebuilt encoder) gives the
standard library's exact results: checked on generated JSON, numbers and arbitrary text."""

from __future__ import annotations

import importlib
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

RUNTIME = Path(__file__).parent.parent / "templates" / "pipeline" / "src"


def _jsontext() -> ModuleType:
    if str(RUNTIME) not in sys.path:
        sys.path.insert(0, str(RUNTIME))
    return importlib.import_module("integration_pipeline.jsontext")


jsontext = _jsontext()

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)  # beyond 64 bits on both sides
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text()  # lone surrogates included: escaped by json.dumps
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=12,
)
NUMBER = st.from_regex(
    r"-?(0|[1-9][0-9]{0,25})(\.[0-9]{1,25})?([eE][+-]?[0-9]{1,3})?", fullmatch=True
)


def _same_as_json_loads(line: str) -> None:
    try:
        expected = repr(json.loads(line))  # repr tells 1 from 1.0 and keeps nan comparable
    except ValueError as error:
        with pytest.raises(type(error)):
            jsontext.loads(line)
    else:
        assert repr(jsontext.loads(line)) == expected


@settings(max_examples=400, deadline=None)
@given(VALUES, st.booleans())
def test_generated_json_decodes_as_json_loads_decodes_it(value: Any, ascii_only: bool) -> None:
    _same_as_json_loads(json.dumps({"v": value}, ensure_ascii=ascii_only) + "\n")


@settings(max_examples=400, deadline=None)
@given(NUMBER)
def test_numbers_decode_as_json_loads_decodes_them(number: str) -> None:
    _same_as_json_loads('{"n": ' + number + "}")


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=st.sampled_from('{}[]":,0123456789.eE+-tfnulrsaNI \t\r\n\\u\x00é')))
def test_any_text_decodes_or_fails_as_json_loads(text: str) -> None:
    _same_as_json_loads(text)


@settings(max_examples=400, deadline=None)
@given(VALUES)
def test_values_encode_as_json_dumps_encodes_them(value: Any) -> None:
    assert jsontext.dumps(value) == json.dumps(value)
    assert jsontext.dumps(value, default_str=True) == json.dumps(value, default=str)


def test_without_the_c_encoder_dumps_is_json_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    """A Python without json's C encoder (or with another signature for it) gets json.dumps."""
    value = {"a": [1, 2.5, "é"], "b": None}
    expected = json.dumps(value)
    monkeypatch.setattr(json.encoder, "c_make_encoder", lambda: None)  # takes no arguments
    assert jsontext._encoder(str) is None
    monkeypatch.setattr(json.encoder, "c_make_encoder", None)  # json's pure Python encoder
    assert jsontext._encoder(None) is None
    monkeypatch.setattr(jsontext, "_PLAIN", None)
    assert jsontext.dumps(value) == expected
