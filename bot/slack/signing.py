"""Slack request signatures checked against CloudFabric's clock, not the SDK's own.

Slack rejects a request whose timestamp is more than five minutes from "now". The SDK reads
``time.time()`` for that; these adapters read the one ``Clock`` instead, so a process whose
clock was started elsewhere (``CF_CLOCK_START``) judges staleness consistently.
"""

from __future__ import annotations

from slack_bolt.middleware.request_verification import RequestVerification
from slack_sdk import signature

from core.clock import Clock


class SlackClock(signature.Clock):
    """The SDK's clock interface over CloudFabric's clock."""

    def __init__(self, clock: Clock) -> None:
        """Wrap ``clock``.

        Args:
            clock: the one source of "now".
        """
        self.clock = clock

    def now(self) -> float:
        """POSIX seconds now."""
        return self.clock.timestamp()


def verifier(secret: str, clock: Clock) -> signature.SignatureVerifier:
    """A signature verifier for ``secret`` that judges staleness on ``clock``.

    Args:
        secret: the app's signing secret.
        clock: the one source of "now".
    """
    return signature.SignatureVerifier(secret, clock=SlackClock(clock))


class ClockedRequestVerification(RequestVerification):
    """bolt's request verification middleware, with the verifier reading ``clock``."""

    def __init__(self, secret: str, clock: Clock) -> None:
        """Verify with ``secret`` on ``clock``.

        Args:
            secret: the app's signing secret.
            clock: the one source of "now".
        """
        super().__init__(secret)
        self._verifier = verifier(secret, clock)
