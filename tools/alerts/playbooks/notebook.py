"""What a playbook keeps while it runs: findings, checks it could not make, and its reads.

Every AWS read goes through ``Notebook.read``: a refused or failed call becomes a
``NotChecked`` entry naming the missing permission, and the playbook carries on without it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from tools.alerts.playbooks.models import Evidence, Finding, NotChecked, Signal
from tools.context import ToolContext
from tools.discovery.read import account_key

T = TypeVar("T")
log = logging.getLogger(__name__)
DENIED = {
    "AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedAccess",
    "AuthorizationError", "AuthFailure",
}  # fmt: skip


@dataclass
class Notebook:
    """One playbook run: the context, the signal, and what has been found so far.

    Attributes:
        ctx: tool context (AWS clients, clock, store).
        signal: what is investigated.
        findings: findings so far (ranked at the end).
        not_checked: checks that could not run.
    """

    ctx: ToolContext
    signal: Signal
    findings: list[Finding] = field(default_factory=list)
    not_checked: list[NotChecked] = field(default_factory=list)

    def client(self, service: str) -> Any:
        """A read client for ``service`` in the signal's account and region.

        Args:
            service: boto3 service name.
        """
        account = account_key(self.ctx, self.signal.account) if self.signal.account else None
        return self.ctx.aws.client(service, self.signal.region, account)

    def read(self, what: str, permission: str, call: Callable[[], T]) -> T | None:
        """Run one read; when AWS refuses or fails, note it as not checked and return None.

        Args:
            what: the check, in words (``status checks of i-0abc``).
            permission: the IAM action it needs (``ec2:DescribeInstanceStatus``).
            call: the read itself.
        """
        try:
            return call()
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "error"))
            if code in DENIED:
                self.skip(what, f"{code}: the bot's role lacks {permission}.")
            else:
                self.skip(what, f"AWS answered {code} for {permission}.")
        except BotoCoreError as error:
            log.warning("read failed during a playbook: %s", error)
            self.skip(what, f"AWS could not be reached ({type(error).__name__}).")
        return None

    def skip(self, what: str, why: str) -> None:
        """Record a check that could not be made.

        Args:
            what: the check, in words.
            why: why not.
        """
        self.not_checked.append(NotChecked(what=what, why=why))

    def found(self, statement: str, weight: int, *evidence: Evidence) -> None:
        """Record a finding.

        Args:
            statement: one line.
            weight: 0-100, how much it explains the alert.
            evidence: what it cites.
        """
        self.findings.append(Finding(statement=statement, weight=weight, evidence=list(evidence)))
