"""Reading CloudFormation: a stack's state and template, a change set's changes, events,
resources; and the change between two templates (what an approver is shown)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import yaml
from botocore.exceptions import ClientError

Json = dict[str, Any]
SETTLED = frozenset(
    {"CREATE_COMPLETE", "UPDATE_COMPLETE", "UPDATE_ROLLBACK_COMPLETE", "IMPORT_COMPLETE"}
)
"""States a stack can be updated from."""
REPLACEABLE = frozenset({"ROLLBACK_COMPLETE", "REVIEW_IN_PROGRESS", "DELETE_COMPLETE"})
"""States where a new create must first remove what is left (or nothing is left)."""
FAILED_STATUSES = ("CREATE_FAILED", "UPDATE_FAILED", "DELETE_FAILED")


@dataclass(frozen=True)
class Change:
    """One resource a change set adds, modifies or removes.

    Attributes:
        action: ``Add``, ``Modify`` or ``Remove``.
        logical_id: the resource's logical id.
        resource_type: its CloudFormation type.
    """

    action: str
    logical_id: str
    resource_type: str

    def as_dict(self) -> dict[str, str]:
        """Plain form, for plan arguments."""
        return {"action": self.action, "logical_id": self.logical_id, "type": self.resource_type}


def stack_status(cfn: Any, name: str) -> tuple[str | None, str | None]:
    """``(status, stack id)`` of the live stack ``name``; ``(None, None)`` when there is none.

    Args:
        cfn: CloudFormation client.
        name: stack name.
    """
    try:
        stacks = cfn.describe_stacks(StackName=name)["Stacks"]
    except ClientError as error:
        if "does not exist" in str(error):
            return None, None
        raise
    if not stacks:
        return None, None
    return str(stacks[0]["StackStatus"]), str(stacks[0]["StackId"])


def parse_template(body: Any) -> Json:
    """A template body (JSON or YAML text, or an already parsed dict) as a dict.

    Args:
        body: what ``GetTemplate`` returned.
    """
    if isinstance(body, dict):
        return body
    try:
        loaded: Json = json.loads(body)
    except ValueError:
        loaded = yaml.safe_load(body)
    return loaded or {}


def deployed_template(cfn: Any, name: str) -> Json | None:
    """The template the stack runs now (None when no stack has one).

    Args:
        cfn: CloudFormation client.
        name: stack name.
    """
    status, _ = stack_status(cfn, name)
    if status is None or status in REPLACEABLE:
        return None
    return parse_template(
        cfn.get_template(StackName=name, TemplateStage="Original")["TemplateBody"]
    )


def template_changes(deployed: Json | None, wanted: Json) -> list[Change]:
    """What a change set from ``deployed`` to ``wanted`` must contain, resource by resource.

    Args:
        deployed: the running template (None = nothing deployed).
        wanted: the new template.
    """
    old = (deployed or {}).get("Resources", {})
    new = wanted["Resources"]
    changes = [Change("Add", lid, r["Type"]) for lid, r in new.items() if lid not in old]
    changes += [
        Change("Modify", lid, r["Type"]) for lid, r in new.items() if lid in old and old[lid] != r
    ]
    changes += [Change("Remove", lid, r["Type"]) for lid, r in old.items() if lid not in new]
    return changes


def change_set_changes(cfn: Any, change_set_id: str) -> tuple[Json, list[Change]]:
    """The change set's description and every resource change in it (all pages).

    Args:
        cfn: CloudFormation client.
        change_set_id: its ARN.
    """
    found: list[Change] = []
    token: str | None = None
    while True:
        extra = {"NextToken": token} if token else {}
        page = cfn.describe_change_set(ChangeSetName=change_set_id, **extra)
        for item in page.get("Changes", []):
            rc = item.get("ResourceChange", {})
            found.append(Change(rc["Action"], rc["LogicalResourceId"], rc["ResourceType"]))
        token = page.get("NextToken")
        if not token:
            return page, found


def _pages(cfn: Any, operation: str, key: str, stack: str) -> list[Json]:
    found: list[Json] = []
    for page in cfn.get_paginator(operation).paginate(StackName=stack):
        found.extend(page.get(key, []))
    return found


def stack_events(cfn: Any, stack_id: str) -> list[Json]:
    """Every event of the stack, oldest first.

    Args:
        cfn: CloudFormation client.
        stack_id: stack id or name.
    """
    return list(reversed(_pages(cfn, "describe_stack_events", "StackEvents", stack_id)))


def stack_resources(cfn: Any, stack: str) -> list[Json]:
    """Every resource of the stack (logical id, type, physical id, status).

    Args:
        cfn: CloudFormation client.
        stack: stack id or name.
    """
    return _pages(cfn, "list_stack_resources", "StackResourceSummaries", stack)


def failure_of(events: list[Json]) -> str | None:
    """The first failed resource and why, from stack events (None when none failed).

    Args:
        events: oldest first.
    """
    for event in events:
        status = str(event.get("ResourceStatus", ""))
        if status in FAILED_STATUSES and event.get("ResourceType") != "AWS::CloudFormation::Stack":
            reason = event.get("ResourceStatusReason") or "no reason given"
            return f"{event['LogicalResourceId']} ({event['ResourceType']}) {status}: {reason}"
    return None
