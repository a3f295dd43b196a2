"""S3 lifecycle transitions behind approval: ``s3.put_lifecycle`` (e.g. to Glacier after 90 days).

S3 replaces a bucket's whole lifecycle configuration on every put, so the rule is merged by its
ID into the rules the bucket has: the same rule again changes nothing, a rule with that ID is
replaced, and every other rule is kept as it is.
"""

from __future__ import annotations

from typing import Any, Literal

from botocore.exceptions import ClientError
from pydantic import BaseModel, Field, model_validator

from tools.actions import examples_storage as examples
from tools.actions.finders import BUCKET_PERMISSIONS, find_bucket
from tools.actions.lifecycle_cost import LIST_PERMISSIONS, transition_cost
from tools.actions.retention import MAX_DAYS, slug
from tools.context import ToolContext
from tools.ec2.models import ActionOutcome, ActionResult
from tools.ec2.render import render_action_result
from tools.errors import AlreadyDone
from tools.iam import needs
from tools.plan import ActionPlan, ResourceChange
from tools.registry import tool

TOOL = "s3.put_lifecycle"
StorageClass = Literal[
    "GLACIER", "DEEP_ARCHIVE", "GLACIER_IR", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING"
]
RUN_PERMISSIONS = ("s3:GetLifecycleConfiguration", "s3:PutLifecycleConfiguration")
"""IAM actions of reading the bucket's rules and writing the merged ones."""
NO_RULES = "NoSuchLifecycleConfiguration"


class PutLifecycleArgs(BaseModel):
    """A bucket whose objects move to a colder storage class after some days."""

    bucket: str = Field(min_length=3, max_length=63, description="Bucket name.")
    transition_days: int = Field(
        ge=1, le=MAX_DAYS, description="Days after creation when objects move (1 to 3650)."
    )
    storage_class: StorageClass = Field(
        default="GLACIER", description="Storage class they move to (Glacier by default)."
    )
    prefix: str = Field(
        default="", max_length=200, description="Only keys starting with this (empty: all)."
    )
    rule_id: str | None = Field(
        default=None,
        max_length=255,
        description="Lifecycle rule ID (default cloudfabric-<class>[-<prefix>]); a rule with "
        "this ID is replaced, every other rule is kept.",
    )

    @model_validator(mode="after")
    def _infrequent_access_waits_30_days(self) -> PutLifecycleArgs:
        if self.storage_class in ("STANDARD_IA", "ONEZONE_IA") and self.transition_days < 30:
            raise ValueError(f"S3 moves objects to {self.storage_class} after 30 days at least")
        return self

    def rule(self) -> dict[str, Any]:
        """The lifecycle rule these arguments describe, as S3 takes it."""
        default = f"cloudfabric-{self.storage_class.lower().replace('_', '-')}"
        if self.prefix:
            default += f"-{slug(self.prefix)}"
        return {
            "ID": self.rule_id or default,
            "Filter": {"Prefix": self.prefix},
            "Status": "Enabled",
            "Transitions": [{"Days": self.transition_days, "StorageClass": self.storage_class}],
        }


def lifecycle_rules(client: Any, bucket: str) -> list[dict[str, Any]]:
    """The bucket's lifecycle rules (none when it has no configuration).

    Args:
        client: S3 client of the bucket's region.
        bucket: its name.
    """
    try:
        rules: list[dict[str, Any]] = client.get_bucket_lifecycle_configuration(Bucket=bucket)[
            "Rules"
        ]
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") == NO_RULES:
            return []
        raise
    return rules


def merged(rules: list[dict[str, Any]], rule: dict[str, Any]) -> list[dict[str, Any]]:
    """``rules`` with ``rule`` in place of the one with its ID (or added at the end).

    Args:
        rules: the bucket's rules.
        rule: the rule to set.
    """
    kept = [rule if r.get("ID") == rule["ID"] else r for r in rules]
    return kept if any(r.get("ID") == rule["ID"] for r in rules) else [*rules, rule]


def same(existing: dict[str, Any] | None, rule: dict[str, Any]) -> bool:
    """True when ``existing`` already does what ``rule`` says.

    Args:
        existing: the bucket's rule with that ID, if any.
        rule: the rule to set.
    """
    if existing is None:
        return False
    keys = ("Status", "Transitions")
    scope = existing.get("Filter") or {"Prefix": existing.get("Prefix", "")}
    return scope == rule["Filter"] and all(existing.get(k) == rule[k] for k in keys)


def describe_rule(rule: dict[str, Any] | None) -> str:
    """A rule in words: ``rule cloudfabric-glacier: logs/ to GLACIER after 90 days``.

    Args:
        rule: a lifecycle rule, or None.
    """
    if rule is None:
        return "no such rule"
    moves = "; ".join(
        f"{t.get('StorageClass')} after {t.get('Days')} days" for t in rule.get("Transitions", [])
    )
    scope = (rule.get("Filter") or {}).get("Prefix") or "every object"
    return f"rule {rule.get('ID')}: {scope} to {moves or 'no transition'} ({rule.get('Status')})"


def plan_lifecycle(ctx: ToolContext, args: PutLifecycleArgs) -> ActionPlan:
    """Resolve the bucket, merge the rule into its rules, price the move.

    Args:
        ctx: tool context.
        args: the bucket and the rule.

    Raises:
        AlreadyDone: the bucket has this rule already.
    """
    found = find_bucket(ctx, args.bucket)
    bucket = found.resource.resource_id
    client = ctx.aws.client("s3", found.region, found.account_key)
    rules, rule = lifecycle_rules(client, bucket), args.rule()
    existing = next((r for r in rules if r.get("ID") == rule["ID"]), None)
    if same(existing, rule):
        raise AlreadyDone(f"{bucket} has {describe_rule(existing)} already; nothing to change.")
    others = len(rules) - (existing is not None)
    notes = [f"Kept as they are: {others} other lifecycle rules of {bucket}."]
    delta = transition_cost(ctx, client, bucket, args, notes)
    return ActionPlan(
        tool=TOOL,
        args={"bucket": bucket, "region": found.region, "account_key": found.account_key,
              "rule": rule},
        summary=f"Set {describe_rule(rule)} on bucket {bucket}.",
        risk="low",
        changes=[_change(found.region, found.resource.account, bucket, existing, rule)],
        cost_delta_monthly=delta,
        reversible=True,
        reversal=f"Remove rule {rule['ID']} (objects already moved stay in {args.storage_class} "
        "until restored).",
        notes=notes,
    )  # fmt: skip


def rebuild_lifecycle(ctx: ToolContext, plan: ActionPlan) -> ActionPlan:
    """The approved rule planned again against the bucket's rules and objects as they are now.

    Args:
        ctx: tool context.
        plan: the approved plan.

    Raises:
        ToolError: the bucket is gone, or has this exact rule already.
    """
    rule = plan.args["rule"]
    [transition] = rule["Transitions"]
    again = PutLifecycleArgs(
        bucket=plan.args["bucket"],
        transition_days=transition["Days"],
        storage_class=transition["StorageClass"],
        prefix=rule["Filter"].get("Prefix", ""),
        rule_id=rule["ID"],
    )
    return plan_lifecycle(ctx, again)


def _change(
    region: str, account: str, bucket: str, existing: dict[str, Any] | None, rule: dict[str, Any]
) -> ResourceChange:
    return ResourceChange(
        resource_id=bucket,
        name=None,
        resource_type="s3:bucket",
        region=region,
        account=account,
        before=describe_rule(existing),
        after=describe_rule(rule),
    )


def observe(ctx: ToolContext, plan: ActionPlan) -> str:
    """The bucket's rule with the plan's ID as S3 shows it now, in words.

    Args:
        ctx: tool context.
        plan: the plan whose execution was cut off.
    """
    args, rule = plan.args, plan.args["rule"]
    client = ctx.aws.client("s3", args["region"], args.get("account_key"))
    rules = lifecycle_rules(client, args["bucket"])
    existing = next((r for r in rules if r.get("ID") == rule["ID"]), None)
    return f"{args['bucket']} has {describe_rule(existing)}."


@tool(
    name=TOOL,
    description="Add or update an S3 lifecycle rule moving a bucket's objects to Glacier "
    "(or another storage class) after some days, keeping the bucket's other rules.",
    example="move cf-demo-logs objects to glacier after 90 days",
    examples=examples.PUT_LIFECYCLE,
    args=PutLifecycleArgs,
    result=ActionResult,
    render=render_action_result,
    permissions=needs(BUCKET_PERMISSIONS, LIST_PERMISSIONS, RUN_PERMISSIONS),
    risk="low",
    mutating=True,
    preview=plan_lifecycle,
    observe=observe,
    recheck=lambda ctx, plan: rebuild_lifecycle(ctx, plan),
)
def put_lifecycle(ctx: ToolContext, plan: ActionPlan) -> ActionResult:
    """Merge the plan's rule into the bucket's current rules by ID and write them back.

    Args:
        ctx: tool context.
        plan: the approved plan.
    """
    args = plan.args
    client = ctx.aws.client("s3", args["region"], args.get("account_key"))
    outcome = _apply(client, args["bucket"], args["rule"], plan.changes[0].label)
    return ActionResult(action=plan.tool, outcomes=[outcome])


def _apply(client: Any, bucket: str, rule: dict[str, Any], label: str) -> ActionOutcome:
    try:
        rules = lifecycle_rules(client, bucket)
    except ClientError as error:
        if error.response.get("Error", {}).get("Code") != "NoSuchBucket":
            raise
        return ActionOutcome(resource=label, status="skipped", detail="it no longer exists.")
    existing = next((r for r in rules if r.get("ID") == rule["ID"]), None)
    if same(existing, rule):
        return ActionOutcome(resource=label, status="nothing-to-do", detail="already set.")
    client.put_bucket_lifecycle_configuration(
        Bucket=bucket, LifecycleConfiguration={"Rules": merged(rules, rule)}
    )
    kept = len(rules) - (existing is not None)
    detail = f"{describe_rule(rule)} set; {kept} other rules kept."
    return ActionOutcome(resource=label, status="done", detail=detail)
