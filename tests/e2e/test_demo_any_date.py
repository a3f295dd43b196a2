"""The whole demo process under libfaketime tells the same story on different dates.

`faketime` (Debian package, installed by `make setup`) moves the process's wall clock, so this
checks what no in-process clock can: moto, SQLite, the sandbox and every tool agree on "now".
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import services_required

SCRIPT = [
    "why did costs jump?",
    "where can we save?",
    "show orphaned resources",
    "what instances are running in us-east-1?",
    "/quit",
]
IDS = re.compile(r"\b(i|vol|snap|eipalloc|eni|sg|subnet|vpc|nat|igw|rtb)-[0-9a-f]{8,17}\b")
IPV4 = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")
DAY = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")


def _faketime() -> str:
    found = shutil.which("faketime")
    if found:
        return found
    reason = "faketime is not installed (Debian package faketime; make setup installs it)"
    if services_required():
        pytest.fail(reason)
    print(f"SKIP: {reason}")
    pytest.skip(reason)


def _demo_at(instant: str, folder: Path) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("CF_CLOCK_START", "CF_TEST_NOW")}
    env["CF_DATA_DIR"] = str(folder)
    result = subprocess.run(
        [_faketime(), "-m", instant, sys.executable, "-m", "bot", "demo"],
        input="\n".join(SCRIPT) + "\n", capture_output=True, text=True, env=env,
        timeout=300, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _relative(text: str, today: date) -> str:
    """The output with ids and addresses masked and every date written as an offset from today.

    List-price as-of dates are publication dates, the same on any day, so they stay as they are.
    Runs of spaces are folded, since table columns widen with the (random) addresses.
    """
    text = IPV4.sub("<ip>", IDS.sub(lambda m: f"{m.group(1)}-<id>", text))
    text = re.sub(r" {2,}", " ", text)
    return "\n".join(
        line if "as of" in line
        else DAY.sub(lambda m: f"D{(date.fromisoformat(m.group(1)) - today).days:+d}", line)
        for line in text.splitlines()
    )  # fmt: skip


@pytest.mark.slow
def test_demo_tells_the_same_story_on_new_years_day_and_in_june(tmp_path: Path) -> None:
    winter = _demo_at("2027-01-01 00:00:05", tmp_path / "winter")
    summer = _demo_at("2027-06-15 10:30:00", tmp_path / "summer")

    assert "Spend jumped on 2026-12-29" in winter and "Spend jumped on 2027-06-12" in summer
    for output in (winter, summer):
        assert "StartInstances in us-east-1" in output and "by carol" in output
        assert "Stop idle m5.large batch-worker" in output and "saves $70.08/month" in output
        assert "old-data-backup" in output and "400 days" in output
        for name in ("web-1", "web-2", "batch-worker", "legacy-app"):
            assert name in output
    assert _relative(winter, date(2027, 1, 1)) == _relative(summer, date(2027, 6, 15))
