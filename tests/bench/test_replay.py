"""The benchmark's recording proxy answers repeats from its tape, and never mixes up scopes."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from moto.server import ThreadedMotoServer

from bench.bench_discovery import replay_stats, settings_for
from bench.replay import Tape, make_handler
from core.aws import AwsClients


@pytest.fixture
def proxy() -> Iterator[str]:
    moto = ThreadedMotoServer(port=0, verbose=False)
    moto.start()
    host, port = moto.get_host_and_port()
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Tape(f"http://{host}:{port}")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    moto.stop()


def test_repeats_come_from_the_tape_and_regions_stay_apart(proxy: str, tmp_path: Path) -> None:
    aws = AwsClients(settings_for(proxy, tmp_path, workers=1), sandbox=True)
    east, west = aws.client("ec2", "us-east-1"), aws.client("ec2", "eu-west-1")
    east.create_vpc(CidrBlock="10.9.0.0/16")

    first = [v["CidrBlock"] for v in east.describe_vpcs()["Vpcs"]]
    again = [v["CidrBlock"] for v in east.describe_vpcs()["Vpcs"]]
    elsewhere = [v["CidrBlock"] for v in west.describe_vpcs()["Vpcs"]]

    assert "10.9.0.0/16" in first
    assert again == first
    assert "10.9.0.0/16" not in elsewhere
    assert replay_stats(proxy) == {"forwarded": 3, "replayed": 1}
