"""Hook mappings cost nothing while ``user_hooks.transform`` is the day-one stub (it is
bound as a plain copy), and every hook mapping calls it once the user edits it."""

from __future__ import annotations

import sys
import types
from collections.abc import Mapping
from typing import Any

import pytest
from conftest import base_config
from integration_pipeline.errors import ValidationFailed
from integration_pipeline.mapping import Mapper, passes_through

HOOKED = [
    {"source": "id", "target": "order_id", "transformation": "hook"},
    {"source": "amount", "target": "total", "transformation": "hook"},
    {"source": "customer.email", "target": "email", "transformation": "hook"},
    {"target": "status", "transformation": "hook", "default": "new"},
]
RECORD = {"id": "A1", "amount": "12.5", "customer": {"email": "a@b.c"}}


def _hooks(monkeypatch: pytest.MonkeyPatch, transform: Any) -> None:
    module = types.ModuleType("integration_pipeline.user_hooks")
    module.transform = transform  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "integration_pipeline.user_hooks", module)


def test_the_generated_stub_passes_through() -> None:
    """The project's own user_hooks.py, as designkit wrote it, is recognised as unedited."""
    from integration_pipeline import user_hooks

    assert passes_through(user_hooks.transform)


def _edited_upper(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
    return source_value.upper() if isinstance(source_value, str) else source_value


def _edited_none(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
    return None


def _edited_field(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
    return target_field


def _edited_default(record: Mapping[str, Any], target_field: str, source_value: Any = 1) -> Any:
    return source_value


def _same_but_reworded(record: Mapping[str, Any], field: str, value: Any) -> Any:
    """Different names and a docstring, the same body."""
    # a comment
    return value


class _Callable:
    def __call__(self, record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
        return source_value


@pytest.mark.parametrize(
    ("transform", "unedited"),
    [
        (_same_but_reworded, True),
        (lambda record, target_field, source_value: source_value, True),
        (_edited_upper, False),
        (_edited_none, False),
        (_edited_field, False),
        (_edited_default, False),
        (lambda record, target_field, source_value, *more: source_value, False),
        (_Callable(), False),
        (print, False),
    ],
)
def test_only_an_unchanged_body_counts_as_unedited(transform: Any, unedited: bool) -> None:
    assert passes_through(transform) is unedited


def test_unedited_hooks_are_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    def transform(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
        return source_value

    _hooks(monkeypatch, transform)
    mapper = Mapper(base_config(mappings=HOOKED))
    assert [rule.plain_key for rule in mapper.rules] == ["id", "amount", None, None]
    assert mapper.to_canonical(RECORD) == {
        "order_id": "A1",
        "total": 12.5,
        "status": "new",
        "email": "a@b.c",
    }


def test_edited_hooks_are_called_for_every_hook_mapping(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, Any]] = []

    def transform(record: Mapping[str, Any], target_field: str, source_value: Any) -> Any:
        calls.append((target_field, source_value))
        return source_value.upper() if isinstance(source_value, str) else source_value

    _hooks(monkeypatch, transform)
    mapper = Mapper(base_config(mappings=HOOKED))
    assert [rule.plain_key for rule in mapper.rules] == [None] * 4
    assert mapper.to_canonical(RECORD) == {
        "order_id": "A1",
        "total": 12.5,
        "status": "new",
        "email": "A@B.C",
    }
    assert sorted(calls) == sorted(
        [("order_id", "A1"), ("total", "12.5"), ("email", "a@b.c"), ("status", None)]
    )


def test_a_broken_hooks_file_fails_each_record_not_the_start(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _hooks(monkeypatch, "not a function")
    mapper = Mapper(base_config(mappings=HOOKED))  # starts: the records carry the error
    with pytest.raises(ValidationFailed, match=r"user_hooks\.py"):
        mapper.to_canonical(RECORD)


def test_compiled_checks_match_the_declared_types() -> None:
    """Required, empty, exact-type and coerced values through the compiled function."""
    mapper = Mapper(base_config(mappings=[{"source": "id", "target": "order_id"}]))
    with pytest.raises(ValidationFailed, match="order_id"):
        mapper.to_canonical({"id": ""})
    config = base_config(
        mappings=[
            {"source": "id", "target": "order_id"},
            {"source": "total", "target": "total"},
            {"source": "status", "target": "status"},
        ]
    )
    mapper = Mapper(config)
    assert mapper.to_canonical({"id": 7, "total": "3", "status": ""}) == {
        "order_id": "7",
        "total": 3.0,
        "status": None,
        "email": None,
    }
    with pytest.raises(ValidationFailed, match="total"):
        mapper.to_canonical({"id": "A", "total": "x"})
    with pytest.raises(ValidationFailed, match="total"):
        mapper.to_canonical({"id": "A"})
