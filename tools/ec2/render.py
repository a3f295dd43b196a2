"""Block Kit for EC2 results and power actions."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from tools import blocks
from tools.ec2.models import ActionResult, InstanceDetail, InstanceList

STATE_ICONS = {"running": ":large_green_circle:", "stopped": ":red_circle:"}
STATUS_ICONS = {
    "done": ":white_check_mark:",
    "nothing-to-do": ":information_source:",
    "skipped": ":warning:",
    "failed": ":x:",
}


def render_instance_list(result: InstanceList) -> list[Block]:
    """A table of instances.

    Args:
        result: the list tool's result.
    """
    count = len(result.instances)
    title = f"{count} instance{'s' if count != 1 else ''} {result.filters}".strip()
    if not result.instances:
        return [blocks.text(f"No instances {result.filters}.")]
    rows = [
        [i.name or "-", i.instance_id, i.state, i.instance_type, i.region, i.account or "-"]
        for i in result.instances
    ]
    headers = ["NAME", "ID", "STATE", "TYPE", "REGION", "ACCOUNT"]
    return [blocks.text(f"*{title}*"), *blocks.table(headers, rows)]


def render_instance_detail(result: InstanceDetail) -> list[Block]:
    """Facts about one instance.

    Args:
        result: the describe tool's result.
    """
    i = result.instance
    icon = STATE_ICONS.get(i.state, ":white_circle:")
    pairs = [
        ("State", f"{icon} {i.state}"),
        ("Type", i.instance_type),
        ("Region / AZ", f"{i.region} / {i.availability_zone or '-'}"),
        ("Account", i.account or "-"),
        ("Private IP", i.private_ip or "-"),
        ("Public IP", i.public_ip or "-"),
        ("VPC / subnet", f"{i.vpc_id or '-'} / {i.subnet_id or '-'}"),
        ("Security groups", ", ".join(i.security_groups) or "-"),
        ("Volumes", ", ".join(i.volumes) or "-"),
        ("Launched", f"{i.launch_time:%Y-%m-%d %H:%M} UTC" if i.launch_time else "-"),
    ]
    out: list[Block] = [blocks.header(i.label), blocks.fields(pairs)]
    if result.load_balancers:
        out.append(blocks.note("Receives traffic from: " + ", ".join(result.load_balancers)))
    other_tags = {k: v for k, v in i.tags.items() if k != "Name"}
    if other_tags:
        out.append(blocks.note("Tags: " + ", ".join(f"`{k}={v}`" for k, v in other_tags.items())))
    return out


def render_action_result(result: ActionResult) -> list[Block]:
    """One line per resource of an executed action.

    Args:
        result: outcome of the plan.
    """
    lines = [
        f"{STATUS_ICONS.get(o.status, '')} *{o.resource}*: {o.detail}" for o in result.outcomes
    ]
    return [blocks.text("\n".join(lines))]
