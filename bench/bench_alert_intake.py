"""Alert intake latency (request -> 200, the alert committed to SQL) against a bare FastAPI
endpoint, and a storm against a Slack that enforces its per-channel rate: how many threads the
storm opens, whether every alert is persisted, and whether any post is lost.

Two real uvicorn servers on 127.0.0.1, each in its own process: a bare FastAPI app answering
200 to ``POST /alerts/alertmanager``, and CloudFabric's HTTP app (sandbox, SQLite, incidents
opening threads in one channel, the outbox paced at its defaults). The fake Slack allows about
one message write per second per channel (bursts of 3) and answers 429 with Retry-After beyond.
Alertmanager v4 webhooks (bearer token, one alert each, distinct start times) arrive evenly
over the storm from concurrent clients: 1,000 over 50 fingerprints in 60 s (``--quick``: 200
over 10 in 12 s), the same load for both servers. Prints p50/p99 of both and their ratio, then
the storm: alerts persisted, incidents, thread roots and digests posted, Slack writes per
channel per minute, 429s seen, and lost, doubled or stale incidents (each must be 0).

    uv run python -m bench.bench_alert_intake [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from core.db import Database
from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET
from tests.tools.alerts.storm import PATH, StormOutcome, drained, fire, outcome, webhooks

TOKEN = "bench-alertmanager-token"
CHANNEL = "C0ALERTS"
TARGET_P99_MS = 50.0
SLACK_PER_SECOND, SLACK_BURST = 1.0, 3
"""The fake Slack's per-channel rate of message writes (Slack: about one a second)."""


def _bare_app() -> FastAPI:
    api = FastAPI()

    @api.post(PATH)
    async def alerts(request: Request) -> Response:
        await request.body()
        return Response(status_code=200)

    @api.get("/readyz")
    def ready() -> dict[str, str]:
        return {"status": "ok"}

    return api


def _cloudfabric_app(slack_api_url: str, data_dir: str) -> Any:
    from bot.http import create_http_app, tune_for_latency
    from bot.slack.runtime import build_runtime
    from core.settings import Settings

    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(data_dir),
        aws_mode="sandbox",
        model_provider="offline",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack_api_url,
        alerts_channel=CHANNEL,
        alerts_alertmanager_token=TOKEN,
    )
    tune_for_latency()
    return create_http_app(build_runtime(settings))


def _serve(kind: str, slack_api_url: str, data_dir: str, ports: Any) -> None:
    """Child process: build the app, serve it on a free port, report the port."""
    import uvicorn

    app = _bare_app() if kind == "bare" else _cloudfabric_app(slack_api_url, data_dir)
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run)
    thread.start()
    while not server.started:
        time.sleep(0.02)
    ports.put(server.servers[0].sockets[0].getsockname()[1])
    thread.join()


@contextmanager
def served(kind: str, slack_api_url: str, data_dir: str) -> Iterator[str]:
    """A real uvicorn server in its own process, ready; yields its base URL.

    Args:
        kind: ``bare`` or ``cloudfabric``.
        slack_api_url: the fake Slack Web API.
        data_dir: CloudFabric's data folder (its SQLite store).
    """
    context = multiprocessing.get_context("spawn")
    ports = context.Queue()
    args = (kind, slack_api_url, data_dir, ports)
    process = context.Process(target=_serve, args=args, daemon=True)
    process.start()
    try:
        base = f"http://127.0.0.1:{ports.get(timeout=180)}"
        deadline = time.monotonic() + 120
        while httpx.get(f"{base}/readyz").status_code != 200:
            if time.monotonic() > deadline:
                raise RuntimeError(f"{base} did not become ready")
            time.sleep(0.05)
        yield base
    finally:
        process.terminate()
        process.join(timeout=10)


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank).

    Args:
        values: measurements.
        share: 0.5 for the median, 0.99 for p99.
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    """Measure both servers under the same storm, then report what the storm left."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 alerts over 10 in 12 s")
    parser.add_argument("--clients", type=int, default=10, help="concurrent clients")
    args = parser.parse_args()
    count, fingerprints, seconds = (200, 10, 12.0) if args.quick else (1000, 50, 60.0)
    slack = FakeSlack().start()
    slack.limit_rate(SLACK_PER_SECOND, burst=SLACK_BURST)
    data_dir = tempfile.mkdtemp(prefix="bench-alerts-")
    try:
        with served("bare", slack.api_url, data_dir) as base:
            bare = _storm(base, "bare", count, fingerprints, seconds, args.clients)
        with served("cloudfabric", slack.api_url, data_dir) as base:
            ours = _storm(base, "cf", count, fingerprints, seconds, args.clients)
            waited = drained(slack, quiet=5.0, timeout=fingerprints * 4 + 60)
        db = Database(f"sqlite:///{Path(data_dir) / 'cloudfabric.db'}")
        seen = outcome(db, slack, CHANNEL, "cf-")
        db.dispose()
    finally:
        slack.stop()
    print(
        f"{count} Alertmanager alerts over {fingerprints} fingerprints in {seconds:.0f} s, "
        f"{args.clients} clients"
    )
    _latencies(bare, ours)
    _storm_report(seen, count, waited)


def _storm(
    base: str, prefix: str, count: int, fingerprints: int, seconds: float, clients: int
) -> list[float]:
    """Fire one storm at ``base``; the latencies in ms."""
    bodies = webhooks(prefix, count, fingerprints)
    return asyncio.run(fire(base, bodies, clients, TOKEN, seconds))


def _latencies(bare: list[float], ours: list[float]) -> None:
    for name, values in (("bare FastAPI 200", bare), ("CloudFabric /alerts/*", ours)):
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        mean = statistics.mean(values)
        print(f"  {name:<24} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   mean {mean:7.2f} ms")
    p99 = percentile(ours, 0.99)
    ratio50 = percentile(ours, 0.5) / percentile(bare, 0.5)
    print(
        f"  ratio CloudFabric / bare: p50 x{ratio50:.2f}, p99 x{p99 / percentile(bare, 0.99):.2f}"
    )
    verdict = "meets" if p99 < TARGET_P99_MS else "MISSES"
    print(f"  p99 {p99:.1f} ms {verdict} the {TARGET_P99_MS:.0f} ms target (request -> 200)")


def _storm_report(seen: StormOutcome, count: int, waited: float) -> None:
    posts = [call for call in seen.writes if call.method == "chat.postMessage"]
    print(f"  alerts persisted: {seen.alerts} of {count}, in {len(seen.incidents)} incidents")
    print(
        f"  threads opened: {sum(seen.roots.values())}; digests: {len(seen.digests)} "
        f"listing {len(seen.listed)} incidents"
    )
    print(
        f"  Slack {CHANNEL}: {len(seen.writes)} writes ({len(posts)} posts, "
        f"{len(seen.writes) - len(posts)} edits) = {seen.per_minute():.0f} writes/min, "
        f"{seen.per_minute(posts_only=True):.0f} posts/min; 429s seen: {seen.rate_limited}; "
        f"drained {waited:.0f} s after the storm"
    )
    print(
        f"  lost posts: {len(seen.lost)}; doubled: {len(seen.duplicated)}; "
        f"not showing every alert: {len(seen.stale)}"
    )


if __name__ == "__main__":
    main()
