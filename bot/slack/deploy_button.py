"""The proposal card's Deploy button: it asks for an approval, it never deploys.

A click builds the deploy plan with the tool's own preview (for the clicker, from the button's
``<name>:<version>`` value), stores it with the approval service and posts the approval card in
the proposal's thread; from there the usual Approve / Reject flow runs it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from slack_bolt import BoltContext

from agents.reply import Reply
from bot.slack.actions import clicked_in, thread_of
from tools import blocks
from tools.architecture.models import DeployArgs
from tools.architecture.render import DEPLOY_ACTION
from tools.errors import ToolError

if TYPE_CHECKING:
    from bot.slack.surface import SlackSurface


def parse_value(value: str) -> DeployArgs:
    """``prod-web:2`` -> the deploy arguments (anything else is refused).

    Args:
        value: the button's value.
    """
    name, _, version = value.partition(":")
    if not name or not version.isdigit():
        raise ToolError("That Deploy button is not one I made; ask for the proposal again.")
    return DeployArgs(name=name, version=int(version))


def register(surface: SlackSurface) -> None:
    """Register the Deploy button listener.

    Args:
        surface: the Slack surface.
    """
    app = surface.cloudfabric

    def clicked(body: dict[str, Any], action: dict[str, Any], context: BoltContext) -> None:
        user = body["user"]["id"]
        thread = thread_of(body, context)
        try:
            if thread is None:
                raise ToolError("I can only deploy from a proposal in a channel thread.")
            args = parse_value(str(action.get("value", "")))
            spec = app.registry.get("architecture.deploy")
            assert spec.preview is not None
            plan = spec.preview(app.context_for(user), args)
        except ToolError as refused:
            surface.transport.ephemeral(
                clicked_in(body), user, Reply(blocks=blocks.error(str(refused)))
            )
            return
        origin = (
            f"{thread.conversation}|deploy|{args.name}:{args.version}|{action.get('action_ts', '')}"
        )
        request = app.approvals.request(
            plan, user, thread.conversation, origin_key=origin, workspace=thread.team
        )
        surface.transport.post_card(app.cards(request), thread)

    surface.bolt.action(DEPLOY_ACTION)(surface.handoff(clicked))
