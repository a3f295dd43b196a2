"""Two real processes contend for conversation locks, as two replicas would.

Each child (``tests/core/lock_child.py``) builds its locks from the environment like a replica,
and logs ``enter``/``exit`` while it holds a lock; the log shows whether the holds overlapped.
"""

from __future__ import annotations

import subprocess
import sys
import time
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import pytest

from tests.conftest import child_env
from tests.core.private_redis import private_redis

ROOT = Path(__file__).resolve().parents[2]
FELL_BACK = "taking locks with PostgreSQL advisory locks"


@dataclass
class Hold:
    """One hold of the lock by one process: when it entered and left, and how."""

    pid: int
    entered: int
    left: int
    backend: str
    saw_peer: bool


def _backend_env(kind: str, request: pytest.FixtureRequest, tmp_path: Path) -> dict[str, str]:
    """``CF_*`` variables for the children: Redis only, PostgreSQL only, or a dead Redis
    with PostgreSQL (a private redis-server, started and killed)."""
    if kind == "redis":
        return {"CF_REDIS_URL": request.getfixturevalue("redis_url"), "CF_DATABASE_URL": ""}
    database = request.getfixturevalue("postgres_url")
    if kind == "postgres":
        return {"CF_REDIS_URL": "", "CF_DATABASE_URL": database}
    with private_redis(tmp_path) as (url, process):
        process.kill()
        process.wait(timeout=10)
    return {"CF_REDIS_URL": url, "CF_DATABASE_URL": database}


def _run(tmp_path: Path, env: dict[str, str], keys: list[str], *args: str) -> list[Hold]:
    """Start one child per key, let them go at once, and read back their holds in order."""
    log = tmp_path / "holds.log"
    log.touch()
    env = child_env(CF_DATA_DIR=str(tmp_path / "cf"), **env)
    command = [sys.executable, "-m", "tests.core.lock_child", "--log", str(log), *args]
    children = []
    for n, key in enumerate(keys):
        errors = (tmp_path / f"child-{n}.err").open("wb")
        children.append(
            subprocess.Popen([*command, "--key", key], cwd=ROOT, env=env, stderr=errors)
        )
    _wait_ready(log, len(keys), children)
    Path(f"{log}.go").touch()
    for n, child in enumerate(children):
        assert child.wait(timeout=30) == 0, (tmp_path / f"child-{n}.err").read_text()
    return _holds(log.read_text().splitlines())


def _wait_ready(log: Path, count: int, children: list[subprocess.Popen[bytes]]) -> None:
    deadline = time.monotonic() + 20
    while len(list(log.parent.glob(f"{log.name}.ready.*"))) < count:
        assert all(c.poll() is None for c in children), "a child died before it was ready"
        assert time.monotonic() < deadline, "the children did not get ready"
        time.sleep(0.02)


def _holds(lines: list[str]) -> list[Hold]:
    """Pair each ``enter`` with the next ``exit`` of the same process (file order)."""
    open_holds: dict[int, list[str]] = {}
    holds = []
    for line in lines:
        kind, pid, at, detail = line.split()
        if kind == "enter":
            open_holds[int(pid)] = [at, detail]
            continue
        entered, backend = open_holds.pop(int(pid))
        holds.append(Hold(int(pid), int(entered), int(at), backend, detail == "peer"))
    assert not open_holds
    return holds


def _assert_never_overlap(lines: list[str], holds: list[Hold]) -> None:
    kinds = [line.split()[:2] for line in lines]
    for enter, exit_ in zip(kinds[::2], kinds[1::2], strict=True):
        assert enter[0] == "enter" and exit_ == ["exit", enter[1]], lines
    ordered = sorted(holds, key=lambda hold: hold.entered)
    for before, after in pairwise(ordered):
        assert after.entered >= before.left, (before, after)


@pytest.mark.parametrize(
    ("kind", "backend"),
    [("redis", "primary"), ("postgres", "PostgresLocks"), ("redis-down", "fallback")],
)
def test_two_processes_never_run_one_conversation_at_once(
    kind: str, backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    env = _backend_env(kind, request, tmp_path)
    key = "conversation:T1:C1:1700000000.1"
    holds = _run(tmp_path, env, [key, key], "--rounds", "4", "--hold", "0.1")

    _assert_never_overlap((tmp_path / "holds.log").read_text().splitlines(), holds)
    assert len(holds) == 8 and len({hold.pid for hold in holds}) == 2
    assert {hold.backend for hold in holds} == {backend}
    if kind == "redis-down":
        for n in range(2):
            assert (tmp_path / f"child-{n}.err").read_text().count(FELL_BACK) == 1


@pytest.mark.parametrize("kind", ["redis", "postgres", "redis-down"])
def test_two_processes_run_different_conversations_at_once(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    env = _backend_env(kind, request, tmp_path)
    keys = ["conversation:T1:C1:1700000000.1", "conversation:T1:C2:1700000000.2"]
    holds = _run(tmp_path, env, keys, "--rounds", "1", "--hold", "0", "--peer")

    assert len(holds) == 2
    assert all(hold.saw_peer for hold in holds), "each held its lock while the other held its own"
