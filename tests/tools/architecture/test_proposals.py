"""From a sentence to a stored, validated proposal: patterns, load words, sizing, files."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from tests.tools.architecture.conftest import REQUESTS, call
from tools.architecture.models import ProposalResult
from tools.architecture.request import read_request
from tools.architecture.service import ArchitectureStore
from tools.architecture.validate import blocking
from tools.context import ToolContext
from tools.errors import InvalidInput


@pytest.mark.parametrize("text", list(REQUESTS), ids=[v[0] + "-" + v[1] for v in REQUESTS.values()])
def test_differently_worded_requests_give_valid_specs_of_their_pattern(
    arch_ctx: ToolContext, text: str
) -> None:
    pattern, region, environment = REQUESTS[text]

    result = call(arch_ctx, "architecture.propose", request=text)

    assert isinstance(result, ProposalResult)
    spec = result.spec
    assert (spec.pattern, spec.region, spec.environment) == (pattern, region, environment)
    assert blocking(result.findings) == []
    assert result.spec.assumptions, "sizing assumptions are stated"
    assert result.estimate.total_monthly > 0 and result.estimate.lines
    suffixes = sorted(Path(f).suffix for f in result.files)
    assert suffixes == [".png", ".tf", ".yaml"]
    assert all(Path(f).stat().st_size > 500 for f in result.files)
    stored = ArchitectureStore(arch_ctx).get(result.name)
    assert (stored.version, stored.created_by, stored.note) == (1, "alice", text)
    assert stored.spec == spec


def test_load_words_drive_the_sizing_and_the_card_says_how(arch_ctx: ToolContext) -> None:
    text = "We need a web app with a Postgres database in eu-west-1 for prod, about 2k requests/s."
    spec = call(arch_ctx, "architecture.propose", request=text).spec

    app, db = spec.component("app"), spec.component("db")
    assert (app.kind, app.instance_type, app.count, app.max_count) == ("asg", "m5.large", 6, 12)
    assert (db.kind, db.engine, db.multi_az, db.public, db.encrypted) == (
        "rds",
        "postgres",
        True,
        False,
        True,
    )
    assert spec.network is not None and spec.network.nat == "per-az"
    joined = " ".join(spec.assumptions)
    assert "Sized for 2,000 requests/s at peak, as asked." in joined
    assert "One m5.large serves about 400 requests/s: 6 at peak, scaling to 12" in joined


def test_spiky_traffic_and_data_size_change_the_numbers(arch_ctx: ToolContext) -> None:
    spiky = call(
        arch_ctx,
        "architecture.propose",
        request="prod web app with mysql, 900 requests per second, spiky, 200 GB of data",
    ).spec
    app, db = spiky.component("app"), spiky.component("db")
    assert app.max_count == app.count * 3
    assert (db.engine, db.port, db.storage_gb) == ("mysql", 3306, 250)
    assert "Average load is 20% of the peak (spiky traffic)." in spiky.assumptions


def test_requests_are_read_with_their_units() -> None:
    assert read_request("an api doing 120k requests per minute").peak_rps == 2000
    assert read_request("website, 3 million hits a day in us-west-2").peak_rps == Decimal("34.722")
    assert read_request("pipeline for 2 TB of logs").data_gb == 2000
    insecure = read_request("web app with a public database and ssh open to the world")
    assert insecure.public_database and insecure.open_ports == [22]


def test_a_request_for_nothing_recognisable_gets_a_clear_sentence(arch_ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match="could not tell what to build"):
        call(arch_ctx, "architecture.propose", request="hello there, how are you")


def test_unknown_region_names_the_nearest(arch_ctx: ToolContext) -> None:
    with pytest.raises(InvalidInput, match="eu-west-1"):
        call(arch_ctx, "architecture.propose", request="web app with postgres in eu-west-9")


def test_huge_request_is_capped_and_still_read(arch_ctx: ToolContext) -> None:
    text = "serverless api " + "with lots of words " * 500
    result = call(arch_ctx, "architecture.propose", request=text[:2000])
    assert result.spec.pattern == "serverless-api"
    assert len(result.spec.request) <= 2000


def test_the_same_name_twice_gets_a_new_name(arch_ctx: ToolContext) -> None:
    first = call(arch_ctx, "architecture.propose", request="dev web app with postgres")
    second = call(arch_ctx, "architecture.propose", request="dev web app with postgres")
    assert (first.name, second.name) == ("dev-web", "dev-web-2")
    assert first.spec.network is not None and second.spec.network is not None
    assert first.spec.network.cidr != second.spec.network.cidr
