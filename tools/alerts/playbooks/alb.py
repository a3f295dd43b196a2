"""ALB 5xx: the load balancer's and its targets' 5xx counts, and the health of every target."""

from __future__ import annotations

from functools import partial
from typing import Any

from core.aws_read import paginate
from tools.alerts.playbooks import metrics
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import ReadEvidence, quote
from tools.alerts.playbooks.notebook import Notebook
from tools.ec2.models import PowerArgs

FAILED_CHECKS = "Target.FailedHealthChecks"


def dimension(arn: str) -> str:
    """The ``LoadBalancer`` dimension CloudWatch uses: ``app/<name>/<id>`` of the ARN.

    Args:
        arn: the load balancer's ARN (or the dimension itself).
    """
    return arn.split(":loadbalancer/", 1)[-1]


def _counts(book: Notebook, lb: str) -> None:
    for name, who in (("HTTPCode_ELB_5XX_Count", "the load balancer"),
                      ("HTTPCode_Target_5XX_Count", "the targets")):  # fmt: skip
        ref = metrics.metric_for(book, "AWS/ApplicationELB", name, {"LoadBalancer": dimension(lb)})
        found = metrics.summary(book, ref, "Sum")
        if found is not None:
            total = found.average * found.datapoints
            book.found(f"{total:.0f} 5xx answers came from {who} around the alarm.", 70, found)


def _health(book: Notebook, lb_arn: str) -> list[dict[str, Any]]:
    client = book.client("elbv2")
    groups = book.read(
        "target groups of the load balancer", "elasticloadbalancing:DescribeTargetGroups",
        lambda: list(paginate(client, "describe_target_groups", "TargetGroups",
                              LoadBalancerArn=lb_arn)),
    )  # fmt: skip
    unhealthy: list[dict[str, Any]] = []
    for group in groups or []:
        name = str(group["TargetGroupName"])
        answer = book.read(
            f"target health of {name}", "elasticloadbalancing:DescribeTargetHealth",
            partial(client.describe_target_health, TargetGroupArn=group["TargetGroupArn"]),
        )  # fmt: skip
        for item in (answer or {}).get("TargetHealthDescriptions", []):
            health = item.get("TargetHealth", {})
            state = str(health.get("State", "unknown"))
            target = str(item.get("Target", {}).get("Id"))
            facts = {"target_group": name, "target": target, "state": state,
                     "reason": str(health.get("Reason", "")),
                     "description": quote(health.get("Description", ""), 160)}  # fmt: skip
            evidence = ReadEvidence(call="DescribeTargetHealth", resource=target, facts=facts)
            bad = state not in ("healthy", "initial")
            words = f"{target} in {name} is {state}" + (f" ({facts['reason']})" if bad else "")
            book.found(words + ".", 85 if bad else 10, evidence)
            if bad:
                unhealthy.append(facts)
    return unhealthy


def run(book: Notebook) -> SuggestedFix | None:
    """Investigate 5xx on an ALB; suggest rebooting instance targets that fail health checks.

    Args:
        book: the playbook run (signal.resource is the load balancer's ARN).
    """
    lb_arn = book.signal.resource
    _counts(book, lb_arn)
    if not lb_arn.startswith("arn:"):
        book.skip("target health", "the alert names no load balancer ARN.")
        return None
    failing = [
        f["target"] for f in _health(book, lb_arn)
        if f["reason"] == FAILED_CHECKS and f["target"].startswith("i-")
    ]  # fmt: skip
    if not failing:
        return None
    return SuggestedFix(
        tool="ec2.reboot_instances",
        args=PowerArgs(targets=sorted(set(failing)), region=book.signal.region),
        why=f"{len(set(failing))} instance target(s) fail their health checks.",
    )
