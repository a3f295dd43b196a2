"""A replica for the recovery watch's kill -9 test, built like ``cloudfabric serve``: the Slack
runtime (its outbox delivering to the fake Slack), then the background work, which launches the
durable engine and so recovers the watches this executor left pending.

``python -m tests.bot.recovery_child start <incident> <approval> <conversation> <fixed ISO>``
starts the watch of that fix, then waits to be killed; ``... resume`` only recovers. Configured
by ``CF_*`` variables (shared store, durable engine, moto server, fake Slack).
"""

from __future__ import annotations

import sys
import time

from bot import alert_recovery
from bot.slack.runtime import build_runtime
from bot.slack.transport import Thread
from core.clock import parse_instant
from core.settings import Settings


def say(line: str) -> None:
    """Tell the test something, at once."""
    print(line, flush=True)


def main(argv: list[str]) -> None:
    """Run the replica until it is killed.

    Args:
        argv: ``start <incident> <approval> <conversation> <fixed ISO>`` or ``resume``.
    """
    runtime = build_runtime(Settings())
    runtime.start_delivery()
    runtime.cloudfabric.start_background()
    say("launched")
    if argv[0] == "start":
        incident, approval, conversation, fixed = argv[1:5]
        thread = Thread.of(conversation)
        assert thread is not None
        watch = alert_recovery.bound()
        run_id = watch.start(int(incident), thread, parse_instant(fixed), approval)
        say(f"started {run_id}")
    while True:
        time.sleep(1)


if __name__ == "__main__":
    main(sys.argv[1:])
