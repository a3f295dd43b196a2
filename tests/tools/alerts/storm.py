"""An alert storm and its outcome, shared by the storm tests and ``bench.bench_alert_intake``.

``webhooks`` builds Alertmanager v4 webhooks (one alert each, distinct start times) spread over
a set of fingerprints; ``fire`` sends them over HTTP with the Alertmanager bearer token from
concurrent clients, spread over the storm's duration. ``outcome`` reads what a user would see:
the incidents and alerts in the store against every message write the fake Slack accepted
(thread roots, their edits and the storm digests), so lost, duplicated and stale posts can be
counted.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlmodel import select

from core.db import Database
from tests.fakes.slack_server import Call, FakeSlack
from tools.alerts.models import AlertRow, IncidentRow

PATH = "/alerts/alertmanager"
ROOT = re.compile(r"alert incident #(\d+)")
DIGEST_LINE = re.compile(r"\*#(\d+)\* [a-z]+, [a-z]+: .*? \((\d+) alerts?, last")
ROOT_COUNT = re.compile(r"\*Alerts\*\\n(\d+) ")


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


async def fire(
    base: str, bodies: list[bytes], clients: int, token: str, seconds: float = 0.0
) -> list[float]:
    """Send ``bodies`` from ``clients`` connections (each warmed up by a ``GET /readyz``),
    spread evenly over ``seconds`` (0: as fast as they are answered); latencies in ms.

    Args:
        base: the server's base URL.
        bodies: the webhooks.
        clients: concurrent connections.
        token: the Alertmanager bearer token.
        seconds: how long the storm lasts.

    Raises:
        RuntimeError: when a delivery is not answered 200.
    """
    queue: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()
    for item in enumerate(bodies):
        queue.put_nowait(item)
    latencies: list[float] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    gap = seconds / len(bodies) if bodies else 0.0
    began = time.perf_counter()

    async def client() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as http:
            await http.get("/readyz")
            while not queue.empty():
                index, raw = queue.get_nowait()
                await asyncio.sleep(max(0.0, began + index * gap - time.perf_counter()))
                started = time.perf_counter()
                answer = await http.post(PATH, content=raw, headers=headers)
                latencies.append((time.perf_counter() - started) * 1000)
                if answer.status_code != 200:
                    raise RuntimeError(f"{base} answered {answer.status_code}: {answer.text}")

    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies


@dataclass
class StormOutcome:
    """What the storm left in the store and in Slack.

    Attributes:
        alerts: storm alerts stored.
        incidents: storm incidents stored (id -> alert count).
        roots: thread roots Slack accepted, per incident.
        digests: digest messages Slack accepted (ts -> its latest text).
        listed: incident -> alert count its digest line shows last.
        shown: incident -> alert count its root shows last.
        rate_limited: writes Slack answered 429.
        writes: message writes Slack accepted in the channel.
    """

    alerts: int = 0
    incidents: dict[int, int] = field(default_factory=dict)
    roots: Counter[int] = field(default_factory=Counter)
    digests: dict[str, str] = field(default_factory=dict)
    listed: dict[int, int] = field(default_factory=dict)
    shown: dict[int, int] = field(default_factory=dict)
    rate_limited: int = 0
    writes: list[Call] = field(default_factory=list)

    @property
    def lost(self) -> list[int]:
        """Incidents with neither a thread root nor a line in a digest."""
        return [i for i in self.incidents if not self.roots[i] and i not in self.listed]

    @property
    def duplicated(self) -> list[int]:
        """Incidents posted more than once (two roots, or a root and a digest line)."""
        return [i for i in self.incidents if self.roots[i] + (i in self.listed) > 1]

    @property
    def stale(self) -> list[int]:
        """Incidents whose root or digest line does not show every alert of theirs."""
        seen = {**self.shown, **self.listed}
        return [i for i, count in self.incidents.items() if seen.get(i) != count]

    def per_minute(self, posts_only: bool = False) -> float:
        """Message writes (or posts only) per minute to the channel, over the span from its
        first write to its last (at least a minute)."""
        if not self.writes:
            return 0.0
        span = max(60.0, self.writes[-1].at - self.writes[0].at)
        counted = [c for c in self.writes if not posts_only or c.method == "chat.postMessage"]
        return len(counted) / span * 60


def outcome(db: Database, slack: FakeSlack, channel: str, prefix: str) -> StormOutcome:
    """The storm's incidents (titles starting with ``prefix``) against what Slack shows.

    Args:
        db: CloudFabric's store.
        slack: the fake Slack.
        channel: the alerts channel.
        prefix: the storm's alert name prefix (``webhooks``).
    """
    result = StormOutcome()
    with db.session() as session:
        alerts = session.exec(select(AlertRow).where(AlertRow.title.startswith(prefix)))
        result.alerts = len(list(alerts))
        rows = session.exec(select(IncidentRow).where(IncidentRow.title.startswith(prefix)))
        result.incidents = {row.id: row.count for row in rows if row.id is not None}
    result.writes = slack.writes(channel)
    result.rate_limited = len(slack.refused())
    latest: dict[str, str] = {}
    for call in result.writes:
        blocks = json.dumps(call.params.get("blocks"))
        ts = str(call.response.get("ts") or call.params.get("ts"))
        latest[ts] = blocks
        root = ROOT.search(blocks)
        if call.method == "chat.postMessage" and root and int(root.group(1)) in result.incidents:
            result.roots[int(root.group(1))] += 1
    for ts, blocks in latest.items():
        if "Alert storm" in blocks:
            result.digests[ts] = blocks
            lines = {int(i): int(n) for i, n in DIGEST_LINE.findall(blocks)}
            result.listed.update({i: n for i, n in lines.items() if i in result.incidents})
        elif (root := ROOT.search(blocks)) and (count := ROOT_COUNT.search(blocks)):
            result.shown[int(root.group(1))] = int(count.group(1))
    return result


def drained(slack: FakeSlack, quiet: float, timeout: float) -> float:
    """Wait until no Slack write has been tried for ``quiet`` seconds; seconds it took.

    Args:
        slack: the fake Slack.
        quiet: seconds without a call.
        timeout: seconds to wait at most.
    """
    started = time.monotonic()
    seen, since = -1, time.monotonic()
    while time.monotonic() - started < timeout:
        now = len(slack.calls)
        if now != seen:
            seen, since = now, time.monotonic()
        elif time.monotonic() - since >= quiet:
            break
        time.sleep(0.2)
    return time.monotonic() - started
