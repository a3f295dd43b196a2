"""Several replicas on PostgreSQL and Redis: how fast Slack is acknowledged while the answers
are computed, how long the answers take, and whether any is lost or doubled.

Starts, as an operator would (``python -m bot ...``), on a PostgreSQL database of its own
and the machine's Redis:

- ``cloudfabric migrate`` once;
- two ``cloudfabric serve --http`` replicas that only accept and record
  (``CF_DURABLE_LISTEN=false``);
- two ``cloudfabric worker`` processes that compute the answers.

Then fires 500 signed ``app_mention`` events from 50 concurrent clients, spread over both
replicas as a load balancer would, each event in a thread of its own, and waits until the fake
Slack Web API (in this process) has every answer. The events go at 100 a second, twelve times
the Events API's limit for one workspace; ``--rate 0`` sends each client's next event as soon
as its last one is acknowledged instead, which measures the most the replicas can take.
Before that, in the same run, the same events go to a bare FastAPI endpoint that returns 200:
the baseline of the machine.

In production the workers run on other machines. On a 2-core machine they run here at a
lower CPU priority (``nice -n 10``) to stand in for that: the acks get the CPU first, the
answers the rest.

    uv run python -m bench.bench_slack_replicas [--quick] [--rounds N] [--events N]
        [--clients N] [--rate EVENTS_PER_SECOND]

Prints, per round: ack p50/p99 of the bare endpoint and of the replicas (target: p99 below
50 ms), answer latency p50/p99 (from the event sent to its answer in Slack), and the counts of
lost answers (no answer at all) and duplicated ones (the same answer posted twice).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import redis

from bench.bench_slack_ack import percentile, served
from tests.conftest import REDIS_URL, scratch_postgres
from tests.e2e.slack_processes import Process, Replicas
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import mention, sign

TARGET_ACK_P99_MS = 50.0
DEFAULT_RATE = 100.0
"""Events per second sent by default: twelve times the most Slack delivers to one app in one
workspace (the Events API allows 30,000 events an hour, about 8 a second)."""
WORKER_NICENESS = 10
QUESTIONS = ("help", "what instances are running in us-east-1?", "what can you do?")
SETTINGS = {
    "CF_DB_POOL_SIZE": "5",  # 4 processes x their pools stay well under max_connections
    "CF_DURABLE_HEARTBEAT_SECONDS": "5",
    "CF_DURABLE_DEAD_AFTER_SECONDS": "30",
    "CF_DURABLE_QUEUE_POLL_SECONDS": "0.1",
}


@dataclass(frozen=True)
class Event:
    """One signed event and where its answer goes."""

    raw: bytes
    channel: str
    ts: str


@dataclass(frozen=True)
class Round:
    """What one round measured."""

    bare_ms: list[float]
    ack_ms: list[float]
    answer_ms: list[float]
    lost: int
    duplicated: int


def make_events(label: str, count: int, clients: int) -> list[Event]:
    """``count`` mentions, each opening a thread of its own, in ``clients`` channels.

    Args:
        label: makes the event ids and ts unique to this round.
        count: how many.
        clients: channels to spread them over.
    """
    events = []
    for n in range(count):
        channel, ts = f"C{label}{n % clients}", f"{n + 1}.{label}"
        question = QUESTIONS[n % len(QUESTIONS)]
        body = mention(question, event_id=f"Ev{label}{n}", channel=channel, ts=ts)
        events.append(Event(json.dumps(body).encode(), channel, ts))
    return events


async def fire(
    bases: list[str], events: list[Event], clients: int, rate: float
) -> dict[str, tuple[float, float]]:
    """Send ``events`` from ``clients`` concurrent connections, round-robin over ``bases``.

    Each connection is opened (``/healthz``) before the first event goes. With ``rate`` 0
    every client sends its next event as soon as the last one is acknowledged (the most the
    servers can take); otherwise event ``n`` goes ``n / rate`` seconds after the start.

    Returns:
        Event ts -> (monotonic time it was sent, ack latency in ms).
    """
    queue: asyncio.Queue[tuple[int, Event]] = asyncio.Queue()
    for numbered in enumerate(events):
        queue.put_nowait(numbered)
    sent: dict[str, tuple[float, float]] = {}
    opened = asyncio.Barrier(clients)

    async def client(number: int) -> None:
        https = [httpx.AsyncClient(base_url=base, timeout=30) for base in bases]
        try:
            for http in https:
                await http.get("/healthz")
            await opened.wait()
            start, turn = time.monotonic(), number
            while not queue.empty():
                index, event = queue.get_nowait()
                if rate:
                    await asyncio.sleep(max(0.0, start + index / rate - time.monotonic()))
                http = https[turn % len(https)]
                turn += 1
                headers = {**sign(event.raw), "Content-Type": "application/json"}
                started = time.monotonic()
                response = await http.post("/slack/events", content=event.raw, headers=headers)
                if response.status_code != 200:
                    raise RuntimeError(f"ack {response.status_code}: {response.text[:200]}")
                sent[event.ts] = (started, (time.monotonic() - started) * 1000)
        finally:
            for http in https:
                await http.aclose()

    await asyncio.gather(*(client(n) for n in range(clients)))
    return sent


def answers(slack: FakeSlack, events: list[Event]) -> dict[str, list[tuple[float, str]]]:
    """Event ts -> (time, text) of each answer the app posted in its thread."""
    wanted = {event.ts for event in events}
    found: dict[str, list[tuple[float, str]]] = {ts: [] for ts in wanted}
    for call in slack.calls_of("chat.postMessage"):
        thread = call.params.get("thread_ts")
        if thread in wanted and call.response.get("ok"):
            found[str(thread)].append((call.at, str(call.params.get("text"))))
    return found


def wait_for_answers(slack: FakeSlack, events: list[Event], timeout: float) -> None:
    """Wait until every event has an answer, or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if all(answers(slack, events).values()):
            time.sleep(2.0)  # a late duplicate would show up now
            return
        time.sleep(0.5)


def _fire_here(bases: list[str], events: list[Event], clients: int, rate: float, out: Any) -> None:
    """Child process: fire the events and hand back what was sent when."""
    out.put(asyncio.run(fire(bases, events, clients, rate)))


def fire_elsewhere(
    bases: list[str], events: list[Event], clients: int, rate: float
) -> dict[str, tuple[float, float]]:
    """``fire`` from a process of its own, so that the fake Slack answering the workers in
    this one does not hold the clients up (the monotonic clock is the machine's, so the
    times compare)."""
    context = multiprocessing.get_context("spawn")
    out = context.Queue()
    process = context.Process(target=_fire_here, args=(bases, events, clients, rate, out))
    process.start()
    try:
        sent: dict[str, tuple[float, float]] = out.get(timeout=600)
    finally:
        process.join(timeout=30)
    return sent


@dataclass(frozen=True)
class Load:
    """What a round sends.

    Attributes:
        count: events.
        clients: concurrent connections.
        rate: events per second (0: each client as fast as it is acknowledged).
    """

    count: int
    clients: int
    rate: float


def measure(bare: str, replicas: list[str], slack: FakeSlack, label: str, load: Load) -> Round:
    """One round: the bare baseline, then the replicas, then their answers."""
    count, clients, rate = load.count, load.clients, load.rate
    bare_sent = fire_elsewhere([bare], make_events(f"B{label}", count, clients), clients, rate)
    events = make_events(f"R{label}", count, clients)
    sent = fire_elsewhere(replicas, events, clients, rate)
    wait_for_answers(slack, events, timeout=60 + count)
    found = answers(slack, events)
    latencies = [(posts[0][0] - sent[ts][0]) * 1000 for ts, posts in found.items() if posts]
    duplicated = sum(
        1 for posts in found.values() if any(n > 1 for n in Counter(t for _, t in posts).values())
    )
    return Round(
        bare_ms=[ms for _, ms in bare_sent.values()],
        ack_ms=[ms for _, ms in sent.values()],
        answer_ms=latencies,
        lost=sum(1 for posts in found.values() if not posts),
        duplicated=duplicated,
    )


def report(number: int, result: Round, load: Load) -> None:
    """Print one round's figures."""

    def pair(values: list[float]) -> str:
        return f"p50 {percentile(values, 0.5):8.1f} ms   p99 {percentile(values, 0.99):8.1f} ms"

    ack_p99 = percentile(result.ack_ms, 0.99)
    ratio = ack_p99 / percentile(result.bare_ms, 0.99)
    verdict = "meets" if ack_p99 < TARGET_ACK_P99_MS else "MISSES"
    pace = f"{load.rate:g} events/s" if load.rate else "each client as fast as acknowledged"
    print(
        f"round {number}: {load.count} signed events from {load.clients} clients "
        f"over 2 serve replicas, {pace}"
    )
    print(f"  ack, bare FastAPI 200      {pair(result.bare_ms)}")
    print(f"  ack, 2 serve replicas      {pair(result.ack_ms)}   (p99 x{ratio:.1f} bare)")
    print(f"  ack p99 {ack_p99:.1f} ms {verdict} the {TARGET_ACK_P99_MS:.0f} ms target")
    print(f"  answer (event to Slack)    {pair(result.answer_ms)}")
    print(f"  lost answers {result.lost}, duplicated answers {result.duplicated}")


def start(replicas: Replicas) -> list[Process]:
    """Migrate, then start 2 record-only serve replicas and 2 niced workers; wait for them."""
    replicas.migrate()
    serves = [replicas.serve(f"serve-{n}", f"serve-{n}") for n in (1, 2)]
    workers = [
        replicas.worker(f"worker-{n}", f"worker-{n}", niceness=WORKER_NICENESS) for n in (1, 2)
    ]
    for serve in serves:
        serve.wait_ready(timeout=300)
    for worker in workers:
        worker.wait_for_log("runs queued work", timeout=300)
    return serves


def main() -> None:
    """Run the processes and print each round's figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 events from 20 clients")
    parser.add_argument("--rounds", type=int, default=3, help="rounds in a row (default 3)")
    parser.add_argument("--events", type=int, help="events per round (default 500)")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 50)")
    parser.add_argument(
        "--rate",
        type=float,
        default=DEFAULT_RATE,
        help=f"events per second (default {DEFAULT_RATE:g}; 0: each client as fast as acked)",
    )
    args = parser.parse_args()
    count, clients = (100, 20) if args.quick else (500, 50)
    load = Load(args.events or count, args.clients or clients, args.rate)
    redis.Redis.from_url(REDIS_URL).flushdb()
    slack = FakeSlack().start()
    workdir = Path(tempfile.mkdtemp(prefix="bench-replicas-"))
    try:
        with scratch_postgres() as database_url, served("bare", slack.api_url) as bare:
            replicas = Replicas(workdir, database_url, slack.api_url, REDIS_URL, SETTINGS)
            try:
                bases = [serve.url for serve in start(replicas)]
                print(f"workers at nice {WORKER_NICENESS}, standing in for other machines")
                for number in range(1, args.rounds + 1):
                    result = measure(bare, bases, slack, str(number), load)
                    report(number, result, load)
            finally:
                for process in replicas.started:
                    process.kill()
    finally:
        slack.stop()
    print(f"process logs: {workdir}")


if __name__ == "__main__":
    main()
