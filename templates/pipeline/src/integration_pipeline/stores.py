"""The selection point: which state and target implementations ``config/pipeline.yaml`` asks for.

``state: sqlite`` (the default) keeps the dead-letter queue and the idempotency store in
SQLite files beside the project; ``state: postgres`` puts both in PostgreSQL, shared by
every worker. ``target.kind: postgres`` loads into PostgreSQL with upserts; when the
state is there too, target and state share one connection and one transaction per batch.

psycopg is imported here only when PostgreSQL is selected, so the embedded project runs
without it installed.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .config import PipelineConfig
from .dlq import DeadLetterQueue
from .idempotency import IdempotencyStore

if TYPE_CHECKING:
    from .state_postgres import PostgresState


@dataclass
class Stores:
    """The DLQ, the idempotency store and the target of one process."""

    dlq: Any
    idempotency: Any
    target: Any
    postgres: PostgresState | None = None
    _owned: list[Any] = field(default_factory=list)

    def rollback(self) -> None:
        """Drop the open batch everywhere (a broker worker lost its connection: the
        broker redelivers the batch, so nothing of it may stay half-written)."""
        if self.postgres is not None:
            self.postgres.rollback()
        for store in (self.idempotency, self.target):
            db = getattr(store, "_db", None)
            if isinstance(db, sqlite3.Connection) and db.in_transaction:
                db.execute("ROLLBACK")

    def close(self) -> None:
        for state in self._owned:
            state.close()


def uses_postgres(config: PipelineConfig) -> bool:
    return config.state == "postgres" or config.target.kind == "postgres"


def open_stores(
    config: PipelineConfig,
    base: Path,
    *,
    clock: Callable[[], float] = time.time,
    on_depth: Callable[[int], None] | None = None,
    target: Any = None,
) -> Stores:
    """Open what the configuration selects; ``target`` overrides the configured one."""
    from .connectors import open_target

    state: PostgresState | None = None
    if uses_postgres(config):
        from .state_postgres import PostgresState

        state = PostgresState(config.postgres)
    try:
        if config.state == "postgres":
            from .dlq_postgres import PostgresDeadLetterQueue
            from .state_postgres import PostgresIdempotencyStore

            assert state is not None
            dlq: Any = PostgresDeadLetterQueue(state, clock=clock, on_depth=on_depth)
            idempotency: Any = PostgresIdempotencyStore(
                config.idempotency, state, clock=clock, entity=config.entity
            )
        else:
            dlq = DeadLetterQueue(
                base / config.dead_letter_queue.path, clock=clock, on_depth=on_depth
            )
            idempotency = IdempotencyStore(
                config.idempotency,
                base / config.idempotency.path,
                clock=clock,
                entity=config.entity,
            )
        if target is None:
            if config.target.kind == "postgres":
                from .target_postgres import PostgresTarget

                assert state is not None
                target = PostgresTarget(config.target, config.entity, state, owns_state=False)
            else:
                target = open_target(config.target, config.entity, base)
    except BaseException:
        if state is not None:
            state.close()
        raise
    return Stores(dlq, idempotency, target, state, [state] if state is not None else [])
