"""What a person is told when their message or turn is not run (the same on every surface)."""

from __future__ import annotations

MESSAGE_LIMIT = 40_000  # Slack's own limit on a message's text


def too_long(length: int) -> str:
    """What a person is told about a message over ``MESSAGE_LIMIT`` characters.

    Args:
        length: the message's length.
    """
    return (
        f"That message is {length:,} characters long; I read at most {MESSAGE_LIMIT:,} "
        "(Slack's own limit), so I did not act on it. Please send a shorter one."
    )


def ran_too_long(budget: float) -> str:
    """What a person is told when their turn ran past its budget and was fenced off.

    Args:
        budget: the budget in seconds.
    """
    return (
        f"This took longer than {budget:g} seconds, so I stopped waiting for it: nothing it "
        "does from now on takes effect (no change is requested and nothing more is posted). "
        "Please try again, perhaps asking for less at once."
    )


def still_busy(budget: float) -> str:
    """What a person is told when an earlier turn of the conversation still holds it.

    Args:
        budget: the budget in seconds.
    """
    return (
        f"I'm still on an earlier message in this conversation after {budget:g} seconds, so "
        "I did not run this one. Please send it again in a moment."
    )


def model_unavailable(provider: str, reason: str) -> str:
    """The note on answers given offline because the hosted model failed.

    Args:
        provider: the hosted provider's name (``bedrock``, ``openai``).
        reason: what went wrong, in a word (an exception's name).
    """
    return (
        f"_Note: the {provider} model is unavailable ({reason}); "
        "answering with the offline router._"
    )


def model_budget_spent() -> str:
    """The note on answers given offline because the workspace's daily model budget is spent."""
    return (
        "_Note: today's model budget for this workspace is spent; answering offline "
        "(it renews at midnight UTC)._"
    )
