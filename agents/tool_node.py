"""Runs the model's tool calls: read-only tools now, mutating tools into approval requests.

Every call runs with the context of its conversation: in a channel scoped to accounts or
environments (``tools.scope``), arguments naming another account are refused, results lose
whatever belongs elsewhere, and the reply says what it shows.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from langchain_core.messages import AIMessage, ToolMessage
from pydantic import ValidationError

from agents import turns
from agents.conversation import workspace_of
from approvals.errors import ApprovalRefused
from approvals.service import ApprovalService
from tools.context import ToolContext
from tools.errors import Ambiguous, ToolError
from tools.registry import Registry, ToolSpec
from tools.scope import SCOPED_DOMAINS, check_args, check_plan, keep_in_scope, scope_note

log = logging.getLogger(__name__)
CONTENT_LIMIT = 12_000
T = TypeVar("T")


@dataclass
class ToolRunner:
    """Executes one AIMessage's tool calls for a user in a conversation."""

    registry: Registry
    approvals: ApprovalService
    context_for: Callable[[str, str | None], ToolContext]

    def run(
        self, message: AIMessage, user: str, conversation_id: str
    ) -> tuple[list[ToolMessage], list[dict[str, Any]]]:
        """Tool messages for read-only calls and approval requests for mutating ones.

        Args:
            message: the model's message with tool calls.
            user: who asked.
            conversation_id: the conversation (thread id).
        """
        replies: list[ToolMessage] = []
        awaiting: list[dict[str, Any]] = []
        for call in message.tool_calls:
            call_id = call.get("id") or uuid.uuid4().hex
            try:
                spec = self.registry.get(call["name"])
                if not spec.offered:  # only the product files these (a workflow's wait)
                    raise KeyError(call["name"])
                args = spec.args_model.model_validate(call.get("args") or {})
            except KeyError:
                replies.append(_error(call_id, call["name"], f"I have no tool '{call['name']}'."))
                continue
            except ValidationError as error:
                replies.append(_error(call_id, spec.name, _validation_text(spec, error)))
                continue
            if spec.mutating:
                outcome = self._request(spec, args, user, conversation_id, call_id)
                if isinstance(outcome, ToolMessage):
                    replies.append(outcome)
                else:
                    awaiting.append(outcome)
            else:
                replies.append(
                    self._read(spec, args, self.context_for(user, conversation_id), call_id)
                )
        return replies, awaiting

    def _read(self, spec: ToolSpec, args: Any, ctx: ToolContext, call_id: str) -> ToolMessage:
        payload = _guarded(call_id, spec.name, lambda: _run_scoped(spec, ctx, args))
        if isinstance(payload, ToolMessage):
            return payload
        artifact = {"kind": "result", "tool": spec.name, "result": payload}
        if ctx.scope is not None and spec.name.split(".")[0] in SCOPED_DOMAINS:
            artifact["note"] = scope_note(ctx.scope)
        return ToolMessage(
            content=_data(payload),
            tool_call_id=call_id,
            name=spec.function_name,
            artifact=artifact,
        )

    def _request(
        self, spec: ToolSpec, args: Any, user: str, conversation_id: str, call_id: str
    ) -> ToolMessage | dict[str, Any]:
        preview = spec.preview
        assert preview is not None
        ctx = self.context_for(user, conversation_id)

        def scoped_preview() -> Any:
            if ctx.scope is not None:
                check_args(ctx.scope, args.model_dump(mode="json"))
            plan = preview(ctx, args)
            if ctx.scope is not None:
                check_plan(ctx.scope, plan.changes)
            return plan

        plan = _guarded(call_id, spec.name, scoped_preview)
        if isinstance(plan, ToolMessage):
            return plan
        with turns.effect():  # never for a turn that ran out of time
            try:
                request = self.approvals.request(
                    plan,
                    user,
                    conversation_id,
                    origin_key=f"{conversation_id}|{call_id}",
                    workspace=workspace_of(conversation_id),
                )
            except ApprovalRefused as refusal:  # denied by policy, or changes are frozen
                return _error(call_id, spec.name, str(refusal))
            turns.filed(request.id)
        return {"tool_call_id": call_id, "approval_id": request.id, "tool": spec.name}


def _run_scoped(spec: ToolSpec, ctx: ToolContext, args: Any) -> Any:
    """Run a read tool and dump its result; in a scoped channel, refuse arguments naming
    another account and keep only what the scope may see."""
    if ctx.scope is not None:
        check_args(ctx.scope, args.model_dump(mode="json"))
    payload = spec.handler(ctx, args).model_dump(mode="json")
    return payload if ctx.scope is None else keep_in_scope(ctx.scope, payload)


def _guarded(call_id: str, tool: str, run: Callable[[], T]) -> T | ToolMessage:
    """Run a tool step; expected errors become sentences, unexpected ones a reference id."""
    try:
        return run()
    except Ambiguous as question:
        return _error(call_id, tool, str(question), choices=question.choices)
    except ToolError as error:
        return _error(call_id, tool, str(error))
    except Exception:  # noqa: BLE001 - an unexpected tool error becomes a correlation id
        return _unexpected(call_id, tool)


def _data(payload: Any) -> str:
    text = json.dumps({"data": payload}, default=str)
    return text if len(text) <= CONTENT_LIMIT else text[:CONTENT_LIMIT] + "…(truncated)"


def _error(call_id: str, tool: str, message: str, choices: list[str] | None = None) -> ToolMessage:
    artifact: dict[str, Any] = {"kind": "error", "tool": tool, "message": message}
    if choices:
        artifact["choices"] = choices
    content = message + ("\n" + "\n".join(f"- {c}" for c in choices) if choices else "")
    return ToolMessage(
        content=content,
        tool_call_id=call_id,
        name=tool.replace(".", "_"),
        status="error",
        artifact=artifact,
    )


def _unexpected(call_id: str, tool: str) -> ToolMessage:
    correlation = uuid.uuid4().hex[:12]
    log.exception("tool %s failed [%s]", tool, correlation)
    return _error(call_id, tool, f"Something went wrong running {tool} (reference {correlation}).")


def _validation_text(spec: ToolSpec, error: ValidationError) -> str:
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc']) or 'input'}: {e['msg']}" for e in error.errors()
    )
    return f"I couldn't use {spec.name} with those details ({problems})."
