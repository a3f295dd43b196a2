"""The agent-facing alert tools of routing and silences: ``alerts.routes`` (read-only),
``alerts.silence`` and ``alerts.unsilence``. The last two change only CloudFabric's own state,
so they are not gated by approval, but they are audited and only people allowed to act on the
alerts may use them. Services are imported inside the handlers (the registry loads light)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from slack_sdk.models.blocks import Block

from tools.alerts import examples_routes as examples
from tools.alerts import render_routes as words
from tools.alerts.route_models import (
    RoutesArgs,
    RoutesResult,
    SilenceArgs,
    SilenceResult,
    SilenceView,
    UnsilenceArgs,
)
from tools.context import ToolContext
from tools.errors import ToolError
from tools.registry import tool

if TYPE_CHECKING:
    from tools.alerts.silencing import Silencer


def _render_routes(result: RoutesResult) -> list[Block]:
    lines = [_silence_line(silence) for silence in result.silences]
    return words.routes_blocks(result.rules, result.fallback, lines)


def _silence_line(silence: SilenceView) -> str:
    matchers = words.matcher_words(
        silence.resource, silence.words, silence.labels, silence.fingerprint
    )
    return words.silence_line(
        silence.id, matchers, silence.ends_at, silence.created_by, silence.reason
    )


def _render_silenced(result: SilenceResult) -> list[Block]:
    if result.silence is None:
        assert result.incident is not None
        return words.incident_silenced_blocks(result.incident, result.title, result.until)
    return words.silenced_blocks(_silence_line(result.silence), result.affected, result.lifted)


@tool(
    name="alerts.routes",
    description="Show the alert routing rules (which channel gets which alerts) and the "
    "silences in force.",
    example="where do alerts get routed?",
    examples=examples.ROUTES,
    args=RoutesArgs,
    result=RoutesResult,
    render=_render_routes,
    permissions=[],
)
def routes_tool(ctx: ToolContext, args: RoutesArgs) -> RoutesResult:
    """List the routing rules in order, the fallback channel and the silences in force.

    Args:
        ctx: tool context (settings, store, clock).
        args: nothing.
    """
    from tools.alerts.routing import Router, rule_criteria
    from tools.alerts.silences import active
    from tools.alerts.silencing import view_of

    router = Router.from_settings(ctx.settings)
    rules = [
        words.rule_words(rule.name, rule_criteria(rule), rule.channel) for rule in router.rules
    ]
    with ctx.db.session() as session:
        holding = active(session, ctx.clock.now())
    silences = [view_of(row) for row in holding]
    return RoutesResult(rules=rules, fallback=router.fallback, silences=silences)


@tool(
    name="alerts.silence",
    description="Silence alerts (by resource, title words, labels, fingerprint or incident) "
    "for a while: still stored, not posted; audited.",
    example="silence web-1 cpu alerts for 2 hours",
    examples=examples.SILENCE,
    args=SilenceArgs,
    result=SilenceResult,
    render=_render_silenced,
    permissions=[],
)
def silence_tool(ctx: ToolContext, args: SilenceArgs) -> SilenceResult:
    """Silence the alerts described until the end said, as the caller; audited.

    Args:
        ctx: tool context; the composition root puts the silencer in its extras.
        args: which alerts and for how long.
    """
    from core.until import read_until
    from core.when import WhenError
    from tools.alerts.silencing import LONGEST, Matchers, view_of

    silencer = _silencer(ctx)
    try:
        ends = read_until(args.duration, ctx.clock.now(), LONGEST)
    except WhenError as error:
        raise ToolError(str(error)) from None
    if args.incident is not None:
        incident = silencer.silence_incident(ctx.actor, args.incident, ends)
        return SilenceResult(incident=args.incident, title=incident.title, until=ends)
    matchers = Matchers(resource=args.resource, words=args.words, labels=args.labels,
                        fingerprint=args.fingerprint)  # fmt: skip
    row = silencer.silence(ctx.actor, matchers, ends, args.reason)
    affected = [incident.id for incident in silencer.affected(row) if incident.id]
    return SilenceResult(silence=view_of(row), until=ends, affected=affected)


@tool(
    name="alerts.unsilence",
    description="Lift a silence now, so its alerts are posted again; audited.",
    example="lift silence 3",
    examples=examples.UNSILENCE,
    args=UnsilenceArgs,
    result=SilenceResult,
    render=_render_silenced,
    permissions=[],
)
def unsilence_tool(ctx: ToolContext, args: UnsilenceArgs) -> SilenceResult:
    """End one silence now, as the caller; audited.

    Args:
        ctx: tool context; the composition root puts the silencer in its extras.
        args: the silence's number.
    """
    from tools.alerts.silencing import view_of

    row = _silencer(ctx).lift(ctx.actor, args.silence)
    assert row.lifted_at is not None
    return SilenceResult(silence=view_of(row), until=row.lifted_at, lifted=True)


def _silencer(ctx: ToolContext) -> Silencer:
    from tools.alerts.silencing import SILENCER_KEY, Silencer

    found = ctx.extras.get(SILENCER_KEY)
    if not isinstance(found, Silencer):
        raise ToolError(words.NO_SILENCER)
    return found
