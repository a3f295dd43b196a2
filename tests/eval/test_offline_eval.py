"""The offline model on held-out phrasings (tests/eval/*.jsonl, written apart from the examples
it learns from): right tool with the right arguments, overall and per registry domain.

The issue's bar is 95 % overall and 90 % per domain; these floors hold what is reached today so
that no change makes it worse, and move up as the examples and slot builders improve.
"""

from __future__ import annotations

from pathlib import Path

from agents.offline.decision import Decision
from agents.offline.evaluate import args_match, evaluate, load_rows, load_world, summary
from agents.offline.router import default_understanding

HERE = Path(__file__).parent
OVERALL_FLOOR = 0.86
DOMAIN_FLOOR = 0.68


def test_held_out_phrasings_reach_the_right_tool_with_the_right_arguments() -> None:
    rows = load_rows(sorted(HERE.glob("*.jsonl")))
    report = evaluate(default_understanding(), rows, load_world(HERE / "world.json"))
    print("\n".join(summary(report)))
    assert report.total >= 25 * len({row.tool for row in rows})
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
