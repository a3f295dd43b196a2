"""Which channel an incident's thread opens in: ordered rules (``alerts_routes``), first match
wins, else ``alerts_channel``.

A rule matches on account, environment, severity and service. The environment is the
resource's Environment tag from the inventory when it is there, else an ``env`` /
``environment`` label of the alert; the service is the CloudWatch namespace (``AWS/EC2``), the
EventBridge source (``aws.guardduty``), an Alertmanager/Grafana ``service`` or ``job`` label, or
the service of the resource's ARN. Services compare without ``AWS/`` or ``aws.`` and case, so
``EC2``, ``AWS/EC2`` and ``aws.ec2`` are one service. Alert text is only compared, never run.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from core.settings import AlertRoute, Settings
from tools.alerts.models import AlertRow

ENV_TAGS = ("Environment", "environment", "Env", "env", "ENV", "Stage", "stage")
ENV_LABELS = ("environment", "env", "Environment", "Env", "stage")
SERVICE_LABELS = ("service", "job")
MAX_DEPTH = 6
Tags = Callable[[Iterable[str]], dict[str, str]]
"""Looks up the inventory tags of the first known of some resource names."""


@dataclass(frozen=True)
class AlertFacts:
    """What routing looks at in an alert.

    Attributes:
        account: the AWS account id, when known.
        severity: critical, error, warning or info.
        environment: the environment (tag or label), lower case, when known.
        services: the services the alert is about, normalised.
    """

    account: str | None
    severity: str
    environment: str | None
    services: frozenset[str]


def normal_service(name: str) -> str:
    """``AWS/EC2``, ``aws.ec2`` and ``EC2`` all as ``ec2``.

    Args:
        name: a namespace, event source, label value or rule value.
    """
    value = name.strip().lower()
    for prefix in ("aws/", "aws."):
        if value.startswith(prefix):
            value = value[len(prefix) :]
    return value


def facts_of(row: AlertRow, tags: Tags) -> AlertFacts:
    """The routing facts of a stored alert.

    Args:
        row: the alert as stored.
        tags: inventory tag lookup (the environment tag wins over labels).
    """
    labels: dict[str, str] = json.loads(row.labels_json or "{}")
    raw = _loads(row.raw_json)
    found = tags([row.resource, *labels.values()])
    environment = next((found[k] for k in ENV_TAGS if found.get(k)), None) or next(
        (labels[k] for k in ENV_LABELS if labels.get(k)), None
    )
    services = {labels[k] for k in SERVICE_LABELS if labels.get(k)}
    services |= set(_namespaces(raw, 0))
    if isinstance(raw, dict) and isinstance(raw.get("source"), str):
        services.add(raw["source"])
    if row.resource.startswith("arn:") and row.resource.count(":") >= 2:
        services.add(row.resource.split(":")[2])
    return AlertFacts(
        account=row.account,
        severity=row.severity,
        environment=environment.strip().lower() if environment else None,
        services=frozenset(normal_service(s) for s in services if s),
    )


def matches(rule: AlertRoute, facts: AlertFacts) -> bool:
    """Whether every criterion ``rule`` gives holds for ``facts``.

    Args:
        rule: one routing rule.
        facts: the alert's facts.
    """
    if rule.accounts and facts.account not in rule.accounts:
        return False
    if rule.severities and facts.severity not in rule.severities:
        return False
    wanted_envs = {env.strip().lower() for env in rule.environments}
    if wanted_envs and facts.environment not in wanted_envs:
        return False
    wanted_services = {normal_service(service) for service in rule.services}
    return not wanted_services or bool(wanted_services & facts.services)


def rule_criteria(rule: AlertRoute) -> list[tuple[str, list[str]]]:
    """The criteria ``rule`` has, as (what, values), for showing it.

    Args:
        rule: one routing rule.
    """
    criteria: list[tuple[str, list[str]]] = [
        ("account", rule.accounts),
        ("environment", rule.environments),
        ("severity", list(rule.severities)),
        ("service", rule.services),
    ]
    return [(what, values) for what, values in criteria if values]


class Router:
    """Picks the channel of an incident's thread.

    Args:
        rules: the ordered rules.
        fallback: the channel when no rule matches (None: no thread).
    """

    def __init__(self, rules: Sequence[AlertRoute], fallback: str | None) -> None:
        """Keep the rules and the fallback."""
        self.rules = list(rules)
        self.fallback = fallback

    @classmethod
    def from_settings(cls, settings: Settings) -> Router:
        """The router the settings describe (``alerts_routes``, ``alerts_channel``).

        Args:
            settings: runtime settings.
        """
        return cls(settings.alerts_routes, settings.alerts_channel)

    @property
    def active(self) -> bool:
        """Whether any alert can get a thread (a rule or a fallback channel exists)."""
        return bool(self.rules or self.fallback)

    def rule_for(self, facts: AlertFacts) -> tuple[int, AlertRoute] | None:
        """The first rule (1-based position, rule) that matches, if one does.

        Args:
            facts: the alert's facts.
        """
        for position, rule in enumerate(self.rules, start=1):
            if matches(rule, facts):
                return position, rule
        return None

    def channel_for(self, facts: AlertFacts) -> str | None:
        """The channel of the first matching rule, else the fallback.

        Args:
            facts: the alert's facts.
        """
        found = self.rule_for(facts)
        return found[1].channel if found else self.fallback

    def channels(self) -> list[str]:
        """Every channel alerts may go to (each rule's and the fallback), in order, once each."""
        names = [rule.channel for rule in self.rules] + ([self.fallback] if self.fallback else [])
        return list(dict.fromkeys(names))


def _loads(text: str) -> Any:
    try:
        return json.loads(text or "{}")
    except ValueError:
        return {}


def _namespaces(value: Any, depth: int) -> list[str]:
    """Metric namespaces anywhere in a payload (an SNS ``Message`` is JSON in a string)."""
    if depth > MAX_DEPTH:
        return []
    if isinstance(value, list):
        return [found for item in value[:20] for found in _namespaces(item, depth + 1)]
    if not isinstance(value, dict):
        return []
    found = [value["Namespace"]] if isinstance(value.get("Namespace"), str) else []
    if isinstance(value.get("namespace"), str) and "name" in value:  # EventBridge's metric
        found.append(value["namespace"])
    for key, item in list(value.items())[:50]:
        if key == "Message" and isinstance(item, str) and item.lstrip().startswith("{"):
            item = _loads(item)
        found += _namespaces(item, depth + 1)
    return found
