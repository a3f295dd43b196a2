"""AWS clients for one approved change: the account's action role, assumed for this run only.

Reads use ``AwsClients`` (the reading role, cached for the process). A change runs on an
``ActionClients`` built for its execution: each account's action role (``CF_ACTION_ROLE_ARN``,
``CF_ACTION_ACCOUNT_ROLES``) is assumed from CloudFabric's own credentials with a
``SourceIdentity`` naming the person the change runs for, a session name naming the request
and session tags, so CloudTrail attributes every call to them. Nothing is shared with the
reading clients' cache, and nothing outlives the run.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from core.aws import AwsClients

if TYPE_CHECKING:
    import boto3

    from core.settings import Settings

log = logging.getLogger(__name__)
SANDBOX_ACTION_ROLE = "CloudFabricAction"
"""Role name the sandbox assumes for changes in each of its accounts."""
SANDBOX_PRIMARY_ACCOUNT = "123456789012"
ACTION_PERMISSIONS = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")
"""What CloudFabric's own principal needs, and the action role's trust policy allows, to enter
the action role with a source identity and session tags."""
_NOT_IDENTITY = re.compile(r"[^\w+=,.@-]")
_NOT_TAG_VALUE = re.compile(r"[^\w .:/=+@-]")
IDENTITY_MAX = 64
TAG_VALUE_MAX = 256


def source_identity(who: str) -> str:
    """``who`` as AWS accepts a SourceIdentity or a role session name: 2 to 64 of ``[\\w+=,.@-]``.

    Other characters become ``-`` (``policy:night-stop`` -> ``policy-night-stop``); a name
    shorter than 2 is padded with ``-``.

    Args:
        who: a user id, a break-glass user, ``policy:<rule>``.
    """
    cleaned = _NOT_IDENTITY.sub("-", who.encode("ascii", "replace").decode())[:IDENTITY_MAX]
    return cleaned.ljust(2, "-")


def tag_value(text: str) -> str:
    """``text`` as AWS accepts a session tag value (at most 256 of letters, digits, spaces and
    ``_ . : / = + - @``).

    Args:
        text: the value wanted.
    """
    return _NOT_TAG_VALUE.sub("-", text.encode("ascii", "replace").decode())[:TAG_VALUE_MAX]


@dataclass(frozen=True)
class ActingAs:
    """Who an action session runs for, as CloudTrail will show it.

    Attributes:
        source_identity: the person (already in AWS's characters: ``source_identity``).
        session_name: the role session name, naming the request (2 to 64 of ``[\\w+=,.@-]``).
        tags: session tags (key -> value), e.g. every approver of the request.
    """

    source_identity: str
    session_name: str
    tags: Mapping[str, str] = field(default_factory=dict)

    def assume_params(self, role_arn: str) -> dict[str, Any]:
        """The AssumeRole parameters entering ``role_arn`` as this identity.

        Args:
            role_arn: the action role.
        """
        params: dict[str, Any] = {
            "RoleArn": role_arn,
            "RoleSessionName": source_identity(self.session_name),
            "SourceIdentity": source_identity(self.source_identity),
        }
        if self.tags:
            params["Tags"] = [{"Key": k, "Value": tag_value(v)} for k, v in self.tags.items()]
        return params


def action_role_arn(settings: Settings, account: str | None) -> str | None:
    """The action role of ``account`` (None = primary), or None when none is configured (live).

    Args:
        settings: ``action_role_arn`` and ``action_account_roles``.
        account: account key as ``AwsClients.accounts()`` gives it.
    """
    configured = (
        settings.action_role_arn if account is None else settings.action_account_roles.get(account)
    )
    if configured or not settings.is_sandbox:
        return configured
    return f"arn:aws:iam::{account or SANDBOX_PRIMARY_ACCOUNT}:role/{SANDBOX_ACTION_ROLE}"


class ActionClients(AwsClients):
    """``AwsClients`` whose sessions are the action roles, assumed as ``acting`` for one run.

    Sessions and clients are cached on this object only, which lives for one execution (or one
    pre-flight check). An account without an action role (live, not configured) falls back to
    the reading session, logged as a warning.
    """

    def __init__(self, reading: AwsClients, acting: ActingAs) -> None:
        """Prepare clients acting as ``acting``, sharing ``reading``'s models and call hooks.

        Args:
            reading: the process's reading clients (settings, accounts, hooks).
            acting: who the sessions are for.
        """
        super().__init__(reading.settings, sandbox=reading.sandbox)
        self.reading = reading
        self.acting = acting
        self._loader = reading._loader
        self._call_hooks = reading._call_hooks
        self._client_hooks = reading._client_hooks
        self._account_roles = dict(reading._account_roles)

    def role_for(self, account: str | None) -> str | None:
        """The action role used in ``account``; None when the reading role is used instead.

        Args:
            account: account key (None = primary).
        """
        return action_role_arn(self.settings, account)

    def _build_session(self, account: str | None) -> boto3.Session:
        role = self.role_for(account)
        if role is None:
            log.warning(
                "no action role for account %s (CF_ACTION_ROLE_ARN / CF_ACTION_ACCOUNT_ROLES): "
                "the change runs under the reading role and CloudTrail does not name %s",
                account or "primary",
                self.acting.source_identity,
            )
            return self.reading.session(account)
        base = self._base_session()
        sts = base.client("sts", config=self.config, endpoint_url=self.settings.aws_endpoint_url)
        credentials = sts.assume_role(**self.acting.assume_params(role))["Credentials"]
        return self._new_session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=base.region_name,
        )
