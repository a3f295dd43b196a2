"""A for-each step that changes things files one approval per item; it goes on once all are decided.

Each item's request is decided on its own (approved and run, rejected, expired...), possibly
on different replicas. Every decision asks ``items_decided``: while any item is undecided the
run keeps waiting; the decision that completes the set gives the step's outcome, and the run
goes on (``Runner.resume``; its durable id is per step, so two decisions completing the set
at once resume it once).

The step's output then says, per item, what happened: ``done`` (ran and succeeded),
``declined`` (rejected, expired or withdrawn: a person's choice, not a failure) and
``failed`` (ran and failed, or was interrupted). The step fails when any item failed.
"""

from __future__ import annotations

import json
from typing import Any, Protocol

DONE = ("SUCCEEDED",)
FAILED = ("FAILED", "INTERRUPTED")
DECLINED = ("REJECTED", "EXPIRED", "CANCELLED", "VOIDED")
"""Final states of an approval request, by what they mean for the item."""


class Decided(Protocol):
    """What ``items_decided`` reads of an approval request (``ApprovalRequest`` fits)."""

    id: Any
    state: str
    result_json: str | None
    error: str | None


def item_outcome(request: Decided) -> dict[str, Any] | None:
    """One item's outcome, or None while its request is undecided.

    Args:
        request: the item's approval request.
    """
    state = str(request.state)
    if state in DONE:
        result = json.loads(request.result_json) if request.result_json else None
        return {"approval": str(request.id), "status": "done", "result": result}
    if state in FAILED or state in DECLINED:
        status = "failed" if state in FAILED else "declined"
        why = request.error or f"the approval ended {state.lower()}"
        return {"approval": str(request.id), "status": status, "error": why}
    return None


def step_outcome(requests: list[Decided]) -> tuple[Any, bool] | None:
    """The for-each step's output and whether it succeeded; None while any item waits.

    Args:
        requests: every item's approval request, in item order.
    """
    outcomes = [item_outcome(request) for request in requests]
    if any(outcome is None for outcome in outcomes):
        return None
    decided = [outcome for outcome in outcomes if outcome is not None]
    count = {key: sum(o["status"] == key for o in decided) for key in ("done", "declined")}
    failed = [o for o in decided if o["status"] == "failed"]
    if failed:
        reasons = "; ".join(f"request {o['approval']}: {o['error']}" for o in failed)
        return f"{len(failed)} of {len(decided)} items failed ({reasons})", False
    return {**count, "failed": 0, "outputs": decided}, True
