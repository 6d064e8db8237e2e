"""Document kinds by shape: the common ADR templates and plans by phase or task.

Inline documents written here for the purpose (the real ones that showed the
gaps are third-party and not committed: tests/data/real-world/README.md).
"""

from __future__ import annotations

from designkit.model import DocumentKind
from designkit.parse import parse_design

MADR = """\
# Partner webhooks are switched off after repeated failures

- Status: accepted
- Date: 2024-03-02

## Context and Problem Statement

The partner API disables our webhook endpoint after too many 5xx answers, and
events sent while it is off are lost.

## Decision Drivers

- no lost events
- retries must not flood the partner API

## Considered Options

### Option 1: Log and drop

### Option 2: A dead-letter queue with a replay job

## Decision Outcome

Option 2: failed events go to a dead-letter queue and a job replays them.
"""

ROADMAP = """\
# Order Sync Improvements - Implementation Roadmap

## Current State

The nightly sync retries nothing and drops failed orders.

## Implementation Plan

### Phase 1: Reliability (Weeks 1-2)

#### Task 1: Retries with backoff for the ERP API

#### Task 2: A dead-letter queue for rejected orders

### Phase 2: Observability (Weeks 3-4)

#### Task 3: Error-rate alerts
"""

DESIGN_WITH_PHASES = """\
# Integration Design: Orders to ERP

## Overview

**Purpose**: Orders from the shop reach the ERP through webhooks.

## Implementation Phases

### Phase 1: MVP (2 weeks)

### Phase 2: Hardening (2 weeks)
"""


def test_a_madr_adr_is_an_adr() -> None:
    parsed = parse_design(MADR, "adr.md")
    assert parsed.design.document_kind is DocumentKind.ADR
    # an option that was not chosen is no DLQ section
    assert "error_handling.dead_letter_queue" not in parsed.sections


def test_a_plan_by_phase_and_task_with_an_improvement_title_is_a_roadmap() -> None:
    parsed = parse_design(ROADMAP, "roadmap.md")
    assert parsed.design.document_kind is DocumentKind.IMPROVEMENT_ROADMAP


def test_template_phases_do_not_make_a_design_a_roadmap() -> None:
    parsed = parse_design(DESIGN_WITH_PHASES, "design.md")
    assert parsed.design.document_kind is DocumentKind.DESIGN


HOW_IT_WORKS = """\
# How the order sync works

## Creating an order

When a shop order is paid, the shop sends a webhook to the sync service, which
maps the payload and posts it to the ERP API; a failed post goes to a retry queue.

```mermaid
sequenceDiagram
    Shop->>Sync: webhook
    Sync->>ERP: POST /orders
```
"""

DRAWING_ONLY = """\
```mermaid
flowchart LR
    shop[Shop] -->|webhook| sync[Order sync]
    sync -->|REST| erp[ERP]
```
"""

PLAIN_NOTES = """\
# Team notes

We met on Monday and talked about the API and the event schedule.
"""


def test_a_how_it_works_description_is_a_current_state_description() -> None:
    parsed = parse_design(HOW_IT_WORKS, "how.md")
    assert parsed.design.document_kind is DocumentKind.CURRENT_STATE


def test_a_document_that_only_draws_its_architecture_is_read() -> None:
    parsed = parse_design(DRAWING_ONLY, "drawing.md")
    edges = [(e.source, e.target) for e in parsed.design.architecture.diagram.edges]
    assert edges == [("Shop", "Order sync"), ("Order sync", "ERP")]


def test_a_few_integration_words_alone_are_not_an_integration_document() -> None:
    import pytest

    from designkit.errors import UserError

    with pytest.raises(UserError, match="not an integration design"):
        parse_design(PLAIN_NOTES, "notes.md")


ADR_TOOLS = """\
# 7. Retry partner webhooks from a queue

Date: 2024-05-01

Note: 2024-06-01 is the partner's cut-over, not this decision's date.

## Status

Accepted

## Context

Partner webhooks fail during deploys and the events are lost.

## Decision

Failed webhook events go to a retry queue with a dead-letter queue behind it.
"""


def test_an_adr_tools_header_line_gives_the_date_and_nothing_else() -> None:
    parsed = parse_design(ADR_TOOLS, "0007-retry.md")
    assert parsed.design.document_kind is DocumentKind.ADR
    assert parsed.design.meta.date == "2024-05-01"
    assert parsed.line_of("meta.date") == 3
    assert parsed.design.meta.version is None and parsed.design.meta.designer is None


def test_a_phase_that_says_its_weeks_of_the_plan_lasts_that_many_weeks() -> None:
    parsed = parse_design(ROADMAP, "roadmap.md")  # '### Phase 1: Reliability (Weeks 1-2)'
    assert [(p.name, p.duration_weeks) for p in parsed.design.phases][:2] == [
        ("Phase 1: Reliability", 2.0),
        ("Phase 2: Observability", 2.0),
    ]
    assert not [d for d in parsed.diagnostics if d.code == "DK202"]
