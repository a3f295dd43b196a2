"""The offline router understands natural phrasings of every cost tool and fix."""
# ruff: noqa: E501

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest

from agents.offline.router import route
from tests.agents.slots import args_for, assert_slots

pytestmark = pytest.mark.time_sensitive


# (utterance, tool, args that must be present with these values)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # cost.price
    ("how much is an m5.large in eu-central-1?", "cost.price", {"service": "ec2", "item": "m5.large", "region": "eu-central-1"}),
    ("price of t3.micro", "cost.price", {"service": "ec2", "item": "t3.micro"}),
    ("what does gp3 cost per GB in Ireland", "cost.price", {"service": "ebs", "item": "gp3", "region": "eu-west-1"}),
    ("NAT gateway hourly price in eu-west-1", "cost.price", {"service": "nat_hour", "region": "eu-west-1"}),
    ("nat gateway price per GB processed", "cost.price", {"service": "nat_gb"}),
    ("hourly rate for db.m5.large multi-az", "cost.price", {"service": "rds", "item": "db.m5.large", "multi_az": True}),
    ("how much is a db.t3.micro mysql", "cost.price", {"service": "rds", "engine": "mysql"}),
    ("lambda price per GB-second on arm", "cost.price", {"service": "lambda_duration", "arch": "arm"}),
    ("s3 standard-ia storage pricing", "cost.price", {"service": "s3", "item": "standard-ia"}),
    ("how much does a public ipv4 address cost per hour", "cost.price", {"service": "public_ipv4"}),
    ("what's the price of an ALB in us-east-1", "cost.price", {"service": "elb", "item": "application"}),
    ("data transfer out pricing in Singapore", "cost.price", {"service": "data_transfer", "region": "ap-southeast-1"}),
    ("how much is cache.m5.large", "cost.price", {"service": "elasticache", "item": "cache.m5.large"}),
    ("list price of c6i.xlarge in Tokyo", "cost.price", {"service": "ec2", "item": "c6i.xlarge", "region": "ap-northeast-1"}),
    # cost.estimate
    ("estimate 3 m5.large and a NAT gateway in eu-west-1", "cost.estimate", {}),
    ("what would 2 t3.micro and 100 GB gp3 cost per month?", "cost.estimate", {}),
    ("how much would a db.m5.large multi-az postgres with 200 GB cost monthly", "cost.estimate", {}),
    ("monthly run-rate by region", "cost.estimate", {"group_by": "region"}),
    ("estimate our monthly cost by account", "cost.estimate", {"group_by": "account"}),
    ("what's the run rate per team", "cost.estimate", {"group_by": "tag:team"}),
    ("estimate what prod costs per month", "cost.estimate", {"tags": {"env": "prod"}}),
    ("run-rate of the estate in us-east-1", "cost.estimate", {"region": "us-east-1"}),
    ("estimate the cost of 4 c6i.large in Frankfurt", "cost.estimate", {}),
    ("what would an m5.xlarge plus an elastic ip cost a month in ohio", "cost.estimate", {}),
    ("give me a cost estimate by resource type", "cost.estimate", {"group_by": "kind"}),
    # cost.top_resources
    ("what's my most expensive resource?", "cost.top_resources", {}),
    ("what is our most expensive resource", "cost.top_resources", {}),
    ("top 3 most expensive resources", "cost.top_resources", {"limit": 3}),
    ("which resources cost the most?", "cost.top_resources", {}),
    ("show the priciest resources in us-east-1", "cost.top_resources", {"region": "us-east-1"}),
    ("what is eating our budget", "cost.top_resources", {}),
    ("rank our resources by cost", "cost.top_resources", {}),
    ("most costly things we run", "cost.top_resources", {}),
    ("biggest cost items", "cost.top_resources", {}),
    ("top 10 expensive resources", "cost.top_resources", {"limit": 10}),
    ("what costs the most in eu-west-1", "cost.top_resources", {"region": "eu-west-1"}),
    # cost.actuals
    ("how much did we spend last month?", "cost.actuals", {"period": "last_month"}),
    ("spend by service for the last 30 days", "cost.actuals", {"group_by": "service", "days": 30}),
    ("show our AWS bill by account", "cost.actuals", {"group_by": "account"}),
    ("what did we spend last week by region", "cost.actuals", {"period": "last_week", "group_by": "region"}),
    ("daily spend by usage type", "cost.actuals", {"group_by": "usage_type"}),
    ("actual costs for the past 90 days", "cost.actuals", {"days": 90}),
    ("what did we spend per team over the last 14 days", "cost.actuals", {"group_by": "tag:team", "days": 14}),
    ("monthly spend for the last 3 months", "cost.actuals", {"granularity": "MONTHLY", "days": 90}),
    ("cost explorer spend by linked account", "cost.actuals", {"group_by": "account"}),
    ("how much have we spent this week", "cost.actuals", {"period": "this_week"}),
    # cost.investigate_spike
    ("why did costs jump?", "cost.investigate_spike", {}),
    ("why did costs jump yesterday?", "cost.investigate_spike", {"period": "yesterday"}),
    ("why did the bill spike", "cost.investigate_spike", {}),
    ("what caused the cost increase on 2026-11-19", "cost.investigate_spike", {"start": "2026-11-19"}),
    ("explain the spend spike", "cost.investigate_spike", {}),
    ("our costs went up, why?", "cost.investigate_spike", {}),
    ("investigate the cost anomaly", "cost.investigate_spike", {}),
    ("what drove the increase in spend", "cost.investigate_spike", {}),
    ("why is our bill higher than usual", "cost.investigate_spike", {}),
    ("costs doubled, what happened", "cost.investigate_spike", {}),
    # cost.recommendations
    ("where can we save?", "cost.recommendations", {}),
    ("how can we reduce our AWS bill", "cost.recommendations", {}),
    ("cost savings recommendations", "cost.recommendations", {}),
    ("find waste in us-east-1", "cost.recommendations", {"region": "us-east-1"}),
    ("any idle resources costing money?", "cost.recommendations", {}),
    ("what can we cut to lower costs", "cost.recommendations", {}),
    ("cost optimisation ideas", "cost.recommendations", {}),
    ("show unused resources wasting money", "cost.recommendations", {}),
    ("rightsizing suggestions", "cost.recommendations", {}),
    ("where are we wasting money", "cost.recommendations", {}),
    ("how do we save money on aws", "cost.recommendations", {}),
    # cost.forecast
    ("what will this month's bill be?", "cost.forecast", {}),
    ("forecast our spend", "cost.forecast", {}),
    ("projected cost for the month", "cost.forecast", {}),
    ("how much will we spend by end of month", "cost.forecast", {}),
    ("cost forecast", "cost.forecast", {}),
    ("predict this month's AWS bill", "cost.forecast", {}),
    ("what's the month-end spend projection", "cost.forecast", {}),
    ("are we on track with the budget this month", "cost.forecast", {}),
    ("what will we spend this month", "cost.forecast", {}),
    ("end of month cost projection", "cost.forecast", {}),
    # cost.chart
    ("chart our daily spend", "cost.chart", {"kind": "trend"}),
    ("plot costs for the last 14 days", "cost.chart", {"days": 14}),
    ("graph spend by service", "cost.chart", {"kind": "breakdown", "group_by": "service"}),
    ("show me a cost trend chart", "cost.chart", {"kind": "trend"}),
    ("cost breakdown chart", "cost.chart", {"kind": "breakdown"}),
    ("draw a pie of spend", "cost.chart", {"kind": "breakdown"}),
    ("visualise the bill", "cost.chart", {}),
    ("bar chart of costs by account", "cost.chart", {"kind": "breakdown", "group_by": "account"}),
    ("cost graph for the last 7 days", "cost.chart", {"days": 7}),
    ("plot the spending trend", "cost.chart", {"kind": "trend"}),
    # ec2.modify_instance_type
    ("resize legacy-app to m5.large", "ec2.modify_instance_type", {"target": "legacy-app", "instance_type": "m5.large"}),
    ("change the instance type of web-1 to m5.large", "ec2.modify_instance_type", {"target": "web-1", "instance_type": "m5.large"}),
    ("downsize batch-worker to t3.small", "ec2.modify_instance_type", {"target": "batch-worker", "instance_type": "t3.small"}),
    ("upgrade legacy-app to m5.large in us-east-1", "ec2.modify_instance_type", {"target": "legacy-app", "region": "us-east-1"}),
    ("switch web-1 to t3.small", "ec2.modify_instance_type", {"target": "web-1", "instance_type": "t3.small"}),
    ("make batch-worker an m5.xlarge", "ec2.modify_instance_type", {"target": "batch-worker", "instance_type": "m5.xlarge"}),
    ("rightsize batch-worker to m5.large", "ec2.modify_instance_type", {"target": "batch-worker", "instance_type": "m5.large"}),
    ("move legacy-app from m4.large to m5.large", "ec2.modify_instance_type", {"target": "legacy-app", "instance_type": "m5.large"}),
    ("modify instance type of i-0123456789abcdef0 to c5.large", "ec2.modify_instance_type", {"target": "i-0123456789abcdef0", "instance_type": "c5.large"}),
    ("convert legacy-app to current generation m5.large", "ec2.modify_instance_type", {"target": "legacy-app", "instance_type": "m5.large"}),
    # ebs.modify_volume_type
    ("convert old-data to gp3", "ebs.modify_volume_type", {"targets": ["old-data"], "volume_type": "gp3"}),
    ("change volume vol-0abc12345678 to gp3", "ebs.modify_volume_type", {"targets": ["vol-0abc12345678"], "volume_type": "gp3"}),
    ("switch volume old-data from gp2 to gp3", "ebs.modify_volume_type", {"targets": ["old-data"], "volume_type": "gp3"}),
    ("upgrade the ebs volume old-data to gp3", "ebs.modify_volume_type", {"targets": ["old-data"]}),
    ("modify volume type of vol-0abc12345678 to io2", "ebs.modify_volume_type", {"volume_type": "io2"}),
    ("make old-data a gp3 volume", "ebs.modify_volume_type", {"targets": ["old-data"], "volume_type": "gp3"}),
    ("change the disk old-data to gp3 in us-east-1", "ebs.modify_volume_type", {"region": "us-east-1"}),
    ("move vol-0abc12345678 from gp2 to gp3", "ebs.modify_volume_type", {"volume_type": "gp3"}),
    ("turn volume old-data into gp3", "ebs.modify_volume_type", {"targets": ["old-data"], "volume_type": "gp3"}),
    ("migrate legacy-app-root to gp3", "ebs.modify_volume_type", {"targets": ["legacy-app-root"]}),
    # ebs.snapshot_and_delete_volume
    ("snapshot and delete old-data volume", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    ("delete the unattached volume old-data", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    ("remove volume vol-0abc12345678 after snapshotting it", "ebs.snapshot_and_delete_volume", {"targets": ["vol-0abc12345678"]}),
    ("back up and delete the volume old-data", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    ("clean up the unattached volume old-data", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    ("get rid of volume old-data", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    ("snapshot then delete vol-0abc12345678", "ebs.snapshot_and_delete_volume", {"targets": ["vol-0abc12345678"]}),
    ("delete ebs volume old-data in us-east-1", "ebs.snapshot_and_delete_volume", {"region": "us-east-1"}),
    ("archive and remove the volume old-data", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    ("drop the old-data disk", "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]}),
    # ec2.release_address
    ("release the elastic ip spare-ip", "ec2.release_address", {"targets": ["spare-ip"]}),
    ("release eip eipalloc-0abc12345678", "ec2.release_address", {"targets": ["eipalloc-0abc12345678"]}),
    ("free up the unused elastic ip spare-ip", "ec2.release_address", {"targets": ["spare-ip"]}),
    ("delete elastic ip 54.1.2.3", "ec2.release_address", {"targets": ["54.1.2.3"]}),
    ("release unassociated ip address spare-ip", "ec2.release_address", {"targets": ["spare-ip"]}),
    ("give back the EIP spare-ip", "ec2.release_address", {"targets": ["spare-ip"]}),
    ("remove the spare-ip elastic ip", "ec2.release_address", {"targets": ["spare-ip"]}),
    ("release address spare-ip in us-east-1", "ec2.release_address", {"targets": ["spare-ip"], "region": "us-east-1"}),
    ("drop unused public ip spare-ip", "ec2.release_address", {"targets": ["spare-ip"]}),
    ("let go of elastic IP spare-ip", "ec2.release_address", {"targets": ["spare-ip"]}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "tool", "expected"), CASES)
def test_phrasing_routes_to_tool_with_args(text: str, tool: str, expected: dict[str, Any]) -> None:
    calls = route(text)
    assert calls, f"nothing understood in {text!r}"
    assert calls[0]["name"] == tool, text
    for key, value in expected.items():
        assert calls[0]["args"].get(key) == value, (text, key, calls[0]["args"])


# (utterance, tool, args that must be present): the tool's slots, whichever tool the classifier picks
SLOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # cost.investigate_spike: the period reader cost.actuals uses, or two ISO days
    ("why was the bill so high yesterday", "cost.investigate_spike", {"period": "yesterday"}),
    ("explain last week's jump in spend", "cost.investigate_spike", {"period": "last_week"}),
    ("why is spend up this week?", "cost.investigate_spike", {"period": "this_week"}),
    ("what pushed this month's costs up", "cost.investigate_spike", {"period": "this_month"}),
    ("why did we overspend last month", "cost.investigate_spike", {"period": "last_month"}),
    ("costs keep climbing since Wednesday, why?", "cost.investigate_spike", {"period": "since:wednesday"}),
    ("dig into the spend surge in March", "cost.investigate_spike", {"period": "month:3"}),
    ("what made costs rise over the last 4 days", "cost.investigate_spike", {"period": "days:4"}),
    ("investigate the spike between 2027-02-03 and 2027-02-09", "cost.investigate_spike", {"start": "2027-02-03", "end": "2027-02-09"}),
    ("why did costs go up from 2027-05-20 to 2027-05-22?", "cost.investigate_spike", {"start": "2027-05-20", "end": "2027-05-22"}),
    ("anomaly on 2027-01-15: what happened", "cost.investigate_spike", {"start": "2027-01-15"}),
    # cost.chart: a count of days; a named dimension is a breakdown unless a trend is asked for
    ("chart the bill for 180 days", "cost.chart", {"days": 180, "kind": "trend"}),
    ("plot spend over 14 days", "cost.chart", {"days": 14}),
    ("graph the last 21 days of costs", "cost.chart", {"days": 21}),
    ("a 60-day spend chart", "cost.chart", {"days": 60}),
    ("chart costs for the past 6 weeks", "cost.chart", {"days": 42}),
    ("chart spend split by region", "cost.chart", {"kind": "breakdown", "group_by": "region"}),
    ("graph costs per team for 45 days", "cost.chart", {"kind": "breakdown", "group_by": "tag:team", "days": 45}),
    ("visualise spend by linked account", "cost.chart", {"kind": "breakdown", "group_by": "account"}),
    ("breakdown chart of usage types", "cost.chart", {"kind": "breakdown"}),
    ("daily spend trend by region", "cost.chart", {"kind": "trend", "group_by": "region"}),
    ("plot our spend over time", "cost.chart", {"kind": "trend", "group_by": "service"}),
    # cost.actuals reads the same days and periods
    ("what did we spend over 45 days", "cost.actuals", {"days": 45}),
    ("spend since Friday", "cost.actuals", {"period": "since:friday"}),
    ("aws bill for the last qtr", "cost.actuals", {"days": 90}),
    ("spend over the past fortnight", "cost.actuals", {"days": 14}),
    # cost.actuals: one total when no grouping is wanted, daily when asked
    ("spend last month, no grouping", "cost.actuals", {"group_by": "none"}),
    ("just the total for october", "cost.actuals", {"group_by": "none", "period": "month:10"}),
    ("spend by account, yesterday", "cost.actuals", {"group_by": "account"}),
    ("day by day costs since monday", "cost.actuals", {"granularity": "DAILY", "period": "since:monday"}),
    # cost.estimate groups by resource kind however it is said
    ("run rate split by resource kind", "cost.estimate", {"group_by": "kind"}),
    ("monthly estimate per resource type", "cost.estimate", {"group_by": "kind"}),
    # cost.top_resources: the count before or after the ranking word
    ("the 4 priciest resources", "cost.top_resources", {"limit": 4}),
    ("costliest 8 things we run", "cost.top_resources", {"limit": 8}),
    ("top twelve cost items", "cost.top_resources", {"limit": 12}),
    ("three most expensive resources in eu-west-1", "cost.top_resources", {"limit": 3, "region": "eu-west-1"}),
    ("most expensive resources in eu-west-1", "cost.top_resources", {"limit": 5}),
    # cost.price: the engine of a database class or cache node, Glacier as S3
    ("db.m5.large postgresql price", "cost.price", {"service": "rds", "engine": "postgres"}),
    ("cache.r6g.large valkey per hour", "cost.price", {"service": "elasticache", "engine": "valkey"}),
    ("memcached on cache.t3.small, how much", "cost.price", {"service": "elasticache", "engine": "memcached"}),
    ("glacier per GB in eu-west-1", "cost.price", {"service": "s3", "item": "glacier"}),
]  # fmt: skip


@pytest.mark.parametrize(("text", "tool", "expected"), SLOT_CASES)
def test_slots_read_the_arguments(text: str, tool: str, expected: dict[str, Any]) -> None:
    assert_slots(text, tool, expected)


def test_spike_and_actuals_read_one_period_vocabulary() -> None:
    for text in ("last week", "since tuesday", "in october", "this month", "yesterday"):
        spike = args_for("cost.investigate_spike", f"why did costs jump {text}")
        actuals = args_for("cost.actuals", f"how much did we spend {text}")
        assert spike["period"] == actuals["period"], text


def test_every_cost_tool_has_at_least_ten_phrasings() -> None:
    counts = Counter(tool for _, tool, _ in CASES)
    tools = {
        "cost.price", "cost.estimate", "cost.top_resources", "cost.actuals",
        "cost.investigate_spike", "cost.recommendations", "cost.forecast", "cost.chart",
        "ec2.modify_instance_type", "ebs.modify_volume_type", "ebs.snapshot_and_delete_volume",
        "ec2.release_address",
    }  # fmt: skip
    assert {t: counts[t] for t in tools if counts[t] < 10} == {}


def test_proposed_resources_are_parsed_into_the_estimate() -> None:
    args = route("estimate 3 m5.large and a NAT gateway in eu-west-1")[0]["args"]
    kinds = [r["kind"] for r in args["resources"]]
    assert kinds == ["ec2_instance"] * 3 + ["nat_gateway"]
    assert {r["region"] for r in args["resources"]} == {"eu-west-1"}
    rds = route("how much would a db.m5.large multi-az postgres with 200 GB cost monthly")
    database = rds[0]["args"]["resources"][0]
    assert (database["instance_type"], database["multi_az"], database["size_gb"]) == (
        "db.m5.large",
        True,
        200,
    )


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("two t3.micro in us-east-1", ["ec2_instance"] * 2),
        ("a pair of m5.large and 3 NAT gateways", ["ec2_instance"] * 2 + ["nat_gateway"] * 3),
        ("a load balancer and two elastic IPs", ["load_balancer"] + ["elastic_ip"] * 2),
        ("an m5.large behind 2 ALBs in us-east-2", ["ec2_instance"] + ["load_balancer"] * 2),
        ("a nat gateway in eu-west-1", ["nat_gateway"]),
    ],
)
def test_proposed_resources_are_counted(text: str, kinds: list[str]) -> None:
    resources = args_for("cost.estimate", f"what would {text} cost per month")["resources"]
    assert [r["kind"] for r in resources] == kinds


def test_ec2_phrasings_still_reach_ec2_tools() -> None:
    assert route("stop batch-worker")[0]["name"] == "ec2.stop_instances"
    assert route("list all instances")[0]["name"] == "ec2.list_instances"
    assert route("tell me about web-1")[0]["name"] == "ec2.describe_instance"


def test_every_cost_tool_example_routes_to_itself() -> None:
    from tools.registry import load_builtin_tools

    names = {t for _, t, _ in CASES}
    for spec in load_builtin_tools().all():
        if spec.name in names:
            assert route(spec.example)[0]["name"] == spec.name, spec.example
