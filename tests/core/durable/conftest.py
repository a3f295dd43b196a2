"""One durable engine for the in-process tests of this package (DBOS is one per process)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.clock import Clock
from core.durable import launch, shutdown
from core.settings import Settings


@pytest.fixture(scope="package")
def engine_settings(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    """The launched engine's settings (SQLite in a temp folder, no maintenance thread).

    Tests use run ids of their own, so they share the engine without seeing each other's runs.
    """
    folder = tmp_path_factory.mktemp("durable")
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=folder / "cf",
        durable_executor_id="test-exec",
        durable_poll_seconds=0.05,
        durable_tick_seconds=0.1,
    )
    launch(settings, Clock(), maintain=False)
    yield settings
    shutdown()
