"""Every section reader and document kind, registered here and nowhere else.

The order of :data:`SECTIONS` is the template's: headings are matched against
the aliases in this order (the first section to claim an alias keeps it), the
model is read in this order, and missing sections are reported in it. The order
of :data:`KINDS` breaks ties between document kinds with as many signs.

To add a template section: write one module (copy a neighbour: ``SPEC``, its
tables' ``COLUMNS``, ``read`` and a docstring with PASS and FAIL examples), list
it below where the template puts it, and add a case file under ``tests/data/``.
A document kind is the same: a module under ``kinds/`` and a line in ``KINDS``
(plus its value in :class:`designkit.model.DocumentKind`, the contract).

Reader and kind modules import the reading machinery (``core``, ``sections``,
``placement``, ``kind``) only for type checking: the machinery imports this
registry to learn the sections and kinds, so a runtime import the other way
would be a cycle. The header (``meta``) is not registered: it has no heading,
and the driver reads it first, since the kind it may declare shapes the rest.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING, Any

from designkit.model import DocumentKind
from designkit.parse.readers import (
    architecture,
    data,
    deployment,
    error_handling,
    flow,
    observability,
    open_questions,
    overview,
    phases,
    platform,
    reliability,
    risks,
    security,
    success_criteria,
    testing,
)
from designkit.parse.readers.architecture import diagram
from designkit.parse.readers.data import (
    canonical_model,
    mappings,
    schema_versioning,
    validation_rules,
)
from designkit.parse.readers.error_handling import (
    circuit_breaker,
    dead_letter_queue,
    retry_policies,
)
from designkit.parse.readers.flow import errors, normal
from designkit.parse.readers.kinds import (
    adr,
    current_state,
    design,
    improvement_roadmap,
    requirements,
    review_report,
)
from designkit.parse.readers.observability import dashboards, metrics
from designkit.parse.readers.observability import logging as logging_strategy
from designkit.parse.readers.reliability import disaster_recovery, idempotency
from designkit.parse.readers.security import audit, authentication, encryption
from designkit.parse.readers.spec import SectionSpec

if TYPE_CHECKING:
    from designkit.parse.kind import Outlook
    from designkit.parse.readers.core import Reader


@dataclass(frozen=True, slots=True)
class SectionReader:
    """A registered section: what its module declares, and where its value lands."""

    spec: SectionSpec
    read: Callable[[Reader], Any] | None
    """``None`` for a section that only holds others (``Data Design``)."""
    field: str
    """The model path the value of ``read`` lands at (a dict is merged into what is there)."""
    module: ModuleType


@dataclass(frozen=True, slots=True)
class KindReader:
    """A registered document kind."""

    kind: DocumentKind
    words: str
    names: tuple[str, ...]
    signs: Callable[[Outlook], list[str]]
    module: ModuleType


def _section(module: ModuleType) -> SectionReader:
    spec: SectionSpec = module.SPEC
    return SectionReader(
        spec, getattr(module, "read", None), getattr(module, "FIELD", spec.key), module
    )


def _kind(module: ModuleType) -> KindReader:
    return KindReader(module.KIND, module.WORDS, module.NAMES, module.signs, module)


SECTIONS: tuple[SectionReader, ...] = tuple(
    _section(module)
    for module in (
        overview,
        architecture,
        diagram,
        data,
        canonical_model,
        mappings,
        schema_versioning,
        validation_rules,
        flow,
        normal,
        errors,
        error_handling,
        retry_policies,
        dead_letter_queue,
        circuit_breaker,
        observability,
        logging_strategy,
        metrics,
        dashboards,
        security,
        authentication,
        encryption,
        audit,
        reliability,
        idempotency,
        disaster_recovery,
        testing,
        deployment,
        platform,
        phases,
        success_criteria,
        risks,
        open_questions,
    )
)

KINDS: tuple[KindReader, ...] = tuple(
    _kind(module)
    # a roadmap starts from where things stand today, so it goes before current state
    for module in (adr, review_report, requirements, improvement_roadmap, current_state, design)
)
