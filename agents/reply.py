"""What a turn of the conversation produces, for any surface to show.

A reply keeps its parts apart: the answer's blocks, approval cards, files, and, after a
decision, the follow-up of the conversation that asked. Each surface shows them its own way:
Slack posts every card as its own message, the console shows cards inline.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from slack_sdk.models.blocks import Block

from approvals.render import Card
from tools.blocks import to_text


@dataclass
class Reply:
    """What a surface shows for one turn or one decision, in parts it lays out itself.

    Attributes:
        blocks: Block Kit blocks of the answer.
        cards: approval cards, each rendered once, identified by its approval id.
        followup: after a decision, the answer of the conversation that asked for the request
            (it belongs in that conversation, wherever the decision was made).
        files: PNG files to upload into the thread.
        ephemeral: show only to the person who acted (refusals).
    """

    blocks: list[Block] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    followup: Reply | None = None
    files: list[Path] = field(default_factory=list)
    ephemeral: bool = False

    @property
    def text(self) -> str:
        """The whole reply as plain text, in reading order: the answer, the cards, then the
        follow-up."""
        parts = [to_text(self.blocks)] if self.blocks else []
        parts += [card.text for card in self.cards]
        if self.followup is not None:
            parts.append(self.followup.text)
        return "\n".join(parts)

    def extend(self, other: Reply) -> Reply:
        """Append another reply's blocks, cards and files.

        Args:
            other: the reply to append.
        """
        self.blocks += other.blocks
        self.cards += other.cards
        self.files += other.files
        return self
