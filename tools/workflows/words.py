"""From a sentence to workflow specs, or to the one question that is missing.

The grammar is pure: it takes the sentence and the names already linked to real resources
(``known``: lower-cased name -> kind, from the offline model's lexicon or the inventory) and
picks a template (``templates.py``), a trigger and a channel. Schedules are read by
``core.recurrence.read_recurrence``.

Two schedules with two different actions ("stop them at 7pm and start them at 7am") become
two workflows, ``<name>-stop`` and ``<name>-start``: each keeps one trigger, its own runs and
its own pause switch.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from core import patterns
from core.recurrence import Recurrence, RecurrenceError, read_recurrence
from tools.workflows.spec import (
    CronTrigger,
    ManualTrigger,
    RateTrigger,
    Trigger,
    WebhookTrigger,
    WorkflowSpec,
)
from tools.workflows.templates import (
    TEMPLATES,
    Params,
    alarm_pattern,
    event_trigger,
    port_pattern,
)

MAX_TEXT = 500
CHANNEL = patterns.compile(r"(?:^|\s)#([a-z0-9][a-z0-9_-]{0,79})")
TAG = patterns.compile(r"\btagged\s+([a-z][\w.:-]{0,60})\s*[=:]\s*([\w.@/+-]{1,60})")
NAMED = patterns.compile(r"\b(?:called|named|call it)\s+([a-z][a-z0-9-]{1,58}[a-z0-9])\b")
DAYS = patterns.compile(
    r"\b(?:keep(?:ing)?|retain(?:ing)?|retention(?: of)?|older than|after|for)\s+"
    r"(\d{1,4})\s*days?\b"
)
PORT = patterns.compile(r"\bport\s+(\d{1,5})\b")
ASK_FIRST = patterns.compile(
    r"\b(?:ask(?:ing)?\s+(?:for\s+)?(?:an?\s+)?(?:approval|the ok|the go-ahead)"
    r"|ask\s+(?:first|before)|(?:after|once)\s+(?:someone\s+|somebody\s+)?approv(?:es|ed|al)"
    r"|with\s+approval\s+first)\b"
)
WAIT_FOR = patterns.compile(
    r"\bwait(?:ing)?\s+(?:up\s+to\s+|at\s+most\s+)?(\d{1,3})\s+(minute|hour|day)s?\b"
)
ASK_DEFAULT_MINUTES = 24 * 60
"""How long a run waits for its approval step when the words give no time."""
_UNIT_MINUTES = {"minute": 1, "hour": 60, "day": 24 * 60}
HYPHENATED = patterns.compile(r"\b[a-z][a-z0-9]*(?:-[a-z0-9]+)+\b")
SCHEDULE_START = patterns.compile(
    r"\b(every|each|daily|nightly|weekly|hourly|monthly|weekdays|on (?:mondays|tuesdays|"
    r"wednesdays|thursdays|fridays|saturdays|sundays|weekdays)|on the (?:first|second|third|"
    r"fourth|last|\d)\w*|(?:first|second|third|fourth|last) \w+ of|"
    r"at \d{1,2}(?::\d\d)?\s*(?:am|pm)?)\b"
)
ANY_KIND = "*"
"""The kind of a name already linked to a real resource whose kind the caller did not say."""
LONGEST_SCHEDULE = 9
"""Most words a schedule phrase spans ("every monday and thursday at 9am Berlin time")."""

INTENTS: tuple[tuple[str, patterns.Pattern], ...] = (
    (
        "port-opened",
        patterns.compile(r"\bopens?\b.*\bport\b|\bport\s+\d+\b.*\b(world|public|0\.0\.0\.0)"),
    ),
    ("alarm-to-slack", patterns.compile(r"\balarms?\b")),
    ("volume-cleanup", patterns.compile(r"\b(unattached|orphan\w*|unused)\s+(ebs\s+)?volumes?\b")),
    ("s3-glacier", patterns.compile(r"\bglacier\b")),
    ("ipam-reconcile", patterns.compile(r"\bipam\b")),
    ("sg-audit", patterns.compile(r"\bsecurity[- ]groups?\b|\bsgs?\b")),
    ("cost-report", patterns.compile(r"\b(cost|costs|spend|spending|bill)\b")),
    (
        "rds-snapshot",
        patterns.compile(r"\b(snapshot|back ?up|backup)\b.*\b(db|database|rds)\b|\b(db|rds)-"),
    ),
    ("ebs-backup", patterns.compile(r"\b(snapshot|back ?up|backup)\b")),
    ("stop-dev", patterns.compile(r"\b(stop|shut down|turn off|switch off)\b")),
    ("start-dev", patterns.compile(r"\b(start|turn on|switch on|boot)\b")),
)
"""Sentence shapes -> template keys, most specific first."""
TARGET_KINDS: dict[str, tuple[str, ...]] = {
    "rds-snapshot": ("database",),
    "ebs-backup": ("instance", "volume"),
    "s3-glacier": ("bucket",),
    "stop-dev": ("instance",),
    "start-dev": ("instance",),
}
"""Templates that act on named resources, and the kinds they take."""
DEFAULT_NAMES = {
    "rds-snapshot": "{target}-snapshot",
    "ebs-backup": "{target}-backup",
    "s3-glacier": "{target}-to-glacier",
    "alarm-to-slack": "alarm-to-slack",
    "stop-dev": "stop-{target}",
    "start-dev": "start-{target}",
    "cost-report": "cost-report",
    "ipam-reconcile": "ipam-vpc-reconcile",
    "sg-audit": "security-group-audit",
    "port-opened": "port-{port}-open-alert",
    "volume-cleanup": "unattached-volume-cleanup",
}


@dataclass(frozen=True)
class Question:
    """What the sentence leaves open, asked in one sentence.

    Attributes:
        text: the question.
        missing: what it is about: ``channel``, ``schedule``, ``action`` or ``target``.
        options: names offered as answers (closest known ones), if any.
    """

    text: str
    missing: str
    options: tuple[str, ...] = ()


@dataclass(frozen=True)
class Said:
    """One schedule phrase found in a sentence, with the words around it.

    Attributes:
        trigger: the schedule.
        before: the words between the previous schedule and this one.
        after: the words between this schedule and the next one.
    """

    trigger: Trigger
    before: str = ""
    after: str = ""


@dataclass(frozen=True)
class Reading:
    """The workflows a sentence asks for (usually one; two for two schedules).

    Attributes:
        specs: the specs, not yet checked against the registry.
        template: the template used.
    """

    specs: tuple[WorkflowSpec, ...]
    template: str


def read_workflow(
    text: str,
    known: Mapping[str, str] | None = None,
    created_by: str = "",
    channel: str | None = None,
) -> Reading | Question:
    """The workflow(s) ``text`` asks for, or the question to ask first.

    Args:
        text: the request, e.g. "snapshot db-prod every night at 2am and tell #ops".
        known: lower-cased names of real resources -> their kind (``database``, ``instance``).
        created_by: who asked.
        channel: the channel to use when the sentence names none (``None``: ask).
    """
    said = " ".join(text.lower().split())[:MAX_TEXT]
    names = dict(known or {})
    template = _intent(said)
    if template is None:
        return Question(
            "What should the workflow do? For example: snapshot a database, stop instances, "
            "post the weekly cost, reconcile IPAM, audit security groups.",
            "action",
        )
    found = CHANNEL.search(" " + said)
    where = f"#{found.group(1)}" if found else channel
    if where is None:
        return Question("Which channel should it report to (e.g. #ops)?", "channel")
    targets = _targets(said, template, names)
    if isinstance(targets, Question):
        return targets
    triggers = _triggers(said, template)
    if isinstance(triggers, Question):
        return triggers
    tags = tuple(TAG.findall(said, 3))
    params = Params(
        name=_name(said, template, targets, tags),
        trigger=triggers[0].trigger,
        channel=where,
        targets=targets,
        tags=tags,
        days=_number(DAYS, said),
        port=_number(PORT, said),
        description=text.strip()[:MAX_TEXT],
        created_by=created_by,
        ask_first_minutes=_ask_first(said),
    )
    if len(triggers) == 1:
        key = template
        if template in ("stop-dev", "start-dev"):
            key = _verb(said, first=True) or template
        return Reading((TEMPLATES[key].build(params),), template)
    return _two_schedules(params, triggers, template)


def _ask_first(said: str) -> int | None:
    """Minutes a run waits for someone to approve going on, when the words ask for that."""
    if ASK_FIRST.search(said) is None:
        return None
    wait = WAIT_FOR.search(said)
    if wait is None:
        return ASK_DEFAULT_MINUTES
    minutes = int(wait.group(1)) * _UNIT_MINUTES[wait.group(2)]
    return max(1, min(minutes, 14 * 24 * 60))


def _intent(said: str) -> str | None:
    return next((key for key, pattern in INTENTS if pattern.search(said)), None)


def _targets(said: str, template: str, names: Mapping[str, str]) -> tuple[str, ...] | Question:
    kinds = TARGET_KINDS.get(template)
    if kinds is None:
        return ()
    words = HYPHENATED.findall(said, 20)
    named = [w for w in words if names.get(w) in kinds or names.get(w) == ANY_KIND]
    if named:
        return tuple(dict.fromkeys(named))
    if TAG.search(said) and template in ("stop-dev", "start-dev", "ebs-backup"):
        return ()
    chosen = NAMED.search(said)
    own = chosen.group(1) if chosen else ""
    strangers = [w for w in words if w not in names and w != own]
    kind = kinds[0].replace("_", " ")
    offered = tuple(n for n, k in names.items() if k in kinds)[:5]
    if strangers:
        return Question(
            f"I don't know a {kind} called {strangers[0]}. Which one?", "target", offered
        )
    return Question(f"Which {kind} should it act on?", "target", offered)


def _triggers(said: str, template: str) -> list[Said] | Question:
    if template == "port-opened":
        port = _number(PORT, said) or 22
        pattern = port_pattern(port)
        return [Said(event_trigger(pattern, f"port {port} opened to 0.0.0.0/0 (CloudTrail)"))]
    if template == "alarm-to-slack":
        return [Said(event_trigger(alarm_pattern(), "a CloudWatch alarm enters ALARM"))]
    if "webhook" in said:
        return [Said(WebhookTrigger())]  # its token and secret are made once it is approved
    schedules = read_schedules(said)
    if isinstance(schedules, Question):
        return schedules
    if schedules:
        return schedules
    if any(w in said for w in ("on demand", "manually", "when i ask", "on request")):
        return [Said(ManualTrigger())]
    return Question(
        'When should it run? Say a schedule ("every night at 2am", "every 6 hours"), '
        'an event, a webhook, or "on demand".',
        "schedule",
    )


def read_schedules(said: str) -> list[Said] | Question:
    """Every schedule phrase in ``said``, with the words around each.

    Args:
        said: the lower-cased sentence.
    """
    words = said.replace(",", " ").split()
    spans: list[tuple[int, int, Trigger]] = []
    index, error = 0, ""
    while index < len(words):
        if not SCHEDULE_START.match(" ".join(words[index : index + 3])):
            index += 1
            continue
        read = _longest_schedule(words, index, [t for _, _, t in spans])
        if isinstance(read, str):
            error = error or read
            index += 1
            continue
        spans.append((index, index + read[0], read[1]))
        index += read[0]
    if not spans and error:
        return Question(f"{error} When should it run?", "schedule")
    found = []
    for n, (start, end, trigger) in enumerate(spans):
        previous = spans[n - 1][1] if n else 0
        following = spans[n + 1][0] if n + 1 < len(spans) else len(words)
        found.append(Said(trigger, " ".join(words[previous:start]), " ".join(words[end:following])))
    return found


def _longest_schedule(
    words: list[str], index: int, earlier: list[Trigger]
) -> tuple[int, Trigger] | str:
    error = ""
    for span in range(min(LONGEST_SCHEDULE, len(words) - index), 0, -1):
        phrase = " ".join(words[index : index + span])
        if words[index + span - 1] in ("and", "then", "to", "in"):
            continue
        try:
            recurrence = read_recurrence(phrase)
        except RecurrenceError as problem:
            error = error or str(problem)
            continue
        if phrase.startswith("at ") and earlier:
            recurrence = _same_days(recurrence, earlier[-1])
        return span, _trigger(recurrence, phrase)
    return error


def _same_days(recurrence: Recurrence, before: Trigger) -> Recurrence:
    """ "...at 7pm, and start them at 7am": a bare time keeps the days said before it."""
    if not isinstance(before, CronTrigger) or recurrence.cron is None:
        return recurrence
    minute, hour = recurrence.cron.split()[:2]
    days = before.recurrence.cron.split()[2:] if before.recurrence.cron else ["*", "*", "*"]
    return Recurrence(
        kind="cron", cron=" ".join([minute, hour, *days]), timezone=before.recurrence.timezone
    )


def _trigger(recurrence: Recurrence, phrase: str) -> Trigger:
    if recurrence.kind == "rate":
        return RateTrigger(recurrence=recurrence, said=phrase)
    return CronTrigger(recurrence=recurrence, said=phrase)


def _two_schedules(params: Params, triggers: list[Said], template: str) -> Reading:
    """One workflow per schedule; each does what the words next to its schedule say."""
    specs = []
    for found in triggers[:2]:
        key = _verb(found.after, first=True) or _verb(found.before, first=False) or template
        name = _name("", key, params.targets, params.tags)
        specs.append(TEMPLATES[key].build(replace(params, name=name, trigger=found.trigger)))
    return Reading(tuple(specs), template)


POWER = patterns.compile(r"\b(stop|shut down|turn off|switch off|start|turn on|switch on|boot)\b")


def _verb(words: str, first: bool) -> str | None:
    """``start-dev`` or ``stop-dev`` from the first (or last) power verb in ``words``."""
    verbs = [m.group(1) for m in POWER.finditer(words, limit=10)]
    if not verbs:
        return None
    verb = verbs[0] if first else verbs[-1]
    return "start-dev" if verb in ("start", "turn on", "switch on", "boot") else "stop-dev"


def _name(
    said: str,
    template: str,
    targets: tuple[str, ...],
    tags: tuple[tuple[str, str], ...],
) -> str:
    chosen = NAMED.search(said)
    if chosen:
        return chosen.group(1)
    target = targets[0] if targets else "-".join(v for _, v in tags[:1]) or "instances"
    if tags and template in ("stop-dev", "start-dev"):
        target = f"{tags[0][1]}-instances"
    port = _number(PORT, said) or 22
    name = DEFAULT_NAMES[template].format(target=target, port=port)
    cleaned = patterns.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return cleaned[:60].rstrip("-")


def _number(pattern: patterns.Pattern, said: str) -> int | None:
    found = pattern.search(said)
    return int(found.group(1)) if found else None
