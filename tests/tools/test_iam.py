"""The shipped IAM policy grants exactly what the registered tools declare."""

from __future__ import annotations

import json
from pathlib import Path

from tools.iam import policy_document
from tools.registry import load_builtin_tools

SHIPPED = Path(__file__).resolve().parents[2] / "deploy" / "iam" / "cloudfabric-policy.json"


def test_shipped_policy_matches_the_registry() -> None:
    expected = policy_document(load_builtin_tools())
    assert json.loads(SHIPPED.read_text()) == expected, "run `make iam-policy`"


def test_actions_need_approval_and_are_separate_from_reads() -> None:
    statements = {
        s["Sid"]: set(s["Action"]) for s in policy_document(load_builtin_tools())["Statement"]
    }
    assert "ec2:StopInstances" in statements["CloudFabricApprovedActions"]
    assert "ec2:DescribeInstances" in statements["CloudFabricReadOnly"]
    assert not statements["CloudFabricReadOnly"] & statements["CloudFabricApprovedActions"]
