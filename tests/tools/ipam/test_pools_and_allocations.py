"""Pools and allocations through the tools: previews show the exact block, execution re-checks it,
bad input changes nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest

from tests.tools.ipam.conftest import approve_and_run, call, execute, preview
from tools.context import ToolContext
from tools.errors import Ambiguous, InvalidInput, NotFound
from tools.ipam.models import ChangeReport, PoolsResult, ShowPoolResult


def _tree(ctx: ToolContext) -> None:
    approve_and_run(ctx, "ipam.create_pool", name="global", cidrs=["10.0.0.0/8"])
    approve_and_run(
        ctx,
        "ipam.create_pool",
        name="prod-eu",
        cidrs=["10.1.0.0/16"],
        parent="global",
        environment="prod",
        region="eu-west-1",
        owner="netops",
    )
    approve_and_run(
        ctx,
        "ipam.create_pool",
        name="dev-us",
        cidrs=["10.2.0.0/16"],
        parent="global",
        environment="dev",
        region="us-east-1",
    )


def _state(ctx: ToolContext) -> list[tuple[str, list[str]]]:
    result = call(ctx, "ipam.pools")
    assert isinstance(result, PoolsResult)
    shown = []
    for pool in result.pools:
        detail = call(ctx, "ipam.show_pool", pool=pool.name)
        assert isinstance(detail, ShowPoolResult)
        shown.append((pool.name, [a.cidr for a in detail.allocations]))
    return shown


def test_preview_names_the_exact_block_and_execution_takes_it(store_ctx: ToolContext) -> None:
    _tree(store_ctx)
    plan = preview(
        store_ctx, "ipam.allocate", prefix_length=22, region="eu-west-1", purpose="payments VPC"
    )
    assert plan.args["cidr"] == "10.1.0.0/22" and plan.args["pool"] == "prod-eu"
    assert "10.1.0.0/22" in plan.summary and plan.changes[0].before == "free"
    report = execute(store_ctx, plan)
    assert isinstance(report, ChangeReport) and report.outcomes[0].status == "applied"
    again = execute(store_ctx, plan)
    assert again.outcomes[0].status == "nothing_to_do"
    detail = call(store_ctx, "ipam.show_pool", pool="prod-eu")
    assert isinstance(detail, ShowPoolResult)
    assert [a.cidr for a in detail.allocations] == ["10.1.0.0/22"]
    assert detail.allocations[0].created_by == "alice"
    assert [c.action for c in detail.recent_changes] == ["allocate", "create_pool"]


def test_block_taken_after_approval_is_not_replaced_by_another(store_ctx: ToolContext) -> None:
    _tree(store_ctx)
    first = preview(store_ctx, "ipam.allocate", pool="dev-us", prefix_length=24, purpose="a")
    second = preview(store_ctx, "ipam.allocate", pool="dev-us", prefix_length=24, purpose="b")
    assert first.args["cidr"] == second.args["cidr"]
    execute(store_ctx, first)
    report = execute(store_ctx, second)
    assert report.outcomes[0].status == "skipped"
    assert "taken after approval" in report.outcomes[0].detail
    assert _state(store_ctx)[1] == ("dev-us", ["10.2.0.0/24"])


def test_hosts_size_the_block_and_release_frees_it(store_ctx: ToolContext) -> None:
    _tree(store_ctx)
    plan = preview(store_ctx, "ipam.allocate", pool="dev-us", hosts=500, purpose="k8s")
    assert plan.args["cidr"] == "10.2.0.0/23"
    execute(store_ctx, plan)
    release = preview(store_ctx, "ipam.release", cidr="10.2.0.0/23")
    assert release.changes[0].before == "allocation" and release.args["pool"] == "dev-us"
    assert execute(store_ctx, release).outcomes[0].status == "applied"
    assert execute(store_ctx, release).outcomes[0].status == "nothing_to_do"
    assert _state(store_ctx)[1] == ("dev-us", [])


@pytest.mark.parametrize(
    ("tool", "args", "reason"),
    [
        ("ipam.create_pool", {"name": "x", "cidrs": ["10.0.0.1/16"]}, "host bits set"),
        ("ipam.create_pool", {"name": "x", "cidrs": ["10.9.0.0/33"]}, "not a valid CIDR"),
        (
            "ipam.create_pool",
            {"name": "x", "cidrs": ["172.16.0.0/16"], "parent": "global"},
            "not inside parent pool 'global'",
        ),
        (
            "ipam.create_pool",
            {"name": "x", "cidrs": ["2600::/56"], "parent": "global"},
            "IPv6 but parent pool 'global' is IPv4",
        ),
        (
            "ipam.create_pool",
            {"name": "x", "cidrs": ["10.1.128.0/17"], "parent": "global"},
            "overlaps 10.1.0.0/16",
        ),
        ("ipam.create_pool", {"name": "prod-eu", "cidrs": ["192.168.0.0/16"]}, "already exists"),
        (
            "ipam.create_pool",
            {"name": "x", "cidrs": ["10.0.0.0/16", "2600::/56"]},
            "cannot be mixed",
        ),
        ("ipam.allocate", {"pool": "prod-eu", "prefix_length": 15}, "larger than the pool"),
        ("ipam.allocate", {"pool": "prod-eu", "prefix_length": 30}, "cannot be a VPC"),
        ("ipam.allocate", {"pool": "prod-eu", "cidr": "10.1.0.1/24"}, "host bits set"),
        ("ipam.allocate", {"pool": "prod-eu", "cidr": "10.3.0.0/24"}, "not inside the pool"),
        ("ipam.allocate", {"pool": "prod-eu", "cidr": "2600::/56"}, "IPv6 but the pool is IPv4"),
        ("ipam.allocate", {"pool": "prod-eu"}, "how big"),
        (
            "ipam.allocate",
            {"pool": "global", "prefix_length": 8, "usage": "other"},
            r"No free /8 .* largest free block is 10\.128\.0\.0/9",
        ),
        ("ipam.release", {"cidr": "10.1.0.0/24"}, "not allocated or reserved in any pool"),
    ],
)
def test_bad_input_is_refused_with_a_reason_and_changes_nothing(
    store_ctx: ToolContext, tool: str, args: dict[str, object], reason: str
) -> None:
    _tree(store_ctx)
    before = _state(store_ctx)
    with pytest.raises((InvalidInput, NotFound), match=reason):
        preview(store_ctx, tool, **args)
    assert _state(store_ctx) == before


def test_unknown_pool_suggests_names_and_ambiguous_choice_asks(store_ctx: ToolContext) -> None:
    _tree(store_ctx)
    with pytest.raises(NotFound, match="Did you mean prod-eu"):
        preview(store_ctx, "ipam.allocate", pool="prod-ue", prefix_length=24)
    with pytest.raises(Ambiguous) as asked:
        preview(store_ctx, "ipam.allocate", prefix_length=24)
    assert len(asked.value.choices) == 2


def test_full_pool_answer_names_the_largest_free_block(store_ctx: ToolContext) -> None:
    approve_and_run(store_ctx, "ipam.create_pool", name="small", cidrs=["10.5.0.0/22"])
    approve_and_run(store_ctx, "ipam.allocate", pool="small", prefix_length=23)
    approve_and_run(store_ctx, "ipam.allocate", pool="small", prefix_length=24, kind="reservation")
    with pytest.raises(InvalidInput, match=r"No free /23 .* largest free block is 10\.5\.3\.0/24"):
        preview(store_ctx, "ipam.allocate", pool="small", prefix_length=23)
    pools = call(store_ctx, "ipam.pools")
    assert isinstance(pools, PoolsResult)
    assert pools.pools[0].utilisation_pct == 75.0
