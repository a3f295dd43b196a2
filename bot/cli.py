"""The ``cloudfabric`` command line: chat, demo, explain, audit verify, approvals list."""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from agents.explain import explain_calls
from agents.providers import ChatProvider
from approvals.audit import AuditLog
from approvals.service import find_requests
from bot.app import CloudFabric, create_app
from bot.console import ConsoleSession, run_console
from core.db import Database
from core.settings import Settings
from tools.iam import policy_document
from tools.registry import load_builtin_tools

app = typer.Typer(help="CloudFabric: ChatOps for AWS.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit log.")
approvals_app = typer.Typer(help="Approval requests.")
app.add_typer(audit_app, name="audit")
app.add_typer(approvals_app, name="approvals")


@contextmanager
def _running(settings: Settings | None = None) -> Iterator[CloudFabric]:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    built = create_app(settings or Settings())
    try:
        yield built
    finally:
        built.close()


def _store() -> Database:
    database = Database(Settings().sql_url)
    database.migrate()
    return database


def _chat(settings: Settings) -> None:
    with _running(settings) as cloudfabric:
        session = ConsoleSession(cloudfabric.conversations)
        cloudfabric.conversations.publish = session.publish
        cloudfabric.start_background()
        run_console(session)


@app.command()
def chat() -> None:
    """Chat with CloudFabric in the terminal (the configured AWS mode and model)."""
    _chat(Settings())


@app.command()
def demo() -> None:
    """Chat on the sandbox: a seeded in-process AWS estate, offline model, local SQLite."""
    _chat(Settings(aws_mode="sandbox"))


@app.command()
def explain(
    message: Annotated[str | None, typer.Argument(help="Message to explain.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Print the tool calls a message would cause, executing nothing.

    With no message, reads one message per line from stdin and prints one JSON line each.
    """
    registry = load_builtin_tools()
    provider = ChatProvider.build(Settings(), registry)
    if message is None:
        for line in sys.stdin:
            if line.strip():
                calls = explain_calls(provider, registry, line.strip())
                typer.echo(json.dumps({"tool_calls": calls}))
        return
    calls = explain_calls(provider, registry, message)
    if as_json:
        typer.echo(json.dumps({"tool_calls": calls}))
        return
    if not calls:
        typer.echo("No tool call: the message was not understood.")
    for call in calls:
        typer.echo(f"{call['name']}({json.dumps(call['args'], sort_keys=True)})")


@audit_app.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; exit 1 naming the first broken entry."""
    audit = AuditLog(_store())
    broken = audit.verify()
    count = len(audit.entries())
    if broken is not None:
        typer.echo(f"Audit log is BROKEN at entry {broken.seq}: {broken.reason}.", err=True)
        raise typer.Exit(1)
    typer.echo(f"Audit log intact: {count} entries verified.")


@approvals_app.command("list")
def approvals_list(
    state: Annotated[str | None, typer.Option(help="Only this state, e.g. PENDING.")] = None,
) -> None:
    """List recent approval requests, newest first."""
    requests = find_requests(_store(), state.upper() if state else None, limit=100)
    if not requests:
        typer.echo("No approval requests.")
    for r in requests:
        decided = f" by {r.decided_by}" if r.decided_by else ""
        typer.echo(
            f"{r.id}  {r.state:<9} {r.risk:<8} {r.created_at:%Y-%m-%d %H:%M}  "
            f"{r.requester} → {r.summary}{decided}"
        )


@app.command("iam-policy")
def iam_policy() -> None:
    """Print the IAM policy every registered tool needs (deploy/iam/cloudfabric-policy.json)."""
    typer.echo(json.dumps(policy_document(load_builtin_tools()), indent=2))


def main() -> None:
    """Entry point of the ``cloudfabric`` script."""
    app()
