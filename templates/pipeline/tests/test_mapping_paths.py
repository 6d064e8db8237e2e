"""Nested and array source paths in the mapping table: ``customer.email``, ``lines[].sku``,
``items[0].price``; arrays map to arrays, and any other bracket text stays a plain key."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import base_config
from integration_pipeline.config import ValidationRuleConfig
from integration_pipeline.errors import ValidationFailed
from integration_pipeline.expressions import ExpressionError
from integration_pipeline.mapping import Mapper, SourcePath, get_path
from integration_pipeline.validation import Validator

ORDER: dict[str, Any] = {
    "customer": {"email": "a@b.c", "address": {"country": "NO"}},
    "lines": [{"sku": "S1", "qty": "2"}, {"sku": "S2", "qty": 3}, {"qty": 1}],
    "items": [{"price": 9.5}, {"price": 1}],
    "value[x]": "literal",
    "Worker": {"ID[@type=Employee_ID]": "E-1"},
    "X-Shopify-Topic (header)": "orders/create",
    "matrix": [[1, 2], [3]],
}


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("customer.email", "a@b.c"),
        ("customer.address.country", "NO"),
        ("lines[].sku", ["S1", "S2", None]),
        ("lines[].qty", ["2", 3, 1]),
        ("items[0].price", 9.5),
        ("items[1].price", 1),
        ("items[5].price", None),
        ("lines[0]", {"sku": "S1", "qty": "2"}),
        ("matrix[][]", [[1, 2], [3]]),
        ("matrix[0][1]", 2),
        ("value[x]", "literal"),
        ("Worker.ID[@type=Employee_ID]", "E-1"),
        ("X-Shopify-Topic (header)", "orders/create"),
        ("customer[]", None),  # not a list
        ("customer.email.more", None),
        ("missing.path", None),
        ("customer[0]", None),
    ],
)
def test_source_paths(path: str, expected: Any) -> None:
    assert get_path(ORDER, path) == expected
    assert SourcePath(path).fans_out == ("[]" in path)


def _config(**field_overrides: Any) -> Any:
    fields = [
        {"name": "order_id", "type": "string", "required": True},
        {"name": "total", "type": "number", "required": True},
        {"name": "skus", "type": "string", "many": True, "required": True},
        {"name": "quantities", "type": "integer", "many": True},
        {"name": "first_price", "type": "number"},
        {"name": "lines", "type": "array"},
        {"name": "email", "type": "string"},
        {"name": "regions", "type": "string", "many": True},
    ]
    for field in fields:
        field.update(field_overrides.get(field["name"], {}))
    return base_config(
        entity={"name": "Order", "key": "order_id", "fields": fields},
        mappings=[
            {"source": "id", "target": "order_id"},
            {"source": "total", "target": "total"},
            {"source": "lines[].sku", "target": "skus"},
            {"source": "lines[].qty", "target": "quantities"},
            {"source": "items[0].price", "target": "first_price"},
            {"source": "lines", "target": "lines"},
            {"source": "customer.email", "target": "email"},
            {
                "source": "lines[].sku",
                "target": "regions",
                "transformation": "lookup",
                "lookup": "regions",
                "default": "unmapped",
            },
        ],
        lookups={"regions": {"S1": "north", "S2": "south"}},
    )


def test_arrays_map_to_arrays_and_elements_are_typed() -> None:
    mapper = Mapper(_config())
    record = {**ORDER, "id": 7, "total": "12.5"}
    record["lines"] = [{"sku": "S1", "qty": "2"}, {"sku": "S2", "qty": 3}]
    canonical = mapper.to_canonical(record)
    assert canonical["skus"] == ["S1", "S2"]
    assert canonical["quantities"] == [2, 3]  # each element coerced to the field type
    assert canonical["first_price"] == 9.5
    assert canonical["lines"] == record["lines"]
    assert canonical["email"] == "a@b.c"
    assert canonical["regions"] == ["north", "south"]  # a lookup per element
    bad = {**record, "lines": [{"sku": "S1", "qty": "two"}]}
    with pytest.raises(ValidationFailed, match="quantities"):
        mapper.to_canonical(bad)
    with pytest.raises(ValidationFailed, match="required field 'skus'"):
        mapper.to_canonical({**record, "lines": []})
    unknown = mapper.to_canonical({**record, "lines": [{"sku": "S9", "qty": 1}]})
    assert unknown["regions"] == ["unmapped"]


def test_a_list_into_a_single_valued_field_is_a_config_error() -> None:
    with pytest.raises(ExpressionError, match=r"skus.*many: true"):
        Mapper(_config(skus={"many": False}))


def test_validation_checks_every_element_of_a_many_field() -> None:
    rule = ValidationRuleConfig(
        rule="quantities must be a valid integer", check="format", action="reject"
    )
    config = _config().model_copy(update={"validation": [rule]})
    validator = Validator(config)
    good = {"quantities": [1, 2]}
    assert validator.apply(dict(good)) == good
    with pytest.raises(ValidationFailed):
        validator.apply({"quantities": [1, "x"]})
