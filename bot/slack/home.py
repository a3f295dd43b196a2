"""App Home: the user's pending approvals (to decide and requested), recent executions,
architectures and the latest workflow runs.

Only the requests of the workspace the tab is opened in are listed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext
from slack_sdk.models.blocks import Block

from approvals.errors import ApprovalRefused
from approvals.models import ApprovalRequest, ApprovalState
from bot.slack import render
from bot.slack.transport import workspace_of

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface

EXECUTED = (ApprovalState.SUCCEEDED, ApprovalState.FAILED, ApprovalState.INTERRUPTED)


def may_approve(surface: SlackSurface, user: str, request: ApprovalRequest) -> bool:
    """True when the policy lets ``user`` approve ``request``.

    Args:
        surface: the Slack surface.
        user: Slack user id.
        request: a pending request.
    """
    try:
        surface.cloudfabric.approvals.policy.check_request(user, request)
    except ApprovalRefused:
        return False
    return True


def publish_home(surface: SlackSurface, user: str, workspace: str) -> None:
    """Build and publish ``user``'s App Home tab: only requests of ``workspace``.

    Args:
        surface: the Slack surface.
        user: Slack user id.
        workspace: the workspace the tab was opened in (see ``transport.workspace_of``).
    """
    approvals = surface.cloudfabric.approvals
    pending = approvals.find(ApprovalState.PENDING, limit=100, workspace=workspace)
    to_decide = [r for r in pending if r.requester != user and may_approve(surface, user, r)]
    requested = [r for r in pending if r.requester == user]
    recent = approvals.find(limit=100, workspace=workspace)
    executed = [r for r in recent if r.lifecycle in EXECUTED][:10]
    view = render.home_view(to_decide[:20], requested[:20], executed)
    view.blocks[-1:-1] = [*architectures(surface, user), *workflow_runs(surface, workspace)]
    surface.transport.call("views.publish", surface.client.views_publish, user_id=user, view=view)


def architectures(surface: SlackSurface, user: str) -> list[Block]:
    """The architectures section of App Home (newest first).

    Args:
        surface: the Slack surface.
        user: Slack user id (whose context lists them).
    """
    from tools.architecture.handlers import list_all
    from tools.architecture.models import ListArgs
    from tools.architecture.render import home_blocks

    return home_blocks(list_all(surface.cloudfabric.context_for(user), ListArgs()))


def workflow_runs(surface: SlackSurface, workspace: str) -> list[Block]:
    """The workflow runs section of App Home: the latest runs of the workspace's workflows.

    Args:
        surface: the Slack surface.
        workspace: the workspace the tab was opened in.
    """
    from tools.workflows.render import home_blocks
    from tools.workflows.service import WorkflowStore

    store = WorkflowStore(surface.cloudfabric.db, surface.cloudfabric.clock)
    return home_blocks(store.recent_runs(workspace, limit=10))


def register(surface: SlackSurface) -> None:
    """Register the App Home listener.

    Args:
        surface: the Slack surface.
    """

    def opened(_: dict[str, Any], event: dict[str, Any], context: BoltContext) -> None:
        user = event.get("user")
        if event.get("tab", "home") == "home" and isinstance(user, str) and user:
            publish_home(surface, user, workspace_of(context) or "")

    surface.bolt.event("app_home_opened")(surface.handoff(opened))
