"""A small EC2 estate for unit tests that do not need the full sandbox."""

from __future__ import annotations

from core.aws import AwsClients

AMI = "ami-12c6146b"  # an image moto ships in every region


def launch(aws: AwsClients, name: str, region: str = "us-east-1", **tags: str) -> str:
    """Launch one t3.micro named ``name`` and return its id.

    Args:
        aws: clients over moto.
        name: Name tag.
        region: where to launch.
        **tags: extra tags.
    """
    ec2 = aws.client("ec2", region)
    all_tags = [{"Key": "Name", "Value": name}] + [{"Key": k, "Value": v} for k, v in tags.items()]
    response = ec2.run_instances(
        ImageId=AMI,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.micro",
        TagSpecifications=[{"ResourceType": "instance", "Tags": all_tags}],
    )
    return str(response["Instances"][0]["InstanceId"])


def state_of(
    aws: AwsClients, instance_id: str, region: str = "us-east-1", account: str | None = None
) -> str:
    """Current state name of an instance.

    Args:
        aws: clients over moto.
        instance_id: the instance.
        region: its region.
        account: account key (None = primary).
    """
    ec2 = aws.client("ec2", region, account)
    reservations = ec2.describe_instances(InstanceIds=[instance_id])["Reservations"]
    return str(reservations[0]["Instances"][0]["State"]["Name"])


def small_estate(aws: AwsClients) -> dict[str, str]:
    """web-1, web-2, batch-worker in us-east-1 and analytics-1 in eu-west-1 (all running).

    Args:
        aws: clients over moto.
    """
    return {
        "web-1": launch(aws, "web-1", env="prod"),
        "web-2": launch(aws, "web-2", env="prod"),
        "batch-worker": launch(aws, "batch-worker", env="prod"),
        "analytics-1": launch(aws, "analytics-1", region="eu-west-1", env="staging"),
    }
