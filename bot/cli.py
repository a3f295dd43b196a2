"""The ``cloudfabric`` command line: chat, demo, explain, audit, approvals list, outbox.

Only typer is imported up front: each command imports what it runs, so ``--help`` and the
commands that need little (``explain``) start fast.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

if TYPE_CHECKING:
    from approvals.audit import AuditLog
    from bot.app import CloudFabric
    from core.db import Database
    from core.settings import Settings

# Plain help (rich_markup_mode=None): rich's help renderer alone costs more than the 0.5 s
# that ``cloudfabric --help`` may take.
app = typer.Typer(help="CloudFabric: ChatOps for AWS.", no_args_is_help=True, rich_markup_mode=None)
audit_app = typer.Typer(help="The audit log.", rich_markup_mode=None)
approvals_app = typer.Typer(help="Approval requests.", rich_markup_mode=None)
app.add_typer(audit_app, name="audit")
app.add_typer(approvals_app, name="approvals")
policy_app = typer.Typer(help="The approval policy.", rich_markup_mode=None)
app.add_typer(policy_app, name="policy")
outbox_app = typer.Typer(help="Slack writes waiting, delivered or dead.", rich_markup_mode=None)
app.add_typer(outbox_app, name="outbox")


@contextmanager
def _running(settings: Settings | None = None) -> Iterator[CloudFabric]:
    from bot.app import create_app
    from core.settings import Settings
    from tools.policy.loader import PolicyFileError

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        built = create_app(settings or Settings())
    except PolicyFileError as error:
        typer.echo(f"Refusing to start: {error}", err=True)
        raise typer.Exit(1) from None
    try:
        yield built
    finally:
        built.close()


def _store() -> Database:
    from core.db import Database
    from core.settings import Settings

    database = Database(Settings().sql_url)
    database.migrate()
    return database


def _chat(settings: Settings) -> None:
    from bot.console import ConsoleSession, run_console

    with _running(settings) as cloudfabric:
        session = ConsoleSession(cloudfabric.conversations)
        cloudfabric.conversations.publish = session.publish
        cloudfabric.private = lambda _user, reply: session.show(reply)  # one person's terminal
        cloudfabric.start_background()
        run_console(session)


@app.command(short_help="Chat in the terminal (the configured AWS mode and model).")
def chat() -> None:
    """Chat with CloudFabric in the terminal (the configured AWS mode and model)."""
    from core.settings import Settings

    _chat(Settings())


@app.command(short_help="Chat on the sandbox: a seeded estate, offline model.")
def demo() -> None:
    """Chat on the sandbox: a seeded in-process AWS estate, offline model, local SQLite."""
    from core.settings import Settings

    _chat(Settings(aws_mode="sandbox"))


@app.command()
def explain(
    message: Annotated[str | None, typer.Argument(help="Message to explain.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the tool calls a message would cause, executing nothing.

    With no message, reads one message per line from stdin and prints one JSON line each.
    """
    from agents.explain import explainer
    from core.settings import Settings

    explain_one = explainer(Settings())
    if message is None:
        for line in sys.stdin:
            if line.strip():
                typer.echo(json.dumps(explain_one(line.strip())))
        return
    explained = explain_one(message)
    if as_json:
        typer.echo(json.dumps(explained))
        return
    _print_explanation(explained)


def _print_explanation(explained: dict[str, Any]) -> None:
    for call in explained["tool_calls"]:
        typer.echo(f"{call['name']}({json.dumps(call['args'], sort_keys=True)})")
    if "question" in explained:
        typer.echo(f"No tool call: it would ask “{explained['question']}”")
        for number, choice in enumerate(explained["choices"], 1):
            typer.echo(f"  {number}. {choice['label']}")
    elif not explained["tool_calls"]:
        typer.echo(f"No tool call: {explained.get('answer') or 'the message was not understood.'}")


@app.command("eval", short_help="Score the offline model on labelled held-out phrasings.")
def eval_offline(
    path: Annotated[
        Path, typer.Argument(help="A .jsonl file or a folder of them (default tests/eval).")
    ] = Path("tests/eval"),
    misses: Annotated[int, typer.Option(help="Also print this many wrong phrasings.")] = 0,
) -> None:
    """Accuracy of the offline model per domain on phrasings it never learned from, and the
    most confused pairs."""
    from agents.offline.evaluate import evaluate, load_rows, load_world, summary
    from agents.offline.router import default_understanding

    files = sorted(path.glob("*.jsonl")) if path.is_dir() else [path]
    world = load_world((path if path.is_dir() else path.parent) / "world.json")
    report = evaluate(default_understanding(), load_rows(files), world)
    for line in summary(report):
        typer.echo(line)
    for row, got in report.misses[:misses]:
        typer.echo(f"  miss: {row.text!r}: want {row.tool} {row.args}, got {got}")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log: the hash chain from the newest signed checkpoint, and every head
    the anchor recorded; exit 1 naming each broken, missing or rewritten entry."""
    from approvals.audit_anchor import anchor_for
    from approvals.audit_checkpoint import checkpoint_key
    from approvals.audit_verify import verify_log

    settings, audit = _audit_log()
    report = verify_log(audit, checkpoint_key(settings), anchor_for(settings))
    if not report.intact:
        for problem in report.problems:
            typer.echo(f"Audit log is {problem.line()}", err=True)
        raise typer.Exit(1)
    typer.echo(f"Audit log intact: {report.entries} entries verified.")
    if report.checkpoint_seq is not None:
        typer.echo(
            f"Chain resumes after the signed checkpoint at entry {report.checkpoint_seq} "
            f"({report.pruned} entries pruned)."
        )
    if report.anchor is not None:
        head = report.anchored_seq if report.anchored_seq is not None else "nothing yet"
        typer.echo(f"Matches the {report.anchor} (newest anchored entry: {head}).")


def _audit_log() -> tuple[Settings, AuditLog]:
    from approvals.audit import AuditLog
    from core.clock import Clock
    from core.settings import Settings

    settings = Settings()
    return settings, AuditLog(_store(), Clock(settings.clock_start))


@audit_app.command("export")
def audit_export(
    form: Annotated[str, typer.Option("--format", help="jsonl or csv.")] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", help="Write here instead of stdout.")
    ] = None,
    since: Annotated[
        str | None, typer.Option(help="From this instant: 2026-11-01, '3 days ago'...")
    ] = None,
    until: Annotated[str | None, typer.Option(help="Before this instant.")] = None,
    user: Annotated[str | None, typer.Option(help="Only entries made by this user.")] = None,
    tool: Annotated[str | None, typer.Option(help="Only entries about this tool.")] = None,
    resource: Annotated[
        str | None, typer.Option(help="Only entries naming this resource id.")
    ] = None,
) -> None:
    """Write audit entries as JSON Lines or CSV, oldest first, with the filters given."""
    from approvals.audit_export import ExportFilter, export_rows, parse_instant, write_export

    if form not in ("jsonl", "csv"):
        typer.echo(f"Unknown format '{form}': say jsonl or csv.", err=True)
        raise typer.Exit(2)
    _settings, audit = _audit_log()
    now = audit.clock.now()
    try:
        bounds = {k: parse_instant(v, now) for k, v in (("since", since), ("until", until)) if v}
    except ValueError as error:
        typer.echo(f"Cannot export: {error}.", err=True)
        raise typer.Exit(2) from None
    wanted = ExportFilter(
        since=bounds.get("since"),
        until=bounds.get("until"),
        user=user,
        tool=tool,
        resource=resource,
    )
    rows = export_rows(audit.db, wanted)
    if output is None:
        write_export(rows, form, sys.stdout)
        return
    with output.open("w", newline="", encoding="utf-8") as handle:
        count = write_export(rows, form, handle)
    typer.echo(f"Wrote {count} audit entries to {output}.", err=True)


@audit_app.command("prune")
def audit_prune(
    days: Annotated[
        int | None, typer.Option(help="Keep this many days (default CF_AUDIT_RETENTION_DAYS).")
    ] = None,
) -> None:
    """Delete entries older than the retention, after storing a signed checkpoint of them."""
    from datetime import timedelta

    from approvals.audit_checkpoint import checkpoint_key, prune

    settings, audit = _audit_log()
    keep = settings.audit_retention_days if days is None else days
    if keep <= 0:
        typer.echo("Retention is 0 days (keep forever): nothing pruned.")
        return
    before = audit.clock.now() - timedelta(days=keep)
    result = prune(audit.db, checkpoint_key(settings), before, audit.clock)
    if result.checkpoint is None:
        typer.echo(f"No audit entries older than {keep} days: nothing pruned.")
        return
    typer.echo(
        f"Pruned {result.pruned} audit entries up to entry {result.checkpoint.seq}; "
        "the signed checkpoint keeps the chain verifiable."
    )


@approvals_app.command("list")
def approvals_list(
    state: Annotated[str | None, typer.Option(help="Only this state, e.g. PENDING.")] = None,
) -> None:
    """List recent approval requests, newest first."""
    from approvals.service import find_requests

    requests = find_requests(_store(), state.upper() if state else None, limit=100)
    if not requests:
        typer.echo("No approval requests.")
    for r in requests:
        decided = f" by {r.decided_by}" if r.decided_by else ""
        typer.echo(
            f"{r.id}  {r.state:<9} {r.risk:<8} {r.created_at:%Y-%m-%d %H:%M}  "
            f"{r.requester} → {r.summary}{decided}"
        )


@outbox_app.command("list")
def outbox_list(
    state: Annotated[
        str | None, typer.Option(help="Only this state: pending, delivered, dead, superseded.")
    ] = None,
) -> None:
    """List recent Slack writes of the outbox, newest first."""
    from bot.slack.outbox.store import OutboxStore

    entries = OutboxStore(_store()).listing(state.lower() if state else None, limit=100)
    if not entries:
        typer.echo("No outbox entries.")
    for e in entries:
        error = f"  {e.last_error}" if e.last_error else ""
        who = f"  for {e.requester}" if e.requester else ""
        typer.echo(
            f"{e.id:>6}  {e.state:<10} {e.created_at:%Y-%m-%d %H:%M:%S}  {e.method:<18} "
            f"{e.channel}  tries {e.attempts}{error}{who}"
        )


@outbox_app.command("retry")
def outbox_retry(
    entry_id: Annotated[int, typer.Argument(help="The dead entry's id (see outbox list).")],
) -> None:
    """Queue a dead Slack write again (after inviting the bot, say); exit 1 if it is not dead."""
    from bot.slack.outbox.store import OutboxStore
    from core.clock import Clock
    from core.settings import Settings

    settings = Settings()
    revived = OutboxStore(_store()).revive(entry_id, Clock(settings.clock_start).now())
    if not revived:
        typer.echo(f"Outbox entry {entry_id} is not dead; nothing to retry.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Outbox entry {entry_id} queued again; a running replica sends it.")


@policy_app.command("explain")
def policy_explain(
    request: Annotated[str, typer.Argument(help="The change in words, e.g. 'stop web-1'.")],
    user: Annotated[str, typer.Option("--as", help="Ask as this requester.")] = "cli",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Who could approve a change: the rule that matches, the approvers, the count and why.

    The change is planned as chat would plan it (nothing is filed or run).
    """
    from tools.policy.explain import EXPLAINER_KEY, explanation_lines

    with _running() as cloudfabric:
        explained = cloudfabric.extras[EXPLAINER_KEY](request, user)  # type: ignore[operator]
    if as_json:
        typer.echo(explained.model_dump_json())
        return
    for line in explanation_lines(explained):
        typer.echo(line)


@policy_app.command("check")
def policy_check(
    path: Annotated[Path, typer.Argument(help="A YAML approval policy file.")],
) -> None:
    """Validate a policy file; exit 1 naming each problem's line and reason."""
    from tools.policy.loader import PolicyFileError, load_policy

    try:
        policy = load_policy(path)
    except PolicyFileError as error:
        for line, reason in error.problems:
            typer.echo(f"{path}:{line or '?'}: {reason}", err=True)
        raise typer.Exit(1) from None
    typer.echo(
        f"{path}: valid — {len(policy.rules)} rules, {len(policy.rotations)} rotations, "
        f"{len(policy.freezes)} freeze windows."
    )


@app.command("freeze")
def freeze(
    switch: Annotated[str, typer.Argument(help="on, off or status.")] = "status",
    reason: Annotated[str | None, typer.Option(help="Why (shown to refused users).")] = None,
    user: Annotated[str, typer.Option("--as", help="Who switches it (audited).")] = "admin",
) -> None:
    """Stop every new change at once (on), lift it (off), or show it (status).

    The switch lives in the SQL store, so every replica sees it at once.
    """
    from approvals.audit import AuditLog
    from approvals.freeze import FreezeSwitch

    if switch not in ("on", "off", "status"):
        typer.echo("Say on, off or status.", err=True)
        raise typer.Exit(2)
    database = _store()
    freezes = FreezeSwitch(database, audit=AuditLog(database))
    status = freezes.status() if switch == "status" else freezes.set(switch == "on", user, reason)
    typer.echo(status.message() if status.active else "Changes are not frozen.")


@app.command(short_help="Bring the database schema up to date, then exit.")
def migrate() -> None:
    """Apply every pending migration of the SQL store and set up the agent's checkpoint
    tables, under the schema lock, and with ``CF_DURABLE_ENABLED`` the durable engine's system
    tables: run it once before the replicas start (several at once wait for each other; a
    current schema is left as it is)."""
    from agents.checkpoint import open_checkpoints
    from core.settings import Settings

    settings = Settings()
    _store().dispose()
    open_checkpoints(settings.sql_url, settings.data_dir).close()
    if settings.durable_enabled:
        from core.durable import migrate_system_database

        migrate_system_database(settings)
    typer.echo("Schema up to date.")


@app.command(short_help="Run the Slack app (Socket Mode, or HTTP /slack/events).")
def serve(
    http: Annotated[
        bool, typer.Option("--http", help="Use the HTTP Events API even if an app token is set.")
    ] = False,
    host: Annotated[str, typer.Option(help="Interface of the HTTP server.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port of the HTTP server.")] = 3000,
) -> None:
    """Run the Slack app: Socket Mode when CF_SLACK_APP_TOKEN is set, else HTTP /slack/events."""
    from bot.http import ServeError
    from bot.http import serve as run_server
    from core.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        run_server(Settings(), force_http=http, host=host, port=port)
    except ServeError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None


@app.command(short_help="Run queued work (Slack turns, clicks, scheduled runs); no HTTP.")
def worker() -> None:
    """Run the durable engine's queued work until stopped (SIGTERM): the Slack turns,
    commands and clicks that `cloudfabric serve` processes recorded, and scheduled runs.

    Give each worker its own stable CF_DURABLE_EXECUTOR_ID.
    """
    from bot.worker import WorkerError, run_worker
    from core.settings import Settings

    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)
    try:
        run_worker(Settings())
    except WorkerError as problem:
        typer.echo(str(problem), err=True)
        raise typer.Exit(1) from None


@app.command("iam-policy", short_help="Print the IAM policy the registered tools need.")
def iam_policy(
    deploy_role: bool = typer.Option(
        False, "--deploy-role", help="The CloudFormation service role deploys run under instead."
    ),
    action_role: bool = typer.Option(
        False, "--action-role", help="The action role approved changes run under instead."
    ),
) -> None:
    """Print the IAM policy every registered tool needs (deploy/iam/cloudfabric-policy.json),
    or with ``--deploy-role`` the CloudFormation service role architecture deploys run under
    (deploy/iam/architecture-deploy-role.json), or with ``--action-role`` the role approved
    changes run under, its trust policy and what CloudFabric needs to enter it
    (deploy/iam/action-role.json).
    """
    if action_role:
        from tools.iam import action_role_documents
        from tools.registry import load_builtin_tools

        typer.echo(json.dumps(action_role_documents(load_builtin_tools()), indent=2))
        return
    if deploy_role:
        from tools.architecture.service_role import service_role_policy, trust_policy

        role = {"AssumeRolePolicyDocument": trust_policy(), "Policy": service_role_policy()}
        typer.echo(json.dumps(role, indent=2))
        return
    from tools.iam import policy_document
    from tools.registry import load_builtin_tools

    typer.echo(json.dumps(policy_document(load_builtin_tools()), indent=2))


def main() -> None:
    """Entry point of the ``cloudfabric`` script."""
    app()
