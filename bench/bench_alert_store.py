"""What accepting one alert costs in-process, against the floor of writing it durably.

The HTTP bench (``bench.bench_alert_intake``) measures request -> 200 through real servers,
which on a shared machine mostly measures the machine. This one times ``AlertStore.accept``
(insert, group into an incident, commit) for Alertmanager alerts one after another, and as
the baseline in the same run, in turns with it, a bare INSERT of each alert into a plain
table, committed on its own: the cost no durable intake can avoid. Their ratio is what
grouping adds on top of durability.

    uv run python -m bench.bench_alert_store [--alerts N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import Column, Integer, MetaData, Table, Text, insert

from bench.bench_alert_intake import percentile, webhooks
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tools.alerts.grouping import GroupingRules
from tools.alerts.models import Alert
from tools.alerts.parsers.alertmanager import AlertmanagerWebhook, parse_group
from tools.alerts.store import AlertStore


def alerts(count: int, fingerprints: int) -> list[Alert]:
    """``count`` parsed Alertmanager alerts over ``fingerprints`` (as the HTTP bench sends).

    Args:
        count: how many.
        fingerprints: how many distinct alerts they repeat.
    """
    prefix = f"store-{uuid.uuid4().hex[:8]}"
    bodies = [json.loads(raw) for raw in webhooks(prefix, count, fingerprints)]
    parsed = [parse_group(AlertmanagerWebhook.model_validate(b), "alertmanager", b) for b in bodies]
    return [alert for group in parsed for alert in group]


def timed(db: Database, store: AlertStore, batch: list[Alert]) -> tuple[list[float], list[float]]:
    """Milliseconds of a bare INSERT + COMMIT of each alert's row (the durability floor) and of
    ``store.accept`` of the alert, taken in turns so both meet the same machine."""
    table = Table(
        "bench_bare_alerts",
        MetaData(),
        Column("id", Integer, primary_key=True),
        Column("row", Text, nullable=False),
    )
    table.create(db.engine, checkfirst=True)
    bare, ours = [], []
    for alert in batch:
        started = time.perf_counter()
        with db.engine.begin() as connection:
            connection.execute(insert(table).values(row=alert.model_dump_json()))
        bare.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        store.accept([alert])
        ours.append((time.perf_counter() - started) * 1000)
    return bare, ours


def main() -> None:
    """Time both, print p50/p99 and the ratios."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--alerts", type=int, default=400, help="alerts (default 400)")
    parser.add_argument("--database-url", help="a PostgreSQL URL (default: an SQLite file)")
    args = parser.parse_args()
    url = args.database_url or f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    db = Database(url)
    db.migrate()
    clock = Clock()
    rules = GroupingRules.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    store = AlertStore(db, clock, rules)
    warm, batch = alerts(50, 10), alerts(args.alerts, max(1, args.alerts // 20))
    timed(db, store, warm)
    bare, ours = timed(db, store, batch)
    print(f"{len(batch)} alerts, one at a time, {db.engine.dialect.name}")
    for name, values in (("bare INSERT + COMMIT", bare), ("AlertStore.accept", ours)):
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        print(f"  {name:<22} p50 {p50:6.2f} ms   p99 {p99:6.2f} ms   "
              f"mean {statistics.mean(values):6.2f} ms")  # fmt: skip
    ratio50 = percentile(ours, 0.5) / percentile(bare, 0.5)
    ratio99 = percentile(ours, 0.99) / percentile(bare, 0.99)
    print(f"  ratio accept / bare: p50 x{ratio50:.2f}, p99 x{ratio99:.2f}")
    db.dispose()


if __name__ == "__main__":
    main()
