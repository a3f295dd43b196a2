"""Whether a workflow's condition step holds, over the outputs of the steps before it."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.workflows.refs import UnknownReference, lookup
from tools.workflows.spec import ConditionStep


def holds(step: ConditionStep, scope: dict[str, Any]) -> bool:
    """True when ``step``'s test passes; a reference to nothing is empty (and exists not).

    Args:
        step: the condition step.
        scope: the run's outputs so far, by step id (and the trigger).
    """
    path = step.ref.strip("{}")
    try:
        value = lookup(path, scope)
    except UnknownReference:
        return step.op == "empty"
    ops: dict[str, Callable[[], bool]] = {
        "exists": lambda: value is not None,
        "empty": lambda: not value,
        "not_empty": lambda: bool(value),
        "eq": lambda: bool(value == step.value),
        "ne": lambda: bool(value != step.value),
        "gt": lambda: _number(value) > _number(step.value),
        "lt": lambda: _number(value) < _number(step.value),
        "contains": lambda: step.value in value if isinstance(value, list | str) else False,
    }
    return ops[step.op]()


def _number(value: Any) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return float("nan")
