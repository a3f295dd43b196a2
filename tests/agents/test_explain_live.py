"""In live mode, explain links names against discovery's inventory in the store: a stop of a
scanned instance is a call, a misspelt one is a question offering the scanned names."""

from __future__ import annotations

from pathlib import Path

from agents.explain import explainer
from core.clock import Clock
from core.db import Database
from core.settings import Settings
from tools.discovery.resource_models import Resource, ScanResult, ScopeOutcome
from tools.discovery.store import InventoryStore

ACCOUNT = "111122223333"


def _instance(name: str, number: int) -> Resource:
    ident = f"i-{number:017x}"
    return Resource(
        arn=f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/{ident}",
        account=ACCOUNT,
        region="us-east-1",
        type="ec2:instance",
        service="ec2",
        resource_id=ident,
        name=name,
        state="running",
    )


def _scanned(settings: Settings, names: list[str]) -> None:
    db = Database(settings.sql_url)
    db.migrate()
    outcome = ScopeOutcome(account=ACCOUNT, region="us-east-1", service="ec2", status="ok")
    resources = [_instance(name, n) for n, name in enumerate(names, 1)]
    InventoryStore(db).record_scan(
        ScanResult(
            started_at=Clock().now(),
            accounts=[ACCOUNT],
            regions=["us-east-1"],
            resources=resources,
            outcomes=[outcome],
        )
    )
    db.dispose()


def test_explain_in_live_mode_links_against_the_inventory(tmp_path: Path) -> None:
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=tmp_path, aws_mode="live", model_provider="offline"
    )
    _scanned(settings, ["payments-api", "payments-worker"])
    explain = explainer(settings)

    assert explain("stop payments-api")["tool_calls"] == [
        {"name": "ec2.stop_instances", "args": {"targets": ["payments-api"]}}
    ]
    asked = explain("stop payments-apj")
    assert asked["tool_calls"] == []
    assert "payments-apj" in asked["question"]
    assert [c["label"] for c in asked["choices"]][:1] == ["payments-api"]
    assert explain("stop web-1")["tool_calls"] == []  # the sandbox's names mean nothing here
