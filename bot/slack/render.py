"""User-facing strings and Block Kit of the Slack surface (home tab, reject modal, questions,
notices)."""

from __future__ import annotations

import json
from collections.abc import Sequence

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    InputBlock,
    PlainTextInputElement,
)
from slack_sdk.models.views import View

from agents.reply import Question
from approvals.models import ApprovalRequest
from approvals.render import APPROVE_ACTION, REJECT_ACTION
from tools import blocks

WORKING_REACTION = "hourglass_flowing_sand"
REJECT_VIEW = "approval_reject_reason"
REASON_BLOCK = "reason"
REASON_ACTION = "reason_input"
HELP_WORDS = ("", "help", "?")
CHOICE_ACTION = "reply_choice"
CHOICES_BLOCK = "reply_choices"
BUTTON_TEXT_LIMIT = 75  # Slack's limit for a button's text


def choice_action(index: int) -> str:
    """The action id of a question's ``index``-th button (unique within its block).

    Args:
        index: the choice's position, from 0.
    """
    return f"{CHOICE_ACTION}:{index}"


def _button_text(label: str) -> str:
    if len(label) <= BUTTON_TEXT_LIMIT:
        return label
    return label[: BUTTON_TEXT_LIMIT - 1] + "…"


def question_blocks(question: Question) -> list[Block]:
    """A question as its prompt and one button per choice; a button carries the message that
    choosing it says.

    Args:
        question: the agent's question.
    """
    buttons = [
        ButtonElement(
            text=_button_text(choice.label), action_id=choice_action(i), value=choice.message
        )
        for i, choice in enumerate(question.choices)
    ]
    return [blocks.text(question.prompt), ActionsBlock(block_id=CHOICES_BLOCK, elements=buttons)]


def reply_blocks(answer: Sequence[Block], question: Question | None) -> list[Block]:
    """The thread message of a reply: its answer, then its question with buttons.

    Args:
        answer: the reply's blocks.
        question: the question it asks, if any.
    """
    return [*answer, *(question_blocks(question) if question is not None else [])]


def chosen(user: str, label: str) -> Block:
    """What replaces a question's buttons once someone has answered it.

    Args:
        user: Slack user id who chose.
        label: the choice's label.
    """
    return blocks.note(f"<@{user}> chose *{label}*")


def slash_question(user: str, text: str) -> list[Block]:
    """The channel message a ``/cloudfabric`` question starts its thread with.

    Args:
        user: Slack user id who asked.
        text: what they asked.
    """
    return [blocks.text(f"<@{user}> asked: {text}")]


def card_elsewhere(channel: str) -> list[Block]:
    """Thread note when the approval card lives in the approval channel.

    Args:
        channel: the approval channel id.
    """
    return [blocks.note(f"The approval card was posted in <#{channel}>.")]


def undeliverable(channel: str, error: str) -> list[Block]:
    """What a user is told (by DM) when their answer could not be posted.

    Args:
        channel: where it should have gone.
        error: Slack's error code.
    """
    hints = {
        "not_in_channel": "Invite me to the channel (`/invite @CloudFabric`) and ask again.",
        "channel_not_found": "I cannot see that channel; it may be private or deleted.",
    }
    hint = hints.get(error, "Please try again.")
    return blocks.error(f"I could not post my answer in <#{channel}> ({error}). {hint}")


def crashed(correlation: str) -> list[Block]:
    """What a user is told when handling their request failed unexpectedly.

    Args:
        correlation: the id in the error log line.
    """
    return blocks.error(f"Something went wrong on my side (reference {correlation}).")


def card_not_posted(channel: str, error: str, approval_id: str) -> list[Block]:
    """What a requester is told (by DM) when their approval card could not be posted.

    Args:
        channel: where it should have gone.
        error: Slack's error code.
        approval_id: the pending request.
    """
    return blocks.error(
        f"I could not post the approval card `{approval_id}` in <#{channel}> ({error}). "
        "The request is pending: approvers see it in my App Home tab, and I will post the "
        "card again shortly."
    )


def reject_modal(approval_id: str, summary: str, origin: dict[str, str]) -> View:
    """The modal asking why a request is rejected.

    Args:
        approval_id: the request.
        summary: its one-line summary.
        origin: where the click happened (``channel``, ``user``), kept in private metadata.
    """
    reason = InputBlock(
        block_id=REASON_BLOCK,
        label="Why are you rejecting it?",
        element=PlainTextInputElement(action_id=REASON_ACTION, multiline=True, max_length=500),
    )
    return View(
        type="modal",
        callback_id=REJECT_VIEW,
        title="Reject request",
        submit="Reject",
        close="Cancel",
        private_metadata=json.dumps({"approval_id": approval_id, **origin}),
        blocks=[blocks.text(f"*{summary}*"), reason],
    )


def _compact(request: ApprovalRequest, with_buttons: bool) -> list[Block]:
    line = (
        f"*{request.summary}*\n`{request.id}` · {request.risk} risk · "
        f"requested by <@{request.requester}> · {request.state}"
    )
    out: list[Block] = [blocks.text(line)]
    if with_buttons:
        out.append(
            ActionsBlock(
                block_id=f"approval:{request.id}",
                elements=[
                    ButtonElement(
                        text="Approve", action_id=APPROVE_ACTION, value=request.id, style="primary"
                    ),
                    ButtonElement(
                        text="Reject", action_id=REJECT_ACTION, value=request.id, style="danger"
                    ),
                ],
            )
        )
    return out


def _section(title: str, requests: Sequence[ApprovalRequest], buttons: bool) -> list[Block]:
    out: list[Block] = [blocks.header(title)]
    if not requests:
        return [*out, blocks.note("Nothing here.")]
    for request in requests:
        out += _compact(request, buttons)
    return out


def home_view(
    to_decide: Sequence[ApprovalRequest],
    requested: Sequence[ApprovalRequest],
    executions: Sequence[ApprovalRequest],
) -> View:
    """The App Home tab.

    Args:
        to_decide: pending requests this user may approve.
        requested: pending requests this user asked for.
        executions: recent executed requests.
    """
    content = [
        *_section("Waiting for your decision", to_decide, buttons=True),
        blocks.divider(),
        *_section("Your pending requests", requested, buttons=False),
        blocks.divider(),
        *_section("Recent executions", executions, buttons=False),
        blocks.note("Mention me in a channel or DM me to ask about your AWS estate."),
    ]
    return View(type="home", blocks=content)


NOTICE_HINTS = {
    "not_in_channel": "CloudFabric is not in {channel}. Invite it there (`/invite @CloudFabric` "
    "in {channel}), then run the workflow again.",
    "channel_not_found": "Slack has no channel {channel} that CloudFabric can see. Check the "
    "name, or if it is private invite CloudFabric to it (`/invite @CloudFabric`), then run the "
    "workflow again.",
    "is_archived": "{channel} is archived. Point the workflow at another channel.",
    "missing_scope": "CloudFabric's Slack app lacks a scope to find {channel} (it needs "
    "channels:read and groups:read); reinstall it from deploy/slack-app-manifest.yaml.",
}
"""Why a workflow's notice did not reach its channel, and what to do, by Slack's error code."""


def notice_refused(channel: str, error: str) -> str:
    """Why a workflow's notice to ``channel`` failed (the step's error), and what to do.

    Args:
        channel: the channel as the workflow names it (``#ops``) or its id.
        error: Slack's error code (``channel_not_found`` when no channel has that name).
    """
    shown = channel if channel.startswith(("#", "C", "G", "D")) else f"#{channel}"
    hint = NOTICE_HINTS.get(error)
    if hint is None:
        return f"Slack refused the notice to {shown} ({error}); the run can be tried again."
    return hint.format(channel=shown)
