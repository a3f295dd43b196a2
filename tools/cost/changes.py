"""What changed around a spend jump: new resources in the inventory and CloudTrail events."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from pydantic import BaseModel, Field

from core.aws_read import paginate
from tools.context import ToolContext
from tools.cost import resources as estate
from tools.cost.estimate_models import CostResource
from tools.cost.estimator import estimate
from tools.errors import ToolError
from tools.iam import needs

SERVICE_KINDS: dict[str, tuple[str, ...]] = {
    "Amazon Elastic Compute Cloud - Compute": ("ec2_instance",),
    "EC2 - Other": ("ebs_volume", "ebs_snapshot", "nat_gateway", "elastic_ip"),
    "Amazon Relational Database Service": ("rds_instance",),
    "Amazon Elastic Load Balancing": ("load_balancer",),
    "Amazon Virtual Private Cloud": ("elastic_ip", "nat_gateway"),
}
TRAIL_EVENTS = (
    "RunInstances", "StartInstances", "ModifyInstanceAttribute", "CreateVolume", "ModifyVolume",
    "CreateNatGateway", "AllocateAddress", "CreateDBInstance", "ModifyDBInstance",
    "CreateLoadBalancer",
)  # fmt: skip
PERMISSIONS = needs(estate.PERMISSIONS, "cloudtrail:LookupEvents")
"""IAM actions of looking for what changed: the estate now, and CloudTrail's events."""


class LikelyCause(BaseModel):
    """A change that probably explains added cost."""

    what: str = Field(description="The change, in words.")
    resource: str | None = Field(default=None, description="``name (id)`` of the resource.")
    when: datetime | None = Field(default=None, description="When it happened, if known.")
    who: str | None = Field(default=None, description="Who made the change, if known.")
    daily_usd: Decimal | None = Field(default=None, description="Its run-rate per day (list).")
    source: str = Field(
        description="inventory, discovery, cloudtrail or run-rate (a judgement, not proof)."
    )


def kinds_for(services: list[str]) -> set[str]:
    """Resource kinds billed under these Cost Explorer service names.

    Args:
        services: service names as Cost Explorer reports them.
    """
    kinds: set[str] = set()
    for service in services:
        for name, mapped in SERVICE_KINDS.items():
            if name.lower() in service.lower() or service.lower() in name.lower():
                kinds |= set(mapped)
    return kinds


def _daily(resource: CostResource) -> Decimal | None:
    try:
        return estimate(resource).monthly_usd / 730 * 24
    except ToolError:
        return None


def _span(window: tuple[date, date]) -> tuple[datetime, datetime]:
    start = datetime.combine(window[0] - timedelta(days=1), time.min, tzinfo=UTC)
    end = datetime.combine(window[1] + timedelta(days=1), time.max, tzinfo=UTC)
    return start, end


def from_inventory(
    resources: list[CostResource], window: tuple[date, date], kinds: set[str]
) -> list[LikelyCause]:
    """Resources of the spiking kinds created during (or the day before) the window.

    Args:
        resources: the estate.
        window: first and last day of the spike.
        kinds: resource kinds to consider.
    """
    start, end = _span(window)
    found = [
        LikelyCause(
            what=f"new {r.kind.replace('_', ' ')} {r.instance_type or r.volume_type or ''}".strip(),
            resource=r.label, when=r.created, who=r.tags.get("owner") or r.tags.get("team"),
            daily_usd=_daily(r), source="inventory",
        )
        for r in resources
        if r.kind in kinds and r.created and start <= r.created <= end
    ]  # fmt: skip
    return sorted(found, key=lambda c: c.daily_usd or Decimal(0), reverse=True)


COST_FIELDS = ("config.instance_type", "config.instance_class", "config.volume_type", "state")


def _inventory(ctx: ToolContext) -> Any | None:
    store = ctx.extras.get("inventory")
    if store is not None or ctx.db is None:
        return store  # no SQL store (a cost-only context): no change log to read
    from tools.discovery.store import InventoryStore  # the SQL store loads when it is read

    return InventoryStore(ctx.db)


def from_discovery(ctx: ToolContext, window: tuple[date, date]) -> list[LikelyCause]:
    """Discovery change events in the window: created resources and cost-relevant changes.

    Args:
        ctx: tool context (``extras["inventory"]`` or the discovery store in ``ctx.db``).
        window: first and last day of the spike.
    """
    store = _inventory(ctx)
    if store is None:
        return []
    start, end = _span(window)
    found: list[LikelyCause] = []
    for row in store.changes(since=start):
        fields = [f for f in row.changed_fields or [] if f in COST_FIELDS]
        if row.at > end or not (row.kind == "created" or fields):
            continue
        what = f"{row.resource_type} {row.kind}" + (f" ({', '.join(fields)})" if fields else "")
        found.append(
            LikelyCause(what=what, resource=row.name or row.arn, when=row.at, source="discovery")
        )
    return found


def from_cloudtrail(ctx: ToolContext, window: tuple[date, date]) -> list[LikelyCause]:
    """Cost-relevant management events in the window (raises when CloudTrail cannot answer).

    Args:
        ctx: tool context.
        window: first and last day of the spike.
    """
    start, end = _span(window)
    found: list[LikelyCause] = []
    for region in ctx.aws.regions():
        client = ctx.aws.client("cloudtrail", region)
        for name in TRAIL_EVENTS:
            attributes = [{"AttributeKey": "EventName", "AttributeValue": name}]
            events = paginate(
                client, "lookup_events", "Events",
                LookupAttributes=attributes, StartTime=start, EndTime=end,
            )  # fmt: skip
            found += [_trail_cause(event, region) for event in events]
    return found


def _trail_cause(event: dict[str, Any], region: str) -> LikelyCause:
    names = [r.get("ResourceName", "") for r in event.get("Resources", [])]
    return LikelyCause(
        what=f"{event['EventName']} in {region}",
        resource=", ".join(n for n in names if n) or None,
        when=event.get("EventTime"),
        who=event.get("Username"),
        source="cloudtrail",
    )


def equivalent_hours(added_by: Any, cause: LikelyCause) -> str:
    """The added cost expressed as hours of the likely cause (a sense of scale, not proof).

    Args:
        added_by: the contributor (``spike.Contributor``) that added the most.
        cause: the first likely cause.
    """
    if not cause.daily_usd:
        return ""
    hourly = cause.daily_usd / 24
    hours = (added_by.added / hourly).quantize(Decimal("1"))
    return (
        f"The {added_by.name} increase equals about {hours} hours of {cause.resource} "
        f"at its list price ({(hours / 24).quantize(Decimal('0.1'))} of them running all day)."
    )


def likely_causes(
    ctx: ToolContext, window: tuple[date, date], services: list[str]
) -> tuple[list[LikelyCause], list[str]]:
    """Changes that probably explain the spike, and notes on how they were found.

    Args:
        ctx: tool context.
        window: first and last day of the spike.
        services: the services that added the most cost.
    """
    from sqlalchemy.exc import SQLAlchemyError

    notes: list[str] = []
    kinds = kinds_for(services)
    resources = estate.collect(ctx)
    causes = from_inventory(resources, window, kinds)
    try:
        seen = [str(c.resource) for c in causes]
        causes += [
            c
            for c in from_discovery(ctx, window)
            if not any(label.startswith(str(c.resource)) for label in seen)
        ]
    except SQLAlchemyError as error:  # inventory not migrated yet: optional evidence
        notes.append(f"Discovery changes could not be read ({type(error).__name__}).")
    try:
        causes += from_cloudtrail(ctx, window)
    except (ClientError, BotoCoreError, NotImplementedError) as error:  # optional evidence
        notes.append(f"CloudTrail could not be searched ({type(error).__name__}).")
    if not causes:
        notes.append(
            "No resource of those services was created or changed in the window; listed are "
            "their largest running resources (a judgement, not a proven cause)."
        )
        running = [r for r in resources if r.kind in kinds]
        ranked = sorted(running, key=lambda r: _daily(r) or Decimal(0), reverse=True)[:3]
        causes = [
            LikelyCause(
                what=f"running {r.kind.replace('_', ' ')} {r.instance_type or ''}".strip(),
                resource=r.label, daily_usd=_daily(r), source="run-rate",
            )
            for r in ranked
        ]  # fmt: skip
    return causes, notes
