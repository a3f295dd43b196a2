"""Fixtures of the Slack tests (defined in ``tests.slack.harness``)."""

from tests.slack.harness import sandbox_aws, slack, stack

__all__ = ["sandbox_aws", "slack", "stack"]
