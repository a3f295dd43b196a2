"""Policy files: a sound one loads; each problem is named with its line and reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.policy.loader import PolicyFileError, load_policy, parse_policy

EXAMPLE = Path(__file__).parents[3] / "deploy" / "policy" / "approval-policy.example.yaml"
GOOD = """\
version: 1
rules:
  - name: prod
    match: {environment: [prod]}
    approvers: ["@sre"]
    count: 2
  - name: default
    default: true
    approvers: ["*"]
"""


def problems(text: str) -> list[tuple[int | None, str]]:
    with pytest.raises(PolicyFileError) as raised:
        parse_policy(text, "policy.yaml")
    return raised.value.problems


def test_the_shipped_example_and_a_small_policy_are_valid() -> None:
    assert len(load_policy(EXAMPLE).rules) == 5
    assert parse_policy(GOOD).rules[0].count == 2


def test_a_field_error_names_its_line() -> None:
    text = GOOD.replace("count: 2", "count: zero")
    [(line, reason)] = problems(text)
    assert line == 6 and "rules.0.count" in reason and "integer" in reason


def test_an_unknown_key_names_its_line() -> None:
    text = GOOD.replace("    count: 2\n", "    count: 2\n    approver: [bob]\n")
    [(line, reason)] = problems(text)
    assert line == 7 and "approver" in reason and "not permitted" in reason


def test_the_file_must_end_with_the_default_rule() -> None:
    text = GOOD.replace("    default: true\n", "")
    assert problems(text) == [(7, "rules.1: the last rule must be the default (default: true)")]


def test_a_default_rule_before_the_end_is_refused() -> None:
    text = GOOD.replace("  - name: prod\n", "  - name: prod\n    default: true\n")
    [(line, _)] = [p for p in problems(text) if "must be the last" in p[1]]
    assert line == 4


def test_a_rule_decides_one_way_and_rotations_must_exist() -> None:
    text = GOOD.replace('approvers: ["@sre"]', 'approvers: ["oncall:nobody"]\n    deny: not here')
    found = problems(text)
    assert (6, "rules.0.deny: a rule that denies names no approvers and no auto-approve") in found
    assert (5, "rules.0.approvers.0: no rotation named 'nobody'") in found


def test_bad_yaml_and_bad_zones_are_named() -> None:
    [(line, reason)] = problems("rules:\n  - name: [unclosed\n")
    assert line == 3 and "not valid YAML" in reason
    window = "  - name: f\n    zone: Mars/Olympus\n    starts: Fri 16:00\n    ends: Mon 08:00\n"
    zoned = GOOD + "freezes:\n" + window
    [(line, reason)] = problems(zoned)
    assert line == 12 and "Mars/Olympus" in reason
    [(line, reason)] = problems(
        GOOD.replace(
            "version: 1",
            "version: 1\nfreezes: [{name: f, starts: Friday at four, ends: Mon 08:00}]",
        )
    )
    assert line == 2 and "weekday and time" in reason


def test_the_message_names_file_line_and_reason() -> None:
    with pytest.raises(PolicyFileError, match=r"policy.yaml:6: rules.0.count"):
        parse_policy(GOOD.replace("count: 2", "count: 0"), "policy.yaml")
