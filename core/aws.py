"""AWS clients for every account and region, with adaptive retries and a user-agent tag."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import boto3

    from core.settings import Settings

SANDBOX_CREDENTIALS = {
    "aws_access_key_id": "testing",
    "aws_secret_access_key": "testing",
    "aws_session_token": "testing",
}
ENTRY_PERMISSIONS = ("sts:AssumeRole",)
"""IAM actions ``AwsClients`` needs to enter an account through a role (``CF_AWS_ROLE_ARN``,
``CF_AWS_ACCOUNT_ROLES``): every tool that reads another account makes this call first."""

CallHook = Callable[[str, str, Mapping[str, Any]], None]
"""``(service, operation, params)``: boto3 service name (``elbv2``), API operation
(``DescribeTags``) and the parameters it was called with."""
ClientHook = Callable[[str, str, "str | None", Any], None]
"""``(service, region, account, client)``: called once for each client a factory builds."""
_PARAMS_KEY = "cloudfabric_api_params"


def parse_aws_timestamp(value: Any) -> datetime:
    """A response timestamp as an aware datetime, equal to what botocore's own parser returns.

    ISO 8601 text (what EC2, RDS, IAM and most XML services send) goes through the C-level
    ``datetime.fromisoformat``; epoch numbers, RFC 822 dates and anything else go to botocore's
    dateutil-based parser. Parsing a 1,000-instance DescribeInstances page spends about half its
    CPU in dateutil otherwise.

    Args:
        value: the timestamp as the response carries it.
    """
    from botocore.utils import parse_timestamp

    if isinstance(value, str) and value[:4].isdigit():
        try:
            return datetime.fromisoformat(value)
        except ValueError:
            pass
    return parse_timestamp(value)


class UnknownRegion(ValueError):
    """A region name that AWS does not have."""


@dataclass(frozen=True)
class AccountTarget:
    """An account the product can reach.

    Attributes:
        account_id: 12-digit id, or ``None`` for the caller's own account before it is known.
        role_arn: role assumed to enter it; ``None`` means the base credentials are used.
    """

    account_id: str | None
    role_arn: str | None = None


class AwsClients:
    """Builds and caches boto3 clients per (account, region, service).

    boto3 clients are thread-safe once built; building them is not, so a lock guards the cache.
    """

    def __init__(self, settings: Settings, *, sandbox: bool | None = None) -> None:
        """Prepare the factory.

        Args:
            settings: reads profile, role, regions, retries and user-agent tag.
            sandbox: force sandbox credentials (defaults to ``settings.is_sandbox``).
        """
        import botocore.loaders
        from botocore.config import Config

        self.settings = settings
        self.sandbox = settings.is_sandbox if sandbox is None else sandbox
        self.config = Config(
            retries={"mode": "adaptive", "max_attempts": settings.aws_max_attempts},
            user_agent_extra=settings.user_agent_tag,
            max_pool_connections=50,
        )
        self._lock = threading.Lock()
        self._loader = botocore.loaders.create_loader()
        self._sessions: dict[str | None, boto3.Session] = {}
        self._clients: dict[tuple[str | None, str, str], Any] = {}
        self._account_roles: dict[str, str] = dict(settings.aws_account_roles)
        self._call_hooks: list[CallHook] = []
        self._client_hooks: list[ClientHook] = []
        self._primary_id: str | None = None

    def on_call(self, hook: CallHook) -> None:
        """Have ``hook(service, operation, params)`` called before every AWS call this factory's
        clients make, the assume-role calls that enter accounts and stubbed calls included.

        Args:
            hook: called in the calling thread; it must not raise.
        """
        with self._lock:
            self._call_hooks.append(hook)

    def on_new_client(self, hook: ClientHook) -> None:
        """Have ``hook(service, region, account, client)`` called with each client built from
        now on, by this factory and the per-execution factories derived from it (a test
        attaches a botocore Stubber there).

        Args:
            hook: called in the building thread, before the client is first used.
        """
        with self._lock:
            self._client_hooks.append(hook)

    @staticmethod
    def _keep_params(**kwargs: Any) -> None:
        kwargs["context"][_PARAMS_KEY] = kwargs["params"]

    def _before_call(self, **kwargs: Any) -> None:
        model = kwargs["model"]
        params = kwargs["context"].get(_PARAMS_KEY, {})
        for hook in list(self._call_hooks):
            hook(model.service_model.service_name, model.name, params)

    def _base_session(self) -> boto3.Session:
        if self.sandbox:
            return self._new_session(
                aws_access_key_id=SANDBOX_CREDENTIALS["aws_access_key_id"],
                aws_secret_access_key=SANDBOX_CREDENTIALS["aws_secret_access_key"],
                aws_session_token=SANDBOX_CREDENTIALS["aws_session_token"],
                region_name="us-east-1",
            )
        return self._new_session(profile_name=self.settings.aws_profile)

    def _new_session(self, **kwargs: Any) -> boto3.Session:
        """A boto3 session sharing this factory's loader, so service models are parsed once, and
        parsing response timestamps with ``parse_aws_timestamp``; its clients report their calls
        to the ``on_call`` hooks."""
        import boto3
        import botocore.session

        core = botocore.session.get_session()
        core.register_component("data_loader", self._loader)
        parsers = core.get_component("response_parser_factory")
        parsers.set_parser_defaults(timestamp_parser=parse_aws_timestamp)
        events = core.get_component("event_emitter")
        # The call's own parameters ride in its request context to ``before-call``, where the
        # hook is first and as specific as botocore's Stubber, so stubbed calls are reported too.
        events.register("before-parameter-build", self._keep_params)
        events.register_first("before-call.*.*", self._before_call)
        return boto3.Session(botocore_session=core, **kwargs)

    def add_account(self, account_id: str, role_arn: str) -> None:
        """Make another account reachable through ``role_arn``.

        Args:
            account_id: the account's 12-digit id.
            role_arn: role to assume there.
        """
        with self._lock:
            self._account_roles[account_id] = role_arn

    def primary_account_id(self) -> str:
        """The 12-digit id of the primary account (asked of STS once)."""
        if self._primary_id is None:
            regions = self.regions()
            sts = self.client("sts", regions[0] if regions else "us-east-1")
            self._primary_id = str(sts.get_caller_identity()["Account"])
        return self._primary_id

    def accounts(self) -> list[str | None]:
        """The primary account (``None``) followed by every extra account id."""
        return [None, *sorted(self._account_roles)]

    def session(self, account: str | None = None) -> boto3.Session:
        """The boto3 session for ``account`` (``None`` = primary), assuming roles as configured.

        Args:
            account: account id from ``accounts()``.
        """
        with self._lock:
            if account in self._sessions:
                return self._sessions[account]
        session = self._build_session(account)
        with self._lock:
            return self._sessions.setdefault(account, session)

    def _build_session(self, account: str | None) -> boto3.Session:
        base = self._base_session()
        role = self.settings.aws_role_arn if account is None else self._account_roles.get(account)
        if account is not None and role is None:
            raise KeyError(f"account {account} is not configured (CF_AWS_ACCOUNT_ROLES)")
        if role is None:
            return base
        sts = base.client("sts", config=self.config, endpoint_url=self.settings.aws_endpoint_url)
        creds = sts.assume_role(RoleArn=role, RoleSessionName=self.settings.user_agent_tag)
        credentials = creds["Credentials"]
        return self._new_session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            region_name=base.region_name,
        )

    def client(self, service: str, region: str, account: str | None = None) -> Any:
        """A cached client for ``service`` in ``region`` of ``account``.

        Args:
            service: boto3 service name (``ec2``, ``rds``...).
            region: AWS region name; unknown names raise ``UnknownRegion``.
            account: account id from ``accounts()``; ``None`` = primary.
        """
        key = (account, region, service)
        with self._lock:
            cached = self._clients.get(key)
        if cached is not None:
            return cached
        check_region(region)
        session: Any = self.session(account)
        client = session.client(
            service,
            region_name=region,
            config=self.config,
            endpoint_url=self.settings.aws_endpoint_url,
        )
        with self._lock:
            kept = self._clients.setdefault(key, client)
            hooks = list(self._client_hooks) if kept is client else []
        for hook in hooks:
            hook(service, region, account, client)
        return kept

    def regions(self) -> list[str]:
        """Regions the tools look at by default."""
        return list(self.settings.aws_regions)


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region botocore's endpoint data knows for EC2 (read once, on first use)."""
    import botocore.session

    session = botocore.session.get_session()
    return frozenset(
        region
        for partition in ("aws", "aws-us-gov", "aws-cn")
        for region in session.get_available_regions("ec2", partition_name=partition)
    )


def check_region(region: str) -> str:
    """Return ``region`` when AWS has it, else raise ``UnknownRegion`` naming close matches.

    Args:
        region: region name to check.
    """
    known = known_regions()
    if region in known:
        return region
    import difflib

    near = difflib.get_close_matches(region, sorted(known), n=3, cutoff=0.5)
    hint = f" Did you mean {', '.join(near)}?" if near else ""
    raise UnknownRegion(f"'{region}' is not an AWS region.{hint}")
