"""How people ask about alert routing and silences: what the offline classifier learns
``alerts.routes``, ``alerts.silence`` and ``alerts.unsilence`` from."""

from __future__ import annotations

ROUTES: tuple[str, ...] = (
    "show the alert routing rules",
    "which channel do prod alerts go to",
    "where are critical alerts routed",
    "list the alert routes",
    "what silences are active",
    "show me the active alert silences",
    "which alerts are silenced currently",
    "how are alerts routed to slack channels",
    "where do guardduty alerts get posted",
    "alert routing table please",
    "what are the routing rules for alarms",
    "is anything muted at the moment",
    "list silences",
    "which channel gets staging alarms",
    "show routes and silences",
    "which channel are rds alerts sent to",
    "show the silence list",
    "is there any silence on db-1",
    "what is muted for api-1",
    "are there any snoozed alerts",
    "what does the alert routing config look like",
)

SILENCE: tuple[str, ...] = (
    "mute web-1 for 30 minutes",
    "snooze the batch-worker cpu alarm for an hour",
    "silence disk alerts on db-1 until 18:00",
    "silence incident 12 for 2 hours",
    "quiet the api-1 latency alerts for 45m",
    "mute alerts with env=staging for 3h",
    "silence cpu alerts for the next 2h, we are load testing",
    "snooze web-2 for 1 day",
    "please silence memory alerts on batch-worker for 90 minutes",
    "suppress the 5xx alerts on the api-1 alb until tomorrow 9am",
    "silence web-1 for 4h because of the deploy",
    "mute incident #7 for an hour",
    "shush the db-1 storage alarms for 120 minutes",
    "snooze cpu for 6h",
    "mute the noisy lambda throttles for 2h",
    "silence alerts from batch-worker overnight",
)

UNSILENCE: tuple[str, ...] = (
    "unsilence 2",
    "remove silence #4",
    "unmute silence 1",
    "end silence 5",
    "cancel the silence number 3",
    "delete silence 6",
    "unsnooze silence 2",
    "silence 8 is no longer needed, lift it",
    "lift the silence #9",
    "expire silence 10",
    "turn silence 11 off",
    "drop silence 12",
    "undo silence 3",
    "unsilence #5 please",
    "clear silence 7",
    "lift silence 2, the maintenance is over",
)
