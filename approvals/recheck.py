"""The re-check right before execution: has the world moved since the plan was approved?

The approved plan is built again for the same targets as AWS shows them now (the tool's
``recheck``) and compared with the stored one. A target gone or no longer in the state the plan
expects, a target added, different dependents, or a cost change that moved by more than a
dollar and a tenth is material: the approval is voided with the reason, nothing runs, and the
plan as it would be now is offered on a fresh card. Tools without a ``recheck`` run as approved.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from botocore.exceptions import BotoCoreError, ClientError

from approvals.models import ApprovalRequest
from tools.context import ToolContext
from tools.errors import ToolError
from tools.plan import ActionPlan, ResourceChange
from tools.registry import Registry

log = logging.getLogger(__name__)
COST_SLACK_USD = 1.0
"""A cost change that moved by at most this much (USD/month) is not material."""
COST_SLACK_SHARE = 0.10
"""A cost change that moved by at most this share of what was approved is not material."""


@dataclass(frozen=True)
class Void:
    """Why an approved plan may not run any more.

    Attributes:
        reason: what changed since the approval, in words.
        fresh: the plan as it would be now, when one can be built (offered on a fresh card).
    """

    reason: str
    fresh: ActionPlan | None


class Recheck:
    """Compares an approved plan with the plan its targets give now."""

    def __init__(self, registry: Registry, context_for: Callable[[str], ToolContext]) -> None:
        """Wire the re-check.

        Args:
            registry: the tools (their ``recheck``).
            context_for: tool context acting for a user.
        """
        self.registry = registry
        self.context_for = context_for

    def __call__(self, request: ApprovalRequest, plan: ActionPlan) -> Void | None:
        """Why ``plan`` may not run now, or None when nothing material changed.

        Args:
            request: the claimed request.
            plan: its approved (verified) plan.
        """
        spec = self.registry.get(plan.tool)
        if spec.recheck is None:
            return None
        labels = ", ".join(c.label for c in plan.changes) or "its targets"
        try:
            current = spec.recheck(self.context_for(request.requester), plan)
        except ToolError as gone:
            return Void(f"{labels} changed since the approval: {gone}", None)
        except (ClientError, BotoCoreError) as error:
            log.warning("re-checking %s failed: %s", request.id, error)
            return Void(f"{labels} could not be read again ({type(error).__name__}).", None)
        found = differences(plan, current)
        return Void("; ".join(found) + ".", current) if found else None


def differences(approved: ActionPlan, current: ActionPlan) -> list[str]:
    """What changed materially between the approved plan and the plan of now, in words.

    Args:
        approved: the plan that was approved.
        current: the same request planned again now.
    """
    was = {c.resource_id: c for c in approved.changes}
    now = {c.resource_id: c for c in current.changes}
    found: list[str] = []
    for resource_id, change in was.items():
        fresh = now.get(resource_id)
        if fresh is None:
            found.append(f"{change.label} is no longer {change.before}")
        else:
            found += _changed(change, fresh)
    found += [
        f"{c.label} is {c.before} now and would be changed too" for r, c in now.items()
        if r not in was
    ]  # fmt: skip
    moved = _cost_moved(approved.cost_delta_monthly, current.cost_delta_monthly)
    return found + ([moved] if moved else [])


def _changed(was: ResourceChange, now: ResourceChange) -> list[str]:
    found = []
    if was.before != now.before:
        found.append(f"{was.label} was {was.before} when approved and is {now.before} now")
    if sorted(was.dependents) != sorted(now.dependents):
        then = ", ".join(was.dependents) or "nothing"
        found.append(
            f"what depends on {was.label} changed: {then} then, "
            f"{', '.join(now.dependents) or 'nothing'} now"
        )
    return found


def _cost_moved(was: float | None, now: float | None) -> str | None:
    if was is None or now is None:
        return None if was == now else f"the cost change is now {_usd(now)} (was {_usd(was)})"
    if abs(now - was) <= max(COST_SLACK_USD, COST_SLACK_SHARE * abs(was)):
        return None
    return f"the cost change moved from {_usd(was)} to {_usd(now)}"


def _usd(value: float | None) -> str:
    if value is None:
        return "unknown"
    return f"{'-' if value < 0 else '+'}${abs(value):,.2f}/month"
