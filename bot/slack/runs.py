"""Slack work as runs of the durable engine: one queue for accepted requests, one for turns.

An accepted event, click, command or modal submission is the run ``slack.intake`` on the
queue ``cf-slack-intake``, recorded before Slack gets its 200 (``bot.slack.intake``). A
worker runs it: the listener's work, as it ran on the thread pool before. When that work
answers a message, the turn is the run ``slack.turn`` on ``cf-slack-turns``, a queue
partitioned by conversation with one run per partition at a time: the turns of one thread
run one after the other, in the order they were accepted, whichever replica takes them,
while other threads go on beside them. A turn still holds its conversation's lock as well
(the console and approval decisions resume the same thread outside the queue).

A run re-run after a crash is safe: the turn's message carries the run id, so the
conversation resumes from its checkpoint instead of being asked again (``handle_message``'s
``turn_id``), approval requests are idempotent by origin, and the answer is posted by the
checkpointed step ``slack.post_answer``, whose outbox writes are named after the run: re-run
after a crash, the step finds the writes it queued the first time and queues none again.

The work itself runs outside the engine's context (``isolated``): what a turn starts on the
engine (a workflow run, say) is a run of its own, as on the thread pool, not a child of this
one. The workflows reach the process's Slack surface through ``bind``, as the engine is one
per process.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from bot.slack.outbox.service import queued_by
from core import durable
from core.durable.queues import queue

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface

T = TypeVar("T")

INTAKE = queue("cf-slack-intake")
TURNS = queue("cf-slack-turns", partition_concurrency=1)

_lock = threading.Lock()
_bound: list[SlackSurface] = []


def bind(surface: SlackSurface) -> None:
    """Make ``surface`` the one this process's Slack runs work for.

    Args:
        surface: the Slack surface (the last one built wins).
    """
    with _lock:
        _bound[:] = [surface]


def bound() -> SlackSurface:
    """The surface bound with ``bind``.

    Raises:
        RuntimeError: no Slack surface was built in this process.
    """
    with _lock:
        if not _bound:
            raise RuntimeError("no Slack surface is bound to the durable engine")
        return _bound[0]


def is_bound(surface: SlackSurface) -> bool:
    """True when ``surface`` is the one the runs work for.

    Args:
        surface: a Slack surface.
    """
    with _lock:
        return bool(_bound) and _bound[0] is surface


def isolated(work: Callable[[], T]) -> T:
    """Run ``work`` in a fresh context, outside the engine's (as a pool thread would).

    Args:
        work: what to run.
    """
    return contextvars.Context().run(work)


def _run_id() -> str:
    run_id = durable.current_run_id()
    if run_id is None:
        raise RuntimeError("a Slack run's workflow was called outside the engine")
    return run_id


@durable.workflow("slack.intake")
def intake(
    name: str, body: dict[str, Any], payload: dict[str, Any], context: dict[str, Any]
) -> None:
    """One accepted Slack request: the work of the listener registered as ``name``.

    Args:
        name: the listener's work (``SlackSurface.handoff`` registered it).
        body: the request body.
        payload: the event, action, command or view.
        context: what the listener reads of bolt's context (workspace, bot user).
    """
    surface, run_id = bound(), _run_id()
    isolated(lambda: surface.perform(name, body, payload, context, run_id))


@durable.workflow("slack.turn")
def turn(thread: list[str], user: str, text: str, message_ts: str | None) -> None:
    """One turn of a conversation: the agent answers ``text`` in the thread.

    Args:
        thread: the thread's team, channel and ts.
        user: who wrote.
        text: the message, mentions included.
        message_ts: ts of the message (gets the "working" reaction), if it is one.
    """
    surface, run_id = bound(), _run_id()
    answer = isolated(lambda: surface.compute_turn(thread, user, text, message_ts, run_id))
    if answer is not None:
        post_answer(run_id, answer)


@durable.step("slack.post_answer")
def post_answer(run_id: str, post: Callable[[], None]) -> None:
    """Post a turn's answer (checkpointed: a recovered run does not post it again).

    Args:
        run_id: the turn's run (names the checkpoint).
        post: posts the answer.
    """
    isolated(lambda: queued_by(run_id, post))
