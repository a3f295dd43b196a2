"""Pre-flight: would a plan's calls be allowed for the action role, checked before anyone approves.

Two ways, both without changing anything: an EC2 call sent with ``DryRun=True`` under the action
role (AWS answers ``DryRunOperation`` when it would be allowed, ``UnauthorizedOperation`` when
not), for tools that declare a ``dry_run``; and, in live mode for the others, the IAM policy
simulator (``SimulatePrincipalPolicy``) asked about the tool's declared IAM actions for the action
role's ARN. The approval card shows the outcome, and a plan bound to fail cannot be approved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel, Field

from core.aws_action import ActionClients
from core.aws_read import paginate
from tools.context import ToolContext
from tools.iam import iam_action

CheckStatus = Literal["passed", "would_fail", "unchecked"]
DENIED_CODES = frozenset(
    {"UnauthorizedOperation", "AccessDenied", "AccessDeniedException", "UnauthorizedAccess"}
)
"""Error codes AWS answers a call the caller may not make with."""
SIMULATOR_PERMISSIONS = ("iam:SimulatePrincipalPolicy",)
"""What the reading role needs to ask the policy simulator about the action role."""


class PermissionCheck(BaseModel):
    """The outcome of a pre-flight check, shown on the approval card."""

    status: CheckStatus = Field(
        description="passed: allowed; would_fail: AWS would refuse it; unchecked: not checked."
    )
    detail: str = Field(description="What was checked, or why it would fail, in one sentence.")

    @property
    def bound_to_fail(self) -> bool:
        """True when approving it would only lead to a refused call."""
        return self.status == "would_fail"


class WouldFail(Exception):
    """AWS would refuse a call of the plan; the message names the code, action and role."""


def role_label(ctx: ToolContext, account: str | None) -> str:
    """The role the check speaks for in ``account``: the action role, or the reading role.

    Args:
        ctx: the pre-flight context (its ``aws`` is an ``ActionClients``).
        account: account key (None = primary).
    """
    role = ctx.aws.role_for(account) if isinstance(ctx.aws, ActionClients) else None
    return role or "CloudFabric's reading role"


def dry_run(
    ctx: ToolContext,
    service: str,
    region: str,
    account: str | None,
    method: str,
    **params: Any,
) -> None:
    """Send one call with ``DryRun=True``; return when AWS says it would be allowed.

    Args:
        ctx: the pre-flight context (clients acting under the action role).
        service: boto3 service name (``ec2``).
        region: the call's region.
        account: account key (None = primary).
        method: boto3 method name (``stop_instances``).
        **params: the call's other parameters.

    Raises:
        WouldFail: AWS refused the call, or entering the action role, as not allowed.
    """
    from botocore.exceptions import ClientError

    try:
        client = ctx.aws.client(service, region, account)
        getattr(client, method)(DryRun=True, **params)
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code == "DryRunOperation":
            return
        if code not in DENIED_CODES:
            raise
        operation = error.operation_name
        action = iam_action("sts" if operation == "AssumeRole" else service, operation)
        raise WouldFail(f"{code} on {action} for role {role_label(ctx, account)}") from error


def simulate(iam: Any, role_arn: str, actions: Iterable[str]) -> list[str]:
    """The actions the IAM policy simulator says ``role_arn`` may not take, with the decision.

    Args:
        iam: an IAM client allowed ``iam:SimulatePrincipalPolicy``.
        role_arn: the action role.
        actions: IAM actions to ask about.

    Returns:
        ``"implicitDeny on ec2:StopInstances"`` for each action not allowed (empty: all are).
    """
    results = paginate(
        iam,
        "simulate_principal_policy",
        "EvaluationResults",
        PolicySourceArn=role_arn,
        ActionNames=sorted(set(actions)),
    )
    return [
        f"{result['EvalDecision']} on {result['EvalActionName']}"
        for result in results
        if result["EvalDecision"] != "allowed"
    ]
