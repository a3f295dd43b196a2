"""The policy in force: the file (reloaded when it changes) or the built-in one from settings.

Each read compares the file's modification time and size with the last look (one ``stat``), and
reads and hashes it only when those moved. An edit that does not validate keeps the last good
policy in force and marks the source degraded with the reason, until a valid edit lands. A file
that is invalid when the process starts stops it: ``PolicySource`` raises ``PolicyFileError``.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from pathlib import Path

from core.settings import Settings
from tools.policy.builtin import builtin_policy
from tools.policy.engine import PolicyEngine
from tools.policy.loader import PolicyFileError, parse_policy
from tools.policy.models import PolicyFile
from tools.policy.owners import Directory
from tools.policy.rotations import OnCallProvider, ScheduleSource

log = logging.getLogger(__name__)


class PolicySource:
    """Holds the policy in force and notices when its file changes."""

    def __init__(
        self,
        path: Path | None,
        fallback: PolicyFile,
        oncall: OnCallProvider | None = None,
        schedules: ScheduleSource | None = None,
        directory: Directory | None = None,
    ) -> None:
        """Load ``path`` (or use ``fallback`` when there is no file).

        Args:
            path: the policy file, or None for the built-in policy.
            fallback: the policy used without a file.
            oncall: an on-call provider instead of the file's rotations.
            schedules: the outside on-call service (PagerDuty) for rotations that name one.
            directory: resolves owner tags naming a user-group handle or an email (Slack).

        Raises:
            PolicyFileError: the file is invalid at start-up (names the line and reason).
        """
        self.path = path
        self._oncall = oncall
        self._schedules = schedules
        self._directory = directory
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._digest: str | None = None
        self._degraded: str | None = None
        self._engine = PolicyEngine(fallback, oncall, schedules, directory)
        if path is not None:
            self._stamp = self._stat()
            text = self._read()
            self._engine = PolicyEngine(parse_policy(text, str(path)), oncall, schedules, directory)
            self._digest = _digest(text)

    @classmethod
    def from_settings(
        cls,
        settings: Settings,
        oncall: OnCallProvider | None = None,
        schedules: ScheduleSource | None = None,
        directory: Directory | None = None,
    ) -> PolicySource:
        """The file of ``CF_APPROVAL_POLICY_FILE``, else the settings as a policy.

        Args:
            settings: the runtime settings.
            oncall: an on-call provider instead of the file's rotations.
            schedules: the outside on-call service (PagerDuty) for rotations that name one.
            directory: resolves owner tags naming a user-group handle or an email (Slack).
        """
        path = settings.approval_policy_file
        return cls(path, builtin_policy(settings), oncall, schedules, directory)

    @property
    def engine(self) -> PolicyEngine:
        """The engine of the policy in force (the file is looked at first)."""
        self.refresh()
        return self._engine

    @property
    def degraded(self) -> str | None:
        """Why the last edit was not applied, or None when the file in force is the file."""
        self.refresh()
        return self._degraded

    def refresh(self) -> bool:
        """Apply the file when it changed; returns True when a new policy came into force."""
        if self.path is None:
            return False
        with self._lock:
            stamp = self._stat()
            if stamp == self._stamp:
                return False
            self._stamp = stamp
            try:
                text = self._read()
                if _digest(text) == self._digest:
                    return False
                policy = parse_policy(text, str(self.path))
            except PolicyFileError as error:
                if self._degraded != str(error):
                    log.warning(
                        "approval policy edit not applied, keeping the last good: %s", error
                    )
                self._degraded = str(error)
                return False
            self._engine = PolicyEngine(policy, self._oncall, self._schedules, self._directory)
            self._digest, self._degraded = _digest(text), None
            log.info("approval policy reloaded from %s (%d rules)", self.path, len(policy.rules))
            return True

    def _stat(self) -> tuple[int, int]:
        assert self.path is not None
        try:
            found = self.path.stat()
        except OSError:
            return (-1, -1)
        return (found.st_mtime_ns, found.st_size)

    def _read(self) -> str:
        assert self.path is not None
        try:
            return self.path.read_text(encoding="utf-8")
        except OSError as error:
            raise PolicyFileError(
                str(self.path), [(None, f"cannot be read: {error.strerror}")]
            ) from None


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
