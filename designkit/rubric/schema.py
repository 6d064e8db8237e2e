"""The shape of a rubric file, validated with pydantic at load time."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from designkit.rubric.checks import validate


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


class Criterion(_Strict):
    """One machine-checkable statement about a design."""

    id: str = Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
    title: str = Field(min_length=3)
    level: int = Field(ge=1, le=5)
    severity: RubricSeverity
    check: dict[str, Any]
    remediation: str = Field(min_length=3)
    red_flag: str | None = None
    """A code of the red-flag library (designkit/rubric/red_flags.yaml), never one of our own."""
    applies_if: dict[str, Any] | None = None
    why: str | None = None
    example: Example | None = None
    enabled: bool = True

    @field_validator("red_flag")
    @classmethod
    def _library_code(cls, value: str | None) -> str | None:
        """Only the library's codes: a code is worth having because it means the same
        thing to every reviewer, which a rubric's private numbering would break."""
        if value is None:
            return None
        from designkit.rubric.ids import UnknownId
        from designkit.rubric.red_flags import red_flags

        if value not in red_flags():
            import difflib

            near = difflib.get_close_matches(value.upper(), list(red_flags()), n=1)
            hint = f"; did you mean {near[0]!r}?" if near else ""
            raise UnknownId(
                f"{value!r} is not a code of the red-flag library (SEC-01..07, REL-01..07, "
                f"OPS-01..06, ARC-01..05, DAT-01..05, BIZ-01..04){hint}"
            )
        return value

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
