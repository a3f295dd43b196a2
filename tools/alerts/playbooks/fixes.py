"""The fix a playbook may suggest: a mutating tool's name and arguments, never run here.

The caller files it through the approval gate, which builds the ActionPlan (with its cost
delta) from the tool's own preview. Existing tools take their own argument models; the newer
tools are named by string and their arguments are declared here.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from tools.actions.ec2_resize import ModifyInstanceTypeArgs
from tools.ec2.models import PowerArgs


class DesiredCapacityArgs(BaseModel):
    """Arguments of ``asg.set_desired_capacity``."""

    group_name: str = Field(description="Auto Scaling group name.")
    desired_capacity: int = Field(ge=0, description="New desired capacity.")
    region: str = Field(description="The group's region.")


class RevokeIngressArgs(BaseModel):
    """Arguments of ``ec2.revoke_security_group_ingress``."""

    group_id: str = Field(description="Security group id (sg-...).")
    protocol: str = Field(description="IP protocol (tcp, udp, -1 for all).")
    from_port: int | None = Field(default=None, description="First port of the rule.")
    to_port: int | None = Field(default=None, description="Last port of the rule.")
    cidr: str = Field(description="The world-open CIDR to remove (0.0.0.0/0 or ::/0).")
    region: str = Field(description="The group's region.")


class ReservedConcurrencyArgs(BaseModel):
    """Arguments of ``lambda.set_reserved_concurrency``."""

    function_name: str = Field(description="Lambda function name.")
    reserved_concurrency: int = Field(ge=0, description="New reserved concurrency.")
    region: str = Field(description="The function's region.")


class TimeoutArgs(BaseModel):
    """Arguments of ``lambda.set_timeout``."""

    function_name: str = Field(description="Lambda function name.")
    timeout_seconds: int = Field(ge=1, le=900, description="New timeout in seconds.")
    region: str = Field(description="The function's region.")


class AllocatedStorageArgs(BaseModel):
    """Arguments of ``rds.modify_allocated_storage``."""

    db_instance_id: str = Field(description="DB instance identifier.")
    allocated_storage_gb: int = Field(ge=1, description="New allocated storage in GiB.")
    region: str = Field(description="The database's region.")


FixArgs = (
    ModifyInstanceTypeArgs | PowerArgs | DesiredCapacityArgs | RevokeIngressArgs
    | ReservedConcurrencyArgs | TimeoutArgs | AllocatedStorageArgs
)  # fmt: skip
FIX_TOOLS: dict[str, type[BaseModel]] = {
    "ec2.modify_instance_type": ModifyInstanceTypeArgs,
    "ec2.stop_instances": PowerArgs,
    "ec2.reboot_instances": PowerArgs,
    "asg.set_desired_capacity": DesiredCapacityArgs,
    "ec2.revoke_security_group_ingress": RevokeIngressArgs,
    "lambda.set_reserved_concurrency": ReservedConcurrencyArgs,
    "lambda.set_timeout": TimeoutArgs,
    "rds.modify_allocated_storage": AllocatedStorageArgs,
}
"""Every tool a playbook may suggest, with its arguments model."""
FixTool = Literal[
    "ec2.modify_instance_type", "ec2.stop_instances", "ec2.reboot_instances",
    "asg.set_desired_capacity", "ec2.revoke_security_group_ingress",
    "lambda.set_reserved_concurrency", "lambda.set_timeout", "rds.modify_allocated_storage",
]  # fmt: skip


class SuggestedFix(BaseModel):
    """A mutating tool call for the approval gate, and why the playbook suggests it."""

    tool: FixTool = Field(description="Registered (or soon registered) mutating tool name.")
    args: FixArgs = Field(description="The tool's arguments.")
    why: str = Field(description="One line: which finding the fix answers.")

    @model_validator(mode="after")
    def _args_fit_tool(self) -> SuggestedFix:
        expected = FIX_TOOLS[self.tool]
        if not isinstance(self.args, expected):
            raise ValueError(f"{self.tool} takes {expected.__name__}, not {type(self.args)}")
        return self

    def call(self) -> tuple[str, dict[str, Any]]:
        """The tool name and its arguments as the gate takes them."""
        return self.tool, self.args.model_dump(exclude_none=True)
