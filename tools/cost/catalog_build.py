"""Rebuild the compact price files in ``tools/cost/data/`` from the shared AWS price snapshot.

Run ``python -m tools.cost.catalog_build ../shared/data/aws-prices`` after the shared snapshot
changes. Figures are never recomputed: every number is the published decimal, written as an
exact string (``1.66667e-05`` becomes ``"0.0000166667"``).
"""

from __future__ import annotations

import json
import sys
from decimal import Decimal
from pathlib import Path
from typing import Any

DATA = Path(__file__).with_name("data")


def exact(number: float | int) -> str:
    """The published decimal of a JSON number, as a plain exact string.

    Args:
        number: value as parsed by ``json`` (its shortest repr is the published figure).
    """
    return format(Decimal(repr(number)).normalize(), "f")


def _load(source: Path, name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((source / name).read_text())
    return loaded


def build_ec2(source: Path) -> dict[str, Any]:
    """EC2 Linux on-demand: region -> type -> [usd_per_hour, vcpu, memory_gib, prev_gen, as_of].

    Args:
        source: folder of the shared price files.
    """
    main = _load(source, "ec2_ondemand_linux.json")
    karpenter = _load(source, "ec2_ondemand_linux_us-east-1_karpenter.json")
    regions: dict[str, dict[str, list[Any]]] = {}
    for region, types in main["regions"].items():
        regions[region] = {
            name: [
                exact(row["usd_per_hour"]),
                row.get("vcpu"),
                row.get("memory_gib"),
                bool(row.get("previous_generation")),
                row["as_of"],
            ]
            for name, row in sorted(types.items())
        }
    newer = karpenter["_meta"]["generated_at"][:10]
    for name, price in sorted(karpenter["us-east-1"].items()):
        regions["us-east-1"].setdefault(name, [exact(price), None, None, False, newer])
    meta = {"main": main["_meta"], "us-east-1 fallback": karpenter["_meta"]}
    return {"_meta": meta, "regions": regions}


def build_rds(source: Path) -> dict[str, Any]:
    """RDS instance-hours: region -> class -> {vcpu, memory_gib, <engine>: {<deployment>: usd}}.

    Args:
        source: folder of the shared price files.
    """
    rds = _load(source, "rds_ondemand.json")
    regions = {
        region: {
            name: {
                key: (
                    {dep: exact(v) for dep, v in value.items()}
                    if isinstance(value, dict)
                    else value
                )
                for key, value in row.items()
            }
            for name, row in sorted(classes.items())
        }
        for region, classes in rds["regions"].items()
    }
    return {"_meta": rds["_meta"], "regions": regions}


def build_elasticache(source: Path) -> dict[str, Any]:
    """ElastiCache node-hours: region -> node type -> {engine: usd}.

    Args:
        source: folder of the shared price files.
    """
    cache = _load(source, "elasticache_ondemand.json")
    regions = {
        region: {
            node: {k: exact(v) for k, v in row.items() if k in ("Redis", "Valkey", "Memcached")}
            for node, row in sorted(body.get("nodes", {}).items())
        }
        for region, body in cache["regions"].items()
    }
    return {"_meta": cache["_meta"], "regions": regions}


def _exact_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _exact_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_exact_tree(v) for v in value]
    if isinstance(value, float | int) and not isinstance(value, bool):
        return exact(value)
    return value


def build_summary(source: Path) -> dict[str, Any]:
    """Per-region key figures of the smaller services, copied with exact strings.

    Args:
        source: folder of the shared price files.
    """
    summary = _load(source, "summary.json")
    metas = {
        name: _load(source, f"{name}.json")["_meta"]
        for name in ("ebs", "s3", "lambda", "nat_gateway", "vpc", "dynamodb", "data_transfer_out")
    }
    metas["elb"] = _load(source, "elb_us-east-1_manual.json")["_meta"]
    return {
        "_meta": {**summary["_meta"], "sources": metas},
        "regions": _exact_tree(summary["regions"]),
    }


SERVICE_FILES = {
    "fargate": "fargate.json",
    "aurora": "aurora_ondemand.json",
    "aurora_storage": "aurora_storage.json",
    "cloudfront": "cloudfront.json",
    "apigateway": "apigateway.json",
    "sqs": "sqs.json",
    "sns": "sns.json",
    "elb": "elb.json",
}
"""Service feeds copied whole (every region, every published key) into ``services.json``."""


def build_services(source: Path) -> dict[str, Any]:
    """Fargate, Aurora, CloudFront, API Gateway, SQS, SNS and ELB (all regions), exact strings.

    Args:
        source: folder of the shared price files.
    """
    body: dict[str, Any] = {"_meta": {}, "as_of": {}}
    for name, file in SERVICE_FILES.items():
        loaded = _load(source, file)
        meta = loaded.pop("_meta")
        published = meta["aws_publication_date"]
        if isinstance(published, dict):  # Fargate: one date per feed (ECS, EKS)
            published = published["ECS"]
        body["_meta"][name] = meta
        body["as_of"][name] = published[:10]
        body[name] = _exact_tree(loaded)
    return body


def main(argv: list[str]) -> None:
    """Write the compact files.

    Args:
        argv: ``[source_folder]``.
    """
    source = Path(argv[0])
    outputs = {
        "ec2.json": build_ec2(source),
        "rds.json": build_rds(source),
        "elasticache.json": build_elasticache(source),
        "summary.json": build_summary(source),
        "services.json": build_services(source),
    }
    for name, body in outputs.items():
        (DATA / name).write_text(json.dumps(body, separators=(",", ":"), sort_keys=True))


if __name__ == "__main__":
    main(sys.argv[1:])
