"""Real CloudFabric processes for crash tests: ``cloudfabric serve --http`` on a free port.

Each replica runs the shipped command line (through ``replica_driver``), configured only through
``CF_*`` variables: its AWS calls go to ``CF_AWS_ENDPOINT_URL`` (a moto server, usually behind
``tests.fakes.slow_aws``), its Slack calls to a fake Slack, its rows to a shared database. The
test talks to it as Slack would (signed HTTP requests) and ends it as a crash would (SIGKILL).
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import httpx

from tests.conftest import child_env
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, sign

LISTENING = re.compile(r"Uvicorn running on http://127\.0\.0\.1:(\d+)")
# What the parent's environment must not leak into a replica: its own CloudFabric and AWS setup.
LEAKS = ("CF_", "AWS_")


@dataclass
class ReplicaConfig:
    """What every replica of one test shares.

    Attributes:
        workdir: the replicas' working folder (data dir, logs; no ``.env`` is read from it).
        aws_endpoint: where AWS calls go.
        slack_api_url: the fake Slack Web API.
        database_url: the shared SQL store.
        lease_seconds: ``CF_APPROVAL_LEASE_SECONDS``.
        sweep_seconds: ``CF_APPROVAL_SWEEP_SECONDS``.
        extra: further ``CF_*`` settings of every replica.
    """

    workdir: Path
    aws_endpoint: str
    slack_api_url: str
    database_url: str = ""
    lease_seconds: float = 3.0
    sweep_seconds: int = 1
    extra: dict[str, str] = field(default_factory=dict)

    def env(self, name: str) -> dict[str, str]:
        """The environment of replica ``name`` (the parent's clock instant included).

        Args:
            name: the replica id, owner of the executions it claims.
        """
        own = {
            "CF_DATA_DIR": str(self.workdir / "cf"),
            "CF_DATABASE_URL": self.database_url,
            "CF_AWS_MODE": "live",
            "CF_AWS_ENDPOINT_URL": self.aws_endpoint,
            "CF_AWS_REGIONS": "us-east-1",
            "CF_AWS_MAX_ATTEMPTS": "2",
            "CF_MODEL_PROVIDER": "offline",
            "CF_SLACK_BOT_TOKEN": BOT_TOKEN,
            "CF_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "CF_SLACK_API_URL": self.slack_api_url,
            "CF_APPROVAL_LEASE_SECONDS": str(self.lease_seconds),
            "CF_APPROVAL_SWEEP_SECONDS": str(self.sweep_seconds),
            "CF_REPLICA_ID": name,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_CONFIG_FILE": str(self.workdir / "no-aws-config"),
            "AWS_SHARED_CREDENTIALS_FILE": str(self.workdir / "no-aws-credentials"),
            **self.extra,
        }
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(LEAKS)}
        env = child_env(**own)
        return {k: v for k, v in env.items() if k in inherited or k in own or k == "CF_CLOCK_START"}


@dataclass
class Replica:
    """One ``cloudfabric serve --http`` process (through ``tests.approvals.replica_driver``).

    Attributes:
        name: its replica id.
        process: the OS process.
        log_path: its stdout and stderr.
        base_url: ``http://127.0.0.1:<port>`` once it listens.
    """

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    base_url: str = ""
    _log: Any = field(default=None, repr=False)

    @classmethod
    def spawn(cls, config: ReplicaConfig, name: str) -> Replica:
        """Start the process of replica ``name``: it loads its code, then waits for ``go()``.

        Args:
            config: what the replicas share.
            name: the replica id.
        """
        log_path = config.workdir / f"{name}.log"
        log = log_path.open("wb")
        command = [sys.executable, "-m", "tests.approvals.replica_driver"]
        process = subprocess.Popen(
            command,
            cwd=config.workdir,
            env=config.env(name),
            stdin=subprocess.PIPE,
            stdout=log,
            stderr=log,
        )
        return cls(name, process, log_path, _log=log)

    def go(self, timeout: float = 60.0) -> Replica:
        """Let it start CloudFabric; returns once it listens and knows its bot identity.

        Args:
            timeout: seconds to wait for it to be ready.
        """
        assert self.process.stdin is not None
        instant = child_env().get("CF_CLOCK_START", "")  # the parent's instant, now
        self.process.stdin.write(f"go {instant}\n".encode())
        self.process.stdin.flush()
        try:
            self._wait_ready(timeout)
        except BaseException:
            self.kill()
            raise
        return self

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise AssertionError(f"replica {self.name} exited early:\n{self.log()}")
            found = LISTENING.search(self.log())
            if found and not self.base_url:
                self.base_url = f"http://127.0.0.1:{found.group(1)}"
            if self.base_url and httpx.get(f"{self.base_url}/readyz").status_code == 200:
                return
            time.sleep(0.1)
        raise AssertionError(f"replica {self.name} not ready within {timeout}s:\n{self.log()}")

    def log(self) -> str:
        """Everything it wrote so far."""
        return self.log_path.read_text(errors="replace")

    def post_signed(self, raw: bytes, content_type: str) -> httpx.Response:
        """POST a Slack-signed body to its ``/slack/events``.

        Args:
            raw: the body.
            content_type: its content type.
        """
        headers = {**sign(raw), "Content-Type": content_type}
        return httpx.post(f"{self.base_url}/slack/events", content=raw, headers=headers)

    def kill(self) -> None:
        """SIGKILL it, as a crash or the OOM killer would: no clean-up runs."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        self._close()

    def _close(self) -> None:
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()
        if self._log is not None:
            self._log.close()
            self._log = None


@dataclass
class Replicas:
    """The replicas of one test; ``kill_all()`` ends those still running.

    Attributes:
        config: what they share (the lease is set per replica).
        started: every replica spawned, in order.
    """

    config: ReplicaConfig
    started: list[Replica] = field(default_factory=list)

    def spawn(self, name: str, database_url: str, lease_seconds: float | None = None) -> Replica:
        """Spawn replica ``name`` on ``database_url``; it serves once told to ``go()``.

        Args:
            name: the replica id.
            database_url: its SQL store.
            lease_seconds: its execution lease (the config's by default).
        """
        config = replace(self.config, database_url=database_url)
        if lease_seconds is not None:
            config = replace(config, lease_seconds=lease_seconds)
        replica = Replica.spawn(config, name)
        self.started.append(replica)
        return replica

    def start(self, name: str, database_url: str, lease_seconds: float | None = None) -> Replica:
        """Spawn replica ``name`` and wait until it serves.

        Args:
            name: the replica id.
            database_url: its SQL store.
            lease_seconds: its execution lease (the config's by default).
        """
        return self.spawn(name, database_url, lease_seconds).go()

    def kill_all(self) -> None:
        """SIGKILL every replica still running, printing each one's log (shown on failure)."""
        for replica in self.started:
            replica.kill()
            print(f"--- log of replica {replica.name} ---\n{replica.log()[-6000:]}")
