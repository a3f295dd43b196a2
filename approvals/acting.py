"""Who an approved change runs as in AWS: the action role, entered in the approver's name.

The executor hands a mutating handler clients from ``acting_clients``: a fresh
``ActionClients`` per execution whose AssumeRole carries ``SourceIdentity`` = the approver whose
approval completed the request (the break-glass user under break-glass, ``policy-<rule>`` when
a rule auto-approved), a session name naming the request, and session tags listing every
approver, so CloudTrail names them on every call the change makes.
"""

from __future__ import annotations

from approvals.models import ApprovalRequest
from core.aws import AwsClients
from core.aws_action import ActingAs, ActionClients, source_identity

TAG_PREFIX = "cloudfabric"


def completing_approver(request: ApprovalRequest) -> str:
    """Whose approval completed ``request``: the last of its approvers, else who decided it.

    Args:
        request: an approved request.
    """
    approvers = request.approvers_so_far
    return approvers[-1] if approvers else request.decided_by or request.requester


def acting_for(request: ApprovalRequest) -> ActingAs:
    """The identity an approved request's change runs as.

    Args:
        request: the approved (or executing) request.
    """
    approvers = request.approvers_so_far or [completing_approver(request)]
    tags = {
        f"{TAG_PREFIX}:approval": request.id,
        f"{TAG_PREFIX}:approvers": " ".join(approvers),
        f"{TAG_PREFIX}:requester": request.requester,
    }
    if request.break_glass:
        tags[f"{TAG_PREFIX}:break-glass"] = "true"
    return ActingAs(
        source_identity=source_identity(completing_approver(request)),
        session_name=f"cf-{request.id}",
        tags=tags,
    )


def preflight_acting(request_id: str, requester: str) -> ActingAs:
    """The identity a pre-flight check of a new request runs as (its requester).

    Args:
        request_id: the request being filed.
        requester: who asked.
    """
    tags = {f"{TAG_PREFIX}:approval": request_id, f"{TAG_PREFIX}:preflight": "true"}
    return ActingAs(source_identity(requester), f"cf-preflight-{request_id}", tags)


def acting_clients(reading: AwsClients, acting: ActingAs) -> ActionClients:
    """Fresh clients for one run acting as ``acting`` (never the shared reading cache).

    Args:
        reading: the process's reading clients.
        acting: who the run is for.
    """
    base = reading.reading if isinstance(reading, ActionClients) else reading
    return ActionClients(base, acting)
