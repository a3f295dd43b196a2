"""An inventory search in a scoped channel counts only what the channel may see."""

from __future__ import annotations

from dataclasses import replace

from core.settings import ChannelScope
from tests.tools.discovery.estate import Estate
from tools.context import ToolContext
from tools.discovery.inventory_service import search
from tools.discovery.models import SearchArgs


def test_totals_and_group_counts_are_the_scoped_channels_own(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    everywhere = search(scan_ctx, SearchArgs(type="ec2:vpc", group_by="region"))
    staging = replace(scan_ctx, scope=ChannelScope(environments=["staging"]))
    scoped = search(staging, SearchArgs(type="ec2:vpc", group_by="region"))
    assert everywhere.total > 1  # prod-vpc, analytics-vpc and the default VPCs
    assert [item.label.split(" ")[0] for item in scoped.items] == ["analytics-vpc"]
    assert scoped.total == 1 and sum(scoped.groups.values()) == 1


def test_an_account_scope_keeps_every_resource_of_that_account(
    scan_ctx: ToolContext, estate: Estate
) -> None:
    account = scan_ctx.aws.primary_account_id()
    mine = replace(scan_ctx, scope=ChannelScope(accounts={account: "main"}))
    other = replace(scan_ctx, scope=ChannelScope(accounts={"999999999999": "other"}))
    unscoped = search(scan_ctx, SearchArgs(type="ec2:instance"))
    assert search(mine, SearchArgs(type="ec2:instance")).total == unscoped.total > 0
    nothing = search(other, SearchArgs(type="ec2:instance", group_by="state"))
    assert nothing.total == 0 and nothing.items == [] and nothing.groups == {}
