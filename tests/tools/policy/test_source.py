"""The policy file in force: reloaded on change, the last good kept when an edit is invalid."""

from __future__ import annotations

import logging
import os
from pathlib import Path

import pytest

from core.settings import Settings
from tools.policy.builtin import builtin_policy
from tools.policy.loader import PolicyFileError
from tools.policy.source import PolicySource

ONE = """\
rules:
  - name: everyone
    default: true
    approvers: ["*"]
"""
TWO = """\
rules:
  - name: sre-only
    default: true
    approvers: ["@sre"]
    count: 2
"""


def write(path: Path, text: str, tick: int) -> None:
    """Write ``text`` with a modification time ``tick`` seconds on (edits within a second)."""
    path.write_text(text, encoding="utf-8")
    stamp = 1_800_000_000 + tick
    os.utime(path, (stamp, stamp))


def source_at(path: Path) -> PolicySource:
    settings = Settings(_env_file=None, approval_policy_file=path)  # type: ignore[call-arg]
    return PolicySource.from_settings(settings)


def test_a_valid_edit_is_applied_on_the_next_read(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    write(path, ONE, 0)
    source = source_at(path)
    assert source.engine.policy.rules[0].name == "everyone"
    write(path, TWO, 1)
    assert source.engine.policy.rules[0].name == "sre-only"
    assert source.degraded is None


def test_an_invalid_edit_keeps_the_last_good_policy_and_is_reported(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "policy.yaml"
    write(path, ONE, 0)
    source = source_at(path)
    with caplog.at_level(logging.WARNING):
        write(path, ONE.replace('["*"]', '["*"]\n    count: many'), 1)
        assert source.engine.policy.rules[0].name == "everyone"
    assert source.degraded is not None and ":5: rules.0.count" in source.degraded
    assert "keeping the last good" in caplog.text
    write(path, TWO, 2)  # fixing it lifts the degradation
    assert (source.engine.policy.rules[0].name, source.degraded) == ("sre-only", None)


def test_a_deleted_file_keeps_the_last_good_policy(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    write(path, ONE, 0)
    source = source_at(path)
    path.unlink()
    assert source.engine.policy.rules[0].name == "everyone"
    assert source.degraded is not None and "cannot be read" in source.degraded


def test_an_invalid_file_at_start_refuses_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    write(path, ONE.replace("    default: true\n", ""), 0)
    with pytest.raises(PolicyFileError, match=r"policy.yaml:2: rules.0: the last rule must be"):
        source_at(path)


def test_without_a_file_the_settings_are_the_policy() -> None:
    settings = Settings(_env_file=None, approvers_group="platform")  # type: ignore[call-arg]
    policy = builtin_policy(settings)
    assert [r.name for r in policy.rules] == [
        "low-risk", "medium-risk", "high-risk", "critical-risk", "default"
    ]  # fmt: skip
    assert policy.rules[2].approvers == ["@platform"] and policy.rules[0].approvers == ["*"]
    assert PolicySource.from_settings(settings).degraded is None
