"""The composition root: ``create_app`` builds every service once and wires them together."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from langchain_core.language_models import BaseChatModel
from slack_sdk.models.blocks import MarkdownTextObject, SectionBlock

from agents.budget import ModelBudget
from agents.checkpoint import Checkpoints, open_checkpoints
from agents.conversation import ConversationService, Publisher
from agents.graph import build_graph
from agents.offline.estate import EstateLexicon
from agents.offline.understand import Understanding
from agents.policy_explain import PolicyExplainer
from agents.providers import ChatProvider
from agents.reply import Reply
from agents.tool_node import ToolRunner
from agents.toolset import DomainSelector
from approvals.audit import AuditLog
from approvals.audit_anchor import anchor_for
from approvals.breakglass import BreakGlass
from approvals.executor import Executor
from approvals.policy import ApprovalPolicy, GroupMembers
from approvals.recovery import Recovery
from approvals.render import CardRenderer
from approvals.service import ApprovalService
from approvals.store import ApprovalStore
from core.aws import AwsClients
from core.clock import Clock
from core.coordination import Coordination, coordination_for
from core.db import Database
from core.settings import Settings
from tools.alerts.incident_access import ACCESS_KEY, IncidentAccess
from tools.alerts.incident_investigation import FILE_FIX_KEY
from tools.alerts.incident_state import IncidentState
from tools.alerts.routing import Router
from tools.alerts.silencing import SILENCER_KEY, Silencer
from tools.context import PRIVATE_NOTICE_KEY, ToolContext
from tools.policy.explain import EXPLAINER_KEY
from tools.policy.owners import Directory
from tools.policy.pagerduty import PagerDutySchedules
from tools.policy.source import PolicySource
from tools.policy.tags import target_tags
from tools.registry import Registry, load_builtin_tools
from tools.scope import scope_for, scoped_context

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from approvals.models import ApprovalRequest
    from bot.run_approvals import ShowCard
    from core.durable.engine import DurableEngine
    from core.durable.ticker import Ticker
    from tools.workflows.run_lines import ShowRun
    from tools.workflows.runner import Runner


@dataclass
class CloudFabric:
    """Every long-lived service of one process.

    Attributes:
        settings: runtime settings.
        db: SQL store.
        aws: AWS client factory.
        registry: the tools.
        audit: hash-chained audit log.
        approvals: approval service.
        cards: renders approval cards.
        conversations: the conversation service surfaces drive.
        checkpoints: the agent's checkpointer.
        coordination: dedupe and locks shared with the other replicas (Redis, PostgreSQL
            advisory locks or in-process, per settings).
        clock: the one source of "now".
        sandbox: the running sandbox, when in sandbox mode.
        durable: the durable engine, once background work started with it enabled.
        ticker: starts the runs of scheduled workflows, once the durable engine runs.
        publish: posts a workflow's notices to a channel (``(channel, reply)``), when a
            surface gives one; it raises ``ToolError`` saying why when the channel refuses.
        show_run_line: posts or edits a run's status line in a conversation's thread
            (``tools.workflows.run_lines.ShowRun``), when a surface gives one.
        private: tells one user something only they may see (``(user, reply)``), when a
            surface gives one.
        show_card: posts the card of a request a workflow run filed, when a surface gives
            one (without it the approval sweep posts unposted cards).
        break_glass: runs a pending request without approval for the break-glass group;
            only the ``/cloudfabric break-glass`` command calls it.
        schedules: PagerDuty's on-call schedules, when a token is set; its HTTP client is
            closed with the rest.
    """

    settings: Settings
    db: Database
    aws: AwsClients
    registry: Registry
    audit: AuditLog
    approvals: ApprovalService
    cards: CardRenderer
    conversations: ConversationService
    checkpoints: Checkpoints
    coordination: Coordination
    clock: Clock = field(default_factory=Clock)
    sandbox: Any = None
    scheduler: Any = None
    extras: dict[str, object] = field(default_factory=dict)
    durable: DurableEngine | None = None
    ticker: Ticker | None = None
    publish: Publisher | None = None
    show_run_line: ShowRun | None = None
    private: Publisher | None = None
    show_card: ShowCard | None = None
    break_glass: BreakGlass | None = None
    schedules: PagerDutySchedules | None = None
    _owns_durable: bool = False

    def context_for(self, user: str, conversation: str | None = None) -> ToolContext:
        """A tool context acting for ``user``, scoped when ``conversation``'s channel is.

        Args:
            user: the user id.
            conversation: the conversation the tools run in, if any.
        """
        made = ToolContext(self.settings, self.aws, self.db, user, self.extras, self.clock,
                           conversation=conversation)  # fmt: skip
        return scoped_context(made, conversation)

    def start_background(self, role: str = "app") -> None:
        """Start the approval sweep: expiry and crash recovery, now and then periodically,
        the retention sweep every ``retention_sweep_minutes``, and the durable engine when
        ``durable_enabled`` (it recovers this replica's runs).

        The first sweep runs at once, so what a crashed process left is finished or reported
        as soon as a replica starts.

        Args:
            role: what this process is (``serve``, ``worker``), for the engine's default
                executor id.
        """
        if self.scheduler is not None:
            return
        from apscheduler.schedulers.background import BackgroundScheduler
        from apscheduler.triggers.interval import IntervalTrigger

        scheduler = BackgroundScheduler(daemon=True)
        trigger = IntervalTrigger(seconds=self.settings.approval_sweep_seconds)
        scheduler.add_job(
            self.approvals.sweep,
            trigger,
            id="approval-sweep",
            max_instances=1,
            coalesce=True,
            next_run_time=self.clock.system_now(),  # APScheduler runs on the system clock
        )
        scheduler.add_job(
            self.forget_old_records,
            IntervalTrigger(minutes=self.settings.retention_sweep_minutes),
            id="retention-sweep",
            max_instances=1,
            coalesce=True,
        )
        scheduler.start()
        self.scheduler = scheduler
        if self.settings.durable_enabled:
            self._start_durable(role)

    def _start_durable(self, role: str) -> None:
        """Launch the durable engine, unless this process runs it already (then share it),
        and run workflows on it: the ticker starts scheduled runs, ``workflow.run_now``
        starts one now, and a decided approval step lets its run go on."""
        from bot.run_approvals import CardShowingFiler
        from core import durable
        from tools.workflows import durable as workflow_runs
        from tools.workflows.handlers import RUNNER_KEY
        from tools.workflows.service import WorkflowStore

        store = WorkflowStore(self.db, self.clock)
        runner = workflow_runs.DurableRunner(
            self.registry,
            store,
            self.context_for,
            self.notify,
            CardShowingFiler(self.approvals, lambda: self.show_card),
            workflow_runs.DurableSteps(),
            self.show_run,
        )
        workflow_runs.bind(runner)  # before launch: recovered runs use it at once
        self._owns_durable = not durable.is_launched()
        self.durable = durable.launch(self.settings, self.clock, db=self.db, role=role)
        self.extras[RUNNER_KEY] = runner
        self.approvals.subscribe(lambda request: _resume_workflow(runner, request))
        self.ticker = self.durable.start_ticker(lambda: workflow_runs.schedules(store))

    def forget_old_records(self) -> None:
        """Run the retention sweep (``bot.retention``): old conversations and ended runs."""
        from bot.retention import sweep

        sweep(self)

    def notify(self, channel: str, text: str) -> None:
        """Post a workflow's notice ``text`` to ``channel`` (logged when nothing publishes).

        Args:
            channel: where it goes.
            text: what it says (mrkdwn).
        """
        if self.publish is None:
            log.info("workflow notice for %s: %s", channel, text)
            return
        self.publish(channel, Reply(blocks=[SectionBlock(text=MarkdownTextObject(text=text))]))

    def show_run(self, conversation: str, ref: str | None, text: str) -> str | None:
        """Post (or, given ``ref``, edit) a run's status line in a conversation's thread.

        Args:
            conversation: the thread the workflow was made in.
            ref: the line posted earlier for this run, if any.
            text: the line (mrkdwn).

        Returns:
            The line's reference, or None when nothing showed it (it is then logged).
        """
        if self.show_run_line is None:
            log.info("workflow run in %s: %s", conversation, text)
            return None
        return self.show_run_line(conversation, ref, text)

    def tell_privately(self, user: str, text: str) -> None:
        """Tell ``user`` alone ``text`` (mrkdwn); without a surface it is dropped, not logged.

        Args:
            user: who may see it.
            text: what to tell (it may hold a secret).
        """
        if self.private is None:
            log.warning("a private notice for %s was not delivered: no surface", user)
            return
        self.private(user, Reply(blocks=[SectionBlock(text=MarkdownTextObject(text=text))]))

    def close(self) -> None:
        """Stop background work, release connections and stop the sandbox.

        A sweep still running (an expiry telling its conversation, a recovered execution) is
        waited for: closing the checkpoints or the store under it would break it mid-write.
        """
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=True)
            self.scheduler = None
        if self.durable is not None and self._owns_durable:
            from core.durable import shutdown

            shutdown()
        self.durable = None
        if self.schedules is not None:
            self.schedules.close()
        self.checkpoints.close()
        self.coordination.close()
        self.db.dispose()
        if self.sandbox is not None:
            self.sandbox.stop()


def create_app(
    settings: Settings,
    *,
    aws: AwsClients | None = None,
    model: BaseChatModel | None = None,
    group_members: GroupMembers | None = None,
    publish: Publisher | None = None,
    clock: Clock | None = None,
    select_domains: DomainSelector | None = None,
    directory: Directory | None = None,
) -> CloudFabric:
    """Build CloudFabric from ``settings``.

    Args:
        settings: runtime settings.
        aws: ready AWS clients (tests); otherwise the sandbox or live clients per settings.
        model: an explicit chat model (tests); otherwise per ``settings.model_provider``.
        group_members: resolves approver groups (e.g. Slack user groups).
        publish: receives follow-up replies no caller waits for (by conversation id); a
            workflow's notices to channels go to ``CloudFabric.publish``, set by a surface.
        clock: the clock (tests); otherwise the system clock, started at
            ``settings.clock_start`` when that is set.
        select_domains: names the registry domains a message is about, so a hosted model
            is given only their tools (see ``agents.toolset``); every tool when None.
        directory: resolves owner tags (emails, user-group handles) and PagerDuty's on-call
            emails to chat users (Slack); without it emails resolve to nobody.

    Raises:
        PolicyFileError: the approval policy file is invalid (names the line and the reason);
            nothing is started.
    """
    clock = clock or Clock(settings.clock_start)
    schedules = _pagerduty(settings, directory)
    # an invalid policy file stops us here
    policy_source = PolicySource.from_settings(settings, schedules=schedules, directory=directory)
    db = Database(settings.sql_url, settings.db_pool_size)
    db.migrate()
    sandbox = None
    if aws is None:
        aws, sandbox = _aws_for(settings, clock)
    if settings.is_sandbox:
        from tools.architecture.sandbox_pools import seed_sandbox_pools

        seed_sandbox_pools(db, clock)
    registry = load_builtin_tools()
    audit = AuditLog(db, clock, anchor_for(settings, aws))
    extras: dict[str, object] = {}

    def context_for(user: str, conversation: str | None = None) -> ToolContext:
        made = ToolContext(settings, aws, db, user, extras, clock, conversation=conversation)
        return scoped_context(made, conversation)

    approvals = _approvals(
        settings, db, registry, audit, context_for, clock, group_members, policy_source
    )
    checkpoints = open_checkpoints(settings.sql_url, settings.data_dir, settings.db_pool_size)
    estate = sandbox.estate if sandbox is not None else None
    understanding = Understanding(registry, EstateLexicon(db, estate, sandbox=settings.is_sandbox))
    budget = ModelBudget.build(settings, db, clock)
    provider = ChatProvider.build(
        settings,
        registry,
        model,
        understanding,
        select_domains=select_domains or understanding.domains_for,
        budget=budget,
    )
    extras[EXPLAINER_KEY] = PolicyExplainer(
        understanding, registry, context_for, approvals.policy, _switched_off(approvals)
    )
    runner = ToolRunner(registry, approvals, context_for)
    graph = build_graph(provider, runner, checkpoints.saver)
    coordination = coordination_for(settings, db, clock)
    cards = CardRenderer(approvals.policy, registry)
    conversations = ConversationService(
        graph,
        provider,
        registry,
        approvals,
        publish,
        turn_budget=settings.turn_budget_seconds,
        locks=coordination,
        cards=cards,
        scope_of=lambda conversation: scope_for(settings, conversation),
    )
    built = CloudFabric(
        settings=settings,
        db=db,
        aws=aws,
        registry=registry,
        audit=audit,
        approvals=approvals,
        cards=cards,
        conversations=conversations,
        checkpoints=checkpoints,
        coordination=coordination,
        clock=clock,
        sandbox=sandbox,
        extras=extras,
        break_glass=BreakGlass(approvals, settings.break_glass_group, settings.break_glass_per_day),
        schedules=schedules,
    )
    extras[PRIVATE_NOTICE_KEY] = built.tell_privately
    _alert_incidents(built)
    return built


def _alert_incidents(built: CloudFabric) -> None:
    """What the incident tools and buttons share: the guard with the audited state changes,
    the chat silences under the same guard, and the filer of an investigation's fix through the
    approval gate (its card shown by the surface of the moment)."""
    from bot.alert_actions import fix_filer, incident_access

    state = IncidentState(built.db, built.clock)
    policy = built.approvals.policy
    access = incident_access(built.settings, policy, state, built.audit)
    built.extras[ACCESS_KEY] = access
    built.extras[FILE_FIX_KEY] = fix_filer(built.approvals, lambda: built.show_card)
    built.extras[SILENCER_KEY] = _silencer(built, access)


def _silencer(built: CloudFabric, access: IncidentAccess) -> Silencer:
    """The chat silences' service: audited, and allowed to whom the incident guard allows
    (approvers only until a Slack surface adds the members of the alert channels)."""

    def record(user: str, action: str, detail: dict[str, object]) -> None:
        built.audit.append(user, action, None, detail)

    channels = Router.from_settings(built.settings).channels
    return Silencer(built.db, built.clock, record, access.guard.may_act_in, channels)


def _resume_workflow(runner: Runner, request: ApprovalRequest) -> None:
    """Let the workflow run whose step filed ``request`` go on, now that it is decided."""
    from tools.workflows.durable import resume_decided

    resume_decided(runner, request.origin_key, request.state, request.result_json, request.error)


def _approvals(
    settings: Settings,
    db: Database,
    registry: Registry,
    audit: AuditLog,
    context_for: Callable[[str], ToolContext],
    clock: Clock,
    group_members: GroupMembers | None,
    policy_source: PolicySource,
) -> ApprovalService:
    """The approval service with its executor (owned by this replica) and crash sweep."""
    store = ApprovalStore(db)
    lease = timedelta(seconds=settings.approval_lease_seconds)
    executor = Executor(store, registry, audit, context_for, clock, settings.replica_id, lease)
    recovery = Recovery(store, executor, audit, registry, context_for, clock)
    tags = target_tags(context_for)
    policy = ApprovalPolicy(settings, group_members, policy_source, tags, clock)
    ttl = timedelta(minutes=settings.approval_ttl_minutes)
    return ApprovalService(db, policy, audit, executor, ttl, clock, recovery)


def _pagerduty(settings: Settings, directory: Directory | None) -> PagerDutySchedules | None:
    """PagerDuty's on-call schedules when a token is set (its emails mapped through Slack)."""
    if settings.pagerduty_token is None:
        return None
    to_user = directory.user_by_email if directory is not None else None
    token = settings.pagerduty_token.get_secret_value()
    return PagerDutySchedules(token, to_user, api_url=settings.pagerduty_api_url)


def _switched_off(approvals: ApprovalService) -> Callable[[], str | None]:
    """Why the kill switch freezes every change now (None when it is off)."""

    def reason() -> str | None:
        status = approvals.freeze.status()
        return status.message() if status.active else None

    return reason


def _aws_for(settings: Settings, clock: Clock) -> tuple[AwsClients, Any]:
    if not settings.is_sandbox:
        return AwsClients(settings), None
    from core.sandbox import Sandbox

    sandbox = Sandbox()
    return sandbox.start(settings, clock), sandbox
