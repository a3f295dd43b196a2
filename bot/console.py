"""The console channel: the same conversation service as Slack, in a terminal.

Commands: ``/as <user>``, ``/approve [id]``, ``/reject [id] [reason]``, ``/quit``. Anything else
is a message to the agent; when the agent has just asked a question, typing an option's number
answers with that option. When stdin is not a terminal it reads one message per line.
"""

from __future__ import annotations

import getpass
import shlex
import sys
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TextIO

from agents.conversation import ConversationService, conversation_id, workspace_of
from agents.reply import Question, Reply
from approvals.binding import Origin
from approvals.errors import ApprovalNotFound
from bot.console_text import chose, mrkdwn_to_text, reply_text
from tools import progress

CONSOLE = "console"
HELP = (
    "Commands: /as <user> · /approve [id] · /reject [id] [reason] · /quit. "
    "Anything else is a message to CloudFabric."
)


@dataclass
class ConsoleSession:
    """One console conversation.

    Attributes:
        service: the conversation service.
        user: the current identity (changed with ``/as``).
        out: where replies are written.
        conversation: the conversation id of this session.
        question: the question the agent asked last, answered by typing an option's number.
    """

    service: ConversationService
    user: str = field(default_factory=getpass.getuser)
    out: TextIO = sys.stdout
    conversation: str = field(
        default_factory=lambda: conversation_id(CONSOLE, "local", uuid.uuid4().hex[:8])
    )
    question: Question | None = None

    def publish(self, conversation: str, reply: Reply) -> None:
        """Show a follow-up that arrived on its own (e.g. an expiry).

        Args:
            conversation: the conversation it belongs to.
            reply: what to show.
        """
        if conversation == self.conversation:
            self.show(reply)

    def show(self, reply: Reply) -> None:
        """Write a reply as text.

        Args:
            reply: what to show.
        """
        self.out.write(reply_text(reply) + "\n")
        shown: Reply | None = reply
        while shown is not None:
            for path in shown.files:
                self.out.write(f"(file: {path})\n")
            self.question = shown.choices or self.question
            shown = shown.followup
        self.out.write("\n")
        self.out.flush()

    def handle(self, line: str) -> bool:
        """Handle one input line; returns False when the session should end.

        Args:
            line: what was typed.
        """
        line = line.strip()
        if not line:
            return True
        if line.startswith("/"):
            return self._command(line)
        line = self._answer(line)
        with progress.reporting(progress.Throttle(self._progress, interval=2.0)):
            reply = self.service.handle_message(self.conversation, self.user, line)
        self.show(reply)
        return True

    def _answer(self, line: str) -> str:
        """The message ``line`` says: an option of the last question when it is its number."""
        question, self.question = self.question, None
        if question is None or not line.isdigit():
            return line
        number = int(line)
        if not 1 <= number <= len(question.choices):
            return line
        choice = question.choices[number - 1]
        self.out.write(chose(choice.label) + "\n")
        return choice.message

    def _progress(self, line: str) -> bool:
        self.out.write(f"  {mrkdwn_to_text(line)}\n")
        self.out.flush()
        return True

    def _command(self, line: str) -> bool:
        try:
            words = shlex.split(line)
        except ValueError:
            words = line.split()
        name, rest = words[0].lower(), words[1:]
        if name in ("/quit", "/exit"):
            return False
        if name == "/as" and rest:
            self.user = rest[0]
            self.out.write(f"(you are now {self.user})\n\n")
        elif name in ("/approve", "/reject"):
            self._decide(name == "/approve", rest)
        else:
            self.out.write(HELP + "\n\n")
        return True

    def _decide(self, approve: bool, rest: list[str]) -> None:
        approval_id = rest[0] if rest and self._looks_like_id(rest[0]) else None
        reason_words = rest[1:] if approval_id else rest
        reason = " ".join(reason_words) or None
        origin = Origin(workspace_of(self.conversation) or CONSOLE)
        with progress.reporting(progress.Throttle(self._progress, interval=2.0)):
            reply = self.service.decide(
                self.conversation, self.user, approve, approval_id, reason, origin
            )
        self.show(reply)

    def _looks_like_id(self, word: str) -> bool:
        try:
            self.service.approvals.get(word)
        except ApprovalNotFound:
            return False
        return True


def run_console(session: ConsoleSession, lines: Iterable[str] | None = None) -> None:
    """Read lines (a prompt on a terminal, plain lines otherwise) until EOF or ``/quit``.

    Args:
        session: the console session.
        lines: input lines; stdin when not given.
    """
    interactive = lines is None and sys.stdin.isatty()
    if interactive:
        session.out.write(f"CloudFabric console — you are {session.user}. {HELP}\n\n")
    source = lines if lines is not None else _stdin_lines(interactive, session)
    for line in source:
        if not interactive:
            session.out.write(f"[{session.user}] > {line.strip()}\n")
        if not session.handle(line):
            break


def _stdin_lines(interactive: bool, session: ConsoleSession) -> Iterable[str]:
    if not interactive:
        yield from sys.stdin
        return
    while True:
        try:
            yield input(f"[{session.user}] > ")
        except EOFError:
            return
