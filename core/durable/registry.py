"""Durable workflows and steps, declared without importing DBOS.

``@workflow("name")`` and ``@step("name")`` record a function under a stable name. The DBOS
decorators are applied lazily: workflows when the engine launches (so startup recovery finds
them), steps on their first call. Importing a module that declares workflows therefore costs
nothing on the command line's ``--help`` path.

Names are what DBOS records and matches on recovery: renaming a workflow or a step strands
the runs that are pending under the old name, so a name is part of the durable contract.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, Generic, ParamSpec, TypeVar

P = ParamSpec("P")
R = TypeVar("R")

_lock = threading.Lock()
_workflows: dict[str, DurableWorkflow[Any, Any]] = {}


class DurableWorkflow(Generic[P, R]):
    """A function whose runs survive crashes: each step's result is checkpointed.

    Call it inside another workflow to run it as a child, or start it with
    ``core.durable.start_run``. Its body must be deterministic apart from its steps.
    """

    def __init__(self, name: str, function: Callable[P, R], max_recovery_attempts: int) -> None:
        """Record ``function`` under ``name``.

        Args:
            name: stable name DBOS records on each run.
            function: the workflow body.
            max_recovery_attempts: recoveries before a run is marked as failing for good.
        """
        self.name = name
        self.function = function
        self.max_recovery_attempts = max_recovery_attempts
        self._bound: Callable[P, R] | None = None

    def bind(self) -> Callable[P, R]:
        """The DBOS-decorated function (decorated on the first call)."""
        with _lock:
            if self._bound is None:
                from dbos import DBOS

                decorate = DBOS.workflow(
                    name=self.name, max_recovery_attempts=self.max_recovery_attempts
                )
                self._bound = decorate(self.function)
            return self._bound

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run the workflow in the calling thread (as a child when called from a workflow)."""
        return self.bind()(*args, **kwargs)


class DurableStep(Generic[P, R]):
    """A unit of work whose result is checkpointed once it returns.

    A step that crashes before its checkpoint runs again on recovery: make its side effect
    idempotent (an idempotency key and a check before acting).
    """

    def __init__(self, name: str, function: Callable[P, R], retries: int) -> None:
        """Record ``function`` under ``name``.

        Args:
            name: stable name DBOS records for the step.
            function: the step body.
            retries: extra attempts after an exception (0 = none).
        """
        self.name = name
        self.function = function
        self.retries = retries
        self._bound: Callable[P, R] | None = None

    def bind(self) -> Callable[P, R]:
        """The DBOS-decorated function (decorated on the first call)."""
        with _lock:
            if self._bound is None:
                from dbos import DBOS

                decorate = DBOS.step(
                    name=self.name,
                    retries_allowed=self.retries > 0,
                    max_attempts=self.retries + 1,
                )
                self._bound = decorate(self.function)
            return self._bound

    def __call__(self, *args: P.args, **kwargs: P.kwargs) -> R:
        """Run the step (checkpointed when called from a workflow, plain otherwise)."""
        return self.bind()(*args, **kwargs)


def workflow(
    name: str, *, max_recovery_attempts: int = 50
) -> Callable[[Callable[P, R]], DurableWorkflow[P, R]]:
    """Declare a durable workflow named ``name``.

    Args:
        name: stable, unique name (recovery matches runs to code by it).
        max_recovery_attempts: recoveries before a run is given up.

    Raises:
        ValueError: another function is already declared under ``name``.
    """

    def declare(function: Callable[P, R]) -> DurableWorkflow[P, R]:
        with _lock:
            known = _workflows.get(name)
            if known is not None and known.function.__qualname__ != function.__qualname__:
                raise ValueError(f"a durable workflow named '{name}' is already declared")
            declared = DurableWorkflow(name, function, max_recovery_attempts)
            if known is None:
                _workflows[name] = declared
            else:
                declared = known
        return declared

    return declare


def step(name: str, *, retries: int = 0) -> Callable[[Callable[P, R]], DurableStep[P, R]]:
    """Declare a durable step named ``name``.

    Args:
        name: stable name, unique within the workflows that call it.
        retries: extra attempts after an exception (0 = none).
    """

    def declare(function: Callable[P, R]) -> DurableStep[P, R]:
        return DurableStep(name, function, retries)

    return declare


def bind_all() -> list[str]:
    """Hand every declared workflow to DBOS (before launch, so recovery finds them)."""
    with _lock:
        declared = list(_workflows.values())
    for known in declared:
        known.bind()
    return [known.name for known in declared]
