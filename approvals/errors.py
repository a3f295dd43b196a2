"""One exception per refusal; each message is shown to the person who clicked."""

from __future__ import annotations


class ApprovalRefused(Exception):
    """Base of every refusal: the request is left exactly as it was."""


class ApprovalNotFound(ApprovalRefused):
    """No approval with that id."""


class AlreadyDecided(ApprovalRefused):
    """Someone decided first; nothing runs twice."""


class ApprovalExpired(ApprovalRefused):
    """The request timed out before a decision."""


class SelfApproval(ApprovalRefused):
    """Requesters may not approve their own requests."""


class NotAnApprover(ApprovalRefused):
    """The clicker is not allowed by policy to approve this risk level."""


class NoApproversConfigured(ApprovalRefused):
    """The risk level needs an approvers group and none is configured."""


class PlanTampered(ApprovalRefused):
    """The stored plan no longer matches the hash that was approved."""


class NoApprovalNamed(ApprovalRefused):
    """The decision does not name an approval request (empty, missing or malformed id)."""


class WrongWorkspace(ApprovalRefused):
    """The decision comes from another workspace than the one the request was made in."""


class WrongChannel(ApprovalRefused):
    """The decision comes from a channel that does not hold the request's card."""


class AlreadyApprovedByYou(ApprovalRefused):
    """The same person approved twice: each person counts once toward an N-of-M approval."""


class DeniedByPolicy(ApprovalRefused):
    """A policy rule refuses such requests outright; no card is posted."""


class ChangeFrozen(ApprovalRefused):
    """Changes are frozen (the kill switch or a freeze window): nothing new is planned or run."""


class BreakGlassRefused(ApprovalRefused):
    """Break-glass was refused: nothing ran and the request is as it was."""


class BreakGlassNotConfigured(BreakGlassRefused):
    """No break-glass group is configured, so nobody may break glass."""


class NotInBreakGlassGroup(BreakGlassRefused):
    """The person is not a member of the break-glass group."""


class JustificationMissing(BreakGlassRefused):
    """Break-glass needs a justification, and none (or too long a one) was given."""


class BreakGlassRateLimited(BreakGlassRefused):
    """The person used break-glass as often as allowed in the last 24 hours."""


class BoundToFail(ApprovalRefused):
    """The pre-flight check found AWS would refuse the plan's calls: approving would only fail."""
