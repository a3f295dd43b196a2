"""What the durable engine's child processes share with their tests: clocks and effect counts.

Kept light (no test fixtures, no moto) so a child replica starts fast.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from sqlalchemy import text

from core.clock import Clock, as_utc, parse_instant
from core.db import Database

EFFECTS = "CREATE TABLE IF NOT EXISTS test_effect (run_id VARCHAR(200), kind VARCHAR(100))"


class SetClock(Clock):
    """A clock that reads whatever instant it was last set to."""

    def __init__(self, start: datetime) -> None:
        """Read ``start`` until moved."""
        super().__init__()
        self.instant = as_utc(start)

    def now(self) -> datetime:
        """The instant set last."""
        return self.instant


class FileClock(Clock):
    """A clock that reads its instant from a file, so several processes share one test time."""

    def __init__(self, path: Path) -> None:
        """Read the instant from ``path`` (ISO 8601) on every ``now()``."""
        super().__init__()
        self.path = path

    def now(self) -> datetime:
        """The instant in the file."""
        return parse_instant(self.path.read_text())


def set_instant(path: Path, instant: datetime) -> None:
    """Move every ``FileClock`` reading ``path`` to ``instant`` (atomically: no torn reads).

    Args:
        path: the shared clock file.
        instant: the new instant (aware).
    """
    scratch = path.with_suffix(".tmp")
    scratch.write_text(instant.isoformat())
    scratch.replace(path)


def record_effect(db: Database, run_id: str, kind: str) -> None:
    """Count one side effect of ``run_id``.

    Args:
        db: where effects are counted.
        run_id: the run.
        kind: what it did.
    """
    with db.engine.begin() as connection:
        connection.execute(text(EFFECTS))
        connection.execute(
            text("INSERT INTO test_effect (run_id, kind) VALUES (:r, :k)"), {"r": run_id, "k": kind}
        )


def effects(db: Database, kind: str | None = None) -> list[tuple[str, str]]:
    """Every counted side effect, optionally of one kind.

    Args:
        db: where effects are counted.
        kind: only this kind.
    """
    with db.engine.begin() as connection:
        connection.execute(text(EFFECTS))
        rows = connection.execute(text("SELECT run_id, kind FROM test_effect")).all()
    return [(r, k) for r, k in rows if kind is None or k == kind]
