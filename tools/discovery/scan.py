"""Scan orchestration: accounts x regions x services, fanned out on a bounded thread pool.

A unit that is denied, throttled past its retries or fails is recorded in the result and the rest
of the scan carries on. ``run_scan`` is the public entry point other domains use.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from tools.discovery.collectors import COLLECTORS, CollectorSpec, Scope
from tools.discovery.model import GLOBAL_REGION, Resource, ScanResult, ScopeOutcome, ScopeStatus

if TYPE_CHECKING:
    from tools.context import ToolContext

DENIED_CODES = {
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnrecognizedClientException",
    "AuthFailure",
    "OptInRequired",
    "InvalidClientTokenId",
    "UnauthorizedException",
}
THROTTLED_CODES = {
    "Throttling",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "ThrottledException",
    "RequestThrottled",
    "SlowDown",
}


@dataclass(frozen=True)
class ScanProgress:
    """A progress report, sent after each unit finishes.

    Attributes:
        done: units finished so far.
        total: units in the scan.
        resources: resources collected so far.
        last: the unit that just finished.
    """

    done: int
    total: int
    resources: int
    last: ScopeOutcome


ProgressCallback = Callable[[ScanProgress], None]


@dataclass(frozen=True)
class _Unit:
    account: str
    account_key: str | None
    region: str
    client_region: str
    spec: CollectorSpec
    collect: Callable[[Scope], list[Resource]]


def classify(error: Exception) -> tuple[ScopeStatus, str]:
    """Map an exception from a collector to a unit status and a readable message.

    Args:
        error: what the collector raised.
    """
    if isinstance(error, ClientError):
        info = error.response.get("Error", {})
        code = str(info.get("Code", ""))
        message = f"{code}: {info.get('Message', '')}".strip()
        if code in DENIED_CODES:
            return "denied", message
        if code in THROTTLED_CODES:
            return "throttled", message
        return "error", message
    if isinstance(error, BotoCoreError):
        return "error", str(error)
    return "error", f"{type(error).__name__}: {error}"


def run_scan(
    ctx: ToolContext,
    *,
    regions: Iterable[str] | None = None,
    accounts: Iterable[str] | None = None,
    services: Iterable[str] | None = None,
    progress: ProgressCallback | None = None,
    record: bool = True,
) -> ScanResult:
    """Collect every resource of the chosen accounts, regions and services.

    Args:
        ctx: tool context (AWS clients, settings, store).
        regions: regions to scan; default settings (or every enabled region when configured).
        accounts: account ids to scan; default the primary plus configured/Organizations ones.
        services: collector names (see ``COLLECTORS``); default all.
        progress: called after every finished unit.
        record: store the result in the inventory (sets ``scan_id``, records changes).
    """
    started = ctx.clock.now()
    chosen = _services(services)
    targets, entry_failures = _accounts(ctx, accounts)
    region_list = _regions(ctx, regions, targets)
    units = _units(targets, region_list, chosen)
    meter = _CallMeter()
    result = ScanResult(
        started_at=started,
        accounts=[a for a, _ in targets] + [o.account for o in entry_failures],
        regions=region_list,
        outcomes=list(entry_failures),
    )
    with ThreadPoolExecutor(max_workers=max(1, ctx.settings.discovery_max_workers)) as pool:
        futures = [pool.submit(_run_unit, ctx, unit, meter) for unit in units]
        for done, future in enumerate(as_completed(futures), start=1):
            outcome, found = future.result()
            result.outcomes.append(outcome)
            result.resources.extend(found)
            if progress is not None:
                progress(ScanProgress(done, len(units), len(result.resources), outcome))
    meter.detach()
    result.outcomes = merge_outcomes(result.outcomes)
    result.api_calls = meter.calls
    result.resources = _dedupe(result.resources)
    result.finished_at = ctx.clock.now()
    if record:
        from tools.discovery.store import InventoryStore

        InventoryStore(ctx.db).record_scan(result)
    return result


def _services(services: Iterable[str] | None) -> list[CollectorSpec]:
    if services is None:
        return list(COLLECTORS.values())
    names = list(services)
    unknown = [n for n in names if n not in COLLECTORS]
    if unknown:
        from tools.errors import InvalidInput

        known = ", ".join(COLLECTORS)
        raise InvalidInput(f"Unknown service(s) {', '.join(unknown)}. Known services: {known}.")
    return [COLLECTORS[n] for n in names]


def _accounts(
    ctx: ToolContext, accounts: Iterable[str] | None
) -> tuple[list[tuple[str, str | None]], list[ScopeOutcome]]:
    """(account id, key for ``AwsClients``) per reachable account, plus entry failures."""
    primary = ctx.aws.client("sts", _home_region(ctx)).get_caller_identity()["Account"]
    if ctx.settings.discovery_use_organizations:
        _add_organization_accounts(ctx, primary)
    keys: dict[str, str | None] = {primary: None}
    for key in ctx.aws.accounts():
        if key is not None and key != primary:
            keys[key] = key
    wanted = list(accounts) if accounts is not None else list(keys)
    targets: list[tuple[str, str | None]] = []
    failures: list[ScopeOutcome] = []
    for account in wanted:
        if account not in keys:
            from tools.errors import InvalidInput

            raise InvalidInput(
                f"Account {account} is not configured. Known accounts: {', '.join(keys)}."
            )
        try:
            ctx.aws.session(keys[account])
        except (ClientError, BotoCoreError) as error:
            status, message = classify(error)
            failures.append(
                ScopeOutcome(
                    account=account, region="*", service="*", status=status, message=message
                )
            )
            continue
        targets.append((account, keys[account]))
    return targets, failures


def _add_organization_accounts(ctx: ToolContext, primary: str) -> None:
    from tools.discovery.collectors.base import paginate

    org = ctx.aws.client("organizations", _home_region(ctx))
    role = ctx.settings.discovery_role_name
    for account in paginate(org, "list_accounts", "Accounts"):
        if account.get("Status", "ACTIVE") == "ACTIVE" and account["Id"] != primary:
            ctx.aws.add_account(account["Id"], f"arn:aws:iam::{account['Id']}:role/{role}")


def _home_region(ctx: ToolContext) -> str:
    regions = ctx.aws.regions()
    return regions[0] if regions else "us-east-1"


def _regions(
    ctx: ToolContext, regions: Iterable[str] | None, targets: list[tuple[str, str | None]]
) -> list[str]:
    from core.aws import UnknownRegion, check_region

    if regions is not None:
        chosen = list(dict.fromkeys(regions))
        for region in chosen:
            try:
                check_region(region)
            except UnknownRegion as error:
                from tools.errors import InvalidInput

                raise InvalidInput(str(error)) from error
        return chosen
    if ctx.settings.discovery_all_regions and targets:
        ec2 = ctx.aws.client("ec2", _home_region(ctx), targets[0][1])
        described = ec2.describe_regions(AllRegions=False).get("Regions", [])
        return sorted(r["RegionName"] for r in described if r.get("OptInStatus") != "not-opted-in")
    return ctx.aws.regions()


def _units(
    targets: list[tuple[str, str | None]], regions: list[str], specs: list[CollectorSpec]
) -> list[_Unit]:
    """Every (account, region, collector) to run, collector by collector in ``COLLECTORS``
    order: the heaviest collectors come first, so every account's and region's long units start
    at once and the short ones fill the pool around them."""
    units: list[_Unit] = []
    home = regions[0] if regions else "us-east-1"
    for spec, (account, key) in itertools.product(specs, targets):
        places = [(GLOBAL_REGION, home)] if spec.is_global else [(r, r) for r in regions]
        for (region, client_region), piece in itertools.product(places, spec.pieces()):
            units.append(_Unit(account, key, region, client_region, spec, piece))
    return units


def _run_unit(
    ctx: ToolContext, unit: _Unit, meter: _CallMeter
) -> tuple[ScopeOutcome, list[Resource]]:
    def client(service: str) -> Any:
        return meter.attach(ctx.aws.client(service, unit.client_region, unit.account_key))

    scope = Scope(account=unit.account, region=unit.client_region, client=client)
    base = {"account": unit.account, "region": unit.region, "service": unit.spec.name}
    try:
        found = unit.collect(scope)
    except Exception as error:
        status, message = classify(error)
        return ScopeOutcome(**base, status=status, message=message), []
    return ScopeOutcome(**base, status="ok", resources=len(found)), found


def merge_outcomes(outcomes: list[ScopeOutcome]) -> list[ScopeOutcome]:
    """One outcome per (account, region, service): ok only when every part of it was, counting
    all their resources; otherwise the first failure's status and message.

    Args:
        outcomes: per-unit outcomes, in the order units finished.
    """
    merged: dict[tuple[str, str, str], ScopeOutcome] = {}
    for outcome in outcomes:
        key = (outcome.account, outcome.region, outcome.service)
        earlier = merged.get(key)
        if earlier is None:
            merged[key] = outcome
            continue
        failed = earlier if earlier.status != "ok" else outcome
        merged[key] = failed.model_copy(update={"resources": earlier.resources + outcome.resources})
    return list(merged.values())


def _dedupe(resources: list[Resource]) -> list[Resource]:
    """One resource per ARN (an ARN seen twice keeps its first sighting)."""
    return list({r.arn: r for r in reversed(resources)}.values())[::-1]


class _CallMeter:
    """Counts HTTP requests made by the clients of one scan (retries included)."""

    def __init__(self) -> None:
        self.calls = 0
        self._token = f"cf-scan-{uuid.uuid4().hex}"
        self._lock = threading.Lock()
        self._clients: dict[int, Any] = {}

    def _count(self, **_: Any) -> None:
        with self._lock:
            self.calls += 1

    def attach(self, client: Any) -> Any:
        with self._lock:
            if id(client) in self._clients:
                return client
            self._clients[id(client)] = client
        client.meta.events.register("before-send", self._count, unique_id=self._token)
        return client

    def detach(self) -> None:
        for client in self._clients.values():
            client.meta.events.unregister("before-send", unique_id=self._token)
