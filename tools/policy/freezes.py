"""Change freezes: recurring weekly windows from the policy file, checked at an instant."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from tools.policy.facts import RequestFacts
from tools.policy.models import Freeze

WEEK = 7 * 1440


def in_window(freeze: Freeze, at: datetime) -> bool:
    """True when ``at`` falls inside the weekly window (which may wrap past Sunday).

    Args:
        freeze: the window.
        at: the instant (aware).
    """
    local = at.astimezone(ZoneInfo(freeze.zone))
    minute = local.weekday() * 1440 + local.hour * 60 + local.minute
    start, end = freeze.minute_of_week("starts"), freeze.minute_of_week("ends")
    if start <= end:
        return start <= minute < end
    return minute >= start or minute < end


def covers(freeze: Freeze, facts: RequestFacts) -> bool:
    """True when the window is about the request's environment or account.

    A window naming neither environments nor accounts covers every request.

    Args:
        freeze: the window.
        facts: what the request touches.
    """
    if not freeze.environments and not freeze.accounts:
        return True
    return bool(
        set(freeze.environments) & set(facts.environments)
        or set(freeze.accounts) & set(facts.accounts)
    )


def active_freeze(freezes: Iterable[Freeze], facts: RequestFacts, at: datetime) -> Freeze | None:
    """The first freeze window covering the request at ``at``, or None.

    Args:
        freezes: the policy's windows.
        facts: what the request touches.
        at: the instant (aware).
    """
    return next((f for f in freezes if covers(f, facts) and in_window(f, at)), None)


def freeze_reason(freeze: Freeze) -> str:
    """The sentence a refused requester or clicker sees.

    Args:
        freeze: the active window.
    """
    scope = ", ".join([*freeze.environments, *freeze.accounts]) or "all changes"
    why = f": {freeze.reason}" if freeze.reason else ""
    return (
        f"Changes are frozen ({freeze.name}, {scope}, {freeze.starts} to {freeze.ends} "
        f"{freeze.zone}){why}."
    )
