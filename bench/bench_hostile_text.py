"""Hostile messages: routing cost at 40,000 characters, and what they do to everyone else.

1. Routes each hostile input (``tests/hostile_text.py``: ``0:``, ``a1-``, ``::``, one long
   word, ...) through the chat provider every turn uses, at 4,000 and 40,000 characters, and
   prints both timings, their ratio (linear matching keeps it near 10) and the worst case at
   40,000 (target: under 100 ms).
2. Starts CloudFabric's HTTP app on a real uvicorn server (its own process, sandbox, local fake
   Slack) and measures another conversation's ack time and ``/healthz`` time idle, then again
   while signed 40,000-character mentions of the worst input are being handled, and prints
   the busy figures against the idle ones.

    uv run python -m bench.bench_hostile_text [--quick]
"""

from __future__ import annotations

import argparse
import json
import threading
import time

import httpx
from langchain_core.messages import HumanMessage

from agents.providers import ChatProvider
from bench.bench_slack_ack import percentile, served
from core.settings import Settings
from tests.fakes.slack_server import FakeSlack
from tests.hostile_text import HOSTILE
from tests.slack.harness import mention, sign
from tools.registry import load_builtin_tools

SMALL, LARGE = 4_000, 40_000
TARGET_MS = 100.0


def _best_ms(provider: ChatProvider, text: str, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        provider.invoke([HumanMessage(text)])
        best = min(best, (time.perf_counter() - started) * 1000)
    return best


def routing(repeats: int) -> str:
    """Print the routing table; returns the name of the slowest input at 40,000 characters.

    Args:
        repeats: timings per input and size (the least is kept).
    """
    options = Settings(_env_file=None, model_provider="offline")  # type: ignore[call-arg]
    provider = ChatProvider.build(options, load_builtin_tools())
    provider.invoke([HumanMessage("warm up: stop web-1")])
    print(f"routing through the chat provider (least of {repeats} runs)")
    print(f"  {'input':<26}{'4,000 chars':>14}{'40,000 chars':>15}{'ratio':>9}")
    worst, worst_ms = "", 0.0
    for name, make in HOSTILE.items():
        small_ms = _best_ms(provider, make(SMALL), repeats)
        large_ms = _best_ms(provider, make(LARGE), repeats)
        print(f"  {name:<26}{small_ms:>11.1f} ms{large_ms:>12.1f} ms{large_ms / small_ms:>8.1f}x")
        if large_ms > worst_ms:
            worst, worst_ms = name, large_ms
    verdict = "meets" if worst_ms < TARGET_MS else "MISSES"
    target = f"{verdict} the {TARGET_MS:.0f} ms target"
    print(f"  worst at 40,000 chars: {worst} {worst_ms:.1f} ms ({target})")
    return worst


def _signed_mention(text: str, name: str) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(
        mention(text, event_id=f"Ev{name}", channel=f"C{name}", ts="1.000100")
    ).encode()
    return raw, {**sign(raw), "Content-Type": "application/json"}


def _sample(http: httpx.Client, tag: str, count: int) -> tuple[list[float], list[float]]:
    """``count`` acks of new conversations and ``count`` /healthz calls, interleaved (ms)."""
    acks, health = [], []
    for n in range(count):
        raw, headers = _signed_mention("help", f"{tag}{n}")
        started = time.perf_counter()
        if http.post("/slack/events", content=raw, headers=headers).status_code != 200:
            raise RuntimeError("an ack failed")
        acks.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        http.get("/healthz")
        health.append((time.perf_counter() - started) * 1000)
    return acks, health


def _warm_up(http: httpx.Client, slack: FakeSlack) -> None:
    """First requests, and the sandbox inventory scanned once (hostile text asks about it)."""
    _sample(http, "Warm", 5)
    raw, headers = _signed_mention("what resources do we have?", "Inventory")
    http.post("/slack/events", content=raw, headers=headers)
    slack.wait_for("chat.postMessage", lambda c: c.params["channel"] == "CInventory", timeout=120)


def under_load(worst: str, hostile_count: int, samples: int) -> None:
    """Print ack and /healthz times idle and while hostile mentions are handled.

    Args:
        worst: the HOSTILE input to send at 40,000 characters.
        hostile_count: how many such mentions to send.
        samples: acks and health checks per phase.
    """
    slack = FakeSlack().start()
    text = HOSTILE[worst](LARGE)
    try:
        with served("cloudfabric", slack.api_url) as base, httpx.Client(base_url=base) as http:
            _warm_up(http, slack)
            idle = _sample(http, "Idle", samples)
            hostile = [_signed_mention(text, f"Hostile{n}") for n in range(hostile_count)]
            answered = lambda: sum(  # noqa: E731
                1 for c in slack.calls_of("chat.postMessage") if "Hostile" in c.params["channel"]
            )
            sender = threading.Thread(
                target=lambda: [
                    http.post("/slack/events", content=r, headers=h) for r, h in hostile
                ]
            )
            started = time.perf_counter()
            sender.start()
            busy: tuple[list[float], list[float]] = ([], [])
            while answered() < hostile_count and time.perf_counter() - started < 120:
                acks, health = _sample(http, f"Busy{len(busy[0])}", 1)
                busy[0].extend(acks)
                busy[1].extend(health)
            sender.join()
            handled_s = time.perf_counter() - started
    finally:
        slack.stop()
    print(
        f"\nuvicorn on 127.0.0.1: {hostile_count} signed 40,000-char '{worst}' mentions handled "
        f"in {handled_s:.2f} s; {len(busy[0])} acks and health checks meanwhile"
    )
    for label, index in (("another conversation's ack", 0), ("/healthz", 1)):
        calm, loaded = idle[index], busy[index]
        calm_p50, calm_p99 = percentile(calm, 0.5), percentile(calm, 0.99)
        busy_p50, busy_p99 = percentile(loaded, 0.5), percentile(loaded, 0.99)
        print(
            f"  {label:<28} idle p50 {calm_p50:6.2f} ms p99 {calm_p99:6.2f} ms | busy p50 "
            f"{busy_p50:6.2f} ms p99 {busy_p99:6.2f} ms | x{busy_p50 / calm_p50:.2f} p50, "
            f"x{busy_p99 / calm_p99:.2f} p99"
        )


def main() -> None:
    """Run both parts and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats and messages")
    args = parser.parse_args()
    worst = routing(repeats=1 if args.quick else 3)
    under_load(worst, hostile_count=10 if args.quick else 40, samples=20 if args.quick else 60)


if __name__ == "__main__":
    main()
