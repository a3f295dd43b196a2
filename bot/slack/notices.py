"""What workflows say in Slack: notices to channels, run lines in threads, private notes.

The composition root's hooks (``CloudFabric.publish``, ``show_run_line`` and ``private``) are
set to these by the Slack surface. A notice whose channel is unknown or refuses the bot raises
``ToolError`` with what to do, so the workflow step fails with that sentence; the run's line in
the thread where the workflow was made then says which step failed and why.
"""

from __future__ import annotations

from slack_sdk.models.blocks import Block, MarkdownTextObject, SectionBlock

from agents.reply import Reply
from bot.slack import render
from bot.slack.channels import ChannelDirectory
from bot.slack.outbox.service import entry_of
from bot.slack.outbox.tables import DEAD
from bot.slack.transport import SlackRefused, SlackTransport, Thread
from tools.errors import ToolError

NOTICE_WAIT_SECONDS = 10.0
"""How long a notice step waits for Slack's verdict; a notice still queued then is left to the
outbox (it is delivered later, or its failure is logged and listed)."""


class WorkflowNotices:
    """Posts a workflow's messages through the Slack transport's outbox."""

    def __init__(self, transport: SlackTransport, channels: ChannelDirectory) -> None:
        """Wire the notices.

        Args:
            transport: the Web API transport.
            channels: resolves channel names to ids.
        """
        self.transport, self.channels = transport, channels

    def publish(self, channel: str, reply: Reply) -> None:
        """Post ``reply`` in ``channel`` (``#ops``, ``ops`` or an id).

        Args:
            channel: the workflow's channel.
            reply: the notice.

        Raises:
            ToolError: the channel is unknown or refused the message (names the channel and
                what to do).
        """
        try:
            found = self.channels.resolve(channel)
            if found is None:
                raise SlackRefused("conversations.list", "channel_not_found")
            name = self.transport.post(found, reply.blocks, reply.text)
            done = self.transport.outbox.wait(entry_of(name or "") or 0, NOTICE_WAIT_SECONDS)
            if done is not None and done.state == DEAD:
                raise SlackRefused("chat.postMessage", done.last_error or "unknown_error")
        except SlackRefused as refused:
            raise ToolError(render.notice_refused(channel, refused.error)) from None

    def show_run(self, conversation: str, ref: str | None, text: str) -> str | None:
        """Post a run's line in its thread, or edit the line posted before (``ref``).

        Args:
            conversation: the thread the workflow was made in.
            ref: the ts of the line posted earlier for this run, if any.
            text: the line (mrkdwn).

        Returns:
            The line's ts; None when the conversation is no Slack thread or Slack refused.
        """
        thread = Thread.of(conversation)
        if thread is None:
            return None
        items: list[Block] = [SectionBlock(text=MarkdownTextObject(text=text))]
        if ref and self.transport.update(thread.channel, ref, items, text):
            return ref
        return self.transport.post(thread.channel, items, text, thread.ts)

    def direct(self, user: str, reply: Reply) -> None:
        """Send ``reply`` to ``user`` alone, in a direct message.

        Args:
            user: Slack user id.
            reply: what only they may see.
        """
        self.transport.post(user, reply.blocks, reply.text)
