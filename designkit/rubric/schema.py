"""The shape of a rubric file, validated with pydantic at load time."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from designkit.rubric.checks import validate
from designkit.rubric.wording import DESIGN_VALUES, OUTCOME_PLACEHOLDERS, unknown_placeholders


def _placeholders_known(text: str | None, allowed: frozenset[str]) -> str | None:
    """Reject a rubric text whose ``{placeholder}`` nobody fills: it would reach a report raw."""
    if text is not None:
        unknown = unknown_placeholders(text, allowed)
        if unknown:
            raise ValueError(
                f"unknown placeholder {{{unknown[0]}}} (known: {', '.join(sorted(allowed))})"
            )
    return text


_DESIGN_PLACEHOLDERS = frozenset(DESIGN_VALUES)
_MESSAGE_PLACEHOLDERS = _DESIGN_PLACEHOLDERS | frozenset(OUTCOME_PLACEHOLDERS)


class RubricSeverity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        return ("critical", "high", "medium", "low").index(self.value)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    """Short document snippets for ``designkit explain``: one that passes, one that fails."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    passing: str | None = Field(default=None, alias="pass")
    failing: str | None = Field(default=None, alias="fail")

    @field_validator("passing", "failing")
    @classmethod
    def _known(cls, value: str | None) -> str | None:
        return _placeholders_known(value, _DESIGN_PLACEHOLDERS)


class Criterion(_Strict):
    """One machine-checkable statement about a design."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    title: str = Field(min_length=3)
    level: int = Field(ge=1, le=5)
    severity: RubricSeverity
    check: dict[str, Any]
    remediation: str = Field(min_length=3)
    red_flag: str | None = Field(default=None, pattern=r"^(SEC|REL|OPS|ARC|DAT|BIZ)-\d{2}$")
    applies_if: dict[str, Any] | None = None
    why: str | None = None
    example: Example | None = None
    message: str | list[str] | None = None
    """The finding's sentence, e.g. 'The deduplication window ({value}) is shorter than DLQ
    retention ({other})', or several: the first that what failed can fill is used. See
    :mod:`designkit.rubric.wording` for the placeholders."""
    enabled: bool = True

    @field_validator("message")
    @classmethod
    def _message_placeholders(cls, value: str | list[str] | None) -> str | list[str] | None:
        for text in [value] if isinstance(value, str) else value or []:
            if len(text.strip()) < 3:
                raise ValueError("a message is a sentence about the design")
            _placeholders_known(text, _MESSAGE_PLACEHOLDERS)
        return value

    @field_validator("remediation", "why")
    @classmethod
    def _design_placeholders(cls, value: str | None) -> str | None:
        return _placeholders_known(value, _DESIGN_PLACEHOLDERS)

    @field_validator("check", "applies_if")
    @classmethod
    def _valid_check(cls, value: dict[str, Any] | None) -> dict[str, Any] | None:
        if value is not None:
            validate(value)
        return value


class Dimension(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    weight: float = Field(gt=0)
    description: str | None = None
    criteria: list[Criterion]


class Rubric(_Strict):
    id: str
    name: str
    version: str
    levels: dict[int, str]
    dimensions: list[Dimension] = Field(min_length=1)
    source: str = ""

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != [1, 2, 3, 4, 5]:
            raise ValueError("levels must name exactly the levels 1 to 5")
        return value

    @field_validator("dimensions")
    @classmethod
    def _unique_ids(cls, value: list[Dimension]) -> list[Dimension]:
        seen: set[str] = set()
        for dimension in value:
            if dimension.id in seen:
                raise ValueError(f"dimension id {dimension.id!r} appears twice")
            seen.add(dimension.id)
        criteria: set[str] = set()
        for dimension in value:
            for criterion in dimension.criteria:
                if criterion.id in criteria:
                    raise ValueError(f"criterion id {criterion.id!r} appears twice")
                criteria.add(criterion.id)
        return value

    def criteria(self) -> list[tuple[Dimension, Criterion]]:
        return [(d, c) for d in self.dimensions for c in d.criteria]
