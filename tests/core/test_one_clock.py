"""One clock: lint refuses direct wall-clock reads, and the Clock can start at a chosen instant."""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from core.clock import Clock, parse_instant

pytestmark = pytest.mark.time_sensitive

ROOT = Path(__file__).resolve().parents[2]
READS = {
    "from datetime import datetime\nprint(datetime.now())\n": "datetime.datetime.now",
    "import datetime\nprint(datetime.datetime.utcnow())\n": "datetime.datetime.utcnow",
    "from datetime import date\nprint(date.today())\n": "datetime.date.today",
    "import time\nprint(time.time())\n": "time.time",
    "from time import time_ns\nprint(time_ns())\n": "time.time_ns",
}


def _ruff(source: str, path: str) -> subprocess.CompletedProcess[str]:
    ruff = shutil.which("ruff") or str(Path(sys.executable).with_name("ruff"))
    return subprocess.run(
        [ruff, "check", "--no-cache", "--select", "TID251", "--stdin-filename", path, "-"],
        input=source, capture_output=True, text=True, cwd=ROOT, check=False,
    )  # fmt: skip


@pytest.mark.parametrize("source", list(READS))
def test_lint_refuses_a_direct_wall_clock_read(source: str) -> None:
    for place in ("tools/cost/new_module.py", "bot/new_surface.py", "tests/test_new.py"):
        found = _ruff(source, place)
        assert found.returncode == 1, found.stdout
        assert f"`{READS[source]}` is banned" in found.stdout


def test_lint_allows_the_clock_module_and_monotonic_timers() -> None:
    assert _ruff("import time\nprint(time.time())\n", "core/clock.py").returncode == 0
    durations = "import time\nstart = time.perf_counter()\nprint(time.monotonic() - start)\n"
    assert _ruff(durations, "tools/cost/new_module.py").returncode == 0


def test_clock_is_aware_utc_and_follows_time_machine() -> None:
    with time_machine.travel(datetime(2028, 2, 29, 12, 0, tzinfo=UTC), tick=False):
        now = Clock().now()
        assert now == datetime(2028, 2, 29, 12, 0, tzinfo=UTC)
        assert now.tzinfo is UTC or now.utcoffset() == timedelta(0)
        assert Clock().today().isoformat() == "2028-02-29"


def test_clock_started_elsewhere_ticks_from_there() -> None:
    start = parse_instant("2026-12-31T23:59:00Z")
    with time_machine.travel(datetime(2026, 6, 1, tzinfo=UTC), tick=False) as traveller:
        clock = Clock(start)
        assert clock.now() == start
        traveller.shift(timedelta(seconds=90))
        assert clock.now() == datetime(2027, 1, 1, 0, 0, 30, tzinfo=UTC)
        assert clock.today().isoformat() == "2027-01-01"


def test_instants_parse_with_or_without_zone() -> None:
    assert parse_instant("2027-01-01T00:00:05Z") == datetime(2027, 1, 1, 0, 0, 5, tzinfo=UTC)
    assert parse_instant("2027-01-01T01:00:05+01:00") == datetime(2027, 1, 1, 0, 0, 5, tzinfo=UTC)
    assert parse_instant("2027-01-01T00:00:05") == datetime(2027, 1, 1, 0, 0, 5, tzinfo=UTC)
    with pytest.raises(ValueError):
        parse_instant("first of january")
