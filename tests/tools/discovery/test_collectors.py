"""IAM collector: what a scan of the seeded estate shows."""

from __future__ import annotations

from tests.tools.discovery.estate import Estate
from tools.context import ToolContext
from tools.discovery.model import Resource, ScanResult
from tools.discovery.scan import run_scan
from tools.discovery.store import InventoryStore


def _one(result: ScanResult, rtype: str, name: str) -> Resource:
    return next(r for r in result.resources if r.type == rtype and r.name == name)


def test_role_tags_are_collected(scan_ctx: ToolContext, estate: Estate) -> None:
    result = run_scan(scan_ctx, services=["iam"])

    role = _one(result, "iam:role", "app-role")
    assert role.tags == {"team": "platform", "env": "prod"}
    found = InventoryStore(scan_ctx.db).search(type="iam:role", tags={"team": "platform"})
    assert [r.arn for r in found] == [estate["role"]]
