"""Export pools and allocations as CSV, JSON or Terraform."""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

from sqlmodel import Session

from tools.ipam import service
from tools.ipam.tables import IpamPool
from tools.ipam.transfer import COLUMNS


def _subtree(session: Session, root: str | None) -> list[IpamPool]:
    pools = service.live_pools(session)
    if root is None:
        return pools
    top = service.find_pool(session, root)
    keep, frontier = {top.id}, [top.id]
    while frontier:
        children = [p.id for p in pools if p.parent_id in frontier and p.id not in keep]
        keep.update(children)
        frontier = children
    return [p for p in pools if p.id in keep]


def records(session: Session, root: str | None = None) -> list[dict[str, Any]]:
    """Pools (parents first) then their allocations, as import-compatible records.

    Args:
        session: open session.
        root: only this pool and its descendants.
    """
    pools = _subtree(session, root)
    names = {p.id: p.name for p in service.live_pools(session)}
    by_id = {p.id: p for p in pools}

    def depth(pool: IpamPool) -> int:
        return 0 if pool.parent_id not in by_id else 1 + depth(by_id[pool.parent_id])

    rows: list[dict[str, Any]] = []
    for pool in sorted(pools, key=lambda p: (depth(p), p.name)):
        rows.append(
            {
                "kind": "pool",
                "name": pool.name,
                "parent": names.get(pool.parent_id),
                "cidr": pool.cidr_list,
                "environment": pool.environment,
                "region": pool.region,
                "owner": pool.owner,
                "tags": pool.tags,
                "description": pool.description,
                "resource_arn": None,
            }
        )
    for pool in pools:
        for row in service.active_allocations(session, pool.id):
            rows.append(
                {
                    "kind": row.kind,
                    "name": row.purpose,
                    "parent": pool.name,
                    "cidr": [row.cidr],
                    "environment": None,
                    "region": None,
                    "owner": row.owner,
                    "tags": {},
                    "description": None,
                    "resource_arn": row.resource_arn,
                }
            )
    return rows


def to_json(rows: list[dict[str, Any]]) -> str:
    """JSON text of the records (re-importable).

    Args:
        rows: from ``records``.
    """
    return json.dumps(rows, indent=2, sort_keys=False)


def to_csv(rows: list[dict[str, Any]]) -> str:
    """CSV text of the records (re-importable).

    Args:
        rows: from ``records``.
    """
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        flat = dict(row)
        flat["cidr"] = " ".join(row["cidr"])
        flat["tags"] = ";".join(f"{k}={v}" for k, v in row["tags"].items())
        flat.setdefault("resource_arn", None)
        writer.writerow({k: ("" if v is None else v) for k, v in flat.items()})
    return out.getvalue()


def _ident(name: str) -> str:
    cleaned = re.sub(r"[^a-zA-Z0-9_]", "_", name).lower()
    return cleaned if cleaned[:1].isalpha() else f"p_{cleaned}"


def _hcl(value: str) -> str:
    return json.dumps(value)


def to_terraform(rows: list[dict[str, Any]]) -> str:
    """``aws_vpc_ipam_pool`` and ``aws_vpc_ipam_pool_cidr`` resources for the pools.

    Args:
        rows: from ``records``.
    """
    lines = [
        'variable "ipam_scope_id" {',
        '  description = "Private scope of the Amazon VPC IPAM."',
        "  type        = string",
        "}",
        "",
    ]
    for row in (r for r in rows if r["kind"] == "pool"):
        ident = _ident(row["name"])
        family = "ipv6" if ":" in row["cidr"][0] else "ipv4"
        lines += [
            f'resource "aws_vpc_ipam_pool" "{ident}" {{',
            f'  address_family = "{family}"',
            "  ipam_scope_id  = var.ipam_scope_id",
        ]
        if row["parent"]:
            lines.append(f"  source_ipam_pool_id = aws_vpc_ipam_pool.{_ident(row['parent'])}.id")
        if row["region"]:
            lines.append(f"  locale = {_hcl(row['region'])}")
        if row["description"]:
            lines.append(f"  description = {_hcl(row['description'])}")
        tags = {
            "Name": row["name"],
            **({"env": row["environment"]} if row["environment"] else {}),
            **row["tags"],
        }
        lines.append("  tags = {")
        lines += [f"    {_hcl(k)} = {_hcl(v)}" for k, v in tags.items()]
        lines += ["  }", "}", ""]
        for index, cidr in enumerate(row["cidr"]):
            lines += [
                f'resource "aws_vpc_ipam_pool_cidr" "{ident}_{index}" {{',
                f"  ipam_pool_id = aws_vpc_ipam_pool.{ident}.id",
                f"  cidr         = {_hcl(cidr)}",
                "}",
                "",
            ]
    return "\n".join(lines)


def to_terraform_locals(rows: list[dict[str, Any]]) -> str:
    """A plain ``locals`` block: pool name -> CIDRs, and allocations per pool.

    Args:
        rows: from ``records``.
    """
    pools = [r for r in rows if r["kind"] == "pool"]
    lines = ["locals {", "  ipam_pools = {"]
    lines += [f"    {_hcl(r['name'])} = [{', '.join(_hcl(c) for c in r['cidr'])}]" for r in pools]
    lines += ["  }", "  ipam_allocations = {"]
    for pool in pools:
        taken = [r for r in rows if r["kind"] != "pool" and r["parent"] == pool["name"]]
        if taken:
            lines.append(f"    {_hcl(pool['name'])} = {{")
            lines += [f"      {_hcl(r['cidr'][0])} = {_hcl(r['name'] or r['kind'])}" for r in taken]
            lines.append("    }")
    lines += ["  }", "}", ""]
    return "\n".join(lines)


RENDERERS = {
    "csv": to_csv,
    "json": to_json,
    "terraform": to_terraform,
    "terraform-locals": to_terraform_locals,
}
