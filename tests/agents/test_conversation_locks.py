"""A turn holds its conversation's lock; a conversation held elsewhere is not run twice."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from agents.notices import still_busy
from bot.app import CloudFabric
from core.coordination import Locks, MemoryLocks

CONVO = "console:local:locks"


class Recording:
    """Locks that note every key taken, over in-process locks."""

    def __init__(self, locks: Locks) -> None:
        self.locks = locks
        self.taken: list[str] = []

    def hold(self, key: str, timeout: float) -> AbstractContextManager[None]:
        self.taken.append(key)
        return self.locks.hold(key, timeout)

    def close(self) -> None:
        self.locks.close()


def test_a_turn_takes_the_lock_of_its_conversation(sandbox_app: CloudFabric) -> None:
    recording = Recording(sandbox_app.coordination)
    sandbox_app.conversations.locks = recording
    answer = sandbox_app.conversations.handle_message(CONVO, "alice", "stop batch-worker")
    assert answer.cards
    assert recording.taken == [f"conversation:{CONVO}"]

    sandbox_app.conversations.decide(CONVO, "bob", False, reason="not now")
    assert recording.taken == [f"conversation:{CONVO}"] * 2  # the resumed turn, too


@contextmanager
def _held_elsewhere(locks: Locks, key: str) -> Iterator[None]:
    held, release = threading.Event(), threading.Event()

    def hold() -> None:
        with locks.hold(key, timeout=5):
            held.set()
            release.wait(10)

    thread = threading.Thread(target=hold, daemon=True)
    thread.start()
    assert held.wait(5)
    try:
        yield
    finally:
        release.set()
        thread.join(10)


def test_a_conversation_held_by_another_turn_is_not_run_and_others_are(
    sandbox_app: CloudFabric,
) -> None:
    conversations = sandbox_app.conversations
    conversations.locks, conversations.turn_budget = MemoryLocks(), 0.5
    with _held_elsewhere(conversations.locks, f"conversation:{CONVO}"):
        busy = conversations.handle_message(CONVO, "alice", "what instances are running?")
        other = conversations.handle_message("console:local:other", "alice", "help")
    assert busy.text == still_busy(0.5)
    assert "still on an earlier message" not in other.text
    state = conversations.graph.get_state({"configurable": {"thread_id": CONVO}})
    assert not state.values.get("messages")
