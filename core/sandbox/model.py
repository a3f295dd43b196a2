"""What the sandbox demo estate contains: fixed identities, tags and the ids seeding produced."""

from __future__ import annotations

from pydantic import BaseModel, Field

PRIMARY_ACCOUNT_ID = "123456789012"
SECOND_ACCOUNT_ID = "210987654321"
SECOND_ACCOUNT_ROLE_ARN = f"arn:aws:iam::{SECOND_ACCOUNT_ID}:role/CloudFabricAccess"
PRIMARY_REGION = "us-east-1"
ANALYTICS_REGION = "eu-west-1"
DEMO_AMI_ID = "ami-12c6146b"


def tag_list(name: str, env: str, team: str) -> list[dict[str, str]]:
    """The ``Name``/``env``/``team`` tags every demo resource carries, in EC2 list form.

    Args:
        name: value of the ``Name`` tag.
        env: ``prod``, ``staging`` or ``shared``.
        team: owning team.
    """
    return [
        {"Key": "Name", "Value": name},
        {"Key": "env", "Value": env},
        {"Key": "team", "Value": team},
    ]


def tag_spec(resource_type: str, name: str, env: str, team: str) -> list[dict[str, object]]:
    """EC2 ``TagSpecifications`` for one resource created with the demo tags.

    Args:
        resource_type: EC2 resource type (``vpc``, ``subnet``, ``instance``...).
        name: value of the ``Name`` tag.
        env: ``prod``, ``staging`` or ``shared``.
        team: owning team.
    """
    return [{"ResourceType": resource_type, "Tags": tag_list(name, env, team)}]


class Location(BaseModel):
    """Where a resource lives."""

    account_id: str = Field(description="12-digit account id holding the resource.")
    region: str = Field(description="AWS region holding the resource.")


class DemoEstate(BaseModel):
    """Ids of everything ``seed_demo_estate`` created, keyed by the resource's ``Name`` tag."""

    primary_account_id: str = Field(
        default=PRIMARY_ACCOUNT_ID, description="Account the sandbox credentials act in."
    )
    second_account_id: str = Field(
        default=SECOND_ACCOUNT_ID, description="Second account, reached by assuming a role."
    )
    second_account_role_arn: str = Field(
        default=SECOND_ACCOUNT_ROLE_ARN, description="Role assumed to enter the second account."
    )
    vpc_ids: dict[str, str] = Field(
        default_factory=dict, description="VPC name (prod-vpc, analytics-vpc, shared-vpc) -> id."
    )
    subnet_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Subnet name (prod-public-a, prod-private-b, analytics-a, shared-a...) -> id.",
    )
    route_table_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Route table name (prod-public-rt, prod-private-rt) -> id.",
    )
    internet_gateway_id: str = Field(default="", description="Internet gateway of prod-vpc.")
    nat_gateway_id: str = Field(default="", description="NAT gateway in prod-public-a.")
    security_group_ids: dict[str, str] = Field(
        default_factory=dict, description="Security group name (web-sg, ssh-open, db-sg) -> id."
    )
    instance_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Instance name (web-1, web-2, batch-worker, legacy-app, analytics-1, "
        "shared-tools) -> id.",
    )
    instance_locations: dict[str, Location] = Field(
        default_factory=dict, description="Instance name -> account and region it runs in."
    )
    volume_id: str = Field(default="", description="The unattached gp2 volume 'old-data'.")
    snapshot_id: str = Field(
        default="", description="The 400-day-old snapshot 'old-data-backup' of old-data."
    )
    allocation_ids: dict[str, str] = Field(
        default_factory=dict,
        description="Elastic IP name (prod-nat-ip on the NAT gateway, spare-ip unassociated) "
        "-> allocation id.",
    )
    load_balancer_arn: str = Field(default="", description="ARN of the ALB 'web-alb'.")
    target_group_arn: str = Field(default="", description="ARN of the target group 'web-tg'.")
    listener_arn: str = Field(default="", description="ARN of web-alb's HTTP:80 listener.")
    db_identifier: str = Field(default="", description="RDS instance identifier ('db-prod').")
    db_subnet_group: str = Field(
        default="", description="DB subnet group over the private subnets."
    )
    bucket_names: list[str] = Field(default_factory=list, description="S3 buckets created.")
    lambda_function_name: str = Field(default="", description="Lambda function ('thumbnailer').")
    auto_scaling_group: str = Field(
        default="", description="Auto Scaling group ('web-asg', launch template 'web-lt')."
    )
    lambda_role_arn: str = Field(default="", description="Execution role of the Lambda function.")
    cpu_average: dict[str, float] = Field(
        default_factory=dict,
        description="Instance name -> mean of the CPUUtilization datapoints put (percent).",
    )
    cost_by_day: dict[str, dict[str, float]] = Field(
        default_factory=dict,
        description="ISO day -> Cost Explorer SERVICE name -> unblended USD; what Cost "
        "Explorer answers from (the last 30 complete UTC days).",
    )
    cost_spike_day: str = Field(default="", description="ISO day with the EC2 compute spike.")
    cost_spike_service: str = Field(default="", description="Service that spiked that day.")
    seed_seconds: float = Field(default=0.0, description="Wall time seeding took, in seconds.")
