"""The change-freeze kill switch: one row in SQL, so every replica sees it at once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from approvals.audit import AuditLog
from approvals.models import ChangeFreeze
from core.clock import Clock
from core.db import Database

ALL = "all"


@dataclass(frozen=True)
class FreezeStatus:
    """The switch as it is now.

    Attributes:
        active: True while every new change is refused.
        reason: why, as given when it was switched on.
        set_by: who switched it last.
        set_at: when.
    """

    active: bool
    reason: str | None = None
    set_by: str | None = None
    set_at: datetime | None = None

    def message(self) -> str:
        """The sentence a refused requester or clicker sees."""
        why = f": {self.reason}" if self.reason else ""
        since = f" since {self.set_at:%Y-%m-%d %H:%M} UTC" if self.set_at else ""
        return f"All changes are frozen by {self.set_by or 'an admin'}{since}{why}."


class FreezeSwitch:
    """Reads and flips the kill switch."""

    def __init__(self, db: Database, clock: Clock | None = None, audit: AuditLog | None = None):
        """Use ``db``.

        Args:
            db: the SQL store (migrated).
            clock: the one source of "now".
            audit: where switching is recorded (not recorded without one).
        """
        self.db = db
        self.clock = clock or Clock()
        self.audit = audit

    def status(self) -> FreezeStatus:
        """Whether changes are frozen now, and by whom."""
        with self.db.session() as session:
            row = session.get(ChangeFreeze, ALL)
        if row is None:
            return FreezeStatus(active=False)
        return FreezeStatus(row.active, row.reason, row.set_by, row.set_at)

    def set(self, active: bool, user: str, reason: str | None = None) -> FreezeStatus:
        """Freeze or thaw every change.

        Args:
            active: True to freeze, False to lift it.
            user: who switches it.
            reason: why (shown to refused users).
        """
        now = self.clock.now()
        with self.db.session() as session:
            row = session.get(ChangeFreeze, ALL)
            if row is None:
                row = ChangeFreeze(scope=ALL, active=active, set_by=user, set_at=now)
            row.active, row.reason, row.set_by, row.set_at = active, reason, user, now
            session.add(row)
        if self.audit is not None:
            action = "freeze-on" if active else "freeze-off"
            self.audit.append(user, action, None, {"reason": reason})
        return self.status()
