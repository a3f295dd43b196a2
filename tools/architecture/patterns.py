"""The five patterns, filled from a request: components, connections, sizing and network needs.

A pattern returns a ``Draft``; the proposer adds the VPC plan (from IPAM) and makes the spec.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from tools.architecture import sizing
from tools.architecture.request import Request
from tools.architecture.spec import INTERNET, Component, Connection, Environment, Pattern, Tier


@dataclass
class Draft:
    """A pattern's output before the network is planned.

    Attributes:
        components: the building blocks.
        connections: who talks to whom.
        assumptions: sizing sentences.
        hosts: hosts per tier per AZ (empty when no VPC is needed).
        nat: NAT layout when there is a VPC.
        endpoints: gateway endpoints for the VPC.
    """

    components: list[Component]
    connections: list[Connection]
    assumptions: list[str]
    hosts: dict[Tier, int] = field(default_factory=dict)
    nat: str = "none"
    endpoints: list[str] = field(default_factory=list)


def _nat(environment: Environment) -> str:
    return "per-az" if environment == "prod" else "single"


def _per_zone(count: int, zones: int) -> int:
    return max(1, math.ceil(count / zones))


def three_tier(request: Request, environment: Environment, zones: int) -> Draft:
    """Load balancer, web servers (or containers) across AZs, a relational database, a cache.

    Args:
        request: the parsed request.
        environment: prod, staging or dev.
        zones: availability zones.
    """
    load = sizing.load_of(request, environment, 20, "requests")
    lb = Component(
        name="web",
        kind="alb",
        public=True,
        port=80,
        why="Internet-facing Application Load Balancer spreading requests over the AZs.",
        usage={"requests": load.monthly_requests},
    )
    if request.compute == "fargate":
        app = sizing.containers(
            load, environment, zones, "app", "ECS Fargate service: no servers to patch."
        )
    else:
        app = sizing.web_servers(load, environment, zones, request.region or "us-east-1")
    app.open_to_world = list(request.open_ports)
    engine = request.engine if request.engine in ("postgres", "mysql", "aurora") else "postgres"
    if request.engine is None:
        load.assumptions.append("No database engine named: PostgreSQL.")
    db = sizing.database(load, environment, engine)
    db.public = request.public_database
    components = [lb, app, db]
    links = [
        Connection(source=INTERNET, target="web", port=80, why="HTTP from users"),
        Connection(source="web", target="app", port=80, why="requests to the servers"),
        Connection(source="app", target="db", port=int(db.port or 5432), why="SQL"),
    ]
    if request.cache:
        components.append(sizing.cache(environment))
        links.append(Connection(source="app", target="cache", port=6379, why="cache reads"))
    hosts: dict[Tier, int] = {
        "public": 8,
        "app": _per_zone(app.max_count or app.count, zones),
        "data": 4,
    }
    return Draft(components, links, load.assumptions, hosts, _nat(environment), ["s3"])


def serverless_api(request: Request, environment: Environment, zones: int) -> Draft:
    """API Gateway, a Lambda function and a DynamoDB table: nothing runs when idle.

    Args:
        request: the parsed request.
        environment: prod, staging or dev.
        zones: availability zones (unused: everything is regional).
    """
    load = sizing.load_of(request, environment, 5, "requests")
    requests = load.monthly_requests
    api = Component(
        name="api",
        kind="apigateway",
        public=True,
        port=443,
        why="API Gateway REST API: throttling, auth hooks, pay per request.",
        usage={"requests": requests},
    )
    fn = Component(
        name="handler",
        kind="lambda",
        memory_mb=512,
        why="Lambda function behind the API: scales to zero, no servers.",
        usage={"requests": requests, "avg_duration_ms": Decimal(120)},
    )
    table = Component(
        name="table",
        kind="dynamodb",
        storage_gb=int(load.data_gb),
        why="DynamoDB on-demand table: single-digit ms reads, no capacity to plan.",
        usage={"reads": requests, "writes": (requests / 4).quantize(Decimal(1))},
    )
    load.assumptions.append(
        f"{requests:,} requests a month; 512 MB functions averaging 120 ms; one table read per "
        "request and a write for one in four."
    )
    if request.engine in ("postgres", "mysql", "aurora"):
        load.assumptions.append("Serverless API keeps DynamoDB; a relational database needs a VPC.")
    links = [
        Connection(source=INTERNET, target="api", port=443, why="HTTPS from clients"),
        Connection(source="api", target="handler", port=0, access="invoke", why="proxy"),
        Connection(source="handler", target="table", port=0, access="write", why="items"),
    ]
    return Draft([api, fn, table], links, load.assumptions)


def static_site(request: Request, environment: Environment, zones: int) -> Draft:
    """A private S3 bucket served through CloudFront (origin access control).

    Args:
        request: the parsed request.
        environment: prod, staging or dev.
        zones: availability zones (unused).
    """
    load = sizing.load_of(request, environment, 5, "requests")
    requests = load.monthly_requests
    gb_out = (requests * Decimal(50) / Decimal(1_000_000)).quantize(Decimal(1))
    load.assumptions.append(
        f"{requests:,} requests a month at 50 KB each: {gb_out:,} GB out through CloudFront "
        "(PriceClass_100: North America and Europe edges)."
    )
    site = Component(
        name="site",
        kind="s3",
        storage_gb=int(load.data_gb),
        why="Private S3 bucket holding the site; only CloudFront may read it.",
        usage={"get_requests": (requests / 20).quantize(Decimal(1))},
    )
    cdn = Component(
        name="cdn",
        kind="cloudfront",
        public=True,
        port=443,
        why="CloudFront in front of S3: HTTPS, caching at the edge, no servers.",
        usage={"requests": requests, "gb_out": gb_out},
    )
    load.assumptions.append("One request in 20 misses the edge cache and reads S3.")
    links = [
        Connection(source=INTERNET, target="cdn", port=443, why="HTTPS from browsers"),
        Connection(source="cdn", target="site", port=0, access="read", why="origin fetches"),
    ]
    return Draft([site, cdn], links, load.assumptions)


def queue_workers(request: Request, environment: Environment, zones: int) -> Draft:
    """An SQS queue (with a dead-letter queue) drained by Fargate workers in private subnets.

    Args:
        request: the parsed request.
        environment: prod, staging or dev.
        zones: availability zones.
    """
    load = sizing.load_of(request, environment, 20, "messages")
    messages = load.monthly_requests
    queue = Component(
        name="jobs",
        kind="sqs",
        why="SQS standard queue buffering the work, with a dead-letter queue after 5 tries.",
        usage={"requests": messages * 3},
    )
    load.assumptions.append(
        f"{messages:,} messages a month, 3 SQS requests each (send, receive, delete)."
    )
    vcpu, memory, _ = sizing.FARGATE_TASK[environment]
    per_task = 50
    spread = 1 if environment == "dev" else zones
    tasks = max(spread, math.ceil(math.ceil(load.peak_rps / per_task) / spread) * spread)
    workers = Component(
        name="workers",
        kind="fargate",
        count=tasks,
        max_count=tasks * (3 if load.spiky else 2),
        vcpu=vcpu,
        memory_mb=memory,
        why="ECS Fargate workers polling the queue; scale on backlog.",
    )
    load.assumptions.append(f"One worker task handles about {per_task} messages/s: {tasks} tasks.")
    components = [queue, workers]
    links = [Connection(source="workers", target="jobs", port=0, access="consume", why="poll")]
    if _wants_topic(request.text.lower()):
        components.append(
            Component(
                name="events",
                kind="sns",
                usage={"requests": messages},
                why="SNS topic fanning events out to the queue (and any later subscriber).",
            )
        )
        links.append(
            Connection(source="events", target="jobs", port=0, access="notify", why="fan-out")
        )
    if request.engine in ("postgres", "mysql", "aurora"):
        db = sizing.database(load, environment, request.engine)
        db.public = request.public_database
        components.append(db)
        links.append(
            Connection(source="workers", target="db", port=int(db.port or 5432), why="SQL")
        )
    hosts: dict[Tier, int] = {
        "public": 4,
        "app": _per_zone(workers.max_count or tasks, zones),
        "data": 4,
    }
    return Draft(components, links, load.assumptions, hosts, _nat(environment), ["s3", "dynamodb"])


def _wants_topic(lower: str) -> bool:
    return any(
        w in lower for w in ("fan out", "fan-out", "topic", "sns", "pub/sub", "notify", "publish")
    )


def pipeline(request: Request, environment: Environment, zones: int) -> Draft:
    """Raw bucket -> object events on a queue -> Lambda processor -> curated bucket.

    Args:
        request: the parsed request.
        environment: prod, staging or dev.
        zones: availability zones (unused).
    """
    load = sizing.load_of(request, environment, 100, "objects", Decimal(1))
    objects = load.monthly_requests
    raw = Component(
        name="raw",
        kind="s3",
        storage_gb=int(load.data_gb),
        why="Landing bucket for incoming data; each new object raises an event.",
        usage={"put_requests": objects},
    )
    queue = Component(
        name="events",
        kind="sqs",
        why="SQS queue of object events: retries and a dead-letter queue.",
        usage={"requests": objects * 3},
    )
    fn = Component(
        name="processor",
        kind="lambda",
        memory_mb=1024,
        why="Lambda transforming each object, triggered from the queue in batches.",
        usage={"requests": objects, "avg_duration_ms": Decimal(2000)},
    )
    curated = Component(
        name="curated",
        kind="s3",
        storage_gb=int(load.data_gb),
        why="Bucket of processed, query-ready data.",
        usage={"put_requests": objects},
    )
    load.assumptions.append(
        f"{objects:,} objects a month; processing takes 2 s at 1 GB per object; curated data "
        "is about the size of the raw data."
    )
    links = [
        Connection(source="raw", target="events", port=0, access="notify", why="object created"),
        Connection(source="processor", target="events", port=0, access="consume", why="batches"),
        Connection(source="processor", target="raw", port=0, access="read", why="input"),
        Connection(source="processor", target="curated", port=0, access="write", why="output"),
    ]
    return Draft([raw, queue, fn, curated], links, load.assumptions)


BUILDERS: dict[Pattern, Callable[[Request, Environment, int], Draft]] = {
    "three-tier-web": three_tier,
    "serverless-api": serverless_api,
    "static-site": static_site,
    "queue-workers": queue_workers,
    "pipeline": pipeline,
}
