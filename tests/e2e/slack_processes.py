"""Real ``cloudfabric serve`` and ``cloudfabric worker`` processes on one PostgreSQL database,
answering in a fake Slack that records every Web API call.

Each process is started with ``python -m bot`` as an operator would, with its own executor id
and the durable engine's timings scaled down (a heartbeat every 0.3 s, a replica dead after
2 s) so that a killed worker is taken over within seconds; likewise a Slack write a killed
process was sending is free for another after 5 s (the outbox's lease, 60 s by default, would
hold every later write of that thread back for a minute).
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from sqlalchemy import create_engine, text

from tests.conftest import child_env
from tests.slack.harness import BOT_TOKEN, SIGNING_SECRET, sign

ROOT = Path(__file__).resolve().parents[2]
TIMINGS = {
    "CF_DURABLE_HEARTBEAT_SECONDS": "0.3",
    "CF_DURABLE_DEAD_AFTER_SECONDS": "2",
    "CF_DURABLE_QUEUE_POLL_SECONDS": "0.1",
    "CF_DURABLE_POLL_SECONDS": "0.1",
    "CF_SLACK_OUTBOX_LEASE_SECONDS": "5",
}


def free_port() -> int:
    """A TCP port nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """One child process and its log."""

    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    port: int | None = None

    def log(self) -> str:
        """What it wrote so far."""
        return self.log_path.read_text(errors="replace")

    def wait_for_log(self, line: str, timeout: float = 90.0) -> None:
        """Wait until its log says ``line`` (failing with the log if it exits first)."""
        deadline = time.monotonic() + timeout
        while line not in self.log():
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log()[-3000:]}")
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no '{line}':\n{self.log()[-3000:]}")
            time.sleep(0.05)

    def wait_ready(self, timeout: float = 90.0) -> None:
        """Wait until a serve process answers ``/readyz`` with 200."""
        deadline = time.monotonic() + timeout
        while True:
            if self.popen.poll() is not None:
                raise AssertionError(f"{self.name} exited:\n{self.log()[-3000:]}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name} never ready:\n{self.log()[-3000:]}")
            time.sleep(0.1)

    @property
    def url(self) -> str:
        """Base URL of a serve process."""
        return f"http://127.0.0.1:{self.port}"

    def post_event(self, body: dict[str, Any], **headers: str) -> httpx.Response:
        """POST a signed Events API body to a serve process."""
        raw = json.dumps(body).encode()
        signed = {**sign(raw), "Content-Type": "application/json", **headers}
        return httpx.post(f"{self.url}/slack/events", content=raw, headers=signed, timeout=10)

    def post_interaction(self, payload: dict[str, Any]) -> httpx.Response:
        """POST a signed interactivity payload (a click: the form field ``payload``) to a serve
        process, as Slack sends it."""
        raw = urlencode({"payload": json.dumps(payload)}).encode()
        signed = {**sign(raw), "Content-Type": "application/x-www-form-urlencoded"}
        return httpx.post(f"{self.url}/slack/events", content=raw, headers=signed, timeout=10)

    def kill(self) -> None:
        """SIGKILL it: nothing of it runs afterwards."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=30)


@dataclass
class Replicas:
    """The processes of one test, on one database and one fake Slack."""

    workdir: Path
    database_url: str
    slack_api_url: str
    redis_url: str = ""
    """Redis every process shares (none when empty)."""
    settings: dict[str, str] = field(default_factory=dict)
    """More ``CF_`` settings for every process."""
    started: list[Process] = field(default_factory=list)

    def _spawn(self, name: str, argv: list[str], env: dict[str, str], niceness: int = 0) -> Process:
        own = {
            "CF_DATA_DIR": str(self.workdir / name),
            "CF_DATABASE_URL": self.database_url,
            "CF_AWS_MODE": "sandbox",
            "CF_MODEL_PROVIDER": "offline",
            "CF_SLACK_BOT_TOKEN": BOT_TOKEN,
            "CF_SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "CF_SLACK_API_URL": self.slack_api_url,
            "CF_REDIS_URL": self.redis_url,
            **TIMINGS,
            **self.settings,
            **env,
        }
        clean = {
            k: v
            for k, v in child_env(**own).items()
            if not k.startswith(("CF_", "DBOS")) or k in own or k == "CF_CLOCK_START"
        }
        log_path = self.workdir / f"{name}.log"
        log = log_path.open("ab")
        command = [sys.executable, "-m", "bot", *argv]
        if niceness:
            command = ["nice", "-n", str(niceness), *command]
        popen = subprocess.Popen(command, cwd=ROOT, env=clean, stdout=log, stderr=log)
        process = Process(name, popen, log_path)
        self.started.append(process)
        return process

    def migrate(self) -> None:
        """Run ``cloudfabric migrate`` once, as a deploy does before the others start.

        Raises:
            RuntimeError: it failed (with its log).
        """
        process = self._spawn("migrate", ["migrate"], {"CF_DURABLE_ENABLED": "true"})
        if process.popen.wait(timeout=300) != 0:
            raise RuntimeError(f"migrate failed:\n{process.log()[-3000:]}")

    def serve(self, name: str, executor: str, *, listen: bool = False) -> Process:
        """Start ``cloudfabric serve --http`` on a free port (no queue workers by default)."""
        port = free_port()
        env = {"CF_DURABLE_EXECUTOR_ID": executor, "CF_DURABLE_LISTEN": str(listen).lower()}
        process = self._spawn(name, ["serve", "--http", "--port", str(port)], env)
        process.port = port
        return process

    def worker(self, name: str, executor: str, *, niceness: int = 0) -> Process:
        """Start ``cloudfabric worker`` under ``executor``, at a lower CPU priority when
        ``niceness`` is positive."""
        env = {"CF_DURABLE_EXECUTOR_ID": executor}
        return self._spawn(name, ["worker"], env, niceness)

    def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """The rows ``sql`` selects in the processes' database (read as an operator would)."""
        engine = create_engine(self.database_url)
        try:
            with engine.connect() as connection:
                return [tuple(row) for row in connection.execute(text(sql), params).all()]
        finally:
            engine.dispose()

    def runs(self, prefix: str) -> list[tuple[str, str, str]]:
        """The engine's runs whose id starts with ``prefix``: (id, state, executor)."""
        rows = self.query(
            "SELECT workflow_uuid, status, executor_id FROM dbos.workflow_status "
            "WHERE workflow_uuid LIKE :prefix ORDER BY created_at",
            prefix=f"{prefix}%",
        )
        return [(str(a), str(b), str(c)) for a, b, c in rows]

    def unsent_writes(self) -> int:
        """Slack writes still waiting in the outbox (queued, or due again after a failure)."""
        [(count,)] = self.query("SELECT count(*) FROM slack_outbox WHERE state = 'pending'")
        return int(count)

    def stop_all(self) -> None:
        """Kill every process still running and print their logs (shown on failure)."""
        for process in self.started:
            process.kill()
            print(f"--- log of {process.name} ---\n{process.log()[-4000:]}")
