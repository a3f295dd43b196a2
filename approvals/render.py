"""Block Kit for approval cards: pending (with buttons) and decided (updated in place).

``render_card`` is the one place a card is rendered from its request; a ``Card`` keeps the
request it was rendered from beside its blocks, so a surface posts or updates it without reading
the request or rendering it again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from slack_sdk.models.blocks import ActionsBlock, Block, ButtonElement

from approvals.escalation import ApprovalNotice
from approvals.models import ApprovalRequest, ApprovalState
from approvals.policy import ApprovalPolicy
from core.clock import as_utc
from tools import blocks
from tools.plan import ActionPlan
from tools.policy.engine import Decision
from tools.policy.owners import OwnerGroup
from tools.registry import Registry

APPROVE_ACTION = "approval_approve"
REJECT_ACTION = "approval_reject"
RISK_ICONS = {
    "low": ":large_green_circle:",
    "medium": ":large_yellow_circle:",
    "high": ":large_orange_circle:",
    "critical": ":red_circle:",
}
STATE_LINES = {
    ApprovalState.SUCCEEDED: ":white_check_mark: Approved by {who} at {when} — executed.",
    ApprovalState.FAILED: ":x: Approved by {who} at {when} — execution failed: {error}",
    ApprovalState.EXECUTING: ":hourglass_flowing_sand: Approved by {who} at {when} — running…",
    ApprovalState.APPROVED: ":hourglass_flowing_sand: Approved by {who} at {when} — queued…",
    ApprovalState.REJECTED: ":no_entry: Rejected by {who} at {when}{reason}",
    ApprovalState.CANCELLED: ":leftwards_arrow_with_hook: Cancelled by {who} at {when}{reason}",
    ApprovalState.EXPIRED: ":alarm_clock: Expired at {expires} without a decision.",
    ApprovalState.INTERRUPTED: (
        ":warning: Approved by {who} at {when} — its run was cut off (the process running it "
        "stopped) and was not run again. AWS shows now: {observed}"
    ),
    ApprovalState.VOIDED: (
        ":no_entry_sign: Approved by {who} at {when}, then voided before it ran: the re-check "
        "found that {voided} Nothing ran.{fresh}"
    ),
}


def _when(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    return f"{as_utc(moment):%Y-%m-%d %H:%M} UTC"


TITLES = {
    ApprovalState.PENDING: "Approval needed",
    ApprovalState.SUCCEEDED: "Approved and done",
    ApprovalState.FAILED: "Approved, failed",
    ApprovalState.EXECUTING: "Approved, running",
    ApprovalState.APPROVED: "Approved",
    ApprovalState.REJECTED: "Rejected",
    ApprovalState.CANCELLED: "Cancelled",
    ApprovalState.EXPIRED: "Expired",
    ApprovalState.INTERRUPTED: "Approved, cut off",
    ApprovalState.VOIDED: "Voided",
}


def _plan_blocks(request: ApprovalRequest, plan: ActionPlan, who_may_approve: str) -> list[Block]:
    icon = RISK_ICONS.get(plan.risk, "")
    title = TITLES.get(request.lifecycle, request.state)
    out: list[Block] = [
        blocks.header(f"{title}: {plan.summary}"),
        blocks.fields(
            [
                ("Requested by", request.requester),
                ("Risk", f"{icon} {plan.risk}"),
                ("Who may approve", who_may_approve),
                ("Expires", _when(request.expires_at)),
            ]
        ),
    ]
    progress = approval_progress(request)
    if progress:
        out.append(blocks.text(progress))
    if request.break_glass:
        out.append(
            blocks.text(
                f":rotating_light: Run under break-glass by {request.decided_by}, without "
                f"approval: “{request.break_glass}”"
            )
        )
    lines = []
    for change in plan.changes:
        line = f"• *{change.label}* in {change.region}: {change.before} → {change.after}"
        if change.dependents:
            line += f"\n   depends on it: {', '.join(change.dependents)}"
        lines.append(line)
    if lines:
        out.append(blocks.text("*What changes*\n" + "\n".join(lines)))
    facts = []
    if plan.cost_delta_monthly is not None:
        delta = plan.cost_delta_monthly
        facts.append(f"Cost change: {'-' if delta < 0 else '+'}${abs(delta):,.2f}/month")
    facts.append("Reversible: " + (f"yes — {plan.reversal}" if plan.reversible else "*no*"))
    facts += plan.notes
    out.append(blocks.text("\n".join(facts)))
    check = preflight_line(request)
    if check:
        out.append(blocks.text(check))
    rule = f" · policy rule `{request.policy_rule}`" if request.policy_rule else ""
    out.append(blocks.note(f"Approval `{request.id}` · plan `{request.plan_hash[:12]}`{rule}"))
    return out


def approval_progress(request: ApprovalRequest) -> str | None:
    """ "1 of 2 approvals: bob" for a request that needs several people (None for one).

    Args:
        request: any approval request.
    """
    groups = owner_groups(request)
    if groups:
        who = request.approvers_so_far
        return ":busts_in_silhouette: " + " · ".join(_owner_progress(g, who) for g in groups)
    if request.required_approvals <= 1:
        return None
    who = request.approvers_so_far
    names = f": {', '.join(who)}" if who else ""
    return f":busts_in_silhouette: {len(who)} of {request.required_approvals} approvals{names}"


def owner_groups(request: ApprovalRequest) -> list[OwnerGroup]:
    """The per-owner quorums recorded with ``request`` (empty for one owner or none).

    Args:
        request: any approval request.
    """
    if not request.decision_json:
        return []
    return Decision.model_validate_json(request.decision_json).owner_groups


def _owner_progress(group: OwnerGroup, voters: list[str]) -> str:
    counted = group.approvers_among(voters)
    names = f" ({', '.join(counted)})" if counted else ""
    return f"{group.name}: {len(counted)} of {group.count}{names}"


def preflight_line(request: ApprovalRequest) -> str | None:
    """The pre-flight permission check in words ("Permission check passed …", "Would fail: …").

    Args:
        request: any approval request (None when no check applies to its tool).
    """
    detail = request.preflight_detail or ""
    if request.preflight == "passed":
        return f":white_check_mark: Permission check passed ({detail})."
    if request.preflight == "would_fail":
        line = f":x: *Would fail:* {detail}."
        if request.lifecycle is ApprovalState.PENDING:
            line += " It cannot be approved; fix the action role's permissions and ask again."
        return line
    if request.preflight == "unchecked":
        return f":grey_question: Permission check not made: {detail}."
    return None


def render_pending_card(
    request: ApprovalRequest, plan: ActionPlan, who_may_approve: str
) -> list[Block]:
    """The card with Approve / Reject buttons; the buttons carry only the approval id. A
    request whose permission check says it would fail has no Approve button.

    Args:
        request: the pending request.
        plan: its stored plan.
        who_may_approve: policy in words.
    """
    approve = ButtonElement(
        text="Approve", action_id=APPROVE_ACTION, value=request.id, style="primary"
    )
    reject = ButtonElement(text="Reject", action_id=REJECT_ACTION, value=request.id, style="danger")
    bound_to_fail = request.preflight == "would_fail"
    buttons = ActionsBlock(
        block_id=f"approval:{request.id}",
        elements=[reject] if bound_to_fail else [approve, reject],
    )
    return [*_plan_blocks(request, plan, who_may_approve), buttons]


def render_decided_card(
    request: ApprovalRequest, plan: ActionPlan, who_may_approve: str, result: list[Block]
) -> list[Block]:
    """The card after a decision: no buttons, who decided and when, then the result.

    Args:
        request: the decided request.
        plan: its stored plan.
        who_may_approve: policy in words.
        result: rendered execution result (empty when nothing ran).
    """
    state = request.lifecycle
    reason = f": {request.reason}" if request.reason and request.reason != "expired" else ""
    line = STATE_LINES.get(state, state.value).format(
        who=request.decided_by or "-",
        when=_when(request.decided_at),
        error=request.error or "",
        reason=reason,
        expires=_when(request.expires_at),
        observed=request.observed or "nothing could be read back.",
        voided=_lower_first(request.reason or "its targets changed."),
        fresh=(
            f" A fresh card for the plan as it is now follows (approval `{request.replaced_by}`)."
            if request.replaced_by
            else " Ask again if the change is still wanted."
        ),
    )
    return [*_plan_blocks(request, plan, who_may_approve), blocks.text(line), *result]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


@dataclass(frozen=True)
class Card:
    """An approval card as rendered once: the request as it was then, and its blocks.

    Attributes:
        request: the approval request the card shows (its id is the card's identity).
        blocks: the card's Block Kit blocks.
    """

    request: ApprovalRequest
    blocks: list[Block]

    @property
    def approval_id(self) -> str:
        """The id of the request the card shows."""
        return self.request.id

    @property
    def text(self) -> str:
        """The card as plain text."""
        return blocks.to_text(self.blocks)


def result_blocks(request: ApprovalRequest, registry: Registry) -> list[Block]:
    """The executed tool's result as its domain renders it (empty when nothing ran).

    Args:
        request: any approval request.
        registry: where the tool's result model and renderer are found.
    """
    if not request.result_json:
        return []
    spec = registry.get(request.tool)
    return spec.render(spec.result_model.model_validate_json(request.result_json))


def render_card(request: ApprovalRequest, policy: ApprovalPolicy, registry: Registry) -> Card:
    """The card of ``request`` in its current state: with buttons while pending, else decided.

    Args:
        request: any approval request.
        policy: says who may approve it.
        registry: renders the result of an executed request.
    """
    plan = ActionPlan.model_validate_json(request.plan_json)
    who = policy.describe_request(request)
    if request.lifecycle is ApprovalState.PENDING:
        return Card(request, render_pending_card(request, plan, who))
    return Card(request, render_decided_card(request, plan, who, result_blocks(request, registry)))


@dataclass(frozen=True)
class CardRenderer:
    """``render_card`` bound to the process's policy and tool registry.

    Attributes:
        policy: who may approve what.
        registry: the tools (to render execution results).
    """

    policy: ApprovalPolicy
    registry: Registry

    def __call__(self, request: ApprovalRequest) -> Card:
        """The card of ``request`` as it is now.

        Args:
            request: any approval request.
        """
        return render_card(request, self.policy, self.registry)

    def notice(self, notice: ApprovalNotice) -> list[Block]:
        """An escalation or expiry notice, mentioning its people (groups of the policy file
        as their members).

        Args:
            notice: what to say.
        """
        return render_notice(notice, self.policy.members)


def render_refusal(message: str) -> list[Block]:
    """What a refused clicker sees (ephemeral in Slack).

    Args:
        message: the refusal's sentence.
    """
    return [blocks.text(f":no_entry_sign: {message}")]


def mention(principal: str, members: Callable[[str], set[str]]) -> str:
    """A principal as Slack mentions: ``<@U1>``, ``<!subteam^S1>``, a group's members, ``<!here>``.

    Args:
        principal: a user id, ``@group`` or ``*``.
        members: resolves a group of the policy file to user ids.
    """
    if principal == "*":
        return "<!here>"
    if not principal.startswith("@"):
        return f"<@{principal}>"
    group = principal[1:]
    if group[:1] == "S" and group.isalnum() and group.isupper():
        return f"<!subteam^{group}>"
    found = sorted(members(group))
    return " ".join(f"<@{user}>" for user in found) if found else principal


def render_notice(notice: ApprovalNotice, members: Callable[[str], set[str]]) -> list[Block]:
    """What the thread of a request is told when nobody decides it (escalation, expiry).

    Args:
        notice: the notice.
        members: resolves a group of the policy file to user ids.
    """
    request = notice.request
    who = " ".join(mention(p, members) for p in notice.mention)
    if notice.kind == "break-glass":
        return render_review(notice, who)
    if notice.kind == "escalated":
        text = (
            f":rotating_light: {who} — nobody has decided this request yet: "
            f"*{request.summary}* (escalation level {notice.level} of {notice.levels}). "
            f"It expires at {_when(request.expires_at)}; approve or reject it on its card "
            f"(approval `{request.id}`)."
        )
    else:
        text = (
            f":alarm_clock: {who} — this request expired at {_when(request.expires_at)} "
            f"without a decision: *{request.summary}* Nothing was run; ask again for a fresh "
            f"plan if it is still wanted (approval `{request.id}`)."
        )
    return [blocks.text(text)]


def render_review(notice: ApprovalNotice, reviewers: str) -> list[Block]:
    """The post-hoc review card of a request run under break-glass.

    Args:
        notice: the break-glass notice (its request in its final state).
        reviewers: the request's approvers as mentions.
    """
    request = notice.request
    outcome = {
        ApprovalState.SUCCEEDED: "it ran.",
        ApprovalState.FAILED: f"it failed: {request.error}",
        ApprovalState.VOIDED: f"voided before it ran: {request.reason}",
    }.get(request.lifecycle, f"it ended {request.state.lower()}.")
    return [
        blocks.header(f"Break-glass review: {request.summary}"),
        blocks.text(
            f":rotating_light: <@{request.decided_by}> ran this without approval at "
            f"{_when(request.decided_at)}, justifying it with: “{request.break_glass}”\n"
            f"Outcome: {outcome}"
        ),
        blocks.text(f"{reviewers or 'Approvers'}, please review it after the fact."),
        blocks.note(f"Approval `{request.id}` · plan `{request.plan_hash[:12]}` · audited"),
    ]
