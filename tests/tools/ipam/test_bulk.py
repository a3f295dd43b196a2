"""Import (dry run first, every bad row named), export, templates and the pool picture."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from core.db import Database
from tests.tools.ipam.conftest import approve_and_run, call, execute, preview
from tools.context import ToolContext
from tools.errors import InvalidInput
from tools.ipam.models import PoolsResult, ShowPoolResult
from tools.ipam.report_models import ExportResult, PictureResult

GOOD_CSV = """name,parent,cidr,environment,region,owner,tags
global,,10.0.0.0/8,,,netops,cost-centre=42
prod-eu,global,10.1.0.0/16,prod,eu-west-1,payments,
dev-us,global,10.2.0.0/16,dev,us-east-1,,
"""

BAD_CSV = """name,parent,cidr,environment
global,,10.0.0.0/8,
bad-host,global,10.3.0.1/16,
outside,global,172.16.0.0/16,
v6,global,2600:1f18::/56,
,global,10.4.0.0/16,
orphan,nowhere,10.5.0.0/16,
twin,global,10.6.0.0/16,
twin,global,10.7.0.0/16,
clash,global,10.6.0.0/17,
junk,global,not-a-cidr,
"""


def _pool_names(ctx: ToolContext) -> list[str]:
    result = call(ctx, "ipam.pools")
    assert isinstance(result, PoolsResult)
    return [p.name for p in result.pools]


def test_dry_run_reports_every_bad_row_and_changes_nothing(store_ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput) as refused:
        preview(store_ctx, "ipam.import", content=BAD_CSV)
    message = str(refused.value)
    assert message.startswith("8 of 10 rows are invalid; nothing was imported")
    for expected in [
        "line 3: '10.3.0.1/16' has host bits set",
        "line 4: 172.16.0.0/16 is not inside pool 'global'",
        "line 5: 2600:1f18::/56 is IPv6 but the pool is IPv4",
        "line 6: the pool has no name",
        "line 7: pool 'nowhere' does not exist in IPAM or in the file",
        "line 9: pool 'twin' appears twice in the file (first at line 8)",
        "line 10: 10.6.0.0/17 overlaps 10.6.0.0/16",
        "line 11: 'not-a-cidr' is not a CIDR block",
    ]:
        assert expected in message, message
    assert _pool_names(store_ctx) == []


def test_import_after_approval_then_duplicate_import_is_refused(store_ctx: ToolContext) -> None:
    plan = preview(store_ctx, "ipam.import", content=GOOD_CSV)
    assert plan.summary == "Import 3 pool(s) and 0 allocation(s) from CSV."
    assert _pool_names(store_ctx) == []
    report = execute(store_ctx, plan)
    assert [o.status for o in report.outcomes] == ["applied"] * 3
    assert _pool_names(store_ctx) == ["global", "dev-us", "prod-eu"]
    assert execute(store_ctx, plan).outcomes[0].status == "nothing_to_do"
    with pytest.raises(InvalidInput, match="line 2: pool 'global' already exists"):
        preview(store_ctx, "ipam.import", content=GOOD_CSV)


def test_json_import_with_allocations(ctx: ToolContext) -> None:
    items = [
        {"name": "lab", "cidr": "192.168.0.0/16", "tags": {"team": "qa"}},
        {"kind": "allocation", "name": "bench", "parent": "lab", "cidr": "192.168.4.0/24"},
        {"kind": "reservation", "parent": "lab", "cidrs": ["192.168.8.0/22"]},
    ]
    approve_and_run(ctx, "ipam.import", content=json.dumps(items), format="json")
    shown = call(ctx, "ipam.show_pool", pool="lab")
    assert isinstance(shown, ShowPoolResult)
    assert [(a.cidr, a.kind) for a in shown.allocations] == [
        ("192.168.4.0/24", "allocation"),
        ("192.168.8.0/22", "reservation"),
    ]
    with pytest.raises(InvalidInput, match="must be a list of objects"):
        preview(ctx, "ipam.import", content='{"pools": 3}', format="json")


def test_export_round_trips_and_writes_terraform(ctx: ToolContext, tmp_path: Path) -> None:
    approve_and_run(ctx, "ipam.import", content=GOOD_CSV)
    approve_and_run(ctx, "ipam.allocate", pool="prod-eu", prefix_length=20, purpose="payments")
    exported = call(ctx, "ipam.export", format="csv")
    assert isinstance(exported, ExportResult) and (exported.pools, exported.allocations) == (3, 1)
    assert "prod-eu,global,10.1.0.0/16,prod,eu-west-1,payments" in exported.content
    as_json = call(ctx, "ipam.export", format="json")
    assert isinstance(as_json, ExportResult)
    assert json.loads(as_json.content)[0]["tags"] == {"cost-centre": "42"}
    terraform = call(ctx, "ipam.export", format="terraform", pool="global")
    assert isinstance(terraform, ExportResult) and terraform.filename == "ipam-global.tf"
    assert 'resource "aws_vpc_ipam_pool" "prod_eu"' in terraform.content
    assert "source_ipam_pool_id = aws_vpc_ipam_pool.global.id" in terraform.content
    assert 'cidr         = "10.1.0.0/16"' in terraform.content
    assert 'locale = "eu-west-1"' in terraform.content
    local = call(ctx, "ipam.export", format="terraform-locals")
    assert isinstance(local, ExportResult)
    assert '"prod-eu" = ["10.1.0.0/16"]' in local.content
    assert '"10.1.0.0/20" = "payments"' in local.content


def test_export_is_reimportable_into_an_empty_store(ctx: ToolContext, tmp_path: Path) -> None:
    other = Database(f"sqlite:///{tmp_path / 'other.db'}")
    other.migrate()
    store_ctx = ToolContext(ctx.settings, ctx.aws, other, "bob")
    approve_and_run(ctx, "ipam.import", content=GOOD_CSV)
    approve_and_run(ctx, "ipam.allocate", pool="dev-us", prefix_length=24, purpose="ci")
    exported = call(ctx, "ipam.export", format="csv")
    assert isinstance(exported, ExportResult)
    approve_and_run(store_ctx, "ipam.import", content=exported.content)
    again = call(store_ctx, "ipam.export", format="csv")
    assert isinstance(again, ExportResult) and again.content == exported.content


@pytest.mark.parametrize(
    ("template", "names"),
    [
        ("flat", ["cloud"]),
        ("regional", ["cloud", "cloud-eu-west-1", "cloud-us-east-1"]),
        (
            "hierarchical",
            [
                "cloud",
                "cloud-eu-west-1",
                "cloud-us-east-1",
                "cloud-eu-west-1-dev",
                "cloud-eu-west-1-prod",
                "cloud-us-east-1-dev",
                "cloud-us-east-1-prod",
            ],
        ),
        (
            "cloud-native",
            [
                "cloud",
                "cloud-dev",
                "cloud-prod",
                "cloud-dev-eu-west-1",
                "cloud-dev-us-east-1",
                "cloud-prod-eu-west-1",
                "cloud-prod-us-east-1",
            ],
        ),
        (
            "hybrid",
            ["cloud", "cloud-aws", "cloud-on-prem", "cloud-aws-eu-west-1", "cloud-aws-us-east-1"],
        ),
    ],
)
def test_templates_preview_the_tree_then_create_it(
    ctx: ToolContext, template: str, names: list[str]
) -> None:
    plan = preview(ctx, "ipam.apply_template", template=template, cidr="10.0.0.0/8")
    assert sorted(c.name or "" for c in plan.changes) == sorted(names)
    assert plan.notes[-1].startswith("Tree:\ncloud 10.0.0.0/8")
    assert _pool_names(ctx) == []
    execute(ctx, plan)
    assert _pool_names(ctx) == names


def test_template_refuses_bad_answers_and_clashes(ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match="host bits"):
        preview(ctx, "ipam.apply_template", template="regional", cidr="10.0.0.1/8")
    with pytest.raises(InvalidInput, match="too small to split into 3 pools"):
        preview(
            ctx,
            "ipam.apply_template",
            template="regional",
            cidr="10.0.0.0/28",
            regions=["us-east-1", "eu-west-1", "us-west-2"],
        )
    approve_and_run(ctx, "ipam.apply_template", template="flat", cidr="10.0.0.0/8")
    with pytest.raises(InvalidInput, match="pool 'cloud' already exists"):
        preview(ctx, "ipam.apply_template", template="regional", cidr="10.0.0.0/8")


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_picture_is_a_png_of_sensible_size(ctx: ToolContext) -> None:
    approve_and_run(
        ctx,
        "ipam.apply_template",
        template="regional",
        cidr="10.0.0.0/16",
        regions=["us-east-1", "eu-west-1", "ap-southeast-2"],
    )
    approve_and_run(ctx, "ipam.allocate", pool="cloud", prefix_length=20, purpose="shared")
    approve_and_run(
        ctx, "ipam.allocate", pool="cloud", prefix_length=22, kind="reservation", purpose="future"
    )
    result = call(ctx, "ipam.picture", pool="cloud")
    assert isinstance(result, PictureResult)
    width, height = _png_size(Path(result.files[0]))
    assert 800 <= width <= 2000 and 150 <= height <= 1000
    assert result.reserved == 1024 and result.used_pct > 80
