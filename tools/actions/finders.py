"""Find an RDS database or an S3 bucket by name, with discovery's readers (live), so a plan
shows what AWS shows now; an unknown name is answered with the closest real ones."""

from __future__ import annotations

from tools.actions.described import Naming, pick_one
from tools.context import ToolContext
from tools.discovery.collectors import awslambda, rds, s3
from tools.discovery.read import account_key, permissions, read, regions_for
from tools.discovery.resource_models import Resource
from tools.ec2.finder import Found

DATABASE_PERMISSIONS = permissions(rds.instances)
"""IAM actions of finding a DB instance."""
FUNCTION_PERMISSIONS = permissions(awslambda.collect)
"""IAM actions of finding a Lambda function (and what triggers it)."""
BUCKET_PERMISSIONS = permissions(s3.collect)
"""IAM actions of finding a bucket (and the region it lives in)."""


def find_database(ctx: ToolContext, target: str, region: str | None) -> Found:
    """Exactly one RDS DB instance called ``target``.

    Args:
        ctx: tool context.
        target: the DB instance identifier (case does not matter).
        region: restrict to this region (default: every configured one).

    Raises:
        NotFound: no such DB instance; the message names the closest ones.
        InvalidInput: the identifier exists in several accounts or regions.
    """
    found = read(ctx, [rds.instances], regions=regions_for(ctx, region))
    return _one(ctx, "RDS database", target, region, found)


def find_function(ctx: ToolContext, target: str, region: str | None) -> Found:
    """Exactly one Lambda function called ``target``.

    Args:
        ctx: tool context.
        target: the function's name (case does not matter).
        region: restrict to this region (default: every configured one).

    Raises:
        NotFound: no such function; the message names the closest ones.
        InvalidInput: the name exists in several accounts or regions.
    """
    found = read(ctx, [awslambda.collect], regions=regions_for(ctx, region))
    return _one(ctx, "Lambda function", target, region, found, article="a")


def find_bucket(ctx: ToolContext, target: str) -> Found:
    """Exactly one S3 bucket called ``target``, with the region it lives in.

    Args:
        ctx: tool context.
        target: the bucket's name.

    Raises:
        NotFound: no such bucket; the message names the closest ones.
    """
    return _one(ctx, "S3 bucket", target, None, read(ctx, [s3.collect]))


def _one(
    ctx: ToolContext,
    noun: str,
    target: str,
    region: str | None,
    found: list[Resource],
    article: str = "an",
) -> Found:
    naming = Naming(
        noun=noun,
        article=article,
        names=lambda resource: (resource.resource_id,),
        place=lambda resource: f"{resource.region}/{resource.account}",
        suggest=lambda resource: resource.resource_id,
    )
    chosen = pick_one(found, target, naming, region)
    return Found(chosen, account_key(ctx, chosen.account))
