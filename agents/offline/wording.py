"""The sentences the offline model says when it asks, declines or does not understand."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from tools.registry import ToolSpec

NOT_UNDERSTOOD = (
    "I'm not sure what you'd like me to do. Try asking, for example, "
    "“what instances are running in us-east-1?”, or type *help*."
)
LABEL_LIMIT = 75
"""Longest choice label (a Slack button shows at most 75 characters)."""
NEVER_MIND = "OK, I've dropped that. Nothing was changed."
NOTHING_TO_REPEAT = "There's nothing earlier in this thread for me to apply that to."
KIND_NAMES = {
    "instance": "instance",
    "volume": "volume",
    "address": "Elastic IP",
    "pool": "pool",
    "architecture": "architecture",
    "security_group": "security group",
    "load_balancer": "load balancer",
    "database": "database",
    "auto_scaling_group": "Auto Scaling group",
}


def action(spec: ToolSpec) -> str:
    """What a tool does, as a lower-case phrase ("stop running EC2 instances").

    Args:
        spec: the tool.
    """
    text = spec.description.rstrip(".").split(" (")[0].split("; ")[0]
    return text[:1].lower() + text[1:]


def option_label(spec: ToolSpec, args: dict[str, Any], target_arg: str | None) -> str:
    """A short label for a choice: the action, and its target when it has one.

    Args:
        spec: the tool.
        args: the call's arguments.
        target_arg: the argument naming the target, if any.
    """
    label = action(spec)
    value = args.get(target_arg) if target_arg else None
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    label = f"{label}: {value}" if value else label
    label = label if len(label) <= LABEL_LIMIT else label[: LABEL_LIMIT - 1] + "…"
    return label[:1].upper() + label[1:]


def kind_name(kinds: Sequence[str]) -> str:
    """How to call the thing a target names ("instance", "resource").

    Args:
        kinds: lexicon kinds.
    """
    return KIND_NAMES.get(kinds[0], kinds[0].replace("_", " ")) if kinds else "resource"


def which_one(spec: ToolSpec, word: str, kinds: Sequence[str], close: bool) -> str:
    """The question asked when a target does not name anything known.

    Args:
        spec: the tool.
        word: what the person wrote ("" when they named nothing).
        kinds: what it should name.
        close: the choices are close spellings of ``word``.
    """
    thing = kind_name(kinds)
    if close:
        return f"I don't know {_a(thing)} called “{word}”. Did you mean one of these?"
    if word:
        return f"I don't know {_a(thing)} called “{word}”. Which one did you mean?"
    return f"Which {thing}? Pick one, or name it in your message, to {action(spec)}."


def _a(thing: str) -> str:
    return f"an {thing}" if thing[:1].lower() in "aeiou" else f"a {thing}"


def unsure(options: Sequence[str]) -> str:
    """The question asked when two or three tools fit about as well.

    Args:
        options: their labels.
    """
    return "I'm not sure which you mean. Did you want me to:" if options else NOT_UNDERSTOOD


def declined(spec: ToolSpec) -> str:
    """The answer to a negated change ("don't stop web-1").

    Args:
        spec: the tool the message was close to.
    """
    return f"Understood: I won't {action(spec)}. Nothing was changed and nothing was filed."


def missing_argument(spec: ToolSpec, field: str, description: str) -> str:
    """The answer when a required argument could not be read from the message.

    Args:
        spec: the tool.
        field: the argument's name.
        description: the argument's description.
    """
    return (
        f"To {action(spec)} I need {field.replace('_', ' ')} ({description.rstrip('.')}). "
        "Could you say it again with that?"
    )


def did_you_mean(said: str) -> str:
    """The question for a change read from a corrected typo ("stpo web-1").

    Args:
        said: the message with its typos corrected.
    """
    shown = said if len(said) <= LABEL_LIMIT else said[: LABEL_LIMIT - 1] + "…"
    return f"Did you mean “{shown}”? I'll only prepare that change if you pick it."
