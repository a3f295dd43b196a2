"""Child replicas of the durable engine's crash tests, and waiting for what they do."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from tests.conftest import child_env

LEAKS = ("CF_", "DBOS")


def wait_until(check: Callable[[], object], timeout: float, what: str) -> None:
    """Poll ``check`` until it is truthy.

    Args:
        check: the condition.
        timeout: seconds to wait at most.
        what: said when it times out.
    """
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@dataclass
class Child:
    """A child process running ``tests.core.durable.child``.

    Attributes:
        name: a name for its log.
        process: the OS process.
        log_path: its stdout and stderr.
    """

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path
    _log: object = field(default=None, repr=False)

    def log(self) -> str:
        """Everything it wrote so far."""
        return self.log_path.read_text(errors="replace")

    def wait_for(self, line: str, timeout: float = 30.0) -> None:
        """Wait until its output contains ``line``.

        Args:
            line: text to find.
            timeout: seconds to wait at most.
        """
        deadline = time.monotonic() + timeout
        while line not in self.log():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"{self.name} exited ({self.process.returncode}):\n{self.log()}"
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"{self.name}: no '{line}' in {timeout}s:\n{self.log()}")
            time.sleep(0.05)

    def go(self) -> Child:
        """Let a child spawned with ``preload=True`` launch (once it has loaded its code)."""
        self.wait_for("loaded")
        assert self.process.stdin is not None
        self.process.stdin.write(b"go\n")
        self.process.stdin.flush()
        return self

    def kill(self) -> None:
        """SIGKILL it, as a crash would: no clean-up runs."""
        if self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=30)
        if self.process.stdin is not None and not self.process.stdin.closed:
            self.process.stdin.close()

    def finish(self, timeout: float = 60.0) -> int:
        """Wait for it to exit on its own and return its exit code.

        Args:
            timeout: seconds to wait at most.
        """
        return self.process.wait(timeout=timeout)


@dataclass
class Children:
    """Child processes of one test; those still running are killed at the end."""

    workdir: Path
    database_url: str
    started: list[Child] = field(default_factory=list)

    def spawn(
        self,
        name: str,
        executor: str,
        *argv: str,
        preload: bool = False,
        module: str = "tests.core.durable.child",
        **env: str,
    ) -> Child:
        """Start ``python -m <module> <argv>`` as executor ``executor``.

        Args:
            name: for its log file.
            executor: its durable executor id.
            *argv: the mode and its arguments.
            preload: load the code, then wait for ``go()`` before launching.
            module: the child's module (``tests.core.durable.child`` by default).
            **env: extra environment variables.
        """
        own = {
            "CF_DATA_DIR": str(self.workdir / "cf"),
            "CF_DATABASE_URL": self.database_url,
            "CF_DURABLE_EXECUTOR_ID": executor,
            "CF_DURABLE_POLL_SECONDS": "0.1",
            "DURABLE_TEST_DIR": str(self.workdir),
            **env,
        }
        inherited = {k: v for k, v in os.environ.items() if not k.startswith(LEAKS)}
        full = child_env(**own)
        keep = {
            k: v for k, v in full.items() if k in inherited or k in own or k == "CF_CLOCK_START"
        }
        log_path = self.workdir / f"{name}.log"
        log = log_path.open("ab")
        command = [sys.executable, "-m", module, *argv]
        if preload:
            command.append("--preload")
        process = subprocess.Popen(
            command,
            cwd=Path(__file__).resolve().parents[3],
            env=keep,
            stdin=subprocess.PIPE if preload else subprocess.DEVNULL,
            stdout=log,
            stderr=log,
        )
        child = Child(name, process, log_path, log)
        self.started.append(child)
        return child

    def kill_all(self) -> None:
        """Kill every child still running and print their logs (shown on failure)."""
        for child in self.started:
            child.kill()
            print(f"--- log of {child.name} ---\n{child.log()[-4000:]}")
