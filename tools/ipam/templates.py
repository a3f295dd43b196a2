"""Pool-tree templates: Flat, Regional, Hierarchical, Cloud-Native and Hybrid.

Each template turns a few answers (top CIDR, regions, environments) into rows for the importer,
so a generated tree is validated exactly like an imported one before anything is written.
"""

from __future__ import annotations

import math
from typing import Literal, cast

from tools.errors import InvalidInput
from tools.ipam.cidrs import Network, parse_cidr
from tools.ipam.transfer import Row

Template = Literal["flat", "regional", "hierarchical", "cloud-native", "hybrid"]
TEMPLATES: dict[str, str] = {
    "flat": "one pool holding the whole block",
    "regional": "the block split evenly into one pool per region",
    "hierarchical": "block -> one pool per region -> one pool per environment",
    "cloud-native": "block -> one pool per environment -> one pool per region",
    "hybrid": "block split between an on-premises pool and a cloud pool -> regions",
}
SMALLEST_POOL = {4: 28, 6: 64}


def split(network: Network, parts: int) -> list[Network]:
    """The first ``parts`` equal blocks when ``network`` is cut into a power of two.

    Args:
        network: block to divide.
        parts: how many children.
    """
    if parts < 1:
        raise InvalidInput("A template needs at least one region and one environment.")
    prefix = network.prefixlen + math.ceil(math.log2(parts)) if parts > 1 else network.prefixlen
    if prefix > SMALLEST_POOL[network.version]:
        raise InvalidInput(f"{network} is too small to split into {parts} pools.")
    blocks = cast(list[Network], list(network.subnets(new_prefix=prefix)))
    return blocks[:parts]


def _row(line: int, name: str, parent: str | None, cidr: Network, **fields: str | None) -> Row:
    return Row(
        line=line,
        kind="pool",
        name=name,
        parent=parent,
        cidrs=[str(cidr)],
        fields={
            "environment": fields.get("environment"),
            "region": fields.get("region"),
            "owner": None,
            "description": fields.get("description"),
        },
        tags={"template": fields.get("template") or ""},
    )


def generate(
    template: str,
    cidr: str,
    regions: list[str],
    environments: list[str],
    name: str = "cloud",
    on_prem_cidr: str | None = None,
) -> list[Row]:
    """The pool tree a template produces.

    Args:
        template: flat, regional, hierarchical, cloud-native or hybrid.
        cidr: the top-level block.
        regions: AWS regions.
        environments: environments (prod, dev...).
        name: name of the top pool (children are prefixed with it).
        on_prem_cidr: hybrid only: the part kept for on-premises (default: first half).
    """
    if template not in TEMPLATES:
        raise InvalidInput(f"Unknown template '{template}'; choose one of {', '.join(TEMPLATES)}.")
    top = parse_cidr(cidr)
    regions = list(dict.fromkeys(regions))
    environments = list(dict.fromkeys(environments))
    rows = [_row(1, name, None, top, template=template, description=TEMPLATES[template])]
    if template == "flat":
        return rows
    if template == "hybrid":
        return rows + _hybrid(top, name, regions, on_prem_cidr)
    first, second = (
        (regions, environments) if template != "cloud-native" else (environments, regions)
    )
    for outer, outer_cidr in zip(first, split(top, len(first)), strict=True):
        outer_name = f"{name}-{outer}"
        rows.append(
            _row(
                len(rows) + 1,
                outer_name,
                name,
                outer_cidr,
                template=template,
                **_where(outer, template, outer=True),
            )
        )
        if template == "regional":
            continue
        for inner, inner_cidr in zip(second, split(outer_cidr, len(second)), strict=True):
            rows.append(
                _row(
                    len(rows) + 1,
                    f"{outer_name}-{inner}",
                    outer_name,
                    inner_cidr,
                    template=template,
                    **_where(outer, template, outer=True),
                    **_where(inner, template, outer=False),
                )
            )
    return rows


def _where(value: str, template: str, *, outer: bool) -> dict[str, str]:
    region_first = template != "cloud-native"
    is_region = outer == region_first
    return {"region": value} if is_region else {"environment": value}


def _hybrid(top: Network, name: str, regions: list[str], on_prem_cidr: str | None) -> list[Row]:
    halves = split(top, 2)
    on_prem = parse_cidr(on_prem_cidr) if on_prem_cidr else halves[0]
    if on_prem_cidr and not on_prem.subnet_of(top):  # type: ignore[arg-type]
        raise InvalidInput(f"{on_prem} is not inside {top}.")
    cloud = next((h for h in halves if not h.overlaps(on_prem)), None)
    if cloud is None:
        raise InvalidInput(
            f"{on_prem} leaves no half of {top} for the cloud; give a smaller block."
        )
    rows = [
        _row(
            2,
            f"{name}-on-prem",
            name,
            on_prem,
            template="hybrid",
            description="kept for on-premises networks",
        ),
        _row(3, f"{name}-aws", name, cloud, template="hybrid"),
    ]
    for region, block in zip(regions, split(cloud, len(regions)), strict=True):
        rows.append(
            _row(
                len(rows) + 2,
                f"{name}-aws-{region}",
                f"{name}-aws",
                block,
                template="hybrid",
                region=region,
            )
        )
    return rows
