"""AWS objects as their Describe call shows them, read in every reachable account and region,
and the one rule for picking exactly one of them (or of discovery's resources) by name."""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from core.aws_read import paginate
from tools.context import ToolContext
from tools.discovery.read import regions_for
from tools.errors import InvalidInput, NotFound

T = TypeVar("T")
D = TypeVar("D", bound="Described")


@dataclass(frozen=True)
class Described:
    """One object as AWS shows it, with where it lives.

    Attributes:
        raw: its entry in the Describe call's answer.
        region: its region.
        account_key: how ``AwsClients`` reaches its account (None = primary).
    """

    raw: dict[str, Any]
    region: str
    account_key: str | None


def describe_everywhere(
    ctx: ToolContext, kind: type[D], call: tuple[str, str, str], region: str | None
) -> list[D]:
    """Every object a Describe call lists, in each account and region it may be in.

    Args:
        ctx: tool context.
        kind: the ``Described`` class to hold each object in.
        call: (boto3 service, paginated operation, the answer's list key), e.g.
            ``("autoscaling", "describe_auto_scaling_groups", "AutoScalingGroups")``.
        region: restrict to this region (default: every configured one).
    """
    service, operation, key = call
    found: list[D] = []
    for account in ctx.aws.accounts():
        for place in regions_for(ctx, region):
            client = ctx.aws.client(service, place, account)
            found += [kind(raw, place, account) for raw in paginate(client, operation, key)]
    return found


@dataclass(frozen=True)
class Naming:
    """How people name one kind of object, for ``pick_one``.

    Attributes:
        noun: what it is called in messages (``Auto Scaling group``).
        article: ``a`` or ``an`` before the noun.
        names: the names that pick an object (its id, its name), any case.
        place: where an object lives, to tell namesakes apart.
        suggest: the name offered when nothing matched (None: not offered).
    """

    noun: str
    article: str
    names: Callable[[Any], Iterable[str]]
    place: Callable[[Any], str]
    suggest: Callable[[Any], str | None]


def pick_one(found: list[T], target: str, naming: Naming, region: str | None) -> T:
    """Exactly one of ``found`` called ``target`` (case does not matter).

    Args:
        found: the candidates.
        target: the name or id asked for.
        naming: how this kind of object is named.
        region: the region searched, if only one (said when nothing matched).

    Raises:
        NotFound: nothing is called ``target``; the message names the closest ones.
        InvalidInput: several are, in other places; the message lists them.
    """
    wanted = target.strip().lower()
    matches = [item for item in found if wanted in {n.lower() for n in naming.names(item)}]
    if len(matches) > 1:
        places = ", ".join(naming.place(item) for item in matches)
        raise InvalidInput(
            f"{len(matches)} {naming.noun}s are called '{target}' ({places}); name one."
        )
    if matches:
        return matches[0]
    offered = sorted({s for s in map(naming.suggest, found) if s})
    close = difflib.get_close_matches(wanted, offered, n=3, cutoff=0.5)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    where = f" in {region}" if region else ""
    called = f"{naming.article} {naming.noun} called '{target}'"
    raise NotFound(f"I couldn't find {called}{where}.{hint}")
