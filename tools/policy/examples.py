"""How people ask who may approve a change: what the offline classifier learns
``policy.explain`` from. Questions about the approval policy itself, never the change."""

from __future__ import annotations

EXPLAIN: tuple[str, ...] = (
    "who can approve stopping web-1",
    "who would need to sign off on rebooting the api servers",
    "who is allowed to approve deleting that volume",
    "which people can approve a resize of db-1",
    "who approves changes to prod instances",
    "if I stop batch-worker, who has to approve it",
    "explain the approval policy for terminating web-2",
    "what approvals would releasing that elastic ip need",
    "how many approvals does stopping the prod web servers need",
    "who signs off on a reboot of api-1",
    "which rule of the approval policy applies to stopping web-1",
    "is stopping web-1 allowed by the policy",
    "would the policy let me resize batch-worker",
    "who is the approver for detaching vol-1",
    "who needs to approve starting db-1 again",
    "approval policy: who could approve deleting the old snapshot",
    "who's on the hook to approve a stop of the payments instance",
    "does stopping web-1 need two approvers",
    "who would have to ok shutting down web-1",
    "policy check for rebooting batch-worker",
    "who may approve changes in production",
    "who gets to approve an instance resize",
    "which approvers does the policy name for ec2 stops",
    "can anyone approve stopping the staging box or only the owners",
    "who is on call to approve a reboot right now",
    "explain who could approve this change: stop web-1",
    "what does the approval policy say about terminating instances",
    "whose approval do I need to stop web-1",
    "is a change to prod frozen right now, and who approves it",
    "who can authorise releasing an elastic ip",
)
