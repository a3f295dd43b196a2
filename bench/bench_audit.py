"""The audit log: what anchoring every append costs, and how long ``verify`` takes, each against
a baseline measured in the same run.

1. Appends to the SQLite audit log with the file anchor (one fsync'd JSON line per append)
   against the same appends with no anchor.
2. ``verify_log`` of the chain with the anchor compared against the chain alone.

    uv run python -m bench.bench_audit [--quick]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from approvals.audit import AuditLog
from approvals.audit_anchor import FileAnchor
from approvals.audit_verify import verify_log
from core.db import Database

KEY = b"bench-key"


def _log(folder: Path, anchored: bool) -> AuditLog:
    db = Database(f"sqlite:///{folder / 'audit.db'}")
    db.migrate()
    return AuditLog(db, anchor=FileAnchor(folder / "anchor.jsonl") if anchored else None)


def _appends(log: AuditLog, count: int) -> float:
    started = time.perf_counter()
    for n in range(count):
        log.append("alice", "requested", f"id{n}", {"n": n, "tool": "ec2.stop_instances"})
    return time.perf_counter() - started


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer appends")
    count = 100 if parser.parse_args().quick else 1000
    with tempfile.TemporaryDirectory() as plain_dir, tempfile.TemporaryDirectory() as dir_:
        plain, anchored = _log(Path(plain_dir), False), _log(Path(dir_), True)
        base, cost = _appends(plain, count), _appends(anchored, count)
        print(f"append, no anchor:   {base / count * 1000:7.2f} ms  ({count} appends)")
        print(f"append, file anchor: {cost / count * 1000:7.2f} ms  ratio {cost / base:.2f}x")
        started = time.perf_counter()
        assert verify_log(plain, KEY, None).intact
        chain = time.perf_counter() - started
        started = time.perf_counter()
        assert verify_log(anchored, KEY, anchored.anchor).intact
        full = time.perf_counter() - started
        print(f"verify, chain alone:  {chain * 1000:7.1f} ms  ({count} entries)")
        print(f"verify, with anchor:  {full * 1000:7.1f} ms  ratio {full / chain:.2f}x")


if __name__ == "__main__":
    main()
