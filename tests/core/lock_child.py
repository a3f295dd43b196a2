"""A replica in the two-process lock tests: takes one lock some rounds, logging each hold.

``python -m tests.core.lock_child --key K --rounds N --hold S --log FILE [--peer]``. It builds
its locks from the environment like a replica does (``CF_REDIS_URL``, ``CF_DATABASE_URL``),
says it is ready (``FILE.ready.<pid>``), waits for ``FILE.go``, then appends ``enter`` and
``exit`` lines (pid, monotonic ns, the backend used) to ``FILE`` while it holds the lock. With
``--peer`` it holds the lock until another process's ``enter`` shows up in ``FILE`` (or 5 s).
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

from core.coordination import FallbackLocks, Locks, locks_for
from core.settings import Settings


def _write(log: Path, *fields: object) -> None:
    with log.open("a") as out:
        out.write(" ".join(str(f) for f in fields) + "\n")


def _backend(locks: Locks) -> str:
    if isinstance(locks, FallbackLocks):
        return "fallback" if locks.degraded else "primary"
    return type(locks).__name__


def _peer_entered(log: Path, timeout: float = 5.0) -> bool:
    mine = str(os.getpid())
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for line in log.read_text().splitlines():
            parts = line.split()
            if len(parts) > 2 and parts[0] == "enter" and parts[1] != mine:
                return True
        time.sleep(0.02)
    return False


def _hold_once(locks: Locks, args: argparse.Namespace) -> None:
    with locks.hold(args.key, timeout=10):
        _write(args.log, "enter", os.getpid(), time.monotonic_ns(), _backend(locks))
        if args.peer:
            seen = _peer_entered(args.log)
        else:
            time.sleep(args.hold)
            seen = False
        _write(args.log, "exit", os.getpid(), time.monotonic_ns(), "peer" if seen else "-")


def main() -> None:
    """Take the lock ``--rounds`` times, logging every hold."""
    parser = argparse.ArgumentParser()
    for name, kind in (("--key", str), ("--rounds", int), ("--hold", float), ("--log", Path)):
        parser.add_argument(name, type=kind, required=True)
    parser.add_argument("--peer", action="store_true")
    args = parser.parse_args()
    locks = locks_for(Settings(_env_file=None))  # type: ignore[call-arg]
    Path(f"{args.log}.ready.{os.getpid()}").touch()
    while not Path(f"{args.log}.go").exists():
        time.sleep(0.01)
    for _ in range(args.rounds):
        _hold_once(locks, args)
        time.sleep(0.01)
    locks.close()


if __name__ == "__main__":
    main()
