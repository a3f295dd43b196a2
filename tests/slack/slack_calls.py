"""Reading what the app asked of the fake Slack: accepted answers in a thread, and the order
in which calls were made (an answer posted before its hourglass came off, say)."""

from __future__ import annotations

from collections.abc import Callable

from tests.fakes.slack_server import Call, FakeSlack


def accepted(call: Call) -> bool:
    """True when Slack answered the call with ok.

    Args:
        call: a recorded Web API call.
    """
    return bool(call.response.get("ok"))


def answers_in(slack: FakeSlack, channel: str, thread_ts: str) -> list[str]:
    """Texts Slack accepted in the thread ``thread_ts`` of ``channel``, oldest first.

    Args:
        slack: the fake Slack.
        channel: the channel.
        thread_ts: the thread.
    """
    return [
        str(c.params.get("text"))
        for c in slack.calls_of("chat.postMessage")
        if accepted(c)
        and c.params.get("channel") == channel
        and c.params.get("thread_ts") == thread_ts
    ]


def position(slack: FakeSlack, found: Callable[[Call], bool]) -> int:
    """Position, among all calls, of the first call ``found`` is true of.

    Args:
        slack: the fake Slack.
        found: picks the call.
    """
    return next(i for i, c in enumerate(list(slack.calls)) if found(c))


def answered_at(slack: FakeSlack, channel: str, words: str) -> int:
    """Position of the accepted post in ``channel`` saying ``words``.

    Args:
        slack: the fake Slack.
        channel: the channel.
        words: part of the post's text.
    """
    return position(
        slack,
        lambda c: (
            c.method == "chat.postMessage"
            and accepted(c)
            and c.params.get("channel") == channel
            and words in str(c.params.get("text"))
        ),
    )


def unhourglassed_at(slack: FakeSlack, message_ts: str) -> int:
    """Position of the accepted removal of the hourglass from the message ``message_ts``.

    Args:
        slack: the fake Slack.
        message_ts: the message.
    """
    return position(
        slack,
        lambda c: (
            c.method == "reactions.remove"
            and accepted(c)
            and c.params.get("timestamp") == message_ts
        ),
    )
