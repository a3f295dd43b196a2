"""``cloudfabric worker`` refuses clearly when it could not answer in Slack."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot import cli


def test_worker_refuses_without_a_bot_token(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CF_SLACK_BOT_TOKEN", raising=False)

    result = CliRunner().invoke(cli.app, ["worker"])

    assert result.exit_code == 1
    assert "CF_SLACK_BOT_TOKEN is not set" in result.output
    assert not (tmp_path / ".cloudfabric").exists()


def test_worker_is_listed_in_the_help() -> None:
    result = CliRunner().invoke(cli.app, ["--help"])

    assert "worker" in result.output
