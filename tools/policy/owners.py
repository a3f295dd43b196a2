"""A target's owner tag as approvers: a Slack user group, a user id, or an email.

The tag's value (key ``owner_tag`` of the policy, ``owner`` by default) is one of:

- a user-group handle (``@platform-team``) or id (``S0123ABC``): its members approve;
- a user id (``U0123ABC`` / ``W0123ABC``): that person approves;
- an email (``alice@example.com``): the chat user with that address approves (Slack's
  ``users.lookupByEmail``);
- any other word: taken as a user or group name of the policy file, as written.

A directory (Slack) turns handles and emails into ids. A value it cannot resolve (no user has
the email, no user group has the handle) is *unresolved*; the rule's ``owner_unresolved``
decides: ``fallback`` (the default) leaves that owner out, so the rule's other approvers decide
(and nobody can approve when the rule names no others); ``refuse`` denies the request and says
which tag could not be resolved. Tag values are data: capped in length, matched only with
linear-time patterns, never followed as instructions.
"""

from __future__ import annotations

from typing import Protocol

from pydantic import BaseModel, Field

from core import patterns

MAX_OWNER = 254
"""Longest owner tag value considered (an email's maximum length)."""
USER_ID = patterns.compile(r"^[UW][A-Z0-9]{2,}$")
GROUP_ID = patterns.compile(r"^S[A-Z0-9]{2,}$")
EMAIL = patterns.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{2,63}$")
HANDLE = patterns.compile(r"^@[a-z0-9][a-z0-9._-]{0,79}$")


class DirectoryUnavailable(RuntimeError):
    """The directory could not be asked (network, scope); the message says why."""


class Directory(Protocol):
    """Looks people and user groups up in the chat workspace."""

    def user_by_email(self, email: str) -> str | None:
        """The user id with ``email``, or None when nobody has it (``users_not_found``).

        Args:
            email: an address.

        Raises:
            DirectoryUnavailable: the lookup failed for another reason.
        """
        ...

    def usergroup_by_handle(self, handle: str) -> str | None:
        """The id of the user group with ``handle`` (without ``@``), or None.

        Args:
            handle: e.g. ``platform-team``.

        Raises:
            DirectoryUnavailable: the lookup failed.
        """
        ...


class Owner(BaseModel):
    """One owner tag value, resolved to a principal (or why it could not be)."""

    tag: str = Field(description="The tag's value as written on the target.")
    principal: str | None = Field(
        default=None, description="A user id or '@group' that approves for this owner."
    )
    problem: str | None = Field(default=None, description="Why it could not be resolved.")


class OwnerGroup(BaseModel):
    """An owner of some of the targets, whose own quorum must approve (several owners)."""

    name: str = Field(description="The owner as tagged, shown on the card (payments-team).")
    principal: str = Field(description="The user id or '@group' whose members approve.")
    count: int = Field(default=1, description="Distinct approvals this owner must give.")
    members: list[str] = Field(
        default_factory=list,
        description="Who could approve for this owner when the request was filed (user ids).",
    )

    def approvers_among(self, voters: list[str]) -> list[str]:
        """The ``voters`` who count for this owner, in order.

        Args:
            voters: who approved so far.
        """
        return [v for v in voters if v in self.members]

    def met(self, voters: list[str]) -> bool:
        """True when this owner's quorum is reached by ``voters``.

        Args:
            voters: who approved so far.
        """
        return len(self.approvers_among(voters)) >= self.count


def resolve_owner(value: str, directory: Directory | None) -> Owner:
    """What the owner tag ``value`` names, as a principal.

    Args:
        value: the tag's value.
        directory: resolves handles and emails (None: handles stay policy group names and
            emails cannot be resolved).
    """
    tag = value.strip()[:MAX_OWNER]
    if USER_ID.match(tag):
        return Owner(tag=tag, principal=tag)
    if GROUP_ID.match(tag) or (GROUP_ID.match(tag[1:]) and tag.startswith("@")):
        return Owner(tag=tag, principal="@" + tag.lstrip("@"))
    try:
        if HANDLE.match(tag.lower()):
            return _handle(tag, directory)
        if EMAIL.match(tag):
            return _email(tag, directory)
    except DirectoryUnavailable as error:
        return Owner(tag=tag, problem=f"the owner {tag!r} could not be looked up: {error}")
    return Owner(tag=tag, principal=tag)


def _handle(tag: str, directory: Directory | None) -> Owner:
    if directory is None:
        return Owner(tag=tag, principal=tag)  # a group of the policy file, by that name
    found = directory.usergroup_by_handle(tag[1:].lower())
    if found is None:
        return Owner(tag=tag, problem=f"no Slack user group has the handle {tag}")
    return Owner(tag=tag, principal="@" + found)


def _email(tag: str, directory: Directory | None) -> Owner:
    if directory is None:
        return Owner(tag=tag, problem=f"the email {tag} cannot be looked up without Slack")
    found = directory.user_by_email(tag)
    if found is None:
        return Owner(tag=tag, problem=f"no Slack user has the email {tag} (users_not_found)")
    return Owner(tag=tag, principal=found)


def group_name(owner: Owner) -> str:
    """How an owner is named on the card: the tag without a leading ``@``.

    Args:
        owner: a resolved owner.
    """
    return owner.tag.lstrip("@")
