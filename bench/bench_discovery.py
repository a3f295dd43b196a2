"""Discovery benchmark: a 10k-resource scan over 2 accounts x 3 regions in a moto server, and
blast radius / migration order on a synthetic 100,000-node graph.

Prints: scan wall time; API calls issued / fewest possible (one call per full page at the
largest page the endpoint serves; target <= 1.1); with 50 ms added to every API call, the
speed-up of ``run_scan`` over a naive sequential loop over the same collectors, measured in the
same run (target >= 4x) -- once against moto itself, whose single-process request handling
shares this machine's cores with the scanner, and once with moto's answers and service times
replayed by ``bench.replay`` so the server's work costs wall time but not CPU, as a real
region's does; blast radius p95 (target < 50 ms) and migration order time (target < 5 s).

Run: ``uv run python -m bench.bench_discovery [--quick]``.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import math
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import networkx as nx

from bench import replay
from core.aws import AwsClients
from core.aws_read import PAGE_SIZES
from core.db import Database
from core.settings import Settings
from tools.context import ToolContext
from tools.discovery.analysis.impact import blast_radius
from tools.discovery.analysis.migration import migration_order, why_not_earlier
from tools.discovery.analysis.view import dependency_view
from tools.discovery.collectors import COLLECTORS, Scope
from tools.discovery.scan import run_scan

SECOND = "210987654321"
REGIONS = ["us-east-1", "eu-west-1", "us-west-2"]
LATENCY_S = 0.05
AMI = "ami-12c6146b"


class Recorder:
    """Counts requests and, per (client, operation), the items each response page carried."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.calls = 0
        self.pages: dict[tuple[str, str, str], list[int]] = defaultdict(list)

    def before_send(self, **_: Any) -> None:
        with self.lock:
            self.calls += 1

    def after_call(
        self, model: Any, parsed: dict[str, Any], account: str, context: Any = None, **_: Any
    ) -> None:
        service = model.service_model.service_name
        name = _snake(model.name)
        key = _result_key(service, name)
        if key is None:
            return
        region = (context or {}).get("client_region", "?")
        items = parsed.get(key, [])
        with self.lock:
            self.pages[(service, name, f"{account}/{region}")].append(len(items))


def _snake(name: str) -> str:
    import re

    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


RESULT_KEYS = {
    ("ec2", "describe_instances"): "Reservations",
    ("ec2", "describe_volumes"): "Volumes",
    ("ec2", "describe_snapshots"): "Snapshots",
    ("ec2", "describe_network_interfaces"): "NetworkInterfaces",
    ("ec2", "describe_vpcs"): "Vpcs",
    ("ec2", "describe_subnets"): "Subnets",
    ("ec2", "describe_route_tables"): "RouteTables",
    ("ec2", "describe_internet_gateways"): "InternetGateways",
    ("ec2", "describe_nat_gateways"): "NatGateways",
    ("ec2", "describe_security_groups"): "SecurityGroups",
    ("ec2", "describe_vpc_peering_connections"): "VpcPeeringConnections",
    ("ec2", "describe_vpc_endpoints"): "VpcEndpoints",
}


def _result_key(service: str, operation: str) -> str | None:
    return RESULT_KEYS.get((service, operation))


def settings_for(endpoint: str, folder: Path, workers: int) -> Settings:
    return Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=folder,
        aws_mode="sandbox",
        aws_regions=REGIONS,
        aws_endpoint_url=endpoint,
        aws_account_roles={SECOND: f"arn:aws:iam::{SECOND}:role/CloudFabricAccess"},
        discovery_max_workers=workers,
    )


def seed(aws: AwsClients, per_scope: int) -> None:
    """``per_scope`` instances (each with an ENI and a root volume) + groups + volumes per scope."""
    for account in (None, SECOND):
        for region in REGIONS:
            ec2 = aws.client("ec2", region, account)
            vpc = ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
            subnets = [
                ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.0.{i}.0/24")["Subnet"]["SubnetId"]
                for i in range(4)
            ]
            groups = [
                ec2.create_security_group(GroupName=f"g{i}", Description="b", VpcId=vpc)["GroupId"]
                for i in range(20)
            ]
            remaining, batch = per_scope, 0
            while remaining > 0:
                count = min(250, remaining)
                ec2.run_instances(
                    ImageId=AMI,
                    MinCount=count,
                    MaxCount=count,
                    InstanceType="t3.micro",
                    SubnetId=subnets[batch % 4],
                    SecurityGroupIds=[groups[batch % 20]],
                )
                remaining -= count
                batch += 1
            for _ in range(per_scope // 10):
                ec2.create_volume(AvailabilityZone=f"{region}a", Size=10)


def fewest_calls(recorder: Recorder, total_calls: int) -> int:
    """Calls a perfect scan needs: every unpaginated call, plus one per full largest page."""
    paged_calls = sum(len(p) for p in recorder.pages.values())
    minimum = total_calls - paged_calls
    for (service, operation, _), pages in recorder.pages.items():
        items = sum(pages)
        served = max(max(pages), PAGE_SIZES.get((service, operation), 1), 1)
        minimum += max(1, math.ceil(items / served))
    return minimum


def naive_scan(ctx: ToolContext, accounts: list[tuple[str, str | None]]) -> int:
    """The same collectors, one after another, no pool."""
    found = 0
    for account, key in accounts:
        for spec in COLLECTORS.values():
            regions = [REGIONS[0]] if spec.is_global else REGIONS
            for region in regions:

                def client(service: str, region: str = region, key: str | None = key) -> Any:
                    return ctx.aws.client(service, region, key)

                found += len(spec.collect(Scope(account=account, region=region, client=client)))
    return found


def with_latency(aws: AwsClients, recorder: Recorder | None = None) -> None:
    def sleep(**_: Any) -> None:
        time.sleep(LATENCY_S)

    # Registered on each account's session before its clients exist: clients copy the hooks.
    for account in aws.accounts():
        events = aws.session(account).events
        events.register("before-send", sleep)
        if recorder is not None:
            events.register("before-send", recorder.before_send)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _process(module: str, *args: str) -> Iterator[str]:
    """``python -m module ... -p PORT`` in its own process, until it accepts connections."""
    port = _free_port()
    command = [sys.executable, "-m", module, *args, str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


@contextmanager
def moto_server(in_process: bool) -> Iterator[str]:
    """A moto server: its own process by default (so its CPU does not compete with the scanner
    for this interpreter's GIL, as a real endpoint would not), or a ``ThreadedMotoServer``."""
    if not in_process:
        with _process("moto.server", "-H", "127.0.0.1", "-p") as endpoint:
            yield endpoint
        return
    from moto.server import ThreadedMotoServer

    threaded = ThreadedMotoServer(port=0, verbose=False)
    threaded.start()
    host, port = threaded.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        threaded.stop()


def replay_stats(endpoint: str) -> dict[str, int]:
    """How many requests the recording proxy sent to moto and how many it answered itself."""
    with urllib.request.urlopen(endpoint + replay.STATS_PATH, timeout=10) as response:
        stats: dict[str, int] = json.load(response)
    return stats


def scan_bench(quick: bool, in_process: bool) -> None:
    per_scope = 60 if quick else 560
    folder = Path(tempfile.mkdtemp())
    with moto_server(in_process) as endpoint:
        settings = settings_for(endpoint, folder / "a", workers=16)
        started = time.perf_counter()
        seed(AwsClients(settings, sandbox=True), per_scope)
        print(f"seeded in {time.perf_counter() - started:.1f}s")
        count = measured_scan(settings)
        live = latency_runs(settings, folder / "live")
        print(f"with {LATENCY_S * 1000:.0f} ms per call, against moto itself: {live}")
        print(
            "  moto serves one request at a time from a Python process sharing this machine's 2 "
            "cores with the scanner, so its own CPU time bounds any client-side concurrency"
        )
        with _process("bench.replay", "--upstream", endpoint, "--port") as proxy:
            replayed = replayed_runs(settings.model_copy(update={"aws_endpoint_url": proxy}),
                                     folder, count)  # fmt: skip
        print(f"with {LATENCY_S * 1000:.0f} ms per call, moto's service time off-CPU: {replayed}")


def measured_scan(settings: Settings) -> int:
    """One recorded scan straight against moto: wall time and API calls / fewest possible."""
    recorder = Recorder()
    fresh = AwsClients(settings, sandbox=True)
    for account in fresh.accounts():
        handler = functools.partial(recorder.after_call, account=account or "primary")
        fresh.session(account).events.register("after-call", handler)
    db = Database(settings.sql_url)
    db.migrate()
    started = time.perf_counter()
    result = run_scan(ToolContext(settings=settings, aws=fresh, db=db))
    wall = time.perf_counter() - started
    minimum = fewest_calls(recorder, result.api_calls)
    print(f"resources: {len(result.resources)} over 2 accounts x {len(REGIONS)} regions")
    print(f"scan + store wall time: {wall:.2f}s (missed units: {len(result.missed)})")
    print(
        f"API calls: {result.api_calls} issued / {minimum} fewest possible = "
        f"{result.api_calls / minimum:.3f} (target <= 1.1)"
    )
    return len(result.resources)


def replayed_runs(settings: Settings, folder: Path, expected: int) -> str:
    """Record every answer through the proxy, then time both scans on replayed answers."""
    endpoint = settings.aws_endpoint_url or ""
    ctx = _context(settings, folder / "record", latency=False)
    service, recording = _timed(_naive, ctx)
    _concurrent(ctx)
    before = replay_stats(endpoint)
    print(
        f"  recorded {before['forwarded']} distinct answers ({recording} resources) through the "
        f"proxy; the sequential loop that recorded them took {service:.2f}s"
    )
    line = latency_runs(settings, folder / "replay")
    after = replay_stats(endpoint)
    forwarded = after["forwarded"] - before["forwarded"]
    replayed = after["replayed"] - before["replayed"]
    assert recording == expected, f"the recording pass found {recording}, not {expected}"
    return f"{line}; {replayed} calls replayed, {forwarded} sent to moto"


SERVICES = ("ec2", "elbv2", "rds", "s3", "lambda", "iam", "ecs", "dynamodb", "elasticache",
            "apigateway", "sts")  # fmt: skip


def warm(aws: AwsClients) -> None:
    """Build every client up front: a running bot has them cached, and building them is CPU
    work (service models) that no amount of concurrency overlaps on this 2-core machine."""
    for account in aws.accounts():
        for region in REGIONS:
            for service in SERVICES:
                aws.client(service, region, account)


def _clients(settings: Settings, latency: bool) -> AwsClients:
    aws = AwsClients(settings, sandbox=True)
    if latency:
        with_latency(aws)
    warm(aws)
    return aws


def _context(settings: Settings, folder: Path, latency: bool) -> ToolContext:
    folder.mkdir(parents=True, exist_ok=True)
    db = Database(settings_for(settings.aws_endpoint_url or "", folder, 16).sql_url)
    db.migrate()
    return ToolContext(settings=settings, aws=_clients(settings, latency), db=db)


def _concurrent(ctx: ToolContext) -> int:
    return len(run_scan(ctx, record=False).resources)


def _naive(ctx: ToolContext) -> int:
    primary = ctx.aws.client("sts", REGIONS[0]).get_caller_identity()["Account"]
    return naive_scan(ctx, [(primary, None), (SECOND, SECOND)])


def _timed(scan: Any, ctx: ToolContext) -> tuple[float, int]:
    started = time.perf_counter()
    found = scan(ctx)
    return time.perf_counter() - started, found


def latency_runs(settings: Settings, folder: Path) -> str:
    """``run_scan`` and the naive sequential loop, each with 50 ms added to every call."""
    ctx = _context(settings, folder, latency=True)  # built before timing, as a running bot has it
    concurrent, concurrent_found = _timed(_concurrent, ctx)
    naive, naive_found = _timed(_naive, ctx)
    return (
        f"run_scan {concurrent:.2f}s ({concurrent_found} resources), naive sequential loop "
        f"{naive:.2f}s ({naive_found}); speed-up {naive / concurrent:.1f}x (target >= 4x)"
    )


def synthetic_graph(nodes: int, seed: int = 7) -> nx.MultiDiGraph:
    """An AWS-shaped raw graph: VPCs > subnets > instances (+ENI, volume), groups, LBs, DBs."""
    rng = random.Random(seed)
    graph = nx.MultiDiGraph()
    count = 0
    vpc_index = 0
    while count < nodes:
        vpc = f"vpc-{vpc_index}"
        graph.add_node(vpc, type="ec2:vpc", name=vpc)
        groups = [f"{vpc}/sg-{i}" for i in range(20)]
        for group in groups:
            graph.add_edge(vpc, group, key="CONTAINS")
        for i in range(1, 20):
            graph.add_edge(groups[rng.randrange(i)], groups[i], key="ALLOWS", detail="tcp 443")
        subnets = [f"{vpc}/subnet-{i}" for i in range(10)]
        for subnet in subnets:
            graph.add_edge(vpc, subnet, key="CONTAINS")
        count += 31
        for i in range(1000):
            instance = f"{vpc}/i-{i}"
            subnet = rng.choice(subnets)
            graph.add_edge(subnet, instance, key="CONTAINS")
            graph.add_edge(instance, rng.choice(groups), key="SECURED_BY")
            graph.add_edge(f"{vpc}/vol-{i}", instance, key="ATTACHED_TO")
            graph.add_edge(f"{vpc}/eni-{i}", instance, key="ATTACHED_TO")
            graph.add_edge(subnet, f"{vpc}/eni-{i}", key="CONTAINS")
            count += 3
        for i in range(10):
            lb, tg = f"{vpc}/lb-{i}", f"{vpc}/tg-{i}"
            graph.add_edge(lb, tg, key="TARGETS")
            graph.add_edge(lb, rng.choice(groups), key="SECURED_BY")
            for j in rng.sample(range(1000), 20):
                graph.add_edge(tg, f"{vpc}/i-{j}", key="TARGETS")
            count += 2
        vpc_index += 1
    return graph


def graph_bench(quick: bool) -> None:
    size = 20_000 if quick else 100_000
    graph = synthetic_graph(size)
    started = time.perf_counter()
    view = dependency_view(graph)
    build = time.perf_counter() - started
    print(f"synthetic graph: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges")
    print(f"dependency view built in {build * 1000:.0f} ms")
    rng = random.Random(3)
    starts = rng.sample(sorted(graph.nodes), 200)
    timings: list[float] = []
    reached: list[int] = []
    steps: list[int] = []
    for node in starts:
        began = time.perf_counter()
        impacts = blast_radius(view, node, depth=6)
        explained = sum(len(i.path) for i in impacts)  # every reason chain, as the tool builds
        timings.append((time.perf_counter() - began) * 1000)
        reached.append(len(impacts))
        steps.append(explained)
    p95 = statistics.quantiles(timings, n=20)[-1]
    print(
        "blast radius with every explanation path (depth 6, 200 random nodes): "
        f"p50 {statistics.median(timings):.2f} ms, p95 {p95:.2f} ms (target < 50 ms); "
        f"median {statistics.median(reached):.0f} affected, "
        f"{statistics.median(steps):.0f} reason steps"
    )
    began = time.perf_counter()
    waves = migration_order(view, set(graph.nodes))
    why_not_earlier(view, waves)  # the reasons the tool shows with each step
    order_s = time.perf_counter() - began
    together = sum(1 for w in waves if w.move_together)
    print(
        f"migration order of all {graph.number_of_nodes()} nodes, with reasons: {order_s:.2f}s "
        f"(target < 5 s); {len(waves)} waves, {together} move-together groups"
    )


def main() -> None:
    # moto's catalogue of public AMIs brings ~1,300 placeholder snapshots per region that every
    # DescribeSnapshots call would carry; the collectors drop them, so the bench leaves them out.
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller estate and graph")
    parser.add_argument("--graph-only", action="store_true", help="skip the scan benchmark")
    parser.add_argument(
        "--threaded-server", action="store_true", help="run moto as a ThreadedMotoServer in-process"
    )
    args = parser.parse_args()
    if not args.graph_only:
        scan_bench(args.quick, args.threaded_server)
    graph_bench(args.quick)


if __name__ == "__main__":
    main()
