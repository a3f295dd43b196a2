"""deploy/: the Slack manifest, the Dockerfile and the compose file agree with the app."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from typer.testing import CliRunner

from bot import cli
from core.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTING = re.compile(r"\bCF_[A-Z0-9_]+\b")


def _manifest() -> dict[str, Any]:
    return yaml.safe_load((DEPLOY / "slack-app-manifest.yaml").read_text())


def test_manifest_has_the_keys_slack_requires() -> None:
    manifest = _manifest()
    assert manifest["display_information"]["name"]
    assert manifest["features"]["bot_user"]["display_name"]
    assert manifest["oauth_config"]["scopes"]["bot"]
    assert manifest["settings"]["event_subscriptions"]["bot_events"]
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert isinstance(manifest["settings"]["socket_mode_enabled"], bool)
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == "/cloudfabric" and command["description"]


def test_manifest_grants_what_the_app_uses() -> None:
    manifest = _manifest()
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    used = {"app_mentions:read", "chat:write", "commands", "reactions:write", "files:write"}
    assert used | {"usergroups:read", "im:history", "channels:history"} <= scopes
    assert {"channels:read", "groups:read"} <= scopes  # conversations.list for workflow channels
    assert {"users:read", "users:read.email"} <= scopes  # owner tags: users.lookupByEmail
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert {"app_mention", "app_home_opened", "message.im", "message.channels"} <= events


def test_every_cf_variable_in_deploy_files_is_a_setting() -> None:
    fields = set(Settings.model_fields)
    texts = [(DEPLOY / name).read_text() for name in ("compose.yaml", "Dockerfile")]
    used = {name for text in texts for name in SETTING.findall(text)}
    assert used, "no CF_ variables found"
    unknown = {name for name in used if name.removeprefix("CF_").lower() not in fields}
    assert unknown == set()


def test_compose_runs_the_app_with_postgres_and_redis() -> None:
    compose = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    assert {"postgres", "redis"} <= set(compose["services"])
    for name in ("serve", "worker-1", "worker-2", "migrate"):
        service = compose["services"][name]
        assert "postgres" in service["depends_on"]
        assert service["environment"]["CF_DATABASE_URL"].startswith("postgresql+psycopg://")
        assert service["environment"]["CF_REDIS_URL"].startswith("redis://redis:")
        assert service["build"]["dockerfile"] == "deploy/Dockerfile"


def test_dockerfile_is_slim_non_root_and_serves_http() -> None:
    dockerfile = (DEPLOY / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.\d+-slim", dockerfile, re.M)
    assert "uv sync --frozen" in dockerfile
    users = re.findall(r"^USER (\S+)", dockerfile, re.M)
    assert users and users[-1] not in ("root", "0")
    cmd = re.search(r"^CMD (\[.*\])", dockerfile, re.M)
    assert cmd is not None
    args = yaml.safe_load(cmd.group(1))
    assert args[:3] == ["cloudfabric", "serve", "--http"]
    help_text = CliRunner().invoke(cli.app, ["serve", "--help"]).output
    assert all(flag in help_text for flag in args[2:] if flag.startswith("--"))
