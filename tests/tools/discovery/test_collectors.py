"""ECS, ElastiCache, API Gateway and IAM collectors: what a scan of the seeded estate shows."""

from __future__ import annotations

from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from tests.tools.discovery.estate import Estate
from tools.context import ToolContext
from tools.discovery import service, tools
from tools.discovery.analysis.migration import migration_order
from tools.discovery.collectors import elasticache
from tools.discovery.collectors.apigateway import lambda_function
from tools.discovery.collectors.base import Scope
from tools.discovery.models import BlastArgs, GraphArgs
from tools.discovery.resource_models import Resource, ScanResult
from tools.discovery.scan import run_scan
from tools.discovery.store import InventoryStore

ACCOUNT = "123456789012"


def _one(result: ScanResult, rtype: str, name: str) -> Resource:
    return next(r for r in result.resources if r.type == rtype and r.name == name)


def _edges(resource: Resource) -> set[tuple[str, str, str]]:
    return {(r.source, r.kind, r.target) for r in resource.relations}


def _subnet(estate: Estate, key: str) -> str:
    return f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/{estate[key]}"


def _group(estate: Estate, key: str) -> str:
    return f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/{estate[key]}"


def test_ecs_cluster_and_service(scan_ctx: ToolContext, estate: Estate) -> None:
    result = run_scan(scan_ctx, services=["ecs"], regions=["us-east-1"], record=False)

    cluster = _one(result, "ecs:cluster", "apps")
    assert (cluster.arn, cluster.state, cluster.tags) == (
        estate["ecs_cluster"],
        "ACTIVE",
        {"env": "prod"},
    )
    service = _one(result, "ecs:service", "orders")
    assert service.arn == estate["ecs_service"]
    assert service.state == "ACTIVE"
    assert service.tags == {"env": "prod", "team": "orders"}
    assert service.config["cluster"] == cluster.arn
    assert service.config["launch_type"] == "FARGATE"
    assert service.config["desired_count"] == 2
    assert service.config["task_definition"].endswith(":task-definition/orders:1")
    assert service.config["subnet_ids"] == [estate["private_a"], estate["private_b"]]
    assert service.config["assign_public_ip"] is False
    assert _edges(service) == {
        (cluster.arn, "CONTAINS", service.arn),
        (_subnet(estate, "private_a"), "CONTAINS", service.arn),
        (_subnet(estate, "private_b"), "CONTAINS", service.arn),
        (service.arn, "SECURED_BY", _group(estate, "web-sg")),
    }


def test_elasticache_cluster_sits_in_its_subnet_group(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    result = run_scan(scan_ctx, services=["elasticache"], regions=["us-east-1"], record=False)

    cache = _one(result, "elasticache:cluster", "sessions")
    assert cache.arn == estate["cache"]
    assert (cache.state, cache.tags) == ("available", {"env": "prod"})
    assert cache.config["engine"] == "redis"
    assert cache.config["node_type"] == "cache.t3.micro"
    assert cache.config["nodes"] == 1
    assert cache.config["subnet_group"] == "cache-subnets"
    assert cache.config["vpc_id"] == estate["vpc"]
    assert {(_subnet(estate, k), "CONTAINS", cache.arn) for k in ("private_a", "private_b")} <= (
        _edges(cache)
    )


def test_elasticache_cluster_is_secured_by_its_groups() -> None:
    # moto keeps a cluster's SecurityGroupIds but never returns them, so the response is stubbed.
    client = boto3.client(
        "elasticache", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    arn = f"arn:aws:elasticache:us-east-1:{ACCOUNT}:cluster:sessions"
    cluster = {
        "CacheClusterId": "sessions",
        "ARN": arn,
        "Engine": "redis",
        "CacheClusterStatus": "available",
        "CacheSubnetGroupName": "cache-subnets",
        "SecurityGroups": [{"SecurityGroupId": "sg-0cache", "Status": "active"}],
    }
    group = {
        "CacheSubnetGroupName": "cache-subnets",
        "VpcId": "vpc-1",
        "Subnets": [{"SubnetIdentifier": "subnet-a"}],
    }
    with Stubber(client) as stub:
        stub.add_response(
            "describe_cache_subnet_groups",
            {"CacheSubnetGroups": [group]},
            {"MaxRecords": 100},
        )
        stub.add_response(
            "describe_cache_clusters", {"CacheClusters": [cluster]}, {"MaxRecords": 100}
        )
        stub.add_response(
            "list_tags_for_resource",
            {"TagList": [{"Key": "env", "Value": "prod"}]},
            {"ResourceName": arn},
        )
        scope = Scope(account=ACCOUNT, region="us-east-1", client=lambda _: client)
        [cache] = elasticache.collect(scope)

    group_arn = f"arn:aws:ec2:us-east-1:{ACCOUNT}:security-group/sg-0cache"
    assert _edges(cache) == {
        (arn, "SECURED_BY", group_arn),
        (f"arn:aws:ec2:us-east-1:{ACCOUNT}:subnet/subnet-a", "CONTAINS", arn),
    }
    assert cache.config["security_groups"] == ["sg-0cache"]
    assert cache.tags == {"env": "prod"}


def test_rest_api_triggers_the_lambda_it_integrates(scan_ctx: ToolContext, estate: Estate) -> None:
    result = run_scan(scan_ctx, services=["apigateway"], regions=["us-east-1"], record=False)

    api = _one(result, "apigateway:rest-api", "thumbnails-api")
    assert api.arn == estate["api"]
    assert (api.state, api.tags) == ("available", {"env": "prod"})
    assert api.config["endpoint_types"] == ["REGIONAL"]
    assert api.config["description"] == "thumbnail uploads"
    # The integration names the "live" alias; the edge goes to the function itself.
    assert api.config["lambda_functions"] == [estate["lambda"]]
    assert [(r.source, r.kind, r.target, r.detail) for r in api.relations] == [
        (api.arn, "INVOKES", estate["lambda"], "POST /thumbnails")
    ]


def test_the_api_breaks_when_its_lambda_fails(scan_ctx: ToolContext, estate: Estate) -> None:
    run_scan(scan_ctx)

    blast = tools.graph_blast_radius(scan_ctx, BlastArgs(resource="thumbnailer"))
    dependents = tools.graph_dependencies(
        scan_ctx, GraphArgs(resource="thumbnailer", direction="dependents")
    )

    for result in (blast, dependents):
        api = next(i for i in result.items if i.resource.arn == estate["api"])
        assert api.path == [
            "thumbnails-api forwards POST /thumbnails to thumbnailer and waits for its answer"
        ]
    # The function still needs its event sources: a failing table reaches it, not the reverse.
    table = tools.graph_blast_radius(scan_ctx, BlastArgs(resource="uploads"))
    assert estate["lambda"] in {i.resource.arn for i in table.items}
    assert estate["table"] not in {i.resource.arn for i in blast.items}


def test_the_lambda_runs_without_its_api_and_migrates_first(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    run_scan(scan_ctx)

    api_blast = tools.graph_blast_radius(scan_ctx, BlastArgs(resource="thumbnails-api"))
    waves = migration_order(service.view(scan_ctx), {estate["api"], estate["lambda"]})

    assert estate["lambda"] not in {i.resource.arn for i in api_blast.items}
    assert [(w.nodes, w.move_together) for w in waves] == [
        ([estate["lambda"]], False),
        ([estate["api"]], False),
    ]


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        (
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:orders/invocations",
            "arn:aws:lambda:us-east-1:123456789012:function:orders",
        ),
        (
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:orders:7/invocations",
            "arn:aws:lambda:us-east-1:123456789012:function:orders",
        ),
        (
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:orders:${stageVariables.alias}"
            "/invocations",
            "arn:aws:lambda:us-east-1:123456789012:function:orders",
        ),
        (
            "arn:aws-cn:apigateway:cn-north-1:lambda:path/2015-03-31/functions/"
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:orders/invocations",
            "arn:aws-cn:lambda:cn-north-1:123456789012:function:orders",
        ),
        (
            "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/"
            "arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations",
            None,
        ),
        ("arn:aws:apigateway:us-east-1:sqs:path/123456789012/orders", None),
        ("https://example.com/orders", None),
        (None, None),
    ],
)
def test_integration_uri_names_the_unqualified_function(uri: str | None, expected: Any) -> None:
    assert lambda_function(uri) == expected


def test_role_tags_are_collected(scan_ctx: ToolContext, estate: Estate) -> None:
    result = run_scan(scan_ctx, services=["iam"])

    role = _one(result, "iam:role", "app-role")
    assert role.tags == {"team": "platform", "env": "prod"}
    found = InventoryStore(scan_ctx.db).search(type="iam:role", tags={"team": "platform"})
    assert [r.arn for r in found] == [estate["role"]]
