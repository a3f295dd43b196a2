"""Why a payload is not taken: refused (an HTTP status and a sentence), or not an alert; and
why a person may not act on an incident."""

from __future__ import annotations

from tools.errors import ToolError


class AlertRefused(Exception):
    """The payload is refused; ``status`` and the sentence go back to the sender.

    Args:
        status: the HTTP status to answer (400, 401, 403, 404, 422, 502...).
        message: a sentence saying why.
    """

    def __init__(self, status: int, message: str) -> None:
        """Remember the status and the sentence."""
        super().__init__(message)
        self.status = status


class NotAnAlert(Exception):
    """A well-formed payload that carries no alert (a configuration change, an unknown event
    type, an INSUFFICIENT_DATA state); answered 200 with the reason, so the sender does not
    retry, and nothing is stored."""


class NotAllowed(ToolError):
    """The person is neither in the incident's channel nor an approver; ``str(error)`` says
    so, and nothing was changed."""
