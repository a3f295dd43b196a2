"""Channel scoping: in a channel scoped to accounts or environments, tools see only those.

The tool context built for a conversation in a scoped channel carries its ``ChannelScope``
and AWS clients that list and reach only the scoped accounts (``ScopedAwsClients``); the tool
runner then refuses arguments naming another account and drops from every result whatever
belongs to another account or environment (``keep_in_scope``), so no tool can forget the
scope, and the reply says what it shows (``scope_note``).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from core import patterns
from core.aws import AwsClients
from core.settings import ChannelScope, Settings
from tools.context import ToolContext
from tools.errors import ToolError
from tools.plan import ResourceChange

DIGITS = patterns.compile(r"[0-9]+")
ARN_ACCOUNT = patterns.compile(r"^arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12}):")
ACCOUNT_KEYS = ("account", "account_id", "owner_account", "owner_id")
ENVIRONMENT_TAGS = ("environment", "env")
SCOPED_DOMAINS = ("discovery", "inventory", "graph", "cost", "ec2", "security", "ipam")
"""Tool name prefixes whose answers are about accounts' resources: their replies say the scope."""


class OutOfScope(ToolError):
    """A request names an account this channel may not see; the message says which."""


def scope_for(settings: Settings, conversation_id: str | None) -> ChannelScope | None:
    """The scope of the channel a conversation (``workspace:channel:thread``) is in.

    Args:
        settings: reads ``channel_scopes``.
        conversation_id: the conversation, or None outside one.
    """
    if not conversation_id or not settings.channel_scopes:
        return None
    parts = conversation_id.split(":")
    return settings.channel_scopes.get(parts[1]) if len(parts) >= 3 else None


def accounts_words(scope: ChannelScope) -> str:
    """``111111111111 (payments), 222222222222`` for messages.

    Args:
        scope: the channel's scope.
    """
    return ", ".join(f"{a} ({name})" if name else a for a, name in sorted(scope.accounts.items()))


def scope_note(scope: ChannelScope) -> str:
    """What a reply in the scoped channel says it shows.

    Args:
        scope: the channel's scope.
    """
    shown = []
    if scope.accounts:
        plural = "s" if len(scope.accounts) > 1 else ""
        shown.append(f"account{plural} {accounts_words(scope)}")
    if scope.environments:
        shown.append("environment " + ", ".join(scope.environments))
    return f"Showing {' in '.join(shown)} only — this channel is scoped."


class ScopedAwsClients(AwsClients):
    """The same clients (caches, hooks and sessions shared), seeing only scoped accounts."""

    def __init__(self, base: AwsClients, scope: ChannelScope, primary: str) -> None:
        """Wrap ``base``.

        Args:
            base: the app's clients.
            scope: the channel's scope.
            primary: the primary account's id.
        """
        self.__dict__.update(base.__dict__)  # share the one cache, lock and hooks
        self.scope, self.primary = scope, primary

    def accounts(self) -> list[str | None]:
        """The account keys of the scope (the primary's is None)."""
        if not self.scope.accounts:
            return super().accounts()
        return [
            key
            for key in super().accounts()
            if (self.primary if key is None else key) in self.scope.accounts
        ]

    def client(self, service: str, region: str, account: str | None = None) -> Any:
        """A client, refused for an extra account outside the scope.

        Args:
            service: boto3 service name.
            region: AWS region name.
            account: account key; None = the primary (read for identity and billing).
        """
        if account is not None and self.scope.accounts and account not in self.scope.accounts:
            raise OutOfScope(refusal(self.scope, account))
        made = super().client(service, region, account)
        if service == "ce" and self.scope.accounts:
            return ScopedCostExplorer(made, sorted(self.scope.accounts))
        return made


class ScopedCostExplorer:
    """A Cost Explorer client whose spend questions are about the scoped accounts only.

    Cost Explorer answers in the payer account for every linked account: each cost and
    forecast request gets a ``LINKED_ACCOUNT`` filter (joined with the caller's by ``And``).
    """

    FILTERED = frozenset(
        {"get_cost_and_usage", "get_cost_and_usage_with_resources", "get_cost_forecast"}
    )

    def __init__(self, client: Any, accounts: list[str]) -> None:
        """Wrap ``client``.

        Args:
            client: a boto3 Cost Explorer client.
            accounts: the linked accounts answers may cover.
        """
        self._client, self._accounts = client, accounts

    def __getattr__(self, name: str) -> Any:
        """The client's attribute; the spend operations narrowed to the scoped accounts."""
        attribute = getattr(self._client, name)
        if name not in self.FILTERED:
            return attribute

        def narrowed(**params: Any) -> Any:
            linked = {"Dimensions": {"Key": "LINKED_ACCOUNT", "Values": self._accounts}}
            given = params.get("Filter")
            params["Filter"] = {"And": [given, linked]} if given else linked
            return attribute(**params)

        return narrowed


def refusal(scope: ChannelScope, account: str) -> str:
    """Why ``account`` is not answered for here.

    Args:
        scope: the channel's scope.
        account: the account asked about.
    """
    return (
        f"This channel is scoped to account {accounts_words(scope)}: I can't show account "
        f"{account} here. Ask in a channel that may see it."
    )


def check_args(scope: ChannelScope, args: Any) -> None:
    """Refuse arguments that name an account outside the scope.

    Args:
        scope: the channel's scope.
        args: the tool's arguments (a pydantic model dump or any JSON value).

    Raises:
        OutOfScope: naming the account.
    """
    if not scope.accounts:
        return
    for text in _strings(args):
        for found in DIGITS.findall(text[:2000]):
            if len(found) == 12 and found not in scope.accounts:
                raise OutOfScope(refusal(scope, found))


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list | tuple):
        return [s for item in value for s in _strings(item)]
    return []


def keep_in_scope(scope: ChannelScope, payload: Any) -> Any:
    """``payload`` without the list items that belong to another account or environment.

    An object belongs to an account by its ``account`` (or ``account_id``...) field or its ARN,
    and to an environment by its Environment tag, its own or those of the objects it holds
    (a graph step's ``resource``); objects naming neither are kept. A list loses such items;
    a result that is itself about another account's resource is refused.

    Args:
        scope: the channel's scope.
        payload: a tool result dumped as JSON.

    Raises:
        OutOfScope: the result is about a resource this channel may not see.
    """
    if isinstance(payload, list):
        return [keep_in_scope(scope, item) for item in payload if _foreign(scope, item) is None]
    if isinstance(payload, dict):
        foreign = _foreign(scope, payload)
        if foreign is not None:
            raise OutOfScope(foreign)
        return {key: keep_in_scope(scope, value) for key, value in payload.items()}
    return payload


def in_scope(scope: ChannelScope | None, item: dict[str, Any]) -> bool:
    """True when ``item`` (an object dumped as JSON) may be shown under ``scope``.

    The same rule ``keep_in_scope`` applies to results, for callers that filter at the source
    so that what they count is what the channel may see.

    Args:
        scope: the channel's scope; None (an unscoped channel) keeps everything.
        item: the object, by its account fields, ARN and tags.
    """
    return scope is None or _foreign(scope, item) is None


def _foreign(scope: ChannelScope, item: Any) -> str | None:
    """Why ``item`` (with the objects it holds, not its lists) is outside the scope, if it is."""
    if not isinstance(item, dict):
        return None
    if scope.accounts:
        for owner in _owners(item):
            if _is_account(owner) and owner not in scope.accounts:
                return refusal(scope, owner)
    tags = item.get("tags")
    if scope.environments and isinstance(tags, dict):
        env = next((v for k, v in tags.items() if str(k).lower() in ENVIRONMENT_TAGS), None)
        if env not in scope.environments:
            return (
                f"This channel is scoped to environment {', '.join(scope.environments)}: "
                "I can't show that resource here."
            )
    nested = (value for value in item.values() if isinstance(value, dict))
    return next((why for why in (_foreign(scope, v) for v in nested) if why), None)


def _owners(item: dict[str, Any]) -> list[str]:
    owners = [str(item[k]) for k in ACCOUNT_KEYS if isinstance(item.get(k), str | int)]
    arn = item.get("arn")
    match = ARN_ACCOUNT.match(arn) if isinstance(arn, str) else None
    return owners + ([match.group(1)] if match else [])


def _is_account(text: str) -> bool:
    return len(text) == 12 and text.isdigit()


def scoped_aws(aws: AwsClients, scope: ChannelScope) -> ScopedAwsClients:
    """Clients seeing only ``scope``'s accounts.

    Args:
        aws: the app's clients.
        scope: the channel's scope.
    """
    return ScopedAwsClients(aws, scope, aws.primary_account_id())


def check_plan(scope: ChannelScope, changes: list[ResourceChange]) -> None:
    """Refuse a plan that changes a resource of an account outside the scope.

    Args:
        scope: the channel's scope.
        changes: the plan's resource changes.

    Raises:
        OutOfScope: naming the account.
    """
    for change in changes:
        if scope.accounts and change.account and change.account not in scope.accounts:
            raise OutOfScope(refusal(scope, change.account))


def scoped_context(ctx: ToolContext, conversation_id: str | None) -> ToolContext:
    """``ctx`` for a conversation: scoped (clients included) when its channel is.

    Args:
        ctx: the context built for the user.
        conversation_id: the conversation the tool runs in, if any.
    """
    scope = scope_for(ctx.settings, conversation_id)
    if scope is None:
        return ctx
    return replace(ctx, scope=scope, aws=scoped_aws(ctx.aws, scope))
