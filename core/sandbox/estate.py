"""Seeding the whole demo estate into an active moto mock."""

from __future__ import annotations

import time

from core.aws import AwsClients
from core.clock import Clock
from core.sandbox.compute import (
    ANALYTICS_INSTANCE,
    PROD_INSTANCES,
    SHARED_INSTANCE,
    launch_instance,
    seed_auto_scaling_group,
    seed_idle_resources,
    seed_web_load_balancer,
)
from core.sandbox.costs import (
    EC2_COMPUTE,
    SPIKE_DAYS_AGO,
    daily_cost_series,
    install_cost_answers,
)
from core.sandbox.history import seed_history
from core.sandbox.metrics import put_cpu_history
from core.sandbox.model import (
    ANALYTICS_REGION,
    PRIMARY_ACCOUNT_ID,
    PRIMARY_REGION,
    SECOND_ACCOUNT_ID,
    SECOND_ACCOUNT_ROLE_ARN,
    DemoEstate,
    Location,
)
from core.sandbox.network import create_subnet, create_vpc, seed_prod_network, seed_security_groups
from core.sandbox.services import seed_access_role, seed_buckets, seed_database, seed_lambda


def seed_demo_estate(aws: AwsClients, clock: Clock | None = None) -> DemoEstate:
    """Create the demo estate (listed in the README) and return the ids created.

    Must run inside an active moto mock: in-process ``mock_aws()``, or a ``ThreadedMotoServer``
    in the same process reached through ``settings.aws_endpoint_url``. Registers the second
    account on ``aws`` when it is not there yet. Seed it once per mock.

    Args:
        aws: clients over the mock; its base credentials act in account 123456789012.
        clock: "now" for the estate's history, metrics and spend (the system clock by
            default); the story is told relative to it.

    Raises:
        ValueError: ``aws`` is not in sandbox mode (nothing is created).
    """
    if not aws.sandbox:
        raise ValueError("The demo estate is only seeded into the sandbox, never into live AWS.")
    started = time.perf_counter()
    if SECOND_ACCOUNT_ID not in aws.accounts():
        aws.add_account(SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN)
    estate = DemoEstate()
    clock = clock or Clock()
    now = clock.now()
    _seed_prod(aws, estate)
    _seed_analytics(aws, estate)
    _seed_second_account(aws, estate)
    seed_history({PRIMARY_REGION: aws.client("ec2", PRIMARY_REGION)}, estate, now)
    for name, instance_id in estate.instance_ids.items():
        location = estate.instance_locations[name]
        account = None if location.account_id == PRIMARY_ACCOUNT_ID else location.account_id
        cloudwatch = aws.client("cloudwatch", location.region, account)
        estate.cpu_average[name] = put_cpu_history(cloudwatch, instance_id, name, now)
    estate.cost_by_day = daily_cost_series(now.date())
    estate.cost_spike_day = sorted(estate.cost_by_day)[-SPIKE_DAYS_AGO]
    estate.cost_spike_service = EC2_COMPUTE
    install_cost_answers(estate.cost_by_day, PRIMARY_ACCOUNT_ID, clock)
    estate.seed_seconds = round(time.perf_counter() - started, 3)
    return estate


def _seed_prod(aws: AwsClients, estate: DemoEstate) -> None:
    ec2 = aws.client("ec2", PRIMARY_REGION)
    seed_prod_network(ec2, PRIMARY_REGION, estate)
    seed_security_groups(ec2, estate.vpc_ids["prod-vpc"], estate)
    location = Location(account_id=PRIMARY_ACCOUNT_ID, region=PRIMARY_REGION)
    for spec in PROD_INSTANCES:
        launch_instance(ec2, spec, location, estate)
    seed_idle_resources(ec2, PRIMARY_REGION, estate)
    seed_web_load_balancer(aws.client("elbv2", PRIMARY_REGION), estate)
    seed_auto_scaling_group(ec2, aws.client("autoscaling", PRIMARY_REGION), estate)
    seed_database(aws.client("rds", PRIMARY_REGION), estate)
    seed_buckets(aws.client("s3", PRIMARY_REGION), estate)
    seed_lambda(aws.client("iam", PRIMARY_REGION), aws.client("lambda", PRIMARY_REGION), estate)


def _seed_analytics(aws: AwsClients, estate: DemoEstate) -> None:
    ec2 = aws.client("ec2", ANALYTICS_REGION)
    vpc_id = create_vpc(ec2, "analytics-vpc", "10.0.128.0/18", "staging", "data")
    estate.vpc_ids["analytics-vpc"] = vpc_id
    estate.subnet_ids["analytics-a"] = create_subnet(
        ec2, vpc_id, "analytics-a", "10.0.128.0/24", f"{ANALYTICS_REGION}a", "staging", "data"
    )
    location = Location(account_id=PRIMARY_ACCOUNT_ID, region=ANALYTICS_REGION)
    launch_instance(ec2, ANALYTICS_INSTANCE, location, estate)


def _seed_second_account(aws: AwsClients, estate: DemoEstate) -> None:
    seed_access_role(aws.client("iam", PRIMARY_REGION, SECOND_ACCOUNT_ID))
    ec2 = aws.client("ec2", PRIMARY_REGION, SECOND_ACCOUNT_ID)
    vpc_id = create_vpc(ec2, "shared-vpc", "172.20.0.0/16", "shared", "platform")
    estate.vpc_ids["shared-vpc"] = vpc_id
    estate.subnet_ids["shared-a"] = create_subnet(
        ec2, vpc_id, "shared-a", "172.20.1.0/24", f"{PRIMARY_REGION}a", "shared", "platform"
    )
    location = Location(account_id=SECOND_ACCOUNT_ID, region=PRIMARY_REGION)
    launch_instance(ec2, SHARED_INSTANCE, location, estate)
