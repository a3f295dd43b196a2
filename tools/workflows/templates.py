"""Ready-made workflows, each creatable in one sentence.

Every template is a function from a few parameters to a ``WorkflowSpec``; ``words.py`` picks
one from a sentence and fills its parameters. A template whose steps need a tool CloudFabric
does not have yet says so in ``needs`` (creating it then answers with what is missing).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tools.workflows.spec import (
    ApprovalStep,
    ConditionStep,
    EventTrigger,
    ForEachStep,
    NotifyStep,
    Retry,
    Step,
    ToolStep,
    Trigger,
    WorkflowSpec,
)

RETRY = Retry(attempts=3, backoff_seconds=60, multiplier=2)
"""Retries for steps that call AWS: three tries, one then two minutes apart."""


@dataclass(frozen=True)
class Params:
    """What a sentence fills in a template.

    Attributes:
        name: the workflow's name.
        trigger: what starts it.
        channel: where it reports.
        targets: resources named (a database, instances, a bucket, an alarm).
        tags: tag filter for the targets (``env=dev``).
        days: a number of days (retention, age, report period).
        port: a port (security events).
        description: the sentence.
        created_by: who asked.
        ask_first_minutes: each run first waits this long at most for someone to approve
            going on (None: no approval step; changes are still approved per run).
    """

    name: str
    trigger: Trigger
    channel: str | None
    targets: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()
    days: int | None = None
    port: int | None = None
    description: str = ""
    created_by: str = ""
    ask_first_minutes: int | None = None


Builder = Callable[[Params], list[Step]]


@dataclass(frozen=True)
class Template:
    """One ready-made workflow.

    Attributes:
        key: its id (``rds-snapshot``).
        title: what it does, in a few words.
        sentence: one sentence that creates it.
        steps: builds its steps from the parameters.
        needs: registered tools it needs that CloudFabric lacks today (empty: ready).
    """

    key: str
    title: str
    sentence: str
    steps: Builder
    needs: tuple[str, ...] = ()

    def build(self, params: Params) -> WorkflowSpec:
        """The spec for ``params``.

        Args:
            params: what the sentence said.
        """
        steps = self.steps(params)
        if params.ask_first_minutes:
            ask = ApprovalStep(
                id="ask",
                prompt=f"Go on with this run of {params.name}? ({params.description})"[:500],
                expires_after_minutes=params.ask_first_minutes,
            )
            steps = [ask, *steps]
        return WorkflowSpec(
            name=params.name,
            description=params.description,
            trigger=params.trigger,
            steps=steps,
            channel=params.channel,
            created_by=params.created_by,
        )


def _notify(template: str, step_id: str = "tell") -> NotifyStep:
    return NotifyStep(id=step_id, template=template)


def _failure(what: str) -> str:
    return f":x: {{workflow.name}}: {what} failed: {{run.error}}"


FIRE_KEY = "{run.fire_time}"
"""Idempotency key of a backup step: the run's fire time, the same however often it is retried."""


def _backup_args(p: Params, keep: int) -> dict[str, Any]:
    """Retention by this workflow's name, keyed by the run's fire time."""
    return {"retention_days": keep, "schedule": p.name, "key": FIRE_KEY}


def _rds_snapshot(p: Params) -> list[Step]:
    db = p.targets[0] if p.targets else ""
    keep = p.days or 7
    return [
        ToolStep(
            id="snapshot",
            tool="rds.create_db_snapshot",
            args={"target": db, **_backup_args(p, keep)},
            retry=RETRY,
            on_failure=_failure(f"the snapshot of {db}"),
        ),
        _notify(f":camera: Snapshot of {db} taken; kept {keep} days."),
    ]


def _ebs_backup(p: Params) -> list[Step]:
    keep = p.days or 7
    told = _notify(f":floppy_disk: EBS snapshots taken; kept {keep} days.")
    if p.targets and not p.tags:
        backup = ToolStep(
            id="backup",
            tool="ec2.create_snapshots",
            args={"targets": list(p.targets), **_backup_args(p, keep)},
            retry=RETRY,
            on_failure=_failure("the EBS backup"),
        )
        return [backup, told]
    return [
        _find_instances(p),
        ConditionStep(id="any", ref="{steps.find.output.instances}", op="not_empty"),
        ToolStep(
            id="backup",
            tool="ec2.create_snapshots",
            args={"targets": "{steps.find.output.instances.instance_id}", **_backup_args(p, keep)},
            retry=RETRY,
            on_failure=_failure("the EBS backup"),
        ),
        told,
    ]


def _glacier(p: Params) -> list[Step]:
    bucket = p.targets[0] if p.targets else ""
    days = p.days or 90
    return [
        ToolStep(
            id="lifecycle",
            tool="s3.put_lifecycle",
            args={"bucket": bucket, "transition_days": days, "storage_class": "GLACIER"},
            on_failure=_failure(f"the lifecycle rule on {bucket}"),
        ),
        _notify(f":ice_cube: Objects in {bucket} older than {days} days move to Glacier."),
    ]


def _alarm(p: Params) -> list[Step]:
    return [
        _notify(
            ":rotating_light: Alarm *{event.detail.alarmName}* is now "
            "{event.detail.state.value}: {event.detail.state.reason}"
        )
    ]


def _find_instances(p: Params) -> ToolStep:
    return ToolStep(
        id="find",
        tool="ec2.list_instances",
        args={"tags": dict(p.tags)} if p.tags else {"name": p.targets[0] if p.targets else None},
        retry=RETRY,
    )


def _power(verb: str) -> Builder:
    tool = f"ec2.{verb}_instances"

    def steps(p: Params) -> list[Step]:
        if p.targets and not p.tags:
            act = ToolStep(id=verb, tool=tool, args={"targets": list(p.targets)}, retry=RETRY)
            return [act, _notify(f":zzz: {verb.title()} requested for {', '.join(p.targets)}.")]
        return [
            _find_instances(p),
            ConditionStep(id="any", ref="{steps.find.output.instances}", op="not_empty"),
            ToolStep(
                id=verb,
                tool=tool,
                args={"targets": "{steps.find.output.instances.instance_id}"},
                retry=RETRY,
                on_failure=_failure(f"{verb} of the instances"),
            ),
            _notify(f"{verb.title()}: {{steps.find.output.instances.instance_id}}."),
        ]

    return steps


def _cost(p: Params) -> list[Step]:
    days = p.days or 7
    return [
        ToolStep(
            id="cost",
            tool="cost.actuals",
            args={"days": days, "group_by": "service"},
            retry=RETRY,
        ),
        _notify(
            f":moneybag: Cost of the last {days} days by service: "
            "{steps.cost.output.total} USD ({steps.cost.output.label})."
        ),
    ]


def _ipam(p: Params) -> list[Step]:
    return [
        ToolStep(id="reconcile", tool="ipam.reconcile", args={"regions": []}, retry=RETRY),
        ConditionStep(id="conflicts", ref="{steps.reconcile.output.conflicts}", op="not_empty"),
        _notify(":warning: IPAM vs VPCs, conflicts: {steps.reconcile.output.conflicts}"),
    ]


def _sg_audit(p: Params) -> list[Step]:
    return [
        ToolStep(id="audit", tool="security.risky_security_groups", args={}, retry=RETRY),
        ConditionStep(id="open", ref="{steps.audit.output.open_to_world}", op="not_empty"),
        _notify(":lock: Security groups open to the world: {steps.audit.output.open_to_world}"),
    ]


def _port_opened(p: Params) -> list[Step]:
    port = p.port or 22
    return [
        _notify(
            f":rotating_light: {{event.detail.userIdentity.arn}} opened port {port} to the "
            "world on {event.detail.requestParameters.groupId} "
            "({event.detail.awsRegion}, {event.detail.eventTime})."
        )
    ]


def _cleanup(p: Params) -> list[Step]:
    days = p.days or 30
    return [
        ToolStep(id="find", tool="inventory.orphans", args={}, retry=RETRY),
        ForEachStep(
            id="delete",
            items="{steps.find.output.items}",
            where={"reason": "unattached_volume"},
            tool="ebs.snapshot_and_delete_volume",
            args={"targets": ["{item.arn}"]},
            on_failure=_failure("a volume cleanup"),
        ),
        _notify(
            f":broom: Unattached volumes (older than {days} days) snapshotted and deleted "
            "after approval: {steps.delete.output.done}."
        ),
    ]


TEMPLATES: dict[str, Template] = {
    t.key: t
    for t in (
        Template(
            "rds-snapshot",
            "Nightly RDS snapshot with retention",
            "snapshot db-prod every night at 2am, keep 7 days, and tell #ops",
            _rds_snapshot,
        ),
        Template(
            "ebs-backup",
            "EBS/EC2 backup",
            "back up the volumes of web-1 every day at 3am and tell #ops",
            _ebs_backup,
        ),
        Template(
            "s3-glacier",
            "S3 to Glacier lifecycle",
            "every day move objects in cf-demo-logs to glacier after 90 days and tell #storage",
            _glacier,
        ),
        Template(
            "alarm-to-slack",
            "CloudWatch alarm to Slack",
            "when a cloudwatch alarm goes off, post it in #alerts",
            _alarm,
        ),
        Template(
            "stop-dev",
            "Stop dev at night",
            "every weekday at 7pm stop the instances tagged env=dev and tell #dev",
            _power("stop"),
        ),
        Template(
            "start-dev",
            "Start dev in the morning",
            "every weekday at 7am start the instances tagged env=dev and tell #dev",
            _power("start"),
        ),
        Template(
            "cost-report",
            "Weekly cost report",
            "every monday at 9 post last week's cost by service to #finops",
            _cost,
        ),
        Template(
            "ipam-reconcile",
            "Daily IPAM-vs-VPC reconciliation",
            "every day at 6am compare IPAM with the VPCs and post new conflicts in #network",
            _ipam,
        ),
        Template(
            "sg-audit",
            "Security-group audit",
            "every friday at 10am audit the security groups and post findings to #security",
            _sg_audit,
        ),
        Template(
            "port-opened",
            "Alert when a port opens to the world",
            "when someone opens port 22 to the world, post who did it in #security",
            _port_opened,
        ),
        Template(
            "volume-cleanup",
            "Cleanup of unattached volumes (behind approval)",
            "every sunday delete unattached volumes older than 30 days, ask first, tell #ops",
            _cleanup,
        ),
    )
}
"""Every template by key."""


def port_pattern(port: int) -> dict[str, Any]:
    """EventBridge pattern: a security-group rule opening ``port`` to 0.0.0.0/0 (CloudTrail).

    Args:
        port: the TCP port.
    """
    return {
        "source": ["aws.ec2"],
        "detail-type": ["AWS API Call via CloudTrail"],
        "detail": {
            "eventSource": ["ec2.amazonaws.com"],
            "eventName": ["AuthorizeSecurityGroupIngress"],
            "requestParameters": {
                "ipPermissions": {
                    "items": {
                        "fromPort": [{"numeric": ["<=", port]}],
                        "toPort": [{"numeric": [">=", port]}],
                        "ipRanges": {"items": {"cidrIp": ["0.0.0.0/0"]}},
                    }
                }
            },
        },
    }


def alarm_pattern(alarm: str | None = None) -> dict[str, Any]:
    """EventBridge pattern: a CloudWatch alarm entering ALARM (one alarm, or any).

    Args:
        alarm: the alarm's name, or ``None`` for every alarm.
    """
    detail: dict[str, Any] = {"state": {"value": ["ALARM"]}}
    if alarm:
        detail["alarmName"] = [alarm]
    return {
        "source": ["aws.cloudwatch"],
        "detail-type": ["CloudWatch Alarm State Change"],
        "detail": detail,
    }


def event_trigger(pattern: dict[str, Any], description: str) -> EventTrigger:
    """An event trigger for ``pattern``.

    Args:
        pattern: EventBridge pattern.
        description: the pattern in words.
    """
    return EventTrigger(pattern=pattern, description=description)
