"""The offline router sends natural phrasings of every discovery tool to it, with the right args."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.router import route
from agents.offline.rules.discovery import SERVICE_WORDS
from tests.agents.slots import assert_slots
from tools.discovery.collectors import COLLECTORS

CASES: list[tuple[str, str, dict[str, Any]]] = [
    # graph.diagram
    ("draw a diagram of prod-vpc", "graph.diagram", {"resource": "prod-vpc"}),
    (
        "show me a picture of vpc-0a1b2c3d4e5f6a7b8",
        "graph.diagram",
        {"resource": "vpc-0a1b2c3d4e5f6a7b8"},
    ),
    ("visualise the prod-vpc network", "graph.diagram", {"resource": "prod-vpc"}),
    ("diagram web-1 and its neighbours", "graph.diagram", {"resource": "web-1"}),
    ("draw what is around db-prod", "graph.diagram", {"resource": "db-prod"}),
    (
        "can you sketch the topology of analytics-vpc",
        "graph.diagram",
        {"resource": "analytics-vpc"},
    ),
    (
        "png of the neighbourhood of thumbnailer, 1 hop",
        "graph.diagram",
        {"resource": "thumbnailer", "depth": 1},
    ),
    (
        "draw db-prod with 3 levels of neighbours",
        "graph.diagram",
        {"resource": "db-prod", "depth": 3},
    ),
    (
        "architecture diagram for prod-vpc with up to 80 resources",
        "graph.diagram",
        {"resource": "prod-vpc", "limit": 80},
    ),
    ("map out the resources around web-alb", "graph.diagram", {"resource": "web-alb"}),
    ("give me an image of the vpc prod-vpc", "graph.diagram", {"resource": "prod-vpc"}),
    (
        "draw the network diagram of arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc123456",
        "graph.diagram",
        {"resource": "arn:aws:ec2:us-east-1:123456789012:vpc/vpc-0abc123456"},
    ),
    ("diagram web-1 and what it is connected to", "graph.diagram", {"resource": "web-1"}),
    # discovery.scan
    ("scan our aws accounts", "discovery.scan", {}),
    ("run a discovery scan", "discovery.scan", {}),
    ("rescan everything", "discovery.scan", {}),
    ("refresh the inventory", "discovery.scan", {}),
    ("scan eu-west-1", "discovery.scan", {"regions": ["eu-west-1"]}),
    ("kick off a scan of us-east-1", "discovery.scan", {"regions": ["us-east-1"]}),
    ("discover all resources in our accounts", "discovery.scan", {}),
    ("please re-scan the estate", "discovery.scan", {}),
    ("update the resource inventory now", "discovery.scan", {}),
    ("start a new inventory scan in Ireland", "discovery.scan", {"regions": ["eu-west-1"]}),
    ("scan account 210987654321", "discovery.scan", {"accounts": ["210987654321"]}),
    # inventory.search
    ("what do we run in eu-west-1?", "inventory.search", {"region": "eu-west-1"}),
    ("what do we have in Ireland", "inventory.search", {"region": "eu-west-1"}),
    ("how many resources do we have per region", "inventory.search", {"group_by": "region"}),
    ("count resources by type in us-east-1", "inventory.search", {"group_by": "type"}),
    ("list all s3 buckets", "inventory.search", {"type": "s3:bucket"}),
    ("show me every rds database", "inventory.search", {"type": "rds"}),
    ("find resources tagged env=prod", "inventory.search", {"tags": {"env": "prod"}}),
    ("which lambda functions do we have", "inventory.search", {"type": "lambda:function"}),
    ("inventory of account 210987654321", "inventory.search", {"account": "210987654321"}),
    (
        "show the load balancers in us-east-1",
        "inventory.search",
        {"type": "elbv2:load-balancer"},
    ),
    ("how many resources per team", "inventory.search", {"group_by": "tag:team"}),
    ("list resources named web", "inventory.search", {"name": "web"}),
    # inventory.describe
    ("describe db-prod", "inventory.describe", {"resource": "db-prod"}),
    ("tell me about the vpc prod-vpc", "inventory.describe", {"resource": "prod-vpc"}),
    ("details of security group web-sg", "inventory.describe", {"resource": "web-sg"}),
    ("show me the bucket cf-demo-logs", "inventory.describe", {"resource": "cf-demo-logs"}),
    ("what do we know about the db-sg security group", "inventory.describe", {"resource": "db-sg"}),
    ("describe sg-0123abcd", "inventory.describe", {"resource": "sg-0123abcd"}),
    ("describe the load balancer web-alb", "inventory.describe", {"resource": "web-alb"}),
    ("info on subnet prod-private-a", "inventory.describe", {"resource": "prod-private-a"}),
    ("look up the lambda thumbnailer", "inventory.describe", {"resource": "thumbnailer"}),
    (
        "describe arn:aws:s3:::cf-demo-assets",
        "inventory.describe",
        {"resource": "arn:aws:s3:::cf-demo-assets"},
    ),
    # inventory.changes
    ("what changed since the last scan?", "inventory.changes", {}),
    ("show changes in the last 24 hours", "inventory.changes", {"since_hours": 24.0}),
    ("any resources deleted since yesterday", "inventory.changes", {"since_hours": 24.0}),
    ("list inventory changes", "inventory.changes", {}),
    ("what was created or deleted recently", "inventory.changes", {}),
    ("diff since the previous scan", "inventory.changes", {}),
    ("what changed in the last 2 days", "inventory.changes", {"since_hours": 48.0}),
    ("which resources changed this week", "inventory.changes", {"since_hours": 168.0}),
    ("show me the drift since last scan", "inventory.changes", {}),
    ("anything new or removed in the past 6 hours", "inventory.changes", {"since_hours": 6.0}),
    # graph.dependencies
    (
        "what does web-1 depend on?",
        "graph.dependencies",
        {"resource": "web-1", "direction": "dependencies"},
    ),
    ("dependencies of db-prod", "graph.dependencies", {"resource": "db-prod"}),
    (
        "what depends on db-sg?",
        "graph.dependencies",
        {"resource": "db-sg", "direction": "dependents"},
    ),
    (
        "show the dependents of prod-vpc",
        "graph.dependencies",
        {"resource": "prod-vpc", "direction": "dependents"},
    ),
    ("which resources rely on web-sg", "graph.dependencies", {"direction": "dependents"}),
    ("what is web-alb connected to", "graph.dependencies", {"resource": "web-alb"}),
    ("upstream dependencies of web-tg", "graph.dependencies", {"resource": "web-tg"}),
    ("who uses the db-sg security group", "graph.dependencies", {"direction": "dependents"}),
    ("what does web-1 need to run, 2 levels deep", "graph.dependencies", {"depth": 2}),
    ("list the dependencies of the thumbnailer lambda", "graph.dependencies", {}),
    # graph.blast_radius
    ("what breaks if db-prod fails?", "graph.blast_radius", {"resource": "db-prod"}),
    ("blast radius of db-sg", "graph.blast_radius", {"resource": "db-sg"}),
    ("if prod-nat goes down what is affected", "graph.blast_radius", {"resource": "prod-nat"}),
    ("what is impacted when web-1 dies", "graph.blast_radius", {"resource": "web-1"}),
    ("impact of losing db-prod", "graph.blast_radius", {"resource": "db-prod"}),
    (
        "what would be affected by an outage of prod-vpc",
        "graph.blast_radius",
        {"resource": "prod-vpc"},
    ),
    ("what stops working if web-tg is deleted", "graph.blast_radius", {"resource": "web-tg"}),
    ("blast radius for sg-0abc12345", "graph.blast_radius", {"resource": "sg-0abc12345"}),
    (
        "show the blast radius of the web-alb load balancer",
        "graph.blast_radius",
        {"resource": "web-alb"},
    ),
    ("which services go down if db-prod crashes", "graph.blast_radius", {"resource": "db-prod"}),
    # graph.migration_order
    ("in what order could we migrate prod-vpc?", "graph.migration_order", {"resource": "prod-vpc"}),
    (
        "migration order for vpc analytics-vpc",
        "graph.migration_order",
        {"resource": "analytics-vpc"},
    ),
    ("how should we sequence moving prod-vpc", "graph.migration_order", {"resource": "prod-vpc"}),
    ("plan the migration waves of prod-vpc", "graph.migration_order", {"resource": "prod-vpc"}),
    (
        "what order to move the resources of prod-vpc in",
        "graph.migration_order",
        {"resource": "prod-vpc"},
    ),
    ("migration plan for shared-vpc", "graph.migration_order", {"resource": "shared-vpc"}),
    ("give me a move order for prod-vpc", "graph.migration_order", {"resource": "prod-vpc"}),
    ("what should we migrate first in prod-vpc", "graph.migration_order", {"resource": "prod-vpc"}),
    ("sequence for migrating vpc-0abc123", "graph.migration_order", {"resource": "vpc-0abc123"}),
    ("order of migration for prod-vpc", "graph.migration_order", {"resource": "prod-vpc"}),
    # graph.migration_risk
    ("how risky is it to migrate db-prod?", "graph.migration_risk", {"resource": "db-prod"}),
    ("migration risk of prod-vpc", "graph.migration_risk", {"resource": "prod-vpc"}),
    ("risk score for moving web-1", "graph.migration_risk", {"resource": "web-1"}),
    (
        "what are the riskiest resources to migrate in us-east-1",
        "graph.migration_risk",
        {"region": "us-east-1"},
    ),
    ("rate the migration risk of db-prod", "graph.migration_risk", {"resource": "db-prod"}),
    ("score migration risk for everything", "graph.migration_risk", {}),
    ("which resources are hardest to move", "graph.migration_risk", {}),
    ("is it safe to migrate web-alb", "graph.migration_risk", {"resource": "web-alb"}),
    ("migration risk assessment for prod-vpc", "graph.migration_risk", {"resource": "prod-vpc"}),
    ("how hard would it be to move db-prod", "graph.migration_risk", {"resource": "db-prod"}),
    # security.risky_security_groups
    ("which security groups are open to the internet?", "security.risky_security_groups", {}),
    ("which security groups are open to the world", "security.risky_security_groups", {}),
    ("show risky security groups", "security.risky_security_groups", {}),
    ("any sgs allowing 0.0.0.0/0?", "security.risky_security_groups", {}),
    ("security groups with ssh open to everyone", "security.risky_security_groups", {}),
    ("find unused security groups", "security.risky_security_groups", {}),
    ("is rdp open anywhere", "security.risky_security_groups", {}),
    ("audit our security groups", "security.risky_security_groups", {}),
    ("list security groups exposing database ports", "security.risky_security_groups", {}),
    ("which firewall rules allow the whole internet", "security.risky_security_groups", {}),
    (
        "open security groups in us-east-1",
        "security.risky_security_groups",
        {"region": "us-east-1"},
    ),
    # security.public_exposure
    ("what is exposed to the internet?", "security.public_exposure", {}),
    ("which resources are publicly accessible", "security.public_exposure", {}),
    ("show public exposure", "security.public_exposure", {}),
    ("are any buckets public?", "security.public_exposure", {}),
    ("what can be reached from the internet", "security.public_exposure", {}),
    ("list internet-facing resources", "security.public_exposure", {}),
    ("which instances have a public ip", "security.public_exposure", {}),
    ("public attack surface in us-east-1", "security.public_exposure", {"region": "us-east-1"}),
    ("what's publicly reachable", "security.public_exposure", {}),
    ("check for public databases", "security.public_exposure", {}),
    # inventory.orphans
    ("what is unused and costing money?", "inventory.orphans", {}),
    ("find orphaned resources", "inventory.orphans", {}),
    ("show unattached volumes", "inventory.orphans", {}),
    ("any idle elastic ips?", "inventory.orphans", {}),
    ("what is unused and costing money", "inventory.orphans", {}),
    ("any spare volumes nobody uses?", "inventory.orphans", {}),
    # waste and savings are the cost domain's: recommendations come with dollars and a fix
    ("show me waste", "cost.recommendations", {}),
    ("what can we clean up to save money", "cost.recommendations", {}),
    ("list orphans in us-east-1", "inventory.orphans", {"region": "us-east-1"}),
    ("old snapshots we could clean up", "inventory.orphans", {}),
    ("load balancers with no healthy targets", "inventory.orphans", {}),
    ("what are we paying for but not using", "inventory.orphans", {}),
]


@pytest.mark.parametrize(("text", "tool", "expected"), CASES, ids=[c[0] for c in CASES])
def test_phrasing_routes_to_the_tool(text: str, tool: str, expected: dict[str, Any]) -> None:
    calls = route(text)

    assert calls and calls[0]["name"] == tool, calls
    args = calls[0]["args"]
    for key, value in expected.items():
        assert args.get(key) == value, (key, args)


# (utterance, tool, args that must be present): the tool's own slots, whatever the ranking
SLOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # discovery.scan: the services named, as the scan's collector names
    (
        "scan ec2 and rds in eu-west-1",
        "discovery.scan",
        {"services": ["ec2", "rds"], "regions": ["eu-west-1"]},
    ),
    (
        "rescan our s3 buckets and lambda functions in account 123456789012",
        "discovery.scan",
        {"services": ["s3", "lambda"], "accounts": ["123456789012"]},
    ),
    ("refresh the load balancers and iam only", "discovery.scan", {"services": ["elbv2", "iam"]}),
    (
        "scan ecs, dynamodb, elasticache and api gateway",
        "discovery.scan",
        {"services": ["ecs", "dynamodb", "elasticache", "apigateway"]},
    ),
    ("re-scan elbv2 in frankfurt", "discovery.scan", {"services": ["elbv2"]}),
    ("scan everything in all our accounts", "discovery.scan", {"services": None}),
    # graph.dependencies: which way, and how far
    ("what depends on db-prod", "graph.dependencies", {"direction": "dependents"}),
    ("what uses web-tg?", "graph.dependencies", {"resource": "web-tg", "direction": "dependents"}),
    ("who references the web-sg group", "graph.dependencies", {"direction": "dependents"}),
    ("what is built in prod-vpc", "graph.dependencies", {"direction": "dependents"}),
    ("what runs on analytics-vpc", "graph.dependencies", {"direction": "dependents"}),
    ("inbound links to web-alb", "graph.dependencies", {"direction": "dependents"}),
    ("which resources point at thumbnailer", "graph.dependencies", {"direction": "dependents"}),
    ("everything upstream of db-sg", "graph.dependencies", {"direction": "dependencies"}),
    ("is db-prod used by anything?", "graph.dependencies", {"direction": "dependents"}),
    ("what does web-2 depend on", "graph.dependencies", {"direction": "dependencies"}),
    ("what does thumbnailer need?", "graph.dependencies", {"direction": "dependencies"}),
    ("what does web-alb use", "graph.dependencies", {"direction": "dependencies"}),
    ("show what web-1 relies on", "graph.dependencies", {"direction": "dependencies"}),
    (
        "which things do we have that need prod-nat",
        "graph.dependencies",
        {"resource": "prod-nat", "direction": "dependents"},
    ),
    ("what depends on web-sg, one hop", "graph.dependencies", {"depth": 1}),
    ("dependencies of web-1, 1 level", "graph.dependencies", {"depth": 1}),
    ("what db-prod needs, 2 levels deep", "graph.dependencies", {"depth": 2}),
    ("what uses prod-vpc within three hops", "graph.dependencies", {"depth": 3}),
    # graph.migration_risk: a region is a region, "top N", and only real names as the resource
    (
        "migration risk in us-east-1, top 5",
        "graph.migration_risk",
        {"region": "us-east-1", "top": 5, "resource": None},
    ),
    (
        "top 3 riskiest resources to move in eu-west-1",
        "graph.migration_risk",
        {"region": "eu-west-1", "top": 3, "resource": None},
    ),
    ("what are the riskiest things to migrate", "graph.migration_risk", {"resource": None}),
    ("score the migration risk of web-alb", "graph.migration_risk", {"resource": "web-alb"}),
    ("migration risk of thumbnailer", "graph.migration_risk", {"resource": "thumbnailer"}),
    # inventory.orphans: snapshot age, account, region
    (
        "orphans with snapshots older than 45 days in account 123456789012",
        "inventory.orphans",
        {"snapshot_max_age_days": 45, "account": "123456789012"},
    ),
    (
        "unused resources in eu-west-1, snapshots over 90 days",
        "inventory.orphans",
        {"snapshot_max_age_days": 90, "region": "eu-west-1"},
    ),
    (
        "orphaned stuff incl. snapshots 30+ days old",
        "inventory.orphans",
        {"snapshot_max_age_days": 30},
    ),
    (
        "snapshots older than 2 weeks nobody uses",
        "inventory.orphans",
        {"snapshot_max_age_days": 14},
    ),
    # inventory.search: a name substring, and counts per dimension
    ("search inventory for 'pay'", "inventory.search", {"name": "pay"}),
    ("search for checkout", "inventory.search", {"name": "checkout"}),
    ("find resources called api-gw", "inventory.search", {"name": "api-gw"}),
    ("list anything with batch in the name", "inventory.search", {"name": "batch"}),
    ("resources whose name contains legacy", "inventory.search", {"name": "legacy"}),
    ("search the inventory for buckets", "inventory.search", {"type": "s3:bucket", "name": None}),
    ("count resources per account", "inventory.search", {"group_by": "account"}),
    ("how many resources in each region", "inventory.search", {"group_by": "region"}),
    ("instances by state", "inventory.search", {"group_by": "state"}),
    ("resources by type in eu-west-1", "inventory.search", {"group_by": "type"}),
    ("resources grouped by owner", "inventory.search", {"group_by": "tag:owner"}),
    # inventory.search: a tag key alone (any value), counts per "<key> tag", a lifecycle state
    ("what has a cost-center tag?", "inventory.search", {"tags": {"cost-center": "*"}}),
    ("resources tagged with Owner", "inventory.search", {"tags": {"Owner": "*"}}),
    ("things without a team tag", "inventory.search", {"tags": None}),
    ("count resources per team tag", "inventory.search", {"group_by": "tag:team", "tags": None}),
    ("volumes in the in-use state", "inventory.search", {"state": "in-use"}),
    ("load balancers with status active", "inventory.search", {"state": "active"}),
    # inventory.changes: one scan, or hours back
    ("changes in scan 12", "inventory.changes", {"scan_id": 12}),
    ("what did scan #7 find that changed", "inventory.changes", {"scan_id": 7}),
    ("what changed in the past hour", "inventory.changes", {"since_hours": 1.0}),
    ("changes over the last 3 hours", "inventory.changes", {"since_hours": 3.0}),
    ("what changed in the last 2 days", "inventory.changes", {"since_hours": 48.0}),
    ("anything changed in the last 30 minutes", "inventory.changes", {"since_hours": 0.5}),
    (
        "changes since the scan 2 hours ago",
        "inventory.changes",
        {"since_hours": 2.0, "scan_id": None},
    ),
    # security.risky_security_groups: account, and whether unused groups are listed
    (
        "risky security groups in account 123456789012",
        "security.risky_security_groups",
        {"account": "123456789012", "include_unused": True},
    ),
    (
        "open security groups, skip the unused ones",
        "security.risky_security_groups",
        {"include_unused": False},
    ),
    (
        "world-open sgs excluding unattached groups",
        "security.risky_security_groups",
        {"include_unused": False},
    ),
    (
        "only in-use security groups open to the internet",
        "security.risky_security_groups",
        {"include_unused": False},
    ),
    (
        "risky groups, ignore unused",
        "security.risky_security_groups",
        {"include_unused": False},
    ),
    ("find unused security groups", "security.risky_security_groups", {"include_unused": True}),
]


@pytest.mark.parametrize(("text", "tool", "expected"), SLOT_CASES, ids=[c[0] for c in SLOT_CASES])
def test_slots_read_the_arguments(text: str, tool: str, expected: dict[str, Any]) -> None:
    assert_slots(text, tool, expected)


def test_scan_services_are_the_collectors_names() -> None:
    assert set(SERVICE_WORDS) == set(COLLECTORS)


def test_every_discovery_tool_has_ten_phrasings() -> None:
    counts: dict[str, int] = {}
    for _, tool, _ in CASES:
        if not tool.startswith("cost."):
            counts[tool] = counts.get(tool, 0) + 1
    assert len(counts) == 12
    assert min(counts.values()) >= 10


@pytest.mark.parametrize(
    "text",
    ["list all instances", "stop web-1", "describe i-0abc12345678", "what instances are running?"],
)
def test_ec2_phrasings_stay_with_ec2(text: str) -> None:
    assert route(text)[0]["name"].startswith("ec2.")
