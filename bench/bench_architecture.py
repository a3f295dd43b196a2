"""Architecture proposals: message-to-proposal latency in a Slack thread, and propose-to-deployed
time in the sandbox, each against a baseline measured in the same run.

1. Signed ``app_mention`` events go to CloudFabric's HTTP app over the sandbox with a local fake
   Slack Web API; the time is taken until the proposal card is posted in the thread. The chat
   model is a deterministic stand-in that calls ``architecture.propose`` (the offline router does
   not know the tool yet), so the figure is CloudFabric's own work: reading the request, IPAM,
   sizing, validation, cost, diagram, CloudFormation and Terraform, rendering and posting. The
   baseline is a turn through the same stack that answers in words (no tool).
2. In the sandbox (moto): propose, build the deploy plan (cfn-lint included), request the
   approval, approve it as another user and let the executor create, check and execute the
   change set. The baseline is CloudFormation alone: ``create_stack`` of the same template.

The roadmap asks for "design in < 5 minutes, deploy in < 2 minutes"; the target here is a p95
under 2 s from message to proposal.

    uv run python -m bench.bench_architecture [--quick]
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import boto3
from fastapi.testclient import TestClient

from tests.fakes.slack_server import FakeSlack
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, eventually, mention, sign

REQUESTS = (
    "We need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s.",
    "a serverless REST API for our mobile app in us-east-1, spiky traffic",
    "static marketing site behind a CDN, 20 GB of assets",
    "background workers draining a queue, 200 jobs per second in eu-west-1 for staging",
    "an ETL data pipeline ingesting 500 GB of CSV files for prod",
    "we need a customer portal on containers with MySQL and a Redis cache, production, 300 rps",
)
TARGET_P95_S = 2.0
DESIGN_GOAL_S, DEPLOY_GOAL_S = 300.0, 120.0


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def _timed_turn(
    http: TestClient, slack: FakeSlack, text: str, ts: str, done: Callable[[Any], bool]
) -> float:
    body = json.dumps(mention(text, event_id=f"Ev{ts}", channel="C77", ts=ts)).encode()
    started = time.perf_counter()
    http.post(
        "/slack/events", content=body, headers={**sign(body), "Content-Type": "application/json"}
    )
    slack.wait_for(
        "chat.postMessage", lambda c: c.params.get("thread_ts") == ts and done(c), timeout=120
    )
    return time.perf_counter() - started


def proposal_latency(runs: int) -> tuple[list[float], list[float], Any, FakeSlack]:
    """Message-to-proposal and message-to-answer times through the Slack stack.

    Args:
        runs: proposals (and as many plain turns) to time.
    """
    from bot.http import create_http_app
    from bot.slack.runtime import build_runtime
    from core.settings import Settings

    slack = FakeSlack().start()
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=Path(tempfile.mkdtemp(prefix="bench-arch-")),
        aws_mode="sandbox",
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_api_url=slack.api_url,
        architecture_poll_seconds=0.01,
    )
    runtime = build_runtime(settings)
    proposals: list[float] = []
    plain: list[float] = []
    with TestClient(create_http_app(runtime)) as http:
        eventually(lambda: runtime.surface.identity.known)  # /slack/events answers 503 until then
        _timed_turn(http, slack, "hello", "1.0", lambda c: True)  # warm the process
        for i in range(runs):
            request = REQUESTS[i % len(REQUESTS)]
            card = lambda c: "Deploy" in json.dumps(c.params.get("blocks"))  # noqa: E731
            proposals.append(_timed_turn(http, slack, request, f"{10 + i}.1", card))
            plain.append(_timed_turn(http, slack, "hello again", f"{500 + i}.1", lambda c: True))
    return proposals, plain, runtime, slack


def deploy_time(runtime: Any, runs: int) -> tuple[list[float], list[float]]:
    """Propose-to-deployed in the sandbox, and CloudFormation's own create_stack of the template.

    Args:
        runtime: the running Slack runtime (its CloudFabric owns the sandbox).
        runs: deploys to time.
    """
    from tools.architecture.cfn import build_template, to_yaml
    from tools.architecture.handlers import propose
    from tools.architecture.models import DeployArgs, ProposeArgs

    app = runtime.cloudfabric
    spec_of = app.registry.get("architecture.deploy")
    assert spec_of.preview is not None
    ours: list[float] = []
    raw: list[float] = []
    for i in range(runs):
        started = time.perf_counter()
        ctx = app.context_for("alice")
        result = propose(ctx, ProposeArgs(request=REQUESTS[0], name=f"bench-web-{i}"))
        plan = spec_of.preview(ctx, DeployArgs(name=result.name))
        request = app.approvals.request(plan, "alice")
        final = app.approvals.approve(request.id, "bob")
        ours.append(time.perf_counter() - started)
        assert final.state == "SUCCEEDED", final.error
        body = to_yaml(build_template(result.spec.model_copy(update={"name": f"raw-web-{i}"})))
        cfn = boto3.client("cloudformation", result.spec.region)
        started = time.perf_counter()
        cfn.create_stack(
            StackName=f"raw-web-{i}", TemplateBody=body, Capabilities=["CAPABILITY_NAMED_IAM"]
        )
        cfn.get_waiter("stack_create_complete").wait(
            StackName=f"raw-web-{i}", WaiterConfig={"Delay": 1}
        )
        raw.append(time.perf_counter() - started)
    return ours, raw


def main(argv: list[str] | None = None) -> None:
    """Run both measurements and print them with their ratios.

    Args:
        argv: ``[--quick]``.
    """
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer runs")
    quick = parser.parse_args(argv).quick
    proposals, plain, runtime, slack = proposal_latency(6 if quick else 24)
    p95, base = _p95(proposals), _p95(plain)
    print(
        f"message -> proposal in the thread: p50 {statistics.median(proposals):.2f} s, "
        f"p95 {p95:.2f} s over {len(proposals)} proposals "
        f"(target p95 < {TARGET_P95_S:.0f} s; roadmap: design < 5 min)"
    )
    print(f"baseline, a plain answer through the same stack: p95 {base:.2f} s")
    print(
        f"ratio proposal / plain answer (p95): {p95 / base:.1f}x; "
        f"{'meets' if p95 < TARGET_P95_S else 'MISSES'} the target; "
        f"{DESIGN_GOAL_S / p95:.0f}x under the 5-minute design goal"
    )
    ours, raw = deploy_time(runtime, 1 if quick else 3)
    runtime.close()
    slack.stop()
    mean, raw_mean = statistics.mean(ours), statistics.mean(raw)
    print(
        f"propose -> deployed in the sandbox (41-resource prod web app): {mean:.2f} s mean "
        f"over {len(ours)}"
    )
    print(f"baseline, CloudFormation create_stack of the same template alone: {raw_mean:.2f} s")
    print(
        f"ratio ours / CloudFormation alone: {mean / raw_mean:.1f}x; "
        f"{DEPLOY_GOAL_S / mean:.0f}x under the 2-minute deploy goal "
        "(moto: no real provisioning time)"
    )


if __name__ == "__main__":
    main()
