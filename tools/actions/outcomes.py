"""What an executor reports for a target that is no longer in the state the approver saw."""

from __future__ import annotations

from tools.ec2.models import ActionOutcome
from tools.plan import ResourceChange


def not_ready(
    change: ResourceChange, current: str | None, wanted: str | None, shown: str | None = None
) -> ActionOutcome:
    """The outcome for a target the executor will not touch.

    Args:
        change: the planned change of the target.
        current: its state now (``None`` when it no longer exists).
        wanted: the state the plan would reach (``None`` when reaching it again is not a no-op,
            e.g. a reboot); a target already there is "nothing to do".
        shown: how to name ``current`` in the sentence (defaults to ``current``).
    """
    if current is None:
        return ActionOutcome(resource=change.label, status="skipped", detail="it no longer exists.")
    if wanted is not None and current == wanted:
        return ActionOutcome(
            resource=change.label,
            status="nothing-to-do",
            detail=f"already {wanted}; nothing to do.",
        )
    return ActionOutcome(
        resource=change.label,
        status="skipped",
        detail=f"it is {shown or current} now, not {change.before} as approved; left alone.",
    )
