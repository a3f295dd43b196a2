"""What a tool handler receives besides its arguments."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from core.clock import Clock

if TYPE_CHECKING:
    from core.aws import AwsClients
    from core.db import Database
    from core.settings import ChannelScope, Settings

PRIVATE_NOTICE_KEY = "private_notice"
"""``extras`` key of ``(user, text)``: tells one person something only they may see (a
webhook's secret); the Slack surface sends a direct message."""


@dataclass(frozen=True)
class Approval:
    """The approved request a mutating tool's handler runs for.

    Attributes:
        id: the approval request.
        approved_by: who approved it (comma-separated when it took several people).
        conversation_id: the conversation that asked for it, when one did.
    """

    id: str
    approved_by: str | None = None
    conversation_id: str | None = None


@dataclass
class ToolContext:
    """Services a tool may use; built once by the composition root and shared.

    Attributes:
        settings: the runtime settings.
        aws: factory for boto3 clients (sandbox or live).
        db: the SQL store.
        actor: the user on whose behalf the tool runs.
        extras: domain services registered by the composition root (e.g. the inventory store).
        clock: the one source of "now".
        approval: the approved request a mutating handler runs for (set by the executor).
        scope: the accounts and environments of the channel the conversation is in, when it
            is scoped; ``aws`` then reaches only those accounts (``tools.scope``).
        conversation: the conversation the tool runs in, when one asked (where a request a
            read-only tool files, such as an investigation's fix, reports back).
    """

    settings: Settings
    aws: AwsClients
    db: Database
    actor: str = "system"
    extras: dict[str, object] = field(default_factory=dict)
    clock: Clock = field(default_factory=Clock)
    approval: Approval | None = None
    scope: ChannelScope | None = None
    conversation: str | None = None

    def as_actor(self, actor: str) -> ToolContext:
        """The same context acting for another user.

        Args:
            actor: user id the calls are made for.
        """
        return replace(self, actor=actor, approval=None)

    def tell_privately(self, user: str, text: str) -> bool:
        """Tell ``user`` alone ``text`` (mrkdwn) through the surface; False when none can.

        Args:
            user: who may see it.
            text: what to tell.
        """
        tell = self.extras.get(PRIVATE_NOTICE_KEY)
        if not callable(tell):
            return False
        tell(user, text)
        return True

    def new_file(self, folder: str, stem: str, suffix: str = ".png") -> Path:
        """A fresh path for a file the tool writes (a chart, a diagram) under the data folder.

        The name carries the clock's UTC time to the microsecond, so files sort by when they
        were made and two never share a name.

        Args:
            folder: sub-folder of the data folder (``charts``, ``diagrams``, ``images``).
            stem: what the file shows; anything but letters, digits, ``.``, ``_`` and ``-``
                becomes ``-``.
            suffix: file extension.
        """
        safe = re.sub(r"[^\w.-]", "-", stem)[:60]
        stamp = self.clock.now().strftime("%Y%m%dT%H%M%S%f")
        return self.settings.data_dir / folder / f"{safe}-{stamp}{suffix}"
