"""Who is on call at an instant: rotations from the policy file behind a small interface.

A shift starts at the handoff's local wall-clock time in the rotation's zone, so a handoff at
09:00 Europe/Paris stays at 09:00 local across a daylight-saving change (the shift that spans
the change is an hour shorter or longer, as people expect). Another provider (PagerDuty, say)
answers the same question through ``OnCallProvider``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from tools.policy.models import Rotation


class OnCallUnavailable(RuntimeError):
    """An on-call provider could not answer; the message says why, for people to read."""


class ScheduleSource(Protocol):
    """An outside on-call service (PagerDuty) answering for one of its schedules."""

    def on_call(self, schedule: str, at: datetime) -> list[str]:
        """User ids on call in ``schedule`` at ``at``.

        Args:
            schedule: the service's schedule id.
            at: the instant (aware).

        Raises:
            OnCallUnavailable: the service could not answer.
        """
        ...


class OnCallProvider(Protocol):
    """Answers who is on call for a named rotation at an instant."""

    def on_call(self, rotation: str, at: datetime) -> list[str]:
        """User ids on call (empty when the rotation is unknown to this provider).

        Args:
            rotation: the rotation's name.
            at: the instant (aware).
        """
        ...


def shift_index(rotation: Rotation, at: datetime) -> int:
    """How many whole shifts have started since the rotation's first handoff (negative before).

    Args:
        rotation: the rotation.
        at: the instant (aware).
    """
    local = at.astimezone(ZoneInfo(rotation.zone))
    days = (local.date() - rotation.start).days
    if local.time().replace(tzinfo=None) < rotation.handoff:
        days -= 1
    length = 7 if rotation.every == "week" else 1
    return days // length


def on_call_at(rotation: Rotation, at: datetime) -> str:
    """The user on call in ``rotation`` at ``at`` (the first user before the first handoff).

    Args:
        rotation: the rotation.
        at: the instant (aware).
    """
    index = max(shift_index(rotation, at), 0)
    return rotation.users[index % len(rotation.users)]


class FileRotations:
    """The rotations written in the policy file."""

    def __init__(self, rotations: Iterable[Rotation]) -> None:
        """Index ``rotations`` by name.

        Args:
            rotations: from the policy file.
        """
        self._by_name = {r.name: r for r in rotations}

    def on_call(self, rotation: str, at: datetime) -> list[str]:
        """The one user on call in the named rotation, or nobody for an unknown name.

        Args:
            rotation: the rotation's name.
            at: the instant (aware).
        """
        found = self._by_name.get(rotation)
        return [on_call_at(found, at)] if found else []


class ScheduledRotations(FileRotations):
    """The file's rotations, asking an outside service for those that name a schedule there.

    A rotation with ``oncall: {provider: pagerduty, schedule: P123}`` is answered by the
    service; when it cannot answer, the rotation's own users take turns as written
    (``fallback: rotation``, the default) or nobody is on call (``fallback: nobody``), and the
    answer says why either way.
    """

    def __init__(self, rotations: Iterable[Rotation], schedules: ScheduleSource | None) -> None:
        """Index ``rotations`` and keep the service.

        Args:
            rotations: from the policy file.
            schedules: the outside service (None: every rotation is answered by the file, and
                a rotation that names a schedule says the service is not configured).
        """
        super().__init__(rotations)
        self.schedules = schedules

    def on_call(self, rotation: str, at: datetime) -> list[str]:
        """Who is on call in the named rotation (see ``who``).

        Args:
            rotation: the rotation's name.
            at: the instant (aware).
        """
        return self.who(rotation, at)[0]

    def who(self, rotation: str, at: datetime) -> tuple[list[str], str | None]:
        """Who is on call, and a note when the outside service did not answer.

        Args:
            rotation: the rotation's name.
            at: the instant (aware).
        """
        found = self._by_name.get(rotation)
        if found is None or found.oncall is None:
            return super().on_call(rotation, at), None
        source = found.oncall
        try:
            if self.schedules is None:
                raise OnCallUnavailable("no PagerDuty token is configured (CF_PAGERDUTY_TOKEN)")
            return self.schedules.on_call(source.schedule, at), None
        except OnCallUnavailable as error:
            if source.fallback == "rotation":
                return [on_call_at(found, at)], f"{error}; using the rotation in the policy file"
            return [], f"{error}; the rule says nobody stands in (fallback: nobody)"
