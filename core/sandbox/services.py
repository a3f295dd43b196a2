"""Managed services of the demo estate: RDS db-prod, S3 buckets, Lambda thumbnailer, IAM roles."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any

from core.sandbox.model import PRIMARY_ACCOUNT_ID, DemoEstate, tag_list

BUCKETS = (("cf-demo-logs", "platform"), ("cf-demo-assets", "web"))
THUMBNAILER_SOURCE = '''"""Makes thumbnails of uploaded images."""


def handler(event, context):
    return {"thumbnails": len(event.get("Records", []))}
'''


def seed_database(rds: Any, estate: DemoEstate) -> None:
    """PostgreSQL ``db-prod``: db.m5.large, Multi-AZ, 100 GB gp2, db-sg, private subnets.

    Args:
        rds: primary-account RDS client in prod-vpc's region.
        estate: holds subnet/group ids and receives the identifiers.
    """
    tags = tag_list("db-prod", "prod", "platform")
    estate.db_subnet_group = "db-prod-subnets"
    rds.create_db_subnet_group(
        DBSubnetGroupName=estate.db_subnet_group,
        DBSubnetGroupDescription="Private subnets of prod-vpc",
        SubnetIds=[estate.subnet_ids["prod-private-a"], estate.subnet_ids["prod-private-b"]],
        Tags=tags,
    )
    estate.db_identifier = rds.create_db_instance(
        DBInstanceIdentifier="db-prod",
        DBInstanceClass="db.m5.large",
        Engine="postgres",
        EngineVersion="16.3",
        MultiAZ=True,
        AllocatedStorage=100,
        StorageType="gp2",
        DBName="app",
        MasterUsername="app",
        MasterUserPassword="sandbox-only-password",
        DBSubnetGroupName=estate.db_subnet_group,
        VpcSecurityGroupIds=[estate.security_group_ids["db-sg"]],
        PubliclyAccessible=False,
        Tags=tags,
    )["DBInstance"]["DBInstanceIdentifier"]


def seed_buckets(s3: Any, estate: DemoEstate) -> None:
    """Buckets ``cf-demo-logs`` and ``cf-demo-assets`` in us-east-1, tagged.

    Args:
        s3: primary-account S3 client in us-east-1.
        estate: receives the bucket names.
    """
    for name, team in BUCKETS:
        s3.create_bucket(Bucket=name)
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tag_list(name, "prod", team)})
        estate.bucket_names.append(name)


def create_role(iam: Any, name: str, principal: dict[str, str], tags: list[dict[str, str]]) -> str:
    """Create an IAM role trusting ``principal`` and return its ARN.

    Args:
        iam: IAM client of the account that owns the role.
        name: role name.
        principal: trust policy principal, e.g. ``{"Service": "lambda.amazonaws.com"}``.
        tags: tags in list form.
    """
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
    }
    role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=tags)
    return str(role["Role"]["Arn"])


def seed_lambda(iam: Any, lambda_client: Any, estate: DemoEstate) -> None:
    """Lambda ``thumbnailer`` (python3.12) with its execution role; needs no container runtime.

    Args:
        iam: primary-account IAM client.
        lambda_client: primary-account Lambda client in prod-vpc's region.
        estate: receives the function name and role ARN.
    """
    tags = tag_list("thumbnailer", "prod", "web")
    estate.lambda_role_arn = create_role(
        iam, "thumbnailer-role", {"Service": "lambda.amazonaws.com"}, tags
    )
    estate.lambda_function_name = lambda_client.create_function(
        FunctionName="thumbnailer",
        Runtime="python3.12",
        Role=estate.lambda_role_arn,
        Handler="app.handler",
        Code={"ZipFile": _zip_source("app.py", THUMBNAILER_SOURCE)},
        Description="Makes thumbnails of uploaded images",
        MemorySize=512,
        Timeout=30,
        Tags={tag["Key"]: tag["Value"] for tag in tags},
    )["FunctionName"]


def seed_access_role(iam: Any) -> str:
    """The role ``CloudFabricAccess`` in the second account, trusting the primary account.

    Args:
        iam: IAM client acting in the second account.
    """
    tags = tag_list("CloudFabricAccess", "shared", "platform")
    principal = {"AWS": f"arn:aws:iam::{PRIMARY_ACCOUNT_ID}:root"}
    return create_role(iam, "CloudFabricAccess", principal, tags)


def _zip_source(filename: str, source: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(filename, source)
    return buffer.getvalue()
