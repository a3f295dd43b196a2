"""Run the playbook for a signal and return its investigation: ``investigate(ctx, signal)``.

Playbooks only read. The suggested fix is a tool call for the approval gate; nothing here runs it.
"""

from __future__ import annotations

from collections.abc import Callable

from tools.alerts.playbooks import (
    alb,
    cost,
    ec2_cpu,
    guardduty,
    instance_state,
    lambdas,
    rds,
    security_group,
)
from tools.alerts.playbooks.fixes import SuggestedFix
from tools.alerts.playbooks.models import Investigation, Signal, SignalKind, quote
from tools.alerts.playbooks.notebook import Notebook
from tools.context import ToolContext

Playbook = Callable[[Notebook], SuggestedFix | None]
PLAYBOOKS: dict[SignalKind, tuple[str, Playbook]] = {
    "ec2_cpu_high": ("EC2 CPU high", ec2_cpu.run),
    "rds_connections": ("RDS connections", rds.run),
    "rds_cpu": ("RDS CPU", rds.run),
    "rds_storage": ("RDS storage", rds.run),
    "alb_5xx": ("ALB 5xx", alb.run),
    "lambda_errors": ("Lambda errors", lambdas.run),
    "lambda_throttles": ("Lambda throttles", lambdas.run),
    "lambda_duration": ("Lambda duration", lambdas.run),
    "cost_anomaly": ("Cost anomaly", cost.run),
    "guardduty_finding": ("GuardDuty finding", guardduty.run),
    "sg_open_to_world": ("Security group open to the world", security_group.run),
    "instance_state_change": ("Instance state change", instance_state.run),
}
"""Playbook title and function for every signal kind."""


def investigate(ctx: ToolContext, signal: Signal) -> Investigation:
    """Investigate ``signal`` with read-only calls; findings ranked, gaps listed, fix suggested.

    Args:
        ctx: tool context (AWS clients, clock, inventory store).
        signal: what fired, where and when.
    """
    title, playbook = PLAYBOOKS[signal.kind]
    book = Notebook(ctx, signal)
    fix = playbook(book)
    ranked = sorted(book.findings, key=lambda f: f.weight, reverse=True)
    return Investigation(
        signal=signal, title=f"{title}: {quote(signal.resource, 120)}", findings=ranked,
        not_checked=book.not_checked, suggested_fix=fix, investigated_at=ctx.clock.now(),
    )  # fmt: skip
