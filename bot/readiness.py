"""What ``/readyz`` checks: every dependency the configuration requires.

A *problem* takes the replica out of the load balancer (503): the database does not answer,
the Slack identity is unknown, the socket is down, or the durable engine (when enabled) is not
running or its heartbeat is stale. *Degraded* leaves it in (200): Redis unreachable (dedupe
and locks run on the database meanwhile), or an approval policy edit that did not validate.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from bot.app import CloudFabric
from bot.slack.runtime import SlackRuntime
from core.clock import Clock
from core.settings import Settings

log = logging.getLogger(__name__)


@dataclass
class Readiness:
    """The answer of ``/readyz``.

    Attributes:
        problems: what keeps this replica from serving (503 when any).
        degraded: what runs on a fallback while the replica serves (still 200).
    """

    problems: list[str] = field(default_factory=list)
    degraded: list[str] = field(default_factory=list)

    def body(self) -> dict[str, object]:
        """The JSON body: ``status`` and the lists that are not empty."""
        body: dict[str, object] = {"status": "unavailable" if self.problems else "ready"}
        if self.problems:
            body["problems"] = self.problems
        if self.degraded:
            body["degraded"] = self.degraded
        return body


def readiness(runtime: SlackRuntime) -> Readiness:
    """Check the database, Slack, Redis, the approval policy and the durable engine.

    Args:
        runtime: the Slack runtime of this replica.
    """
    cloudfabric = runtime.cloudfabric
    database_ok = _database_answers(cloudfabric)
    problems = [] if database_ok else ["database unreachable"]
    problems += runtime.problems()
    if database_ok:
        problems += durable_problems(cloudfabric.settings, cloudfabric.clock)
    degraded = cloudfabric.coordination.degraded()
    if policy := cloudfabric.approvals.policy.source.degraded:
        degraded.append(policy)  # the last good policy is in force
    return Readiness(problems, degraded)


def _database_answers(cloudfabric: CloudFabric) -> bool:
    try:
        with cloudfabric.db.session() as session:
            session.execute(text("SELECT 1"))
    except SQLAlchemyError as failure:
        log.warning("readiness: database unreachable: %s", failure)
        return False
    return True


def durable_problems(settings: Settings, clock: Clock) -> list[str]:
    """The durable engine, when enabled: launched, and its heartbeat younger than the dead
    threshold (older, the other replicas take over this one's runs).

    Args:
        settings: runtime settings (``durable_enabled``, ``durable_dead_after_seconds``).
        clock: the app's clock.
    """
    if not settings.durable_enabled:
        return []
    from core import durable

    if not durable.is_launched():
        return ["durable engine not running"]
    last = durable.current().heartbeats.last_seen()
    age = None if last is None else (clock.now() - last).total_seconds()
    if age is None or age > settings.durable_dead_after_seconds:
        seen = "never" if last is None else f"last at {last.isoformat()}"
        return [f"durable engine heartbeat stale ({seen})"]
    return []
