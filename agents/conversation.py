"""The conversation service every surface drives: messages in, Block Kit replies out.

A conversation is one LangGraph thread (``workspace:channel:thread_ts``). Mutating tool calls
interrupt the graph; when their approval reaches a final state the graph is resumed with the
outcome and the agent answers in the same conversation. A decision made through ``decide``
returns that answer as the reply's follow-up; one nobody waits for (an expiry, the crash sweep)
goes to ``publish``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.runnables import RunnableConfig
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command

from agents import turns
from agents.explain import explain_calls
from agents.notices import MESSAGE_LIMIT, ran_too_long, still_busy, too_long
from agents.offline.model import OPTIONS_KEY
from agents.providers import ChatProvider
from agents.reply import Choice, Question, Reply
from agents.turns import Turn, TurnAbandoned
from approvals.binding import Origin
from approvals.errors import ApprovalNotFound, ApprovalRefused
from approvals.events import Listener
from approvals.models import ApprovalRequest, ApprovalState
from approvals.render import CardRenderer, render_refusal, result_blocks
from approvals.service import ApprovalService
from core.coordination import Locks, LockTimeout
from core.settings import ChannelScope
from tools import blocks
from tools.registry import Registry
from tools.scope import OutOfScope, check_args

log = logging.getLogger(__name__)
Publisher = Callable[[str, Reply], None]


def conversation_id(workspace: str, channel: str, thread_ts: str) -> str:
    """The conversation (LangGraph thread) id of a Slack thread or console session.

    Args:
        workspace: Slack team id (``console`` for the console).
        channel: channel id.
        thread_ts: ts of the thread's first message.
    """
    return f"{workspace}:{channel}:{thread_ts}"


def workspace_of(conversation: str) -> str | None:
    """The workspace part of a conversation id (None when there is none).

    Args:
        conversation: ``workspace:channel:thread_ts``.
    """
    workspace, separator, _ = conversation.partition(":")
    return workspace if separator and workspace else None


@dataclass(frozen=True)
class EarlierTurn:
    """A turn asked for again (its run re-run after a crash), as the checkpoint has it.

    Attributes:
        since: index of the first message after the turn's own.
        cut_off: the graph stopped mid-turn (not at its end nor waiting for an approval).
    """

    since: int
    cut_off: bool


class ConversationService:
    """Runs turns of the agent and turns approval decisions into replies."""

    def __init__(
        self,
        graph: CompiledStateGraph[Any, Any, Any, Any],
        provider: ChatProvider,
        registry: Registry,
        approvals: ApprovalService,
        publish: Publisher | None = None,
        *,
        turn_budget: float,
        locks: Locks,
        cards: CardRenderer,
        scope_of: Callable[[str], ChannelScope | None] | None = None,
    ) -> None:
        """Wire the service and subscribe to the outcomes no caller waits for.

        Args:
            graph: the compiled, checkpointed agent graph.
            provider: the graph's chat model (for explain mode).
            registry: for rendering tool results.
            approvals: the approval service.
            publish: where follow-ups that no caller is waiting for are sent
                (e.g. a Slack thread when an approval expires).
            turn_budget: seconds a turn may run before it is fenced off (see ``agents.turns``).
            locks: a turn holds its conversation's lock here while it runs, so no two turns of
                one conversation run at once, in this process or any other sharing the locks.
            cards: renders approval cards.
            scope_of: the scope of a conversation's channel (``tools.scope``), if any; a
                message there naming another account is refused before the agent runs.
        """
        self.graph = graph
        self.provider = provider
        self.registry = registry
        self.approvals = approvals
        self.publish = publish
        self.turn_budget = turn_budget
        self.locks = locks
        self.cards = cards
        self.scope_of = scope_of
        approvals.subscribe(self._on_final, caller_decisions=False)

    # -- turns ----------------------------------------------------------------------------

    def handle_message(
        self, conversation: str, user: str, text: str, turn_id: str | None = None
    ) -> Reply:
        """Run one user message through the agent.

        Args:
            conversation: conversation id (see ``conversation_id``).
            user: who wrote it.
            text: what they wrote.
            turn_id: names this turn (the durable run answering the message). Asked again
                with the same id, the turn is not run again: one cut off by a crash resumes
                from its last checkpoint, one that ended is answered from the checkpoint.
        """
        if not text.strip():
            return Reply(blocks=[blocks.text("Say something and I'll help — or type *help*.")])
        if len(text) > MESSAGE_LIMIT:
            return Reply(blocks=[blocks.text(too_long(len(text)))])
        scope = self.scope_of(conversation) if self.scope_of else None
        if scope is not None:
            try:
                check_args(scope, text)
            except OutOfScope as refused:
                return Reply(blocks=blocks.error(str(refused)))
        config = self._config(conversation, user)

        def graph_input() -> Any:
            earlier = self._earlier_turn(config, turn_id) if turn_id else None
            if earlier is not None:
                return earlier
            return {"messages": [HumanMessage(content=text, id=turn_id)]}

        reply = self._turn(lambda: self._invoke(conversation, config, graph_input))
        return reply or Reply(blocks=[blocks.text("Done.")])

    def _earlier_turn(self, config: RunnableConfig, turn_id: str) -> EarlierTurn | None:
        """Where the turn ``turn_id`` stands in the checkpoint (None when it never began)."""
        snapshot = self.graph.get_state(config)
        messages: list[BaseMessage] = snapshot.values.get("messages", [])
        for index in range(len(messages) - 1, -1, -1):
            if messages[index].id == turn_id:
                waiting = any(task.interrupts for task in snapshot.tasks)
                return EarlierTurn(index + 1, bool(snapshot.next) and not waiting)
        return None

    def _turn(self, work: Callable[[], Reply | None]) -> Reply | None:
        """Run ``work`` as a turn within the budget; past it, the turn is fenced and the person
        told so (approval requests it filed are withdrawn once it ends)."""
        turn = Turn()
        try:
            return turn.run_within(self.turn_budget, work, undo=self._withdraw)
        except (TurnAbandoned, LockTimeout):
            text = ran_too_long(self.turn_budget) if turn.started else still_busy(self.turn_budget)
            return Reply(blocks=[blocks.text(text)])

    def _invoke(
        self, conversation: str, config: RunnableConfig, graph_input: Callable[[], Any]
    ) -> Reply | None:
        """One run of the graph in the turn's thread, holding the conversation's lock (waiting
        for it no longer than the budget); None when ``graph_input`` finds nothing to run."""
        with self.locks.hold(f"conversation:{conversation}", self.turn_budget):
            current_turn = turns.current()
            if current_turn is not None:
                current_turn.begin()
            prepared = graph_input()
            if prepared is None:
                return None
            if isinstance(prepared, EarlierTurn):
                if not prepared.cut_off:
                    return self._turn_reply(config, prepared.since)
                before, prepared = prepared.since, None  # None: go on from the checkpoint
            else:
                before = self._message_count(config)
            try:
                self.graph.invoke(prepared, config)
            except TurnAbandoned:
                raise
            except Exception:  # noqa: BLE001 - a failed turn becomes a correlation id
                return self._crash(conversation)
            return self._turn_reply(config, before)

    def _withdraw(self, approval_ids: list[str]) -> None:
        for approval_id in approval_ids:
            self.approvals.withdraw(approval_id, "the turn that asked for it ran out of time")

    def explain(self, text: str) -> list[dict[str, Any]]:
        """The tool calls the model would make for ``text``, executing nothing.

        Args:
            text: a user message.
        """
        return explain_calls(self.provider, self.registry, text)

    # -- decisions ------------------------------------------------------------------------

    def decide(
        self,
        conversation: str,
        user: str,
        approve: bool,
        approval_id: str | None = None,
        reason: str | None = None,
        origin: Origin | None = None,
        on_approved: Listener | None = None,
    ) -> Reply:
        """Approve or reject a request (the latest pending one of the conversation by default).

        Args:
            conversation: where the decision was typed (only needed without ``approval_id``).
            user: who decides.
            approve: True to approve, False to reject.
            approval_id: the request; ``None`` = the latest in ``conversation`` (the console's
                ``/approve`` with no id). A click always names one: ``''`` is refused.
            reason: rejection reason.
            origin: where the decision was made; checked against where the request was made.
            on_approved: called with the approved request before it executes.

        Returns:
            The decided request's card and, once the conversation that asked has every
            outcome it waits for, its answer as the follow-up; or a refusal for ``user`` only.
        """
        try:
            target = self._latest_id(conversation) if approval_id is None else approval_id
            if approve:
                request = self.approvals.approve(target, user, origin, on_approved)
            else:
                request = self.approvals.reject(target, user, reason, origin)
        except ApprovalRefused as refusal:
            return Reply(blocks=render_refusal(str(refusal)), ephemeral=True)
        followup = self._followup(request)
        cards = [self.cards(request)]
        if request.replaced_by:  # voided by the re-check: offer the plan as it is now
            cards.append(self.cards(self.approvals.get(request.replaced_by)))
        return Reply(cards=cards, followup=followup)

    def _latest_id(self, conversation: str) -> str:
        """The newest pending request, else the newest one (so its refusal says why)."""
        latest = self.approvals.latest(conversation) or self.approvals.latest(
            conversation, pending_only=False
        )
        if latest is None:
            raise ApprovalNotFound("There is no approval request in this conversation.")
        return latest.id

    def _on_final(self, request: ApprovalRequest) -> None:
        """An outcome nobody waits for (expiry, withdrawal, the crash sweep): its follow-up is
        published to the conversation that asked."""
        followup = self._followup(request)
        if followup is not None and self.publish and request.conversation_id:
            self.publish(request.conversation_id, followup)

    def _followup(self, request: ApprovalRequest) -> Reply | None:
        """Resume the conversation that asked for the final ``request`` once every approval it
        awaits is final; its answer, or None when there is nothing to resume yet."""
        if not request.conversation_id or not request.lifecycle.is_final:
            return None
        return self._resume(request.conversation_id, request)

    def _resume(self, conversation: str, known: ApprovalRequest) -> Reply | None:
        config = self._config(conversation, user=None)
        return self._turn(
            lambda: self._invoke(conversation, config, lambda: self._outcomes(config, known))
        )

    def _outcomes(self, config: RunnableConfig, known: ApprovalRequest) -> Command[Any] | None:
        """The resume command once every awaited approval is final (else None); ``known`` is
        the request just decided, as its decision returned it (not read again)."""
        snapshot = self.graph.get_state(config)
        if "await_approval" not in snapshot.next:
            return None
        awaiting = snapshot.values.get("awaiting", [])
        requests = [
            known if item["approval_id"] == known.id else self.approvals.get(item["approval_id"])
            for item in awaiting
        ]
        if not all(r.lifecycle.is_final for r in requests):
            return None
        return Command(resume={r.id: self._outcome(r) for r in requests})

    def _outcome(self, request: ApprovalRequest) -> dict[str, Any]:
        state = request.lifecycle
        who = request.decided_by or "nobody"
        if state is ApprovalState.SUCCEEDED:
            detail = blocks.to_text(result_blocks(request, self.registry))
            text = f"Done — {request.summary.rstrip('.')} (approved by {who}).\n{detail}".strip()
        elif state is ApprovalState.FAILED:
            text = f"Approved by {who}, but it failed: {request.error}"
        elif state is ApprovalState.INTERRUPTED:
            text = (
                f"Approved by {who}, but its run was cut off (the process running it stopped) "
                f"and was not run again. AWS shows now: {request.observed or 'nothing'}"
            )
        elif state is ApprovalState.VOIDED:
            fresh = (
                " A fresh card for the plan as it is now is posted."
                if request.replaced_by
                else " Ask again if the change is still wanted."
            )
            voided = f"Approved by {who}, but voided before it ran: {request.reason}"
            text = f"{voided} Nothing ran.{fresh}"
        elif state is ApprovalState.EXPIRED:
            text = f"The request to {request.summary.rstrip('.').lower()} expired; nothing ran."
        else:
            why = f" ({request.reason})" if request.reason else ""
            text = f"{state.value.capitalize()} by {who}{why}; nothing ran."
        return {"state": state.value, "text": text, "result": _json(request.result_json)}

    # -- rendering ------------------------------------------------------------------------

    def _turn_reply(self, config: RunnableConfig, before: int) -> Reply:
        snapshot = self.graph.get_state(config)
        new: list[BaseMessage] = snapshot.values.get("messages", [])[before:]
        reply = Reply()
        for message in new:
            if isinstance(message, ToolMessage):
                reply.extend(self._tool_reply(message))
            elif isinstance(message, AIMessage) and message.additional_kwargs.get(OPTIONS_KEY):
                reply.choices = question_of(message)
            elif isinstance(message, AIMessage) and _text(message):
                # a model may repeat what it read (an alert, a tag): its words ping no one
                reply.blocks.append(blocks.text(blocks.inert(_text(message))))
        if "await_approval" in snapshot.next:
            for item in snapshot.values.get("awaiting", []):
                reply.cards.append(self.cards(self.approvals.get(item["approval_id"])))
        if not (reply.blocks or reply.cards or reply.choices):
            reply.blocks.append(blocks.text("Done."))
        return reply

    def _tool_reply(self, message: ToolMessage) -> Reply:
        artifact = message.artifact if isinstance(message.artifact, dict) else {}
        kind = artifact.get("kind")
        if kind == "result":
            spec = self.registry.get(artifact["tool"])
            result = spec.result_model.model_validate(artifact["result"])
            files = [Path(p) for p in getattr(result, "files", []) or []]
            note = [blocks.note(artifact["note"])] if artifact.get("note") else []
            return Reply(blocks=[*note, *spec.render(result)], files=files)
        if kind == "error":
            choices = artifact.get("choices") or []
            text = artifact["message"] + "".join(f"\n• {c}" for c in choices)
            return Reply(blocks=blocks.error(text) if not choices else [blocks.text(text)])
        return Reply()

    def _crash(self, conversation: str) -> Reply:
        correlation = uuid.uuid4().hex[:12]
        log.exception("conversation %s failed [%s]", conversation, correlation)
        return Reply(
            blocks=blocks.error(f"Something went wrong on my side (reference {correlation}).")
        )

    @staticmethod
    def _config(conversation: str, user: str | None) -> RunnableConfig:
        configurable: dict[str, Any] = {"thread_id": conversation}
        if user:
            configurable["user"] = user
        return RunnableConfig(configurable=configurable)

    def _message_count(self, config: RunnableConfig) -> int:
        return len(self.graph.get_state(config).values.get("messages", []))


def _text(message: AIMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content.strip()
    parts = [p.get("text", "") if isinstance(p, dict) else str(p) for p in content]
    return "".join(parts).strip()


def _json(raw: str | None) -> Any:
    return json.loads(raw) if raw else None


def question_of(message: AIMessage) -> Question:
    """The question an asking message carries, with its options as choices.

    Choosing one says its label in the thread; the offline model then picks that option's call.

    Args:
        message: a message of the offline model with ``OPTIONS_KEY``.
    """
    options = message.additional_kwargs[OPTIONS_KEY]
    choices = [Choice(label=o["label"], message=o["label"]) for o in options][:25]
    return Question(prompt=_text(message) or "Which one?", choices=choices)
