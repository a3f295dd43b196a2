"""A private redis-server for tests that need to take Redis down (never the machine's one)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import services_required


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listening(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


@contextmanager
def private_redis(workdir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Run ``redis-server`` on a free port; yield its URL and process (kill it to take Redis
    down). Skips (fails under ``CF_REQUIRE_SERVICES=1``) when redis-server is not installed.

    Args:
        workdir: folder for the server's files.
    """
    binary = shutil.which("redis-server")
    if binary is None:
        reason = "redis-server is not installed"
        if services_required():
            pytest.fail(f"CF_REQUIRE_SERVICES=1 but {reason}")
        pytest.skip(reason)
    port = free_port()
    command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "",
               "--appendonly", "no", "--dir", str(workdir)]  # fmt: skip
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        if not _listening(port, 10):
            raise RuntimeError(f"redis-server did not listen on {port}")
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
