"""The demo estate's past, told relative to the clock, so the story is the same on any date.

moto stamps every resource with its own wall clock at the moment it is created, so a freshly
seeded estate would look brand new. This module gives each resource the age the story needs
(launch times, volume and snapshot ages, written onto moto's records) and the CloudTrail
events that say who did what. Everything is measured back from the clock's "now":

- ``batch-worker`` was started by carol at 07:58 UTC on the spike day (three days ago), which
  is the EC2 compute spike Cost Explorer shows that day;
- ``legacy-app`` was stopped by bob four days ago (its CPU history ends then);
- ``analytics-1`` was launched by dave 60 days ago;
- someone (mallory) opened SSH to the world on ``ssh-open`` ten days ago;
- the ``old-data`` volume is 500 days old and its snapshot ``old-data-backup`` 400 days old.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any

from core.sandbox.costs import SPIKE_DAYS_AGO
from core.sandbox.model import ANALYTICS_REGION, PRIMARY_REGION, DemoEstate
from core.sandbox.trail import TrailEvent, install_trail_answers

LAUNCHED_DAYS_AGO = {
    "web-1": 120,
    "web-2": 120,
    "legacy-app": 700,
    "analytics-1": 60,
    "shared-tools": 200,
}
BATCH_STARTED_AT = time(7, 58)
VOLUME_DAYS_OLD = 500
SNAPSHOT_DAYS_OLD = 400
EC2_INSTANCE = "AWS::EC2::Instance"


@dataclass(frozen=True)
class Story:
    """The instants the demo's past is built from.

    Attributes:
        now: the clock's time when the estate was seeded.
    """

    now: datetime

    @property
    def spike_day_start(self) -> datetime:
        """Midnight UTC of the spike day."""
        day = self.now.date() - timedelta(days=SPIKE_DAYS_AGO)
        return datetime.combine(day, time.min, tzinfo=UTC)

    @property
    def batch_started(self) -> datetime:
        """When carol started batch-worker."""
        return self.spike_day_start.replace(
            hour=BATCH_STARTED_AT.hour, minute=BATCH_STARTED_AT.minute
        )

    @property
    def legacy_stopped(self) -> datetime:
        """When bob stopped legacy-app: the top of the hour four days ago."""
        return self.now.replace(minute=0, second=0, microsecond=0) - timedelta(days=4)

    def days_ago(self, days: int) -> datetime:
        """Exactly ``days`` days before now (so an age reads the same at any time of day).

        Args:
            days: how far back.
        """
        return self.now - timedelta(days=days)


def seed_history(ec2_clients: dict[str, Any], estate: DemoEstate, now: datetime) -> None:
    """Age the seeded resources and install the CloudTrail events of the story.

    Must run inside the active moto mock that holds ``estate``, after the estate is seeded.

    Args:
        ec2_clients: primary-account EC2 clients by region (used to take the snapshot).
        estate: the ids seeding produced; receives the snapshot id.
        now: the clock's time (aware).
    """
    story = Story(now.astimezone(UTC))
    estate.snapshot_id = ec2_clients[PRIMARY_REGION].create_snapshot(
        VolumeId=estate.volume_id,
        Description="old-data before the 2-to-3 migration",
        TagSpecifications=[
            {
                "ResourceType": "snapshot",
                "Tags": [
                    {"Key": "Name", "Value": "old-data-backup"},
                    {"Key": "env", "Value": "prod"},
                    {"Key": "team", "Value": "data"},
                ],
            }
        ],
    )["SnapshotId"]
    _age_resources(estate, story)
    install_trail_answers(story_events(estate, story))


def story_events(estate: DemoEstate, story: Story) -> list[TrailEvent]:
    """The management events of the story, with the estate's real ids.

    Args:
        estate: ids of the seeded resources.
        story: the instants.
    """
    account = estate.primary_account_id
    ids = estate.instance_ids

    def instance(name: str) -> tuple[tuple[str, str], ...]:
        return ((EC2_INSTANCE, ids[name]),)

    def items(name: str) -> dict[str, Any]:
        return {"instancesSet": {"items": [{"instanceId": ids[name]}]}}

    ssh = estate.security_group_ids["ssh-open"]
    return [
        TrailEvent("StartInstances", "carol", story.batch_started, account, PRIMARY_REGION,
                   instance("batch-worker"), items("batch-worker")),
        TrailEvent("StopInstances", "bob", story.legacy_stopped, account, PRIMARY_REGION,
                   instance("legacy-app"), items("legacy-app")),
        TrailEvent("RunInstances", "dave", story.days_ago(60), account, ANALYTICS_REGION,
                   instance("analytics-1"), {"instanceType": "m5.xlarge"}),
        TrailEvent("AuthorizeSecurityGroupIngress", "mallory", story.days_ago(10), account,
                   PRIMARY_REGION, (("AWS::EC2::SecurityGroup", ssh),),
                   {"groupId": ssh, "ipPermissions": {"items": [
                       {"ipProtocol": "tcp", "fromPort": 22, "toPort": 22,
                        "ipRanges": {"items": [{"cidrIp": "0.0.0.0/0"}]}}]}}),
    ]  # fmt: skip


def _age_resources(estate: DemoEstate, story: Story) -> None:
    from moto.ec2.models import ec2_backends

    naive = {
        name: story.days_ago(days).replace(tzinfo=None) for name, days in LAUNCHED_DAYS_AGO.items()
    }
    naive["batch-worker"] = story.batch_started.replace(tzinfo=None)
    for name, launched in naive.items():
        location = estate.instance_locations[name]
        backend = ec2_backends[location.account_id][location.region]
        backend.get_instance(estate.instance_ids[name]).launch_time = launched
    primary = ec2_backends[estate.primary_account_id][PRIMARY_REGION]
    volume = primary.get_volume(estate.volume_id)
    volume.create_time = story.days_ago(VOLUME_DAYS_OLD).replace(tzinfo=None)
    snapshot = primary.get_snapshot(estate.snapshot_id)
    snapshot.start_time = story.days_ago(SNAPSHOT_DAYS_OLD).replace(tzinfo=None)
