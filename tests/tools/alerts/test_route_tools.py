"""The chat tools: ``alerts.routes`` shows the rules in order and the silences in force;
``alerts.silence`` makes one from words ("silence web-1 cpu alerts for 2 hours") as the
caller, and ``alerts.unsilence`` lifts it; the offline model asks when the alerts or the
length are not said, rather than guess."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest

from agents.offline.router import decide
from approvals.audit import AuditLog
from core.settings import AlertRoute
from tools.alerts.silencing import SILENCER_KEY, Silencer
from tools.blocks import to_text
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import load_builtin_tools

REGISTRY = load_builtin_tools()


def _run(ctx: ToolContext, name: str, **args: object) -> tuple[object, str]:
    spec = REGISTRY.get(name)
    result = spec.handler(ctx, spec.args_model(**args))
    return result, to_text(spec.render(result))


@pytest.fixture
def chat(ctx: ToolContext) -> ToolContext:
    audit = AuditLog(ctx.db, ctx.clock)

    def record(user: str, action: str, detail: dict[str, object]) -> None:
        audit.append(user, action, None, detail)

    silencer = Silencer(
        ctx.db,
        ctx.clock,
        record,
        lambda user, _channel: user == "alice",
        lambda: ["C-ALERTS"],
    )
    routes = [
        AlertRoute(name="paging", environments=["prod"], severities=["critical"], channel="C-PG"),
        AlertRoute(services=["AWS/RDS"], channel="C-DB"),
    ]
    settings = ctx.settings.model_copy(update={"alerts_routes": routes, "alerts_channel": "C-ALL"})
    return replace(ctx, settings=settings, extras={**ctx.extras, SILENCER_KEY: silencer})


def test_routes_show_the_rules_in_order_and_the_silences_in_force(chat: ToolContext) -> None:
    _, shown = _run(chat, "alerts.routes")
    assert shown.index("paging") < shown.index("service AWS/RDS")
    assert "environment prod; severity critical → <#C-PG>" in shown
    assert "<#C-ALL>" in shown and "Silences in force" in shown

    _run(chat, "alerts.silence", resource="web-1", words=["cpu"], duration="2 hours",
         reason="deploy <!channel>")  # fmt: skip
    _, shown = _run(chat, "alerts.routes")
    assert "resource `web-1`, title with `cpu`" in shown and "<@alice>" in shown
    assert "deploy &lt;!channel&gt;" in shown  # the reason is shown as text, never a ping


def test_a_silence_is_made_as_the_caller_and_lifted(chat: ToolContext) -> None:
    made, shown = _run(chat, "alerts.silence", resource="web-1", duration="for 90 minutes")
    assert "Silenced" in shown and "Nothing was changed in AWS" in shown
    silence = made.silence  # type: ignore[attr-defined]
    assert silence.created_by == "alice"
    assert timedelta(minutes=89) < silence.ends_at - silence.starts_at <= timedelta(minutes=90)
    _, lifted = _run(chat, "alerts.unsilence", silence=silence.id)
    assert "Silence lifted" in lifted
    _, shown = _run(chat, "alerts.routes")
    assert "web-1" not in shown


def test_who_may_not_act_or_an_unreadable_length_changes_nothing(chat: ToolContext) -> None:
    with pytest.raises(ToolError, match="Only members of <#C-ALERTS> or approvers"):
        _run(chat.as_actor("mallory"), "alerts.silence", resource="web-1", duration="1h")
    with pytest.raises(ToolError, match="not a length of time I can read"):
        _run(chat, "alerts.silence", resource="web-1", duration="for a while")
    with pytest.raises(ToolError, match="longer than the 14 days allowed"):
        _run(chat, "alerts.silence", resource="web-1", duration="for 3 weeks")
    _, shown = _run(chat, "alerts.routes")
    assert "web-1" not in shown


def test_without_the_audit_log_no_silence_is_made(ctx: ToolContext) -> None:
    with pytest.raises(ToolError, match="no audit log"):
        _run(ctx, "alerts.silence", resource="web-1", duration="1h")


def test_the_offline_model_reads_the_silence_from_words() -> None:
    (call,) = decide("silence web-1 cpu alerts for 2 hours").calls
    assert call.tool == "alerts.silence"
    assert call.args == {"resource": "web-1", "words": ["cpu"], "duration": "2 hours"}
    (call,) = decide("mute incident #12 until 18:00, db failover").calls
    assert call.args == {"incident": 12, "duration": "until 18:00", "reason": "db failover"}


@pytest.mark.parametrize(
    ("said", "asks"),
    [
        ("silence the alerts for 2 hours", "Which alerts should be silenced?"),
        ("mute everything for an hour", "Which alerts should be silenced?"),
        ("silence web-1 cpu alerts", "how long to silence them"),
    ],
)
def test_the_offline_model_asks_when_it_is_not_said_what_or_how_long(said: str, asks: str) -> None:
    decision = decide(said)
    assert not decision.calls and asks in decision.text
