"""What the offline classifier learns from: every tool's example utterances from the registry,
plus chat that asks for no tool (``data/off_topic.txt``), masked the same way as messages.

Examples name the sandbox's resources, so they are masked against a lexicon of those names:
the classifier then sees ``zinstance`` wherever an example said ``web-1``, and a live estate's
names mask to the same words.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from agents.offline.classifier import OFF_TOPIC, ToolClassifier
from agents.offline.lexicon import Entity, Lexicon
from agents.offline.masking import mask
from tools.registry import Registry

OFF_TOPIC_FILE = Path(__file__).with_name("data") / "off_topic.txt"
EXAMPLE_NAMES: dict[str, tuple[str, ...]] = {
    "instance": ("web-1", "web-2", "batch-worker", "legacy-app", "analytics-1", "shared-tools"),
    "vpc": ("prod-vpc", "analytics-vpc", "shared-vpc"),
    "subnet": ("prod-public-a", "prod-public-b", "prod-private-a", "prod-private-b", "analytics-a"),
    "security_group": ("web-sg", "ssh-open", "db-sg"),
    "load_balancer": ("web-alb",),
    "target_group": ("web-tg",),
    "database": ("db-prod",),
    "bucket": ("cf-demo-logs", "cf-demo-assets"),
    "function": ("thumbnailer",),
    "auto_scaling_group": ("web-asg",),
    "volume": ("old-data", "web-1-root", "web-2-root", "batch-worker-root", "legacy-app-root"),
    "snapshot": ("old-data-backup",),
    "address": ("spare-ip", "prod-nat-ip"),
    "nat_gateway": ("prod-nat",),
    "internet_gateway": ("prod-igw",),
    "route_table": ("prod-public-rt", "prod-private-rt"),
    "architecture": ("prod-web",),
    "workflow": (
        "nightly-db-snapshot",
        "stop-dev-instances",
        "weekly-cost-report",
        "ipam-vpc-reconcile",
    ),
}
"""The sandbox names examples use, by kind (what ``mask`` replaces while training)."""


def sandbox_pools() -> list[str]:
    """Names of the sandbox's IPAM pools (its seeded pool tree)."""
    from core.sandbox.ipam import IPAM_POOL_TREE_CSV

    rows = IPAM_POOL_TREE_CSV.strip().splitlines()[1:]
    return [row.split(",")[1] for row in rows if row.startswith("pool,")]


@lru_cache(maxsize=1)
def example_lexicon() -> Lexicon:
    """The sandbox's names, which the registry's examples use, as a lexicon."""
    named = [Entity(name, kind) for kind, names in EXAMPLE_NAMES.items() for name in names]
    return Lexicon.of([*named, *(Entity(pool, "pool") for pool in sandbox_pools())])


def off_topic() -> list[str]:
    """Messages that ask for no tool (comments and blank lines skipped)."""
    lines = OFF_TOPIC_FILE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def samples(registry: Registry) -> tuple[list[str], list[str]]:
    """Masked training texts and their labels.

    Args:
        registry: every tool with its examples.
    """
    lexicon = example_lexicon()
    texts: list[str] = []
    labels: list[str] = []
    for spec in registry.all():
        for text in dict.fromkeys((spec.example, *spec.examples)):
            texts.append(mask(text, lexicon))
            labels.append(spec.name)
    for text in off_topic():
        texts.append(mask(text, lexicon))
        labels.append(OFF_TOPIC)
    return texts, labels


@lru_cache(maxsize=4)
def classifier_for(registry: Registry) -> ToolClassifier:
    """The classifier trained on ``registry`` (built once per registry per process).

    Args:
        registry: every tool with its examples.
    """
    return ToolClassifier(*samples(registry))
