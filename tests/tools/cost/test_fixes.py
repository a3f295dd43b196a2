"""Cost fixes: plan with a cost delta, run exactly the plan, re-check state, refuse bad input."""

from __future__ import annotations

from typing import Any

import pytest

from tests.tools.cost.estate import REGION, Estate, seed
from tools.context import ToolContext
from tools.errors import InvalidInput, ToolError
from tools.registry import REGISTRY, load_builtin_tools

pytestmark = pytest.mark.time_sensitive

FIX_TOOLS = (
    "ec2.modify_instance_type",
    "ebs.modify_volume_type",
    "ebs.snapshot_and_delete_volume",
    "ec2.release_address",
)


@pytest.fixture
def estate(ctx: ToolContext) -> Estate:
    return seed(ctx.aws, metrics=False)


def _run(ctx: ToolContext, name: str, args: dict[str, Any]) -> Any:
    spec = load_builtin_tools().get(name)
    assert spec.preview is not None
    plan = spec.preview(ctx, spec.args_model(**args))
    return plan, spec.handler(ctx, plan)


def _ec2(ctx: ToolContext) -> Any:
    return ctx.aws.client("ec2", REGION)


def _instance(ctx: ToolContext, instance_id: str) -> dict[str, Any]:
    pages = _ec2(ctx).describe_instances(InstanceIds=[instance_id])
    raw: dict[str, Any] = pages["Reservations"][0]["Instances"][0]
    return raw


def test_fix_tools_are_registered_mutating_with_preview() -> None:
    load_builtin_tools()
    for name in FIX_TOOLS:
        spec = REGISTRY.get(name)
        assert spec.mutating and spec.preview is not None and spec.permissions


def test_gp2_to_gp3_plan_prices_the_saving_and_handler_converts(
    ctx: ToolContext, estate: Estate
) -> None:
    plan, result = _run(ctx, "ebs.modify_volume_type", {"targets": ["old-data"]})
    assert plan.cost_delta_monthly == -2.0  # 100 GB x (0.10 - 0.08)
    assert (plan.changes[0].before, plan.changes[0].after) == ("gp2", "gp3")
    assert result.outcomes[0].status == "done"
    volume = _ec2(ctx).describe_volumes(VolumeIds=[estate.volumes["old-data"]])["Volumes"][0]
    assert volume["VolumeType"] == "gp3"
    again = REGISTRY.get("ebs.modify_volume_type").handler(ctx, plan)
    assert again.outcomes[0].status == "nothing-to-do"


def test_bad_volume_type_is_refused_and_changes_nothing(ctx: ToolContext, estate: Estate) -> None:
    with pytest.raises(InvalidInput, match="gp9"):
        _run(ctx, "ebs.modify_volume_type", {"targets": ["old-data"], "volume_type": "gp9"})
    volume = _ec2(ctx).describe_volumes(VolumeIds=[estate.volumes["old-data"]])["Volumes"][0]
    assert volume["VolumeType"] == "gp2"


def test_snapshot_then_delete_unattached_volume(ctx: ToolContext, estate: Estate) -> None:
    plan, result = _run(ctx, "ebs.snapshot_and_delete_volume", {"targets": ["old-data"]})
    assert plan.cost_delta_monthly == -5.0  # 100 GB gp2 10.00 - snapshot 5.00
    assert result.outcomes[0].status == "done"
    snapshot_id = result.outcomes[0].detail.split()[1]
    volumes = _ec2(ctx).describe_volumes()["Volumes"]
    assert estate.volumes["old-data"] not in {v["VolumeId"] for v in volumes}
    snapshot = _ec2(ctx).describe_snapshots(SnapshotIds=[snapshot_id])["Snapshots"][0]
    assert snapshot["VolumeId"] == estate.volumes["old-data"]


def test_attached_volume_cannot_be_deleted(ctx: ToolContext, estate: Estate) -> None:
    root = _instance(ctx, estate.instances["web-1"])["BlockDeviceMappings"][0]["Ebs"]["VolumeId"]
    with pytest.raises(ToolError, match="unattached"):
        _run(ctx, "ebs.snapshot_and_delete_volume", {"targets": [root]})
    assert _ec2(ctx).describe_volumes(VolumeIds=[root])["Volumes"][0]["State"] == "in-use"


def test_volume_attached_after_approval_is_skipped(ctx: ToolContext, estate: Estate) -> None:
    spec = load_builtin_tools().get("ebs.snapshot_and_delete_volume")
    assert spec.preview is not None
    plan = spec.preview(ctx, spec.args_model(targets=["old-data"]))
    _ec2(ctx).attach_volume(
        VolumeId=estate.volumes["old-data"], InstanceId=estate.instances["web-1"], Device="/dev/sdf"
    )
    result = spec.handler(ctx, plan)
    assert result.outcomes[0].status == "skipped"
    assert _ec2(ctx).describe_volumes(VolumeIds=[estate.volumes["old-data"]])["Volumes"]


def test_release_unassociated_elastic_ip(ctx: ToolContext, estate: Estate) -> None:
    plan, result = _run(ctx, "ec2.release_address", {"targets": ["spare-ip"]})
    assert plan.cost_delta_monthly == -3.65
    assert not plan.reversible
    assert result.outcomes[0].status == "done"
    left = {a["AllocationId"] for a in _ec2(ctx).describe_addresses()["Addresses"]}
    assert estate.addresses["spare-ip"] not in left


def test_associated_elastic_ip_is_refused(ctx: ToolContext, estate: Estate) -> None:
    _ec2(ctx).associate_address(
        AllocationId=estate.addresses["spare-ip"], InstanceId=estate.instances["web-1"]
    )
    with pytest.raises(ToolError, match="associated"):
        _run(ctx, "ec2.release_address", {"targets": ["spare-ip"]})


def test_previous_generation_stopped_instance_resized(ctx: ToolContext, estate: Estate) -> None:
    plan, result = _run(
        ctx, "ec2.modify_instance_type", {"target": "legacy-app", "instance_type": "m5.large"}
    )
    assert plan.changes[0].before == "m4.large (stopped)"
    assert plan.changes[0].after == "m5.large (stopped)"
    assert result.outcomes[0].status == "done"
    raw = _instance(ctx, estate.instances["legacy-app"])
    assert (raw["InstanceType"], raw["State"]["Name"]) == ("m5.large", "stopped")


def test_running_instance_is_resized_and_started_again(ctx: ToolContext, estate: Estate) -> None:
    plan, result = _run(
        ctx, "ec2.modify_instance_type", {"target": "api", "instance_type": "m5.large"}
    )
    assert plan.cost_delta_monthly == -70.08  # (0.096 - 0.192) x 730
    assert result.outcomes[0].status == "done"
    raw = _instance(ctx, estate.instances["api"])
    assert (raw["InstanceType"], raw["State"]["Name"]) == ("m5.large", "running")


def test_resize_skips_an_instance_that_drifted(ctx: ToolContext, estate: Estate) -> None:
    spec = load_builtin_tools().get("ec2.modify_instance_type")
    assert spec.preview is not None
    plan = spec.preview(ctx, spec.args_model(target="legacy-app", instance_type="m5.large"))
    _ec2(ctx).start_instances(InstanceIds=[estate.instances["legacy-app"]])
    result = spec.handler(ctx, plan)
    assert result.outcomes[0].status == "skipped"
    assert _instance(ctx, estate.instances["legacy-app"])["InstanceType"] == "m4.large"


def test_unknown_instance_type_names_nearest_and_changes_nothing(
    ctx: ToolContext, estate: Estate
) -> None:
    with pytest.raises(InvalidInput, match=r"m5\.large"):
        _run(ctx, "ec2.modify_instance_type", {"target": "legacy-app", "instance_type": "m5.lrge"})
    assert _instance(ctx, estate.instances["legacy-app"])["InstanceType"] == "m4.large"
