"""deploy/k8s: valid against the Kubernetes schema, and shaped for several replicas."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from core.settings import Settings

K8S = Path(__file__).resolve().parents[2] / "deploy" / "k8s"
KUBERNETES_VERSION = "1.30.0"
SETTING = re.compile(r"\bCF_[A-Z0-9_]+\b")

SECRET_NAME = re.compile(r"TOKEN|SECRET|PASSWORD|KEY|_URL$")
"""Settings that hold a secret (credentials, or URLs that carry them)."""


def _documents() -> list[dict[str, Any]]:
    return [
        document
        for path in sorted(K8S.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
        if document
    ]


def _one(kind: str, component: str) -> dict[str, Any]:
    [found] = [
        document
        for document in _documents()
        if document["kind"] == kind
        and document["metadata"]["labels"]["app.kubernetes.io/component"] == component
    ]
    return found


def _pod(workload: dict[str, Any]) -> dict[str, Any]:
    return dict(workload["spec"]["template"]["spec"])


@pytest.mark.parametrize(
    "document", _documents(), ids=lambda d: f"{d['kind']}/{d['metadata']['name']}"
)
def test_every_manifest_is_valid_kubernetes(document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_serve_is_a_deployment_probed_on_health_and_readiness() -> None:
    serve = _one("Deployment", "serve")
    [container] = _pod(serve)["containers"]
    assert serve["spec"]["replicas"] >= 2
    assert container["command"][:3] == ["cloudfabric", "serve", "--http"]
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert serve["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0


def test_workers_have_stable_identities_as_executor_ids() -> None:
    workers = _one("StatefulSet", "worker")
    [container] = _pod(workers)["containers"]
    assert workers["spec"]["replicas"] >= 2
    assert container["command"] == ["cloudfabric", "worker"]
    env = {item["name"]: item for item in container["env"]}
    source = env["CF_DURABLE_EXECUTOR_ID"]["valueFrom"]["fieldRef"]["fieldPath"]
    assert source == "metadata.name"  # cloudfabric-worker-0 stays -0 across restarts
    [governing] = [
        document
        for document in _documents()
        if document["kind"] == "Service"
        and document["metadata"]["name"] == workers["spec"]["serviceName"]
    ]
    assert governing["spec"]["clusterIP"] == "None"


@pytest.mark.parametrize("component", ["serve", "worker"])
def test_a_disruption_budget_keeps_replicas_up(component: str) -> None:
    budget = _one("PodDisruptionBudget", component)
    kind = "Deployment" if component == "serve" else "StatefulSet"
    labels = _one(kind, component)["spec"]["template"]["metadata"]["labels"]
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    assert budget["spec"].get("minAvailable", 0) >= 1 or budget["spec"]["maxUnavailable"] == 1


def test_migrations_run_in_a_job_and_before_every_workload() -> None:
    job = _one("Job", "migrate")
    assert _pod(job)["containers"][0]["command"] == ["cloudfabric", "migrate"]
    for kind, component in (("Deployment", "serve"), ("StatefulSet", "worker")):
        [init] = _pod(_one(kind, component))["initContainers"]
        assert init["command"] == ["cloudfabric", "migrate"]


def _containers() -> list[dict[str, Any]]:
    return [
        container
        for document in _documents()
        if "template" in document.get("spec", {})
        for container in _pod(document).get("initContainers", []) + _pod(document)["containers"]
    ]


def test_every_container_has_requests_and_limits_and_runs_as_non_root() -> None:
    for container in _containers():
        assert {"cpu", "memory"} <= container["resources"]["requests"].keys(), container["name"]
        assert {"cpu", "memory"} <= container["resources"]["limits"].keys(), container["name"]
    for document in _documents():
        if "template" in document.get("spec", {}):
            assert _pod(document)["securityContext"]["runAsNonRoot"] is True


def test_secrets_are_referenced_never_inlined() -> None:
    assert not [document for document in _documents() if document["kind"] == "Secret"]
    [config_map] = [document for document in _documents() if document["kind"] == "ConfigMap"]
    assert not {"CF_DATABASE_URL", "CF_REDIS_URL", "CF_SLACK_BOT_TOKEN"} & config_map["data"].keys()
    for container in _containers():
        refs = [source.get("secretRef", {}).get("name") for source in container["envFrom"]]
        assert "cloudfabric-secrets" in refs, container["name"]
        inline = [item["name"] for item in container.get("env", []) if "value" in item]
        assert not [name for name in inline if SECRET_NAME.search(name)], container["name"]


def test_every_cf_variable_in_the_manifests_is_a_setting() -> None:
    fields = set(Settings.model_fields)
    used = {name for path in K8S.glob("*.yaml") for name in SETTING.findall(path.read_text())}
    assert {"CF_DURABLE_EXECUTOR_ID", "CF_DATABASE_URL"} <= used
    assert {name for name in used if name.removeprefix("CF_").lower() not in fields} == set()
