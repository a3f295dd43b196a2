"""deploy/compose.yaml: valid against the Compose specification, and shaped for several replicas:
two serve replicas behind a load balancer, two workers, a one-shot migrate, PostgreSQL, Redis."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from compose_spec import PyCompose

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def _compose() -> dict[str, Any]:
    """The compose file with its YAML anchors and merge keys resolved, as Compose reads it."""
    return dict(yaml.safe_load((DEPLOY / "compose.yaml").read_text()))


def _services() -> dict[str, Any]:
    return dict(_compose()["services"])


def _conditions(service: dict[str, Any]) -> dict[str, str]:
    return {name: entry["condition"] for name, entry in service["depends_on"].items()}


def test_the_file_follows_the_compose_specification() -> None:
    parsed = PyCompose.from_yaml(yaml.safe_dump(_compose()))
    assert set(parsed.service_names()) == set(_services())


def test_two_serve_replicas_behind_a_load_balancer() -> None:
    services = _services()
    serve, balancer = services["serve"], services["lb"]
    assert serve["deploy"]["replicas"] == 2
    assert serve["command"][:3] == ["cloudfabric", "serve", "--http"]
    assert "/readyz" in " ".join(serve["healthcheck"]["test"])
    assert _conditions(balancer) == {"serve": "service_healthy"}
    config = (DEPLOY / "nginx.conf").read_text()
    assert re.search(r"server serve:3000\b", config)
    [mount] = balancer["volumes"]
    assert mount.startswith("./nginx.conf:")


def test_two_workers_with_stable_distinct_executor_ids() -> None:
    workers = {
        name: s for name, s in _services().items() if s.get("command") == ["cloudfabric", "worker"]
    }
    ids = [worker["environment"]["CF_DURABLE_EXECUTOR_ID"] for worker in workers.values()]
    assert len(workers) == 2 and len(set(ids)) == 2
    for worker in workers.values():
        assert worker["environment"]["CF_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert worker["environment"]["CF_REDIS_URL"].startswith("redis://redis:")


def test_everything_waits_for_one_migration_and_healthy_stores() -> None:
    services = _services()
    assert services["migrate"]["command"] == ["cloudfabric", "migrate"]
    assert services["migrate"]["restart"] == "no"
    assert _conditions(services["migrate"]) == {"postgres": "service_healthy"}
    for name in ("serve", "worker-1", "worker-2"):
        assert _conditions(services[name]) == {
            "migrate": "service_completed_successfully",
            "postgres": "service_healthy",
            "redis": "service_healthy",
        }
    for store in ("postgres", "redis"):
        assert services[store]["healthcheck"]["test"]


def test_processes_without_an_http_server_do_not_inherit_its_healthcheck() -> None:
    services = _services()
    for name in ("migrate", "worker-1", "worker-2"):
        assert services[name]["healthcheck"] == {"disable": True}
