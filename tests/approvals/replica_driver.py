"""A CloudFabric replica that loads its code first and starts serving when told.

``python -m tests.approvals.replica_driver`` imports what ``cloudfabric serve`` imports, prints
``loaded``, then waits for one line on stdin: ``go [<clock start instant>]``. It then runs the
shipped command line, ``cloudfabric serve --http --port 0``, configured by its environment
(``CF_*``), with ``CF_CLOCK_START`` set to the instant given, if any.

Loading the code is most of a replica's start-up time; a crash test spawns the replica that
will take over while the first one works, so that the restart after the crash costs only what
a started process does: build the app, migrate, run the first sweep.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

PRELOADED = (
    "alembic.command",
    "apscheduler.schedulers.background",
    "langgraph.checkpoint.postgres",
    "langgraph.checkpoint.sqlite",
    "psycopg_pool",
    "bot.cli",
    "bot.http",
    "bot.slack.runtime",
)


def preload() -> None:
    """Import what serving imports (the Slack app, the agent, every tool, the drivers)."""
    for name in PRELOADED:
        importlib.import_module(name)
    from tools.registry import load_builtin_tools

    load_builtin_tools()


def main() -> None:
    """Load, report, wait for ``go``, then serve until killed or stopped."""
    started = time.monotonic()
    preload()
    print(f"loaded in {time.monotonic() - started:.1f} s", flush=True)
    words = sys.stdin.readline().split()
    if not words or words[0] != "go":
        print("no go: exiting", flush=True)
        return
    if len(words) > 1:
        os.environ["CF_CLOCK_START"] = words[1]
    print("serving", flush=True)
    from bot.cli import main as cloudfabric

    sys.argv = ["cloudfabric", "serve", "--http", "--port", "0"]
    cloudfabric()


if __name__ == "__main__":
    main()
