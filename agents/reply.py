"""What a turn of the conversation produces, for any surface to show.

A reply keeps its parts apart: the answer's blocks, approval cards, a question with choices,
files, and, after a decision, the follow-up of the conversation that asked. Each surface shows
them its own way: Slack posts every card as its own message and a question as buttons, the
console shows cards inline and a question as numbered options.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, Field
from slack_sdk.models.blocks import Block

from approvals.render import Card
from tools.blocks import to_text

MAX_CHOICES = 25  # Slack shows at most 25 buttons in one actions block
CHOICE_MESSAGE_LIMIT = 2000  # and carries at most 2,000 characters in a button's value


class Choice(BaseModel):
    """One answer the agent offers to its question."""

    label: str = Field(min_length=1, description="What the button or numbered option shows.")
    message: str = Field(
        min_length=1,
        max_length=CHOICE_MESSAGE_LIMIT,
        description="What choosing it says: it continues the conversation as the person's message.",
    )


class Question(BaseModel):
    """A question the agent asks, with the answers it offers."""

    prompt: str = Field(min_length=1, description="The question, in Slack mrkdwn.")
    choices: list[Choice] = Field(
        min_length=1, max_length=MAX_CHOICES, description="The answers offered, in order."
    )


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
        choices: a question the agent asks, with the answers it offers.
    """

    blocks: list[Block] = field(default_factory=list)
    cards: list[Card] = field(default_factory=list)
    followup: Reply | None = None
    files: list[Path] = field(default_factory=list)
    ephemeral: bool = False
    choices: Question | None = None

    @property
    def text(self) -> str:
        """The whole reply as plain text, in reading order: the answer, the question and its
        choices, the cards, then the follow-up."""
        parts = [to_text(self.blocks)] if self.blocks else []
        if self.choices is not None:
            parts += [self.choices.prompt, *(choice.label for choice in self.choices.choices)]
        parts += [card.text for card in self.cards]
        if self.followup is not None:
            parts.append(self.followup.text)
        return "\n".join(parts)

    def extend(self, other: Reply) -> Reply:
        """Append another reply's blocks, cards and files (its question, when it asks one).

        Args:
            other: the reply to append.
        """
        self.blocks += other.blocks
        self.cards += other.cards
        self.files += other.files
        self.choices = other.choices or self.choices
        return self
