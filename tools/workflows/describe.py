"""Triggers and steps in words, and the next fire times (what previews and cards show)."""

from __future__ import annotations

import json
from datetime import datetime

from core.recurrence import next_fires
from tools.registry import Registry
from tools.workflows.spec import (
    ApprovalStep,
    ConditionStep,
    CronTrigger,
    EventTrigger,
    ForEachStep,
    ManualTrigger,
    NotifyStep,
    RateTrigger,
    Step,
    ToolStep,
    Trigger,
    WaitStep,
    WebhookTrigger,
)

FIRES_SHOWN = 3


def trigger_words(trigger: Trigger) -> str:
    """What starts a run, in words.

    Args:
        trigger: the trigger.
    """
    if isinstance(trigger, CronTrigger | RateTrigger):
        return trigger.recurrence.describe()
    if isinstance(trigger, EventTrigger):
        return f"when {trigger.description or 'an event matches the pattern'}"
    if isinstance(trigger, WebhookTrigger):
        return "when its webhook URL receives a signed POST"
    assert isinstance(trigger, ManualTrigger)
    return "only when someone runs it"


def trigger_expression(trigger: Trigger) -> str:
    """The trigger as an expression: cron fields, a rate, or the event pattern's JSON.

    Args:
        trigger: the trigger.
    """
    if isinstance(trigger, CronTrigger):
        return f"cron({trigger.recurrence.cron}) in {trigger.recurrence.timezone}"
    if isinstance(trigger, RateTrigger):
        seconds = int(trigger.recurrence.rate.total_seconds()) if trigger.recurrence.rate else 0
        return f"rate({seconds} seconds)"
    if isinstance(trigger, EventTrigger):
        return json.dumps(trigger.pattern, sort_keys=True)[:1500]
    return trigger.kind


def fire_lines(trigger: Trigger, now: datetime, created: datetime | None = None) -> list[str]:
    """The next three fire times, in UTC and in the schedule's zone.

    Args:
        trigger: the trigger.
        now: the clock's now.
        created: when the workflow was created (a rate counts from it; default ``now``).
    """
    if not isinstance(trigger, CronTrigger | RateTrigger):
        return []
    zone = trigger.recurrence.zone
    fires = next_fires(trigger.recurrence, now, FIRES_SHOWN, created=created or now)
    return [
        f"{f:%Y-%m-%d %H:%M} UTC = {f.astimezone(zone):%Y-%m-%d %H:%M %Z} "
        f"({trigger.recurrence.timezone})"
        for f in fires
    ]


def step_words(step: Step, registry: Registry | None = None) -> str:
    """One step in words, marking the ones that change things.

    Args:
        step: the step.
        registry: the tools (to say which change things).
    """
    if isinstance(step, ToolStep | ForEachStep):
        changes = (
            registry is not None and step.tool in registry and registry.get(step.tool).mutating
        )
        mark = " — *changes things: approved on every run*" if changes else ""
        args = json.dumps(step.args, sort_keys=True)[:200]
        loop = f"for each of {step.items}: " if isinstance(step, ForEachStep) else ""
        retry = f", {step.retry.attempts} tries" if step.retry.attempts > 1 else ""
        return f"`{step.id}`: {loop}{step.tool} {args}{retry}{mark}"
    if isinstance(step, ConditionStep):
        value = "" if step.op in ("exists", "empty", "not_empty") else f" {step.value!r}"
        return f"`{step.id}`: go on only if {step.ref} {step.op.replace('_', ' ')}{value}"
    if isinstance(step, WaitStep):
        return f"`{step.id}`: wait {step.seconds} s"
    if isinstance(step, NotifyStep):
        return f"`{step.id}`: post to {step.channel or 'the channel'}: “{step.template[:160]}”"
    assert isinstance(step, ApprovalStep)
    hours = step.expires_after_minutes / 60
    return f"`{step.id}`: wait for approval ({step.prompt[:100]}), expires after {hours:g} h"
