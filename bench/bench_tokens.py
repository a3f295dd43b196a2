"""Benchmark: input tokens and model calls per request on the Bedrock path.

Twenty typical requests (reads across domains, a stop that is approved, cost questions, IPAM,
help and a follow-up in the same thread) go through the real app on the sandbox, with
``ChatBedrockConverse`` on a ``bedrock-runtime`` client behind a botocore Stubber. The
Stubber is given, call by call, the Converse answer a model would give: the request's tool
call, or a short text once tool results or an approval outcome come back. Every strategy runs
the same requests; the first (the behaviour before: every tool on every call, and a second
call after each read) is the baseline the others are compared with.

Estimator (the same for every strategy): tokens = characters / 4 of the JSON of the Converse
request body the Stubber receives (all of it but ``modelId``, which travels in the URL).

Cache model: Bedrock caches the prompt up to each ``cachePoint``, in the order tools, system,
messages. A call reads a checkpoint's prefix from the cache when an earlier call of the run
wrote the same prefix (the run is well inside the five-minute TTL) and the prefix is at least
1,024 tokens (the minimum per checkpoint for Claude 3.7 Sonnet and the Claude 4 models);
otherwise it writes it. Uncached input tokens = all input tokens - tokens read from the cache.
The billed figure weighs cache writes at 1.25 and reads at 0.1 of an input token (Bedrock's
prices for Claude); "cold" is the same run with every cache lookup missing, as when a
workspace's calls are more than five minutes apart.

    uv run python -m bench.bench_tokens
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from botocore.stub import Stubber

from agents.graph import build_graph
from agents.providers import ChatProvider, bedrock_model
from agents.tool_node import ToolRunner
from agents.toolset import DomainSelector
from bench.token_cost import CacheLedger, CallCost
from bot.app import CloudFabric, create_app
from core.settings import Settings
from tests.fakes.converse import runtime_client, text_reply, tool_use

MODEL_ID = "us.anthropic.claude-3-7-sonnet-20250219-v1:0"
TARGET_MEDIAN = 3_000


@dataclass(frozen=True)
class Ask:
    """One request: what is typed, the tool call a model answers with, what it is about."""

    text: str
    tool: str
    args: dict[str, Any]
    domains: tuple[str, ...]
    thread: str = ""


ASKS = [
    Ask("what instances are running in us-east-1?", "ec2_list_instances",
        {"region": "us-east-1", "state": "running"}, ("ec2",), thread="fleet"),
    Ask("tell me about web-1", "ec2_describe_instance", {"target": "web-1"}, ("ec2",)),
    Ask("what do we run in eu-west-1?", "inventory_search", {"region": "eu-west-1"},
        ("inventory",)),
    Ask("describe db-prod", "inventory_describe", {"resource": "db-prod"}, ("inventory",)),
    Ask("what is unused and costing money?", "inventory_orphans", {}, ("inventory", "cost")),
    Ask("which security groups are open to the world?", "security_risky_security_groups",
        {"include_unused": True}, ("security",)),
    Ask("what is exposed to the internet?", "security_public_exposure", {}, ("security",)),
    Ask("what breaks if db-prod fails?", "graph_blast_radius", {"resource": "db-prod"},
        ("graph",)),
    Ask("what does web-1 depend on?", "graph_dependencies",
        {"resource": "web-1", "direction": "dependencies"}, ("graph",)),
    Ask("how much did we spend last month by service?", "cost_actuals",
        {"group_by": "service", "period": "last_month"}, ("cost",)),
    Ask("how much is an m5.large in eu-central-1?", "cost_price",
        {"service": "ec2", "item": "m5.large", "region": "eu-central-1"}, ("cost",)),
    Ask("where can we save money?", "cost_recommendations", {}, ("cost",)),
    Ask("what's my most expensive resource?", "cost_top_resources", {"limit": 5}, ("cost",)),
    Ask("list the ipam pools", "ipam_pools", {}, ("ipam",)),
    Ask("show the eu-west-1 pool", "ipam_show_pool", {"pool": "eu-west-1"}, ("ipam",)),
    Ask("plan subnets for 10.1.0.0/20 across 3 AZs", "ipam_plan_subnets",
        {"cidr": "10.1.0.0/20", "az_count": 3}, ("ipam",)),
    Ask("stop batch-worker", "ec2_stop_instances", {"targets": ["batch-worker"]}, ("ec2",)),
    Ask("which architectures do we have?", "architecture_list", {}, ("architecture",)),
    Ask("what can you do?", "help", {}, ("help",)),
    Ask("and in eu-west-1?", "ec2_list_instances", {"region": "eu-west-1"}, ("ec2",),
        thread="fleet"),
]  # fmt: skip
SIMPLE_READ = ASKS[0]


@dataclass(frozen=True)
class Strategy:
    """How requests are sent: caching, tool subsets, a second call after reads."""

    name: str
    caching: bool = False
    subset: bool = False
    answer_after_reads: bool = False


STRATEGIES = [
    Strategy("before: all tools, 2 calls/read", answer_after_reads=True),
    Strategy("1 call/read, all tools"),
    Strategy("+ caching", caching=True),
    Strategy("+ subset", subset=True),
    Strategy("+ caching + subset (default)", caching=True, subset=True),
]


@dataclass
class Scripted:
    """Answers each Converse call just in time through the Stubber and keeps the bodies."""

    stubber: Stubber
    bodies: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, params: dict[str, Any], **_: Any) -> None:
        """Record the request and queue the answer a model would give to it.

        Args:
            params: the Converse request's parameters (``provide-client-params``).
            **_: the event's other arguments.
        """
        self.bodies.append(json.loads(json.dumps(params)))
        self.stubber.add_response("converse", self._answer(params["messages"][-1]["content"]))

    def _answer(self, content: list[dict[str, Any]]) -> dict[str, Any]:
        texts = [block["text"] for block in content if "text" in block]
        ask = next((a for a in ASKS if texts and a.text == texts[-1]), None)
        if ask is None:
            return text_reply("Here is what I found.")
        return tool_use(ask.tool, ask.args, f"use-{len(self.bodies)}")


def selector() -> DomainSelector:
    """The domain chooser chat uses: the offline classifier's one or two likeliest domains, or
    ``None`` (every tool) when it is unsure."""
    from agents.offline.router import default_understanding

    return default_understanding().domains_for


def use(app: CloudFabric, strategy: Strategy, client: Any) -> None:
    """Point the app's conversations at a provider and graph built for ``strategy``.

    Args:
        app: the sandbox app.
        strategy: what to send.
        client: the stubbed ``bedrock-runtime`` client.
    """
    caching = "on" if strategy.caching else "off"
    settings = app.settings.model_copy(update={"bedrock_prompt_caching": caching})
    provider = ChatProvider.build(
        settings,
        app.registry,
        bedrock_model(settings, client=client),
        select_domains=selector() if strategy.subset else None,
    )
    runner = ToolRunner(app.registry, app.approvals, app.context_for)
    graph = build_graph(
        provider, runner, app.checkpoints.saver, answer_after_reads=strategy.answer_after_reads
    )
    app.conversations.provider, app.conversations.graph = provider, graph


def ask_once(app: CloudFabric, strategy: Strategy, index: int, ask: Ask) -> None:
    """Send one request; approve it as another person when it files an approval.

    Args:
        app: the sandbox app.
        strategy: names the request's conversation, apart from other strategies'.
        index: the request's place in ``ASKS`` (its conversation unless it has a thread).
        ask: the request.
    """
    conversation = f"T0BENCH:C{STRATEGIES.index(strategy)}:{ask.thread or index}"
    reply = app.conversations.handle_message(conversation, "U0ALICE", ask.text)
    if reply.cards:
        app.conversations.decide(conversation, "U0BOB", True, reply.cards[0].approval_id)
        batch = app.sandbox.estate.instance_ids["batch-worker"]
        app.aws.client("ec2", "us-east-1").start_instances(InstanceIds=[batch])


def run(app: CloudFabric, strategy: Strategy, client: Any, script: Scripted) -> list[CallCost]:
    """Every request under ``strategy``: the cost of each, in order.

    Args:
        app: the sandbox app.
        strategy: what to send.
        client: the stubbed ``bedrock-runtime`` client.
        script: answers the calls and keeps their bodies.
    """
    use(app, strategy, client)
    ledger = CacheLedger()
    costs = []
    for index, ask in enumerate(ASKS):
        start = len(script.bodies)
        ask_once(app, strategy, index, ask)
        calls = [ledger.cost(body) for body in script.bodies[start:]]
        costs.append(CallCost.total_of(calls))
    return costs


def report(results: dict[Strategy, list[CallCost]]) -> None:
    """Print the table and whether the default strategy meets the targets.

    Args:
        results: each strategy's request costs, the baseline first.
    """
    base = sum(c.billed for c in results[STRATEGIES[0]])
    print(f"{len(ASKS)} requests; tokens = characters / 4 of each Converse request body")
    head = "  {:<33}{:>9}{:>9}{:>7}{:>6}{:>8}{:>12}{:>9}{:>12}"
    print(
        head.format("strategy", "median", "max", "calls", "max", "read", "billed", "ratio", "cold")
    )
    print(head.format("", "uncached", "uncached", "med", "calls", "calls", "(warm)", "", "billed"))
    for strategy, costs in results.items():
        uncached = [c.uncached for c in costs]
        calls = [c.calls for c in costs]
        billed = sum(c.billed for c in costs)
        print(
            f"  {strategy.name:<33}{statistics.median(uncached):>9,.0f}{max(uncached):>9,.0f}"
            f"{statistics.median(calls):>7.0f}{max(calls):>6}{costs[0].calls:>8}"
            f"{billed:>12,.0f}{base / billed:>8.1f}x{sum(c.cold for c in costs):>12,.0f}"
        )
    verdict(results[STRATEGIES[-1]])


def verdict(costs: list[CallCost]) -> None:
    """Say whether the default strategy meets the targets.

    Args:
        costs: the default strategy's request costs.
    """
    median = statistics.median(c.uncached for c in costs)
    ok = median <= TARGET_MEDIAN and costs[ASKS.index(SIMPLE_READ)].calls == 1
    print(
        f"  default: median {median:,.0f} uncached input tokens per request (target "
        f"<= {TARGET_MEDIAN:,}), {costs[0].calls} call for a simple read (target 1): "
        + ("meets the targets" if ok else "MISSES the targets")
    )


def detail(results: dict[Strategy, list[CallCost]]) -> None:
    """Print each request's calls and uncached input tokens under every strategy.

    Args:
        results: each strategy's request costs.
    """
    print("\nper request: calls / uncached input tokens, strategies in the order above")
    for index, ask in enumerate(ASKS):
        cells = "".join(
            f"{costs[index].calls:>4} /{costs[index].uncached:>7,.0f}" for costs in results.values()
        )
        print(f"  {ask.text[:42]:<44}{cells}")


def scoped() -> None:
    """Say how often the classifier named the domain each request is about."""
    choose = selector()
    picked = [choose(ask.text) for ask in ASKS]
    right = sum(
        1 for ask, domains in zip(ASKS, picked, strict=True) if domains == list(ask.domains)
    )
    unsure = sum(1 for domains in picked if domains is None)
    print(
        f"domain chooser: {right}/{len(ASKS)} requests scoped to exactly their domain(s), "
        f"{unsure} unsure (bound every tool)"
    )


def main() -> None:
    """Build one sandbox app and run every strategy through it."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="accepted; the run is short")
    parser.add_argument("--detail", action="store_true", help="print every request's figures")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=Path(folder) / "cf",
            model_provider="bedrock",
            bedrock_model_id=MODEL_ID,
        )
        client = runtime_client()
        with Stubber(client) as stubber:
            script = Scripted(stubber)
            client.meta.events.register("provide-client-params.bedrock-runtime.Converse", script)
            app = create_app(settings, model=bedrock_model(settings, client=client))
            try:
                results = {s: run(app, s, client, script) for s in STRATEGIES}
            finally:
                app.close()
        report(results)
        scoped()
        if args.detail:
            detail(results)


if __name__ == "__main__":
    main()
