"""What a collector receives, the readers it is made of, and small shape helpers they share."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.aws_read import paginate
from tools.discovery.resource_models import EdgeKind, Relation, Resource

PartFn = Callable[["Scope"], list[Resource]]


@dataclass(frozen=True)
class Scope:
    """One (account, region) a collector runs in.

    Attributes:
        account: 12-digit account id.
        region: region name (for global collectors, the region their client is built in).
        client: builds a boto3 client for a service in this account and region.
        filters: EC2 API filters narrowing what a filterable reader asks for (empty: all).
    """

    account: str
    region: str
    client: Callable[[str], Any]
    filters: tuple[dict[str, Any], ...] = ()

    def arn(self, service: str, path: str, *, region: str | None = None) -> str:
        """An ARN in this account, e.g. ``arn:aws:ec2:us-east-1:123456789012:instance/i-1``.

        Args:
            service: ARN service part.
            path: resource part after the account.
            region: override the region part ('' for global services).
        """
        where = self.region if region is None else region
        return f"arn:aws:{service}:{where}:{self.account}:{path}"

    def ec2_arn(self, kind: str, resource_id: str) -> str:
        """ARN of an EC2/VPC resource in this scope.

        Args:
            kind: ARN resource kind (``instance``, ``subnet``...).
            resource_id: its id.
        """
        return self.arn("ec2", f"{kind}/{resource_id}")

    def filter_params(self) -> dict[str, Any]:
        """``{"Filters": [...]}`` for a describe call when the scope is narrowed, else ``{}``."""
        return {"Filters": list(self.filters)} if self.filters else {}


@dataclass(frozen=True)
class Reader:
    """The smallest thing discovery reads: one kind of resource with the calls that read it.

    Other domains read AWS through readers (``tools.discovery.read``); the scan runs them in
    collectors. Each declares the IAM actions of the calls it makes, and the permissions test
    proves them against the calls it really makes.

    Attributes:
        name: ``<collector module>.<reader>``, e.g. ``ec2.instances``.
        read: ``(scope) -> resources``.
        permissions: IAM actions of every call ``read`` makes.
        is_global: the resources are per account, not per region (S3, IAM).
        filterable: honours ``Scope.filters`` (EC2 describe calls with ``Filters``).
    """

    name: str
    read: PartFn
    permissions: tuple[str, ...]
    is_global: bool = False
    filterable: bool = False

    def __call__(self, scope: Scope) -> list[Resource]:
        """Read in ``scope``.

        Args:
            scope: account, region and filters.
        """
        return self.read(scope)


def reader(
    *permissions: str, is_global: bool = False, filterable: bool = False
) -> Callable[[PartFn], Reader]:
    """Declare a reader and the IAM actions of the calls it makes.

    Args:
        permissions: IAM actions, e.g. ``ec2:DescribeInstances``.
        is_global: per account rather than per region.
        filterable: honours ``Scope.filters``.
    """

    def declare(function: PartFn) -> Reader:
        collector = function.__module__.rsplit(".", 1)[-1]
        return Reader(
            name=f"{collector}.{function.__name__}",
            read=function,
            permissions=tuple(permissions),
            is_global=is_global,
            filterable=filterable,
        )

    return declare


def listing(
    name: str,
    permission: str,
    call: tuple[str, str, str],
    convert: Callable[[Scope, dict[str, Any]], Resource],
    *,
    keep: Callable[[dict[str, Any]], bool] = lambda _: True,
    filterable: bool = False,
    **params: Any,
) -> Reader:
    """A reader that pages through one describe call and converts the items it keeps.

    Args:
        name: ``<collector>.<reader>``, e.g. ``ec2.volumes``.
        permission: the IAM action of the call.
        call: (boto3 service, paginated operation, result key), e.g.
            ``("ec2", "describe_volumes", "Volumes")``.
        convert: ``(scope, item) -> Resource``.
        keep: which items to convert (default: all).
        filterable: pass ``Scope.filters`` to the call as ``Filters``.
        params: fixed parameters of the call.
    """
    service, operation, key = call

    def read(scope: Scope) -> list[Resource]:
        narrowed = scope.filter_params() if filterable else {}
        found = paginate(scope.client(service), operation, key, **params, **narrowed)
        return [convert(scope, item) for item in found if keep(item)]

    return Reader(name, read, (permission,), filterable=filterable)


def _run_all(readers: tuple[Reader, ...]) -> PartFn:
    def run(scope: Scope) -> list[Resource]:
        return [resource for one in readers for resource in one(scope)]

    return run


@dataclass(frozen=True)
class CollectorSpec:
    """A collector: the readers of one AWS service and how the scan groups them.

    Attributes:
        name: short service name, also the scope of deletion detection.
        units: groups of readers; the scan runs each group as one unit (its own API calls),
            side by side with the others, and the readers of a group one after another.
        is_global: run once per account rather than once per region.
    """

    name: str
    units: tuple[tuple[Reader, ...], ...]
    is_global: bool = False

    @classmethod
    def of(cls, name: str, *units: Reader | tuple[Reader, ...]) -> CollectorSpec:
        """A collector of ``units``, each a reader or a group of readers run as one unit.

        Args:
            name: short service name.
            units: the scan units; every reader global makes the collector global.
        """
        groups = tuple(u if isinstance(u, tuple) else (u,) for u in units)
        readers = [r for group in groups for r in group]
        return cls(name=name, units=groups, is_global=all(r.is_global for r in readers))

    @property
    def readers(self) -> tuple[Reader, ...]:
        """Every reader of the collector, in scan order."""
        return tuple(r for group in self.units for r in group)

    @property
    def permissions(self) -> tuple[str, ...]:
        """IAM actions of every call the collector makes."""
        return tuple(dict.fromkeys(p for r in self.readers for p in r.permissions))

    def collect(self, scope: Scope) -> list[Resource]:
        """Run every reader in ``scope``, one after another.

        Args:
            scope: account and region.
        """
        return _run_all(self.readers)(scope)

    def pieces(self) -> tuple[PartFn, ...]:
        """What a scan runs as separate units, one callable per group of readers."""
        return tuple(_run_all(group) for group in self.units)


def json_safe(value: Any) -> Any:
    """``value`` with datetimes as ISO strings so it can be stored as JSON.

    Args:
        value: nested dicts/lists from a boto3 response.
    """
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_safe(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def rel(source: str, kind: EdgeKind, target: str, detail: str | None = None) -> Relation:
    """Shorthand for a ``Relation``.

    Args:
        source: source ARN.
        kind: edge kind.
        target: target ARN.
        detail: why the edge exists.
    """
    return Relation(source=source, kind=kind, target=target, detail=detail)


def make(
    scope: Scope,
    service: str,
    rtype: str,
    arn: str,
    resource_id: str,
    **fields: Any,
) -> Resource:
    """Build a ``Resource`` in ``scope`` with the region and account filled in.

    Args:
        scope: where it was found.
        service: collector name.
        rtype: resource type, e.g. ``ec2:instance``.
        arn: its ARN.
        resource_id: provider id.
        fields: other ``Resource`` fields (name, tags, state, config, relations, region).
    """
    tags = fields.pop("tags", {}) or {}
    name = fields.pop("name", None) or tags.get("Name")
    config = json_safe(fields.pop("config", {}))
    region = fields.pop("region", scope.region)
    return Resource(
        arn=arn,
        account=scope.account,
        region=region,
        type=rtype,
        service=service,
        resource_id=resource_id,
        name=name,
        tags=tags,
        config=config,
        **fields,
    )
