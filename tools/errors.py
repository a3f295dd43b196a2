"""Errors a tool raises when the user should read a clear sentence instead of a stack trace."""

from __future__ import annotations


class ToolError(Exception):
    """An expected failure; ``str(error)`` is shown to the user as it is."""


class NotFound(ToolError):
    """The named resource does not exist where the tool looked."""


class Ambiguous(ToolError):
    """More than one resource matches; the user must choose.

    Attributes:
        choices: human-readable descriptions of each candidate.
    """

    def __init__(self, message: str, choices: list[str]) -> None:
        """Build the question.

        Args:
            message: the question to ask.
            choices: one line per candidate.
        """
        super().__init__(message)
        self.choices = choices


class InvalidInput(ToolError):
    """The arguments are malformed or out of range."""


class AlreadyDone(ToolError):
    """The change asked for is in place already: there is nothing to approve or run."""
