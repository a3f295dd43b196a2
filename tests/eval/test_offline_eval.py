"""The offline model on held-out phrasings (tests/eval/*.jsonl, written apart from the examples
it learns from): right tool with the right arguments, overall and per registry domain.

The bar is 95 % overall and 90 % in every registry domain, on two sets: tests/eval, which the
examples were improved against, and tests/eval_fresh, written later by someone who saw only the
tools' descriptions and arguments (never the examples or the model), to keep the first honest.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from agents.offline.decision import Decision
from agents.offline.evaluate import args_match, evaluate, load_rows, load_world, summary
from agents.offline.router import default_understanding

HERE = Path(__file__).parent
OVERALL_FLOOR = 0.95
DOMAIN_FLOOR = 0.90


@pytest.mark.parametrize("folder", [HERE, HERE.parent / "eval_fresh"], ids=["eval", "fresh"])
def test_held_out_phrasings_reach_the_right_tool_with_the_right_arguments(folder: Path) -> None:
    rows = load_rows(sorted(folder.glob("*.jsonl")))
    report = evaluate(default_understanding(), rows, load_world(folder / "world.json"))
    print("\n".join(summary(report)))
    per_tool = 25 if folder == HERE else 12
    assert report.total >= per_tool * len({row.tool for row in rows})
    assert report.accuracy >= OVERALL_FLOOR
    low = {d: share for d, share in report.domain_accuracy().items() if share < DOMAIN_FLOOR}
    assert low == {}


def test_a_list_of_records_is_matched_one_for_one_by_its_labelled_fields() -> None:
    micro = {"kind": "ec2_instance", "instance_type": "t3.micro"}
    built = {**micro, "resource_id": "#1", "state": "running"}
    nat = {"kind": "nat_gateway", "resource_id": "#3"}
    decision = Decision.call("cost.estimate", {"resources": [built, nat, built]})
    assert args_match({"resources": [micro, micro, {"kind": "nat_gateway"}]}, decision)
    assert not args_match({"resources": [micro, {"kind": "nat_gateway"}]}, decision)
    assert not args_match({"resources": [micro, micro, micro]}, decision)
    assert args_match({"names": ["A", "b", "a"]}, Decision.call("t", {"names": ["b", "a"]}))
