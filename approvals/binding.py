"""Where a decision may come from: the request's own workspace, its card or a personal list.

A button carries only the opaque approval id, so the id alone must never be enough: a click is
honoured only from the workspace the request was made in (the Slack team, or the enterprise of
an org-wide install), and only on the card itself or from the approver's own list of requests
(App Home, the console).
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from approvals.errors import NoApprovalNamed, WrongChannel, WrongWorkspace
from approvals.models import ApprovalRequest

ID_ALPHABET = frozenset(string.ascii_letters + string.digits + "-_")
ID_MAX_LENGTH = 64


@dataclass(frozen=True)
class Origin:
    """Where a decision was made.

    Attributes:
        workspace: Slack team id, or the enterprise id of an org-wide install (``console``
            for the console).
        channel: the channel of the card that was clicked; None for a personal list of
            requests (App Home, the console).
    """

    workspace: str
    channel: str | None = None


def check_id(approval_id: object) -> str:
    """``approval_id`` when it can name a request; raises ``NoApprovalNamed`` otherwise.

    Args:
        approval_id: what the button, modal or command carried.
    """
    if not isinstance(approval_id, str) or not approval_id.strip():
        raise NoApprovalNamed("This decision names no approval request, so nothing was decided.")
    if len(approval_id) > ID_MAX_LENGTH or not set(approval_id) <= ID_ALPHABET:
        shown = approval_id[:40] + ("…" if len(approval_id) > 40 else "")
        raise NoApprovalNamed(
            f"'{shown}' is not an approval id, so nothing was decided. Use the card's buttons."
        )
    return approval_id


def check_origin(request: ApprovalRequest, origin: Origin) -> None:
    """Raise when ``origin`` may not decide ``request``.

    Args:
        request: the request being decided.
        origin: where the decision comes from.

    Raises:
        WrongWorkspace: the decision comes from another workspace.
        WrongChannel: it comes from a channel that does not hold the card.
    """
    if request.workspace_id is None or origin.workspace != request.workspace_id:
        raise WrongWorkspace(
            "This request was made in another workspace and can only be decided there; "
            "nothing was decided."
        )
    if origin.channel is not None and origin.channel != request.card_channel:
        where = f" in <#{request.card_channel}>" if request.card_channel else ""
        raise WrongChannel(
            f"This request can only be decided on its card{where} or from your App Home; "
            "nothing was decided."
        )
