"""What a turn of the conversation produces, for any surface to show."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slack_sdk.models.blocks import Block

from tools.blocks import to_text


@dataclass
class Reply:
    """Blocks to show, plus what a surface needs to act on them.

    Attributes:
        blocks: Block Kit blocks of the answer.
        approvals: ids of approval requests whose cards are (at the end of) ``blocks``.
        ephemeral: show only to the person who acted (refusals).
        files: PNG files to upload into the thread.
    """

    blocks: list[Block] = field(default_factory=list)
    approvals: list[str] = field(default_factory=list)
    ephemeral: bool = False
    files: list[Path] = field(default_factory=list)

    @property
    def text(self) -> str:
        """Plain-text rendering (console output, Slack notification fallback)."""
        return to_text(self.blocks)

    def extend(self, other: Reply) -> Reply:
        """Append another reply's content.

        Args:
            other: the reply to append.
        """
        self.blocks += other.blocks
        self.approvals += other.approvals
        self.files += other.files
        return self
