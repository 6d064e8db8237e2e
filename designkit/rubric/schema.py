"""The shape of a rubric file, validated with pydantic at load time."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from designkit.rubric.checks import validate
from designkit.rubric.wording import DESIGN_VALUES, OUTCOME_PLACEHOLDERS, unknown_placeholders

TRUSTED: dict[str, bool] = {"trusted": True}
"""Validation context for a rubric this designkit version validated before (the compiled
cache): the shape is still checked by pydantic, the costly semantic checks (check trees,
their regular expressions, placeholders, library codes) are not run a second time."""


def _trusted(info: ValidationInfo) -> bool:
    return bool(info.context and info.context.get("trusted"))


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
    def _known(cls, value: str | None, info: ValidationInfo) -> str | None:
        if _trusted(info):
            return value
        return _placeholders_known(value, _DESIGN_PLACEHOLDERS)


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
    message: str | list[str] | None = None
    """The finding's sentence, e.g. 'The deduplication window ({value}) is shorter than DLQ
    retention ({other})', or several: the first that what failed can fill is used. See
    :mod:`designkit.rubric.wording` for the placeholders."""
    enabled: bool = True

    @field_validator("red_flag")
    @classmethod
    def _library_code(cls, value: str | None, info: ValidationInfo) -> str | None:
        """Only the library's codes: a code is worth having because it means the same
        thing to every reviewer, which a rubric's private numbering would break."""
        if value is None or _trusted(info):
            return value
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

    @field_validator("message")
    @classmethod
    def _message_placeholders(
        cls, value: str | list[str] | None, info: ValidationInfo
    ) -> str | list[str] | None:
        if _trusted(info):
            return value
        for text in [value] if isinstance(value, str) else value or []:
            if len(text.strip()) < 3:
                raise ValueError("a message is a sentence about the design")
            _placeholders_known(text, _MESSAGE_PLACEHOLDERS)
        return value

    @field_validator("remediation", "why")
    @classmethod
    def _design_placeholders(cls, value: str | None, info: ValidationInfo) -> str | None:
        if _trusted(info):
            return value
        return _placeholders_known(value, _DESIGN_PLACEHOLDERS)

    @field_validator("check", "applies_if")
    @classmethod
    def _valid_check(
        cls, value: dict[str, Any] | None, info: ValidationInfo
    ) -> dict[str, Any] | None:
        if value is not None and not _trusted(info):
            validate(value)
        return value


class Confidence(StrEnum):
    """How far a design document alone can support a dimension's level (no runtime data)."""

    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


class Dimension(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    weight: float = Field(gt=0)
    description: str | None = None
    confidence: Confidence = Confidence.MEDIUM
    sections: list[str] = Field(default_factory=list)
    """Top-level model parts (``security``, ``error_handling``) that hold this dimension's
    evidence: when all are absent or still the template's text, the dimension needs
    assessment instead of a level."""
    criteria: list[Criterion]


DEFAULT_BANDS: dict[int, float] = {5: 4.5, 4: 3.5, 3: 2.5, 2: 1.5, 1: 1.0}
"""Overall level by weighted score, as the maturity model its users apply: 4.5-5.0 -> 5 ..."""

DEFAULT_RISK: dict[str, float] = {"critical": 1.0, "high": 2.0, "medium": 3.0, "low": 4.0}
"""Risk class by weighted score: the lowest score of each class."""


class Rubric(_Strict):
    id: str
    name: str
    version: str
    levels: dict[int, str]
    dimensions: list[Dimension] = Field(min_length=1)
    bands: dict[int, float] = Field(default_factory=lambda: dict(DEFAULT_BANDS))
    """Level -> the lowest weighted score (one decimal) with that overall level."""
    risk: dict[str, float] = Field(default_factory=lambda: dict(DEFAULT_RISK))
    """Risk class -> the lowest weighted score in that class."""
    source: str = ""

    @field_validator("levels")
    @classmethod
    def _five_levels(cls, value: dict[int, str]) -> dict[int, str]:
        if sorted(value) != [1, 2, 3, 4, 5]:
            raise ValueError("levels must name exactly the levels 1 to 5")
        return value

    @field_validator("bands")
    @classmethod
    def _bands_cover_levels(cls, value: dict[int, float]) -> dict[int, float]:
        if sorted(value) != [1, 2, 3, 4, 5]:
            raise ValueError("bands must give the lowest score of each level 1 to 5")
        floors = [value[level] for level in (1, 2, 3, 4, 5)]
        if floors != sorted(floors) or len(set(floors)) != 5:
            raise ValueError("band floors must rise with the level")
        return value

    @field_validator("risk")
    @classmethod
    def _risk_classes(cls, value: dict[str, float]) -> dict[str, float]:
        if sorted(value) != sorted(DEFAULT_RISK):
            raise ValueError("risk must give the lowest score of critical, high, medium and low")
        order = [value[name] for name in ("critical", "high", "medium", "low")]
        if order != sorted(order):
            raise ValueError("risk floors must rise from critical to low")
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
