"""A long tool call's progress as one thread message, edited in place while it runs."""

from __future__ import annotations

import time
from collections.abc import Callable

from slack_sdk.models.blocks import Block

from bot.slack.transport import SlackTransport, Thread
from tools import blocks
from tools.progress import Throttle


class ProgressMessage(Throttle):
    """The progress sink of one Slack turn (see ``tools.progress``).

    The first report posts a message in the thread; later reports edit that message, at most
    once per ``interval`` seconds (Slack allows about one edit a second per channel), and
    ``flush`` shows the last line if an edit was held back. A failed post or edit loses only
    that progress line: the answer itself is posted separately. A sink made without a thread
    shows nothing until ``follow`` names one.
    """

    def __init__(
        self,
        transport: SlackTransport,
        thread: Thread | None = None,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Bind the sink to a thread.

        Args:
            transport: posts and edits messages.
            thread: where the turn is answered (None: not known yet, see ``follow``).
            interval: least time between two edits, in seconds.
            clock: monotonic seconds (replaceable in tests).
        """
        super().__init__(self._post_or_edit, interval, clock)
        self.transport = transport
        self.thread = thread
        self.ts: str | None = None

    def follow(self, thread: Thread | None) -> None:
        """Show progress in ``thread`` from now on (None: nowhere).

        Args:
            thread: the thread of the conversation the work is for.
        """
        self.thread = thread

    def _post_or_edit(self, line: str) -> bool:
        if self.thread is None:
            return False
        items: list[Block] = [blocks.text(line)]
        if self.ts is None:
            self.ts = self.transport.post(self.thread.channel, items, line, self.thread.ts)
            return self.ts is not None
        return self.transport.update(self.thread.channel, self.ts, items, line)
