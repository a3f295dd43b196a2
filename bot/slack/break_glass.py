"""``/cloudfabric break-glass <approval id> -- <justification>``: the only way to break glass.

The command is typed by a person; its text is parsed here (a split on the first ``--``, linear
in its length) and handed to ``approvals.breakglass``. The answer is shown to that person only;
the review card goes to the request's thread.
"""

from __future__ import annotations

from dataclasses import dataclass

from agents.reply import Reply
from approvals.binding import Origin
from approvals.errors import ApprovalRefused
from approvals.render import render_refusal
from bot.app import CloudFabric
from tools import blocks

WORD = "break-glass"
USAGE = (
    "Usage: `/cloudfabric break-glass <approval id> -- <why>`, e.g. "
    "`/cloudfabric break-glass Xy12ab -- checkout is down, stopping the runaway batch`. "
    "Members of the break-glass group run a pending request without approval; the "
    "justification is required, audited and shown to the approvers for review."
)


@dataclass(frozen=True)
class BreakGlassCommand:
    """A parsed break-glass command.

    Attributes:
        approval_id: the request to run.
        justification: why (may be empty: the service refuses it with its own message).
    """

    approval_id: str
    justification: str


def is_break_glass(text: str) -> bool:
    """True when a ``/cloudfabric`` text asks for break-glass.

    Args:
        text: what was typed after the command.
    """
    first = text.strip().split(maxsplit=1)[:1]
    return bool(first) and first[0].lower() == WORD


def parse(text: str) -> BreakGlassCommand | None:
    """The approval id and justification of a break-glass text, or None when malformed.

    Args:
        text: what was typed after ``/cloudfabric``.
    """
    rest = text.strip()[len(WORD) :]
    head, separator, justification = rest.partition("--")
    words = head.split()
    if not separator or len(words) != 1:
        return None
    return BreakGlassCommand(words[0], justification.strip())


def answer(cloudfabric: CloudFabric, text: str, user: str, workspace: str) -> Reply:
    """Break glass as ``user`` asked in ``text``; what to show them (only them).

    Args:
        cloudfabric: the services.
        text: what was typed after ``/cloudfabric``.
        user: who typed it.
        workspace: where (the request must have been made there).
    """
    command = parse(text)
    if command is None:
        return Reply(blocks=render_refusal(USAGE), ephemeral=True)
    if cloudfabric.break_glass is None:
        return Reply(blocks=render_refusal("Break-glass is not available here."), ephemeral=True)
    try:
        final = cloudfabric.break_glass.run(
            command.approval_id, user, command.justification, Origin(workspace)
        )
    except ApprovalRefused as refusal:
        return Reply(blocks=render_refusal(str(refusal)), ephemeral=True)
    done = (
        f":rotating_light: You broke glass on `{final.id}` ({final.summary}): it ended "
        f"*{final.state.lower()}*. The audit records it with your justification, and a "
        "review card went to its approvers."
    )
    return Reply(blocks=[blocks.text(done)], ephemeral=True)
