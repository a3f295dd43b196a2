"""The workflow tools as chat reaches them: the offline model picks them and links names,
reads render as Block Kit, and changes only happen through approvals."""

from __future__ import annotations

from datetime import UTC, datetime

from agents.offline.lexicon import Entity, Lexicon
from agents.offline.router import default_understanding
from bot.app import CloudFabric
from tests.tools.workflows.conftest import create_through_approval
from tools import blocks
from tools.workflows.models import ListArgs, NameArgs, RunsArgs, TemplatesArgs, UpdateArgs
from tools.workflows.preview import preview_update
from tools.workflows.runner import Runner
from tools.workflows.service import WorkflowStore


def test_pause_links_a_stored_workflow_and_asks_about_an_unknown_one() -> None:
    understanding = default_understanding()
    lexicon = Lexicon.of([Entity("nightly-db-snapshot", "workflow")])
    decision = understanding.decide("pause nightly-db-snapshot", lexicon)
    assert [(c.tool, c.args) for c in decision.calls] == [
        ("workflow.pause", {"name": "nightly-db-snapshot"})
    ]
    asked = understanding.decide("pause nightly-db-snapshots", lexicon)
    assert asked.asks and any("nightly-db-snapshot" in o.label for o in asked.options)


def test_create_carries_the_request_and_the_linked_resources() -> None:
    text = "snapshot db-prod every night at 2am and tell #ops"
    decision = default_understanding().decide(text)
    (call,) = decision.calls
    assert call.tool == "workflow.create"
    assert call.args == {"request": text, "resources": ["db-prod"]}


def test_a_standing_order_starting_with_when_is_not_a_question() -> None:
    text = "when someone opens port 22 to the world, post who did it in #security"
    (call,) = default_understanding().decide(text).calls
    assert call.tool == "workflow.create"
    question = default_understanding().decide("when did web-1 stop?")
    assert "workflow.create" not in [c.tool for c in question.calls]
    assert "workflow.create" not in [o.call.tool for o in question.options if o.call]


def test_reads_render_as_blocks(app: CloudFabric) -> None:
    (name,) = create_through_approval(
        app, "every monday at 9 post last week's cost by service to #finops"
    )
    ctx = app.context_for("carol")
    registry = app.registry
    listed = registry.get("workflow.list").handler(ctx, ListArgs())
    text = blocks.to_text(registry.get("workflow.list").render(listed))
    assert name in text and "#finops" in text and "every Monday at 09:00" in text
    shown = registry.get("workflow.show").handler(ctx, NameArgs(name=name))
    text = blocks.to_text(registry.get("workflow.show").render(shown))
    assert "cost.actuals" in text and "cron(0 9 * * 1) in UTC" in text and "alice" in text
    store = WorkflowStore(app.db, app.clock)
    Runner(registry, store, app.context_for, lambda c, t: None).fire(
        name, datetime(2027, 1, 4, 9, tzinfo=UTC)
    )
    runs = registry.get("workflow.runs").handler(ctx, RunsArgs(name=name))
    text = blocks.to_text(registry.get("workflow.runs").render(runs))
    assert "Run 1" in text and "cost: succeeded" in text
    templates = registry.get("workflow.templates").handler(ctx, TemplatesArgs())
    text = blocks.to_text(registry.get("workflow.templates").render(templates))
    assert "Nightly RDS snapshot" in text and "S3 to Glacier lifecycle" in text
    assert "needs" not in text  # every template has the tools it calls
    assert len(templates.templates) == 11


def test_update_makes_the_next_version_after_approval(app: CloudFabric) -> None:
    (name,) = create_through_approval(
        app, "every monday at 9 post last week's cost by service to #finops"
    )
    ctx = app.context_for("alice")
    plan = preview_update(ctx, UpdateArgs(name=name, change="every friday at 17:00 in #costs"))
    assert plan.changes[0].before == "version 1" and plan.changes[0].after == "version 2"
    app.approvals.approve(app.approvals.request(plan, "alice").id, "bob")
    store = WorkflowStore(app.db, app.clock)
    row = store.get(name)
    spec = store.spec(row)
    assert (row.version, spec.version, spec.channel) == (2, 2, "#costs")
    assert spec.trigger.recurrence.cron == "0 17 * * 5"  # type: ignore[union-attr]
