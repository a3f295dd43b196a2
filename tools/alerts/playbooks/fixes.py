"""The fix a playbook may suggest: a mutating tool's name and arguments, never run here.

The caller files it through the approval gate, which builds the ActionPlan (with its cost
delta) from the tool's own preview. Every fix takes its tool's own argument model.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from tools.actions.asg_capacity import SetDesiredCapacityArgs
from tools.actions.ec2_resize import ModifyInstanceTypeArgs
from tools.actions.lambda_settings import ReservedConcurrencyArgs, TimeoutArgs
from tools.actions.rds_storage import ModifyStorageArgs
from tools.actions.sg_ingress import RevokeIngressArgs
from tools.ec2.models import PowerArgs

FixArgs = (
    ModifyInstanceTypeArgs | PowerArgs | SetDesiredCapacityArgs | RevokeIngressArgs
    | ReservedConcurrencyArgs | TimeoutArgs | ModifyStorageArgs
)  # fmt: skip
FIX_TOOLS: dict[str, type[BaseModel]] = {
    "ec2.modify_instance_type": ModifyInstanceTypeArgs,
    "ec2.stop_instances": PowerArgs,
    "ec2.reboot_instances": PowerArgs,
    "asg.set_desired_capacity": SetDesiredCapacityArgs,
    "ec2.revoke_security_group_ingress": RevokeIngressArgs,
    "lambda.set_reserved_concurrency": ReservedConcurrencyArgs,
    "lambda.set_timeout": TimeoutArgs,
    "rds.modify_allocated_storage": ModifyStorageArgs,
}
"""Every tool a playbook may suggest, with its arguments model."""
FixTool = Literal[
    "ec2.modify_instance_type", "ec2.stop_instances", "ec2.reboot_instances",
    "asg.set_desired_capacity", "ec2.revoke_security_group_ingress",
    "lambda.set_reserved_concurrency", "lambda.set_timeout", "rds.modify_allocated_storage",
]  # fmt: skip


class SuggestedFix(BaseModel):
    """A mutating tool call for the approval gate, and why the playbook suggests it."""

    tool: FixTool = Field(description="Registered mutating tool name.")
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
