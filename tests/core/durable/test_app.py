"""The composition root launches the durable engine with its background work, when enabled."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.app import create_app
from core.aws import AwsClients
from core.durable import current, is_launched
from core.settings import Settings

OWNER = """
import sys
from moto import mock_aws
from bot.app import create_app
from core.aws import AwsClients
from core.durable import is_launched
from core.settings import Settings

with mock_aws():
    settings = Settings(
        _env_file=None, data_dir=sys.argv[1], durable_enabled=True, durable_executor_id="app-1"
    )
    app = create_app(settings, aws=AwsClients(settings, sandbox=True))
    app.start_background()
    print(app.durable.executor_id, app.durable.db is app.db, is_launched())
    app.close()
    print(is_launched())
"""


def test_an_app_shares_the_engine_this_process_runs_already(
    engine_settings: Settings, aws_mock: None
) -> None:
    settings = engine_settings.model_copy(update={"durable_enabled": True})
    app = create_app(settings, aws=AwsClients(settings, sandbox=True))
    try:
        app.start_background()
        assert app.durable is current()
    finally:
        app.close()
    assert is_launched()  # not its engine: left running


@pytest.mark.slow
def test_an_app_launches_the_engine_and_shuts_it_down(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-c", OWNER, str(tmp_path / "cf")],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["app-1", "True", "True", "False"]
    assert (tmp_path / "cf" / "durable.sqlite").exists()
