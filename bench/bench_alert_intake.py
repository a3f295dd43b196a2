"""Alert intake latency (request -> 200, the alert committed to SQL) against a bare FastAPI
endpoint, and a storm: alerts over a set of fingerprints give one thread each, every alert is
persisted, and Slack writes stay within the per-channel pace.

Two real uvicorn servers on 127.0.0.1, each in its own process: a bare FastAPI app answering
200 to ``POST /alerts/alertmanager``, and CloudFabric's HTTP app (sandbox, SQLite, a local
fake Slack, incidents opening threads in one channel). Alertmanager v4 webhooks (one alert
each, distinct start times) are fired from concurrent clients (1,000 over 50 fingerprints from
10 clients; ``--quick``: 200 over 10). Prints p50/p99 of both and the ratios, how many
incidents, stored alerts and thread roots there are, and the Slack writes per channel per
minute once the outbox has drained.

    uv run python -m bench.bench_alert_intake [--quick]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import sqlite3
import statistics
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET

TOKEN = "bench-alertmanager-token"
CHANNEL = "C0ALERTS"
TARGET_P99_MS = 50.0
PATH = "/alerts/alertmanager"


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


def webhooks(prefix: str, count: int, fingerprints: int) -> list[bytes]:
    """``count`` Alertmanager webhooks, one alert each, spread over ``fingerprints``.

    Args:
        prefix: keeps the runs' alerts apart.
        count: how many.
        fingerprints: how many distinct alerts they repeat.
    """
    start = datetime(2027, 1, 5, 10, 0, tzinfo=UTC)
    bodies = []
    for index in range(count):
        name = f"{prefix}-storm-{index % fingerprints}"
        alert = {
            "status": "firing",
            "labels": {"alertname": name, "instance": f"{prefix}-web-{index % fingerprints}"},
            "annotations": {"summary": "CPU above 90%"},
            "startsAt": (start + timedelta(milliseconds=index)).isoformat(),
            "fingerprint": name,
        }
        body = {
            "version": "4",
            "status": "firing",
            "groupKey": f'{{}}:{{alertname="{name}"}}',
            "receiver": "cloudfabric",
            "alerts": [alert],
        }
        bodies.append(json.dumps(body).encode())
    return bodies


async def fire(base: str, bodies: list[bytes], clients: int) -> list[float]:
    """Send ``bodies`` from ``clients`` connections (after one warm-up each); latencies in ms.

    Args:
        base: the server's base URL.
        bodies: the webhooks.
        clients: concurrent connections.
    """
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for raw in bodies:
        queue.put_nowait(raw)
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"}

    async def client(warm_up: bytes) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=30) as http:
            await http.post(PATH, content=warm_up, headers=headers)
            while not queue.empty():
                raw = queue.get_nowait()
                started = time.perf_counter()
                answer = await http.post(PATH, content=raw, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise RuntimeError(f"{base} answered {answer.status_code}: {answer.text}")

    warm = webhooks("warm", clients, clients)
    await asyncio.gather(*(client(raw) for raw in warm))
    return latencies


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values`` (nearest rank).

    Args:
        values: measurements.
        share: 0.5 for the median, 0.99 for p99.
    """
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def stored(data_dir: str) -> tuple[int, int]:
    """(alerts, incidents) of the storm in CloudFabric's store (warm-up alerts excluded)."""
    with sqlite3.connect(Path(data_dir) / "cloudfabric.db") as db:
        alerts = db.execute("SELECT count(*) FROM alerts WHERE title NOT LIKE 'warm-%'")
        incidents = db.execute("SELECT count(*) FROM alert_incidents WHERE title NOT LIKE 'warm-%'")
        return int(alerts.fetchone()[0]), int(incidents.fetchone()[0])


def drained(slack: FakeSlack, quiet: float, timeout: float) -> float:
    """Wait until no Slack write has been made for ``quiet`` seconds; seconds it took."""
    started = time.monotonic()
    seen, since = -1, time.monotonic()
    while time.monotonic() - started < timeout:
        now = len(slack.calls_of("chat.postMessage")) + len(slack.calls_of("chat.update"))
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.2)
    return time.monotonic() - started


def main() -> None:
    """Measure both servers, then report the storm's outcome."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="200 alerts over 10 fingerprints")
    parser.add_argument("--clients", type=int, help="concurrent clients (default 10)")
    args = parser.parse_args()
    count, fingerprints, clients = (200, 10, 10) if args.quick else (1000, 50, 10)
    clients = args.clients or clients
    slack = FakeSlack().start()
    data_dir = tempfile.mkdtemp(prefix="bench-alerts-")
    try:
        with served("bare", slack.api_url, data_dir) as base:
            bare = asyncio.run(fire(base, webhooks("bare", count, fingerprints), clients))
        with served("cloudfabric", slack.api_url, data_dir) as base:
            began = time.monotonic()
            ours = asyncio.run(fire(base, webhooks("cf", count, fingerprints), clients))
            storm_seconds = time.monotonic() - began
            waited = drained(slack, quiet=5.0, timeout=fingerprints * 4 + 60)
            posts = slack.calls_of("chat.postMessage")
            updates = slack.calls_of("chat.update")
        alerts, incidents = stored(data_dir)
    finally:
        slack.stop()
    print(f"{count} Alertmanager alerts over {fingerprints} fingerprints, {clients} clients")
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
    print(f"  storm sent in {storm_seconds:.1f} s: {alerts} alerts stored, {incidents} incidents")
    final = f"*Alerts*\\n{count // fingerprints} "
    showing = {call.params.get("ts") for call in updates if final in json.dumps(call.params)}
    print(f"  thread roots edited to show all {count // fingerprints} alerts: {len(showing)}")
    writes = posts + updates
    span = (max(c.at for c in writes) - min(c.at for c in writes)) if len(writes) > 1 else 0.0
    per_minute = len(writes) / span * 60 if span else float(len(writes))
    roots = [call for call in posts if not call.params.get("thread_ts")]
    print(
        f"  Slack: {len(roots) - clients} thread roots (+{clients} warm-up), "
        f"{len(posts) - len(roots)} thread replies, {len(updates)} edits, "
        f"in {span:.0f} s = {per_minute:.0f} writes/min to {CHANNEL} (drained {waited:.0f} s)"
    )


if __name__ == "__main__":
    main()
