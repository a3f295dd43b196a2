"""Runtime settings: one object, read from ``CF_*`` environment variables and ``.env``."""

from __future__ import annotations

import os
import socket
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

Risk = Literal["low", "medium", "high", "critical"]


def _split_csv(value: object) -> object:
    """Accept ``a,b,c`` from the environment as well as JSON lists."""
    if isinstance(value, str):
        stripped = value.strip()
        if stripped.startswith("["):
            import json

            return json.loads(stripped)
        return [item.strip() for item in stripped.split(",") if item.strip()]
    return value


class ChannelScope(BaseModel):
    """What one channel may see: only these accounts and/or environments."""

    accounts: dict[str, str] = Field(
        default_factory=dict,
        description="Account id -> its name for people (may be empty); none = any account.",
    )
    environments: list[str] = Field(
        default_factory=list,
        description="Values of the Environment tag shown here; none = any environment.",
    )

    @field_validator("accounts")
    @classmethod
    def _twelve_digits(cls, value: dict[str, str]) -> dict[str, str]:
        """Account ids are 12 digits; anything else is a typo that would hide everything."""
        for account in value:
            if not (len(account) == 12 and account.isdigit()):
                raise ValueError(f"'{account}' is not a 12-digit AWS account id")
        return value


AlertSeverity = Literal["critical", "error", "warning", "info"]


class AlertRoute(BaseModel):
    """One alert routing rule: alerts it matches open their incident thread in ``channel``.

    Every criterion given must match (a list matches any of its values); a rule with no
    criteria matches every alert. Rules are tried in order and the first match wins.
    """

    model_config = ConfigDict(extra="forbid")

    channel: str = Field(min_length=1, max_length=80, description="Slack channel id or name.")
    name: str = Field(default="", max_length=80, description="What the rule is for, in words.")
    accounts: list[str] = Field(
        default_factory=list, description="AWS account ids (12 digits); none = any account."
    )
    environments: list[str] = Field(
        default_factory=list,
        description="Environment tag values (or env/environment labels); none = any.",
    )
    severities: list[AlertSeverity] = Field(
        default_factory=list, description="Alert severities; none = any severity."
    )
    services: list[str] = Field(
        default_factory=list,
        description="Services: AWS namespace (AWS/EC2, EC2) or the service/job label; none = any.",
    )

    @field_validator("accounts", "environments", "severities", "services", mode="before")
    @classmethod
    def _one_or_many(cls, value: object) -> object:
        """A single value is a list of one."""
        return [value] if isinstance(value, str) else value

    @field_validator("accounts")
    @classmethod
    def _twelve_digit_accounts(cls, value: list[str]) -> list[str]:
        """Account ids are 12 digits; anything else is a typo that would never match."""
        for account in value:
            if not (len(account) == 12 and account.isdigit()):
                raise ValueError(f"'{account}' is not a 12-digit AWS account id")
        return value


class Settings(BaseSettings):
    """Everything CloudFabric reads from its environment, passed down from the composition root."""

    model_config = SettingsConfigDict(
        env_prefix="CF_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=Path(".cloudfabric"),
        description="Folder for the embedded SQLite database and local state.",
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL of the SQL store; SQLite under data_dir when unset.",
    )
    db_pool_size: int = Field(
        default=10,
        ge=1,
        le=100,
        description=(
            "Connections each of this process's pools keeps open to PostgreSQL (the store, the "
            "durable engine's system database, the agent checkpoints); a burst may open as "
            "many again in the store's pool. Every replica and worker has its own pools, so "
            "keep (processes x 4 x this) under the server's max_connections."
        ),
    )
    aws_mode: Literal["sandbox", "live"] = Field(
        default="sandbox",
        description="'sandbox' runs against an in-process moto estate; only 'live' touches AWS.",
    )
    aws_profile: str | None = Field(default=None, description="Named AWS profile (live mode).")
    aws_regions: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["us-east-1", "eu-west-1"],
        description="Regions the tools look at by default (comma-separated in the environment).",
    )
    aws_role_arn: str | None = Field(
        default=None, description="Role assumed for the primary account (live mode)."
    )
    aws_account_roles: dict[str, str] = Field(
        default_factory=dict,
        description="Extra accounts to reach: account id -> role ARN to assume there.",
    )
    action_role_arn: str | None = Field(
        default=None,
        description=(
            "Role approved changes run under in the primary account, assumed per execution "
            "with the approver as SourceIdentity (deploy/iam/action-role.json); kept "
            "apart from the reading role. The sandbox uses role/CloudFabricAction."
        ),
    )
    action_account_roles: dict[str, str] = Field(
        default_factory=dict,
        description=(
            "Action role of each extra account: account id -> role ARN; the sandbox uses "
            "role/CloudFabricAction of each account."
        ),
    )
    aws_endpoint_url: str | None = Field(
        default=None, description="Send every AWS call here (a moto server in tests and benches)."
    )
    aws_max_attempts: int = Field(default=8, description="botocore adaptive-retry attempts.")
    user_agent_tag: str = Field(
        default="cloudfabric", description="Appended to the AWS user agent of every call."
    )

    model_provider: Literal["offline", "bedrock", "openai"] = Field(
        default="offline",
        description=(
            "Chat model behind the agent: the offline router, Amazon Bedrock, or a server "
            "speaking the OpenAI Chat Completions API; a hosted model falls back to offline."
        ),
    )
    bedrock_model_id: str = Field(
        default="anthropic.claude-3-5-sonnet-20240620-v1:0",
        description="Bedrock model id used when model_provider is 'bedrock'.",
    )
    bedrock_region: str = Field(default="us-east-1", description="Region of the Bedrock runtime.")
    bedrock_prompt_caching: Literal["auto", "on", "off"] = Field(
        default="auto",
        description=(
            "Bedrock prompt caching (a cachePoint after the tool list and after the system "
            "prompt): 'auto' turns it on for model ids known to support it (Claude 3.7 Sonnet, "
            "3.5 Haiku, 4.x; Amazon Nova, system prompt only), 'on' forces it, 'off' never."
        ),
    )
    openai_base_url: str = Field(
        default="https://api.openai.com/v1",
        description=(
            "Base URL of the OpenAI-compatible server (ending before /chat/completions) used "
            "when model_provider is 'openai'."
        ),
    )
    openai_api_key: SecretStr | None = Field(
        default=None,
        description="API key sent as a bearer token; unset for servers that need none.",
    )
    openai_model: str = Field(
        default="gpt-4o-mini", description="Model name asked of the OpenAI-compatible server."
    )
    openai_timeout_seconds: float = Field(
        default=30.0,
        gt=0,
        description="Seconds to wait for one answer before falling back to offline.",
    )
    openai_max_retries: int = Field(
        default=1,
        ge=0,
        description="Retries of a failed request (5xx, timeouts) before falling back.",
    )
    model_daily_calls_per_workspace: int = Field(
        default=0,
        ge=0,
        description=(
            "Hosted model calls one workspace may make per UTC day (0 = unlimited); once "
            "spent, that workspace is answered offline until the next UTC day."
        ),
    )

    approval_ttl_minutes: int = Field(
        default=60, description="Minutes before a pending approval expires."
    )
    approvers_group: str | None = Field(
        default=None,
        description="Group whose members may approve high and critical risk actions.",
    )
    approver_groups: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Group name -> member user ids (console names or Slack user ids).",
    )
    approval_policy: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            "Risk level -> principals allowed to approve it ('*' = anyone, '@group' = a group, "
            "else a user id). Risk levels left out fall back to the default policy."
        ),
    )
    approval_policy_file: Path | None = Field(
        default=None,
        description=(
            "YAML approval policy (rules by tool, risk, account, tags, cost; approvers, counts, "
            "rotations, freezes). Replaces the three settings above; reloaded when it changes."
        ),
    )
    pagerduty_token: SecretStr | None = Field(
        default=None,
        description=(
            "PagerDuty REST API key; rotations of the policy file that name a PagerDuty "
            "schedule (oncall: {provider: pagerduty, schedule: P123}) ask it who is on call."
        ),
    )
    pagerduty_api_url: str = Field(
        default="https://api.pagerduty.com", description="Base URL of PagerDuty's REST API v2."
    )
    approval_sweep_seconds: int = Field(
        default=30,
        description="How often pending approvals are checked for expiry and crash recovery.",
    )
    approval_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "How long an executing claim holds without renewal (renewed every third of it); "
            "a claim older than this, and an approval never claimed for this long, are swept."
        ),
    )
    replica_id: str = Field(
        default_factory=lambda: f"{socket.gethostname()}-{os.getpid()}",
        description="This process's name as the owner of executions (host-pid by default).",
    )
    allow_self_approval: bool = Field(
        default=False, description="Whether a requester may approve their own request."
    )
    break_glass_group: str | None = Field(
        default=None,
        description=(
            "Group whose members may run a pending request without approval in an emergency "
            "(`/cloudfabric break-glass <id> -- <why>`); break-glass is off when unset."
        ),
    )
    break_glass_per_day: int = Field(
        default=2, ge=1, le=50, description="Break-glass runs allowed per person per 24 hours."
    )

    # --- audit log (approvals/audit*): retention, checkpoints, anchoring -----------------------
    audit_retention_days: int = Field(
        default=0,
        ge=0,
        description=(
            "Audit entries older than this many days are pruned by the retention sweep and "
            "`cloudfabric audit prune`, after a signed checkpoint of the pruned prefix is "
            "stored, so the rest still verifies. 0 keeps every entry forever."
        ),
    )
    audit_checkpoint_key: SecretStr | None = Field(
        default=None,
        description=(
            "HMAC-SHA256 key signing the checkpoints of pruned audit entries. When unset, a "
            "random key is created once in data_dir/audit-checkpoint.key (mode 0600); "
            "replicas sharing a PostgreSQL store must share this key."
        ),
    )
    audit_anchor: Literal["auto", "file", "s3", "off"] = Field(
        default="auto",
        description=(
            "Where the audit chain head (sequence, hash, time) is written outside the database "
            "after every append (no batching: the window is one entry): 'file' appends to "
            "audit_anchor_file, 's3' writes an Object Lock protected object to "
            "audit_anchor_bucket, 'auto' is 's3' in live mode with a bucket set and 'file' "
            "otherwise, 'off' anchors nothing (truncation of the newest entries then goes "
            "unnoticed)."
        ),
    )
    audit_anchor_file: Path | None = Field(
        default=None,
        description="Append-only JSON Lines file of anchors; data_dir/audit-anchor.jsonl if unset.",
    )
    audit_anchor_bucket: str | None = Field(
        default=None,
        description=(
            "S3 bucket created with Object Lock enabled (ObjectLockEnabledForBucket) that "
            "holds one object per anchored head."
        ),
    )
    audit_anchor_prefix: str = Field(
        default="cloudfabric/audit-anchor/", description="Key prefix of the S3 anchor objects."
    )
    audit_anchor_region: str = Field(
        default="us-east-1", description="Region of the anchor bucket."
    )
    audit_anchor_lock_mode: Literal["GOVERNANCE", "COMPLIANCE"] = Field(
        default="COMPLIANCE",
        description=(
            "Object Lock mode of each anchor object: COMPLIANCE cannot be lifted by anyone "
            "before it ends, GOVERNANCE by principals with s3:BypassGovernanceRetention."
        ),
    )
    audit_anchor_lock_days: int = Field(
        default=400, ge=1, description="Days each anchor object is locked against deletion."
    )
    # --- end audit log --------------------------------------------------------------------------

    channel_scopes: dict[str, ChannelScope] = Field(
        default_factory=dict,
        description=(
            "Channel id (C0..., as Slack names it; names can be renamed, ids cannot) -> the "
            "accounts and environments answers there may show, e.g. "
            '{"C0PAYMENTS": {"accounts": {"111111111111": "payments"}}}. Every read tool in '
            "such a channel answers for those only and says so; naming another account is "
            "refused. Channels not listed see everything."
        ),
    )

    turn_budget_seconds: float = Field(
        default=300.0,
        description=(
            "Seconds one turn of the agent may run; past it the person is told and the turn is "
            "fenced off: nothing it does afterwards takes effect."
        ),
    )

    clock_start: datetime | None = Field(
        default=None,
        description=(
            "Start the clock at this instant (ISO 8601) and let it tick from there, for demos "
            "and child processes of tests; unset = the system clock."
        ),
    )

    redis_url: str | None = Field(
        default=None, description="Redis URL for cache, locks and dedupe; in-process when unset."
    )
    lock_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description=(
            "How long a Redis lock (a conversation's) outlives a holder that stopped renewing "
            "it; renewed every third of it while held."
        ),
    )

    slack_bot_token: str | None = Field(default=None, description="Slack bot token (xoxb-).")
    slack_signing_secret: str | None = Field(
        default=None, description="Slack signing secret for HTTP requests."
    )
    slack_app_token: str | None = Field(
        default=None, description="Slack app-level token (xapp-) for Socket Mode."
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/", description="Base URL of the Slack Web API."
    )
    slack_approval_channel: str | None = Field(
        default=None, description="Channel where approval cards are also posted."
    )
    slack_outbox_poll_seconds: float = Field(
        default=0.5,
        gt=0,
        description=(
            "How often the Slack outbox's delivery loop looks for entries other replicas "
            "queued or whose retry is due (entries queued in this process wake it at once)."
        ),
    )
    slack_outbox_channel_interval_seconds: float = Field(
        default=1.0,
        ge=0,
        description="Least time between two Slack writes to one channel (Slack allows ~1/s).",
    )
    slack_outbox_channel_burst: int = Field(
        default=3,
        ge=1,
        description="Writes to one channel allowed at once before the interval applies.",
    )
    slack_outbox_max_errors: int = Field(
        default=40,
        ge=1,
        description=(
            "Transient failures (not counting rate limits) after which an outbox entry is "
            "dead; retries back off exponentially with jitter up to five minutes apart."
        ),
    )
    slack_outbox_senders: int = Field(
        default=4,
        ge=1,
        le=32,
        description="Slack writes one replica has in flight at once (each lane one at a time).",
    )
    slack_outbox_lease_seconds: float = Field(
        default=60.0,
        gt=0,
        description="How long a replica holds an outbox entry it is sending before another may.",
    )
    http_max_body_bytes: int = Field(
        default=1_048_576,
        description=(
            "Largest request body an HTTP endpoint reads (Slack's and the alert intake); "
            "a larger one is answered 413 without being read further."
        ),
    )

    # --- discovery domain (tools/discovery, core/graph) ---
    discovery_all_regions: bool = Field(
        default=False,
        description="Scan every region enabled in the account instead of aws_regions.",
    )
    discovery_use_organizations: bool = Field(
        default=False,
        description="Scan every active account of the AWS Organization (entered by assume-role).",
    )
    discovery_role_name: str = Field(
        default="CloudFabricAccess",
        description="Role name assumed in each Organizations member account during a scan.",
    )
    discovery_max_workers: int = Field(
        default=8, description="Concurrent (account, region, service) collectors during a scan."
    )
    discovery_snapshot_max_age_days: int = Field(
        default=90, description="EBS snapshots older than this are reported as orphan candidates."
    )
    graph_backend: Literal["networkx", "neo4j"] = Field(
        default="networkx", description="Dependency graph store: in-process networkx or Neo4j."
    )
    neo4j_url: str | None = Field(
        default=None, description="Bolt URL of the Neo4j server when graph_backend is 'neo4j'."
    )
    neo4j_user: str = Field(default="neo4j", description="Neo4j user name.")
    neo4j_password: str | None = Field(default=None, description="Neo4j password.")
    neo4j_database: str | None = Field(
        default=None, description="Neo4j database name (server default when unset)."
    )
    neo4j_max_statement_bytes: int | None = Field(
        default=None,
        description=(
            "Cap the parameter bytes of each batched graph write (FalkorDB's Bolt endpoint "
            "fails on messages of a few KB: use 3000 there); unset = batch by rows only."
        ),
    )
    # --- end discovery domain ---

    # --- IPAM (tools/ipam): compliance rules checked by ipam.analyze -----------------------------
    ipam_allowed_ranges: Annotated[list[str], NoDecode] = Field(
        default_factory=lambda: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"],
        description=(
            "CIDR ranges pools and allocations must stay inside (comma-separated); an IP version "
            "with no range listed is not checked."
        ),
    )
    ipam_min_prefix: int = Field(
        default=16, description="Shortest IPv4 prefix (largest block) an allocation may have."
    )
    ipam_max_prefix: int = Field(
        default=28, description="Longest IPv4 prefix (smallest block) an allocation may have."
    )
    ipam_forbid_cross_env_overlap: bool = Field(
        default=True, description="Flag address space shared by pools of different environments."
    )
    # --- end IPAM -----------------------------------------------------------------------------

    # --- architecture (tools/architecture): CloudFormation deploys ------------------------------
    architecture_deploy_role_arn: str | None = Field(
        default=None,
        description=(
            "CloudFormation service role deploys run under (deploy/iam/architecture-deploy-role"
            ".json); the sandbox uses role/CloudFabricDeploy of its account."
        ),
    )
    architecture_poll_seconds: float = Field(
        default=5.0, description="Seconds between reads of a change set or stack while deploying."
    )
    architecture_deploy_timeout_minutes: int = Field(
        default=60, description="Give up waiting for a stack after this many minutes."
    )
    # --- end architecture ---------------------------------------------------------------------

    # --- durable engine (core/durable): DBOS runs, recovery, schedules --------------------------
    durable_enabled: bool = Field(
        default=False,
        description=(
            "Launch the durable engine with the app's background work (its heartbeat, the "
            "dead-replica sweep and recovery of this replica's pending runs)."
        ),
    )
    durable_app_version: str = Field(
        default="cloudfabric-1",
        description=(
            "Application version the durable engine records on every run. Recovery resumes "
            "only runs of this version, so it stays the same across deploys; change it only "
            "when pending runs must not be resumed by the new code."
        ),
    )
    durable_executor_id: str | None = Field(
        default=None,
        description=(
            "This replica's stable executor id (its runs are recovered under it after a "
            "restart); '<hostname>-<role>' when unset. Two live processes never share one."
        ),
    )
    durable_heartbeat_seconds: float = Field(
        default=10.0,
        gt=0,
        description="How often a replica writes its heartbeat and sweeps for dead replicas.",
    )
    durable_dead_after_seconds: float = Field(
        default=60.0,
        gt=0,
        description=(
            "A replica whose heartbeat is older than this is dead: a live one takes over its "
            "pending runs."
        ),
    )
    durable_tick_seconds: float = Field(
        default=5.0, gt=0, description="How often the ticker looks for due schedule fires."
    )
    durable_queue_poll_seconds: float = Field(
        default=0.2,
        gt=0,
        description=(
            "How often each replica looks for runs waiting on the engine's queues (scheduled "
            "runs wait there between the tick that records them and their start)."
        ),
    )
    durable_poll_seconds: float = Field(
        default=1.0,
        gt=0,
        description=(
            "How often a run waiting for a message polls the system database (SQLite has no "
            "notifications): the longest delay between a send and the run seeing it."
        ),
    )
    durable_listen: bool = Field(
        default=True,
        description=(
            "This process takes runs from the engine's queues (Slack turns, commands and "
            "clicks, scheduled runs). False for a `cloudfabric serve` that only accepts and "
            "records work, leaving it to `cloudfabric worker` processes."
        ),
    )
    durable_worker_concurrency: int = Field(
        default=4,
        ge=1,
        description=(
            "Runs of each queue without a number of its own (the Slack intake and turn queues) "
            "that this process runs at once."
        ),
    )
    # --- end durable engine ---------------------------------------------------------------------

    # --- retention: what the sweep forgets, so the database does not grow without bound -------
    retention_conversation_days: int = Field(
        default=30,
        ge=0,
        description=(
            "A conversation (its agent checkpoints) idle this many days is forgotten; someone "
            "writing in its thread again starts afresh. 0 keeps every conversation."
        ),
    )
    retention_run_days: int = Field(
        default=90,
        ge=0,
        description=(
            "Workflow runs and the durable engine's run records that ended this many days ago "
            "are deleted; pending and waiting runs never are. 0 keeps every run."
        ),
    )
    retention_outbox_days: int = Field(
        default=7,
        ge=0,
        description=(
            "Slack writes delivered (or replaced by a newer edit) this many days ago are deleted "
            "from the outbox; dead ones stay until retried. 0 keeps them all."
        ),
    )
    retention_alert_days: int = Field(
        default=90,
        ge=0,
        description=(
            "Incidents resolved and last seen this many days ago are deleted with their "
            "timeline and alerts (payloads included), as are alerts of no incident received "
            "that long ago; open incidents stay. 0 keeps them all."
        ),
    )
    retention_sweep_minutes: float = Field(
        default=60.0, gt=0, description="How often each replica runs the retention sweep."
    )
    # --- end retention --------------------------------------------------------------------------

    # --- alerts (tools/alerts, bot/alert_intake): intake endpoints, grouping ------------------
    alerts_sns_topic_arns: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description=(
            "SNS topics whose messages /alerts/sns accepts (comma-separated); a subscription "
            "is confirmed only for these. Empty turns the SNS intake off."
        ),
    )
    alerts_alertmanager_token: SecretStr | None = Field(
        default=None,
        description="Bearer token (or basic-auth password) Alertmanager sends; unset = off.",
    )
    alerts_grafana_token: SecretStr | None = Field(
        default=None,
        description="Bearer token (or basic-auth password) Grafana sends; unset = off.",
    )
    alerts_eventbridge_api_key: SecretStr | None = Field(
        default=None,
        description="API key an EventBridge API destination sends in a header; unset = off.",
    )
    alerts_eventbridge_api_key_header: str = Field(
        default="x-api-key",
        description="Header carrying the EventBridge API destination's key.",
    )
    alerts_group_window_seconds: float = Field(
        default=1800.0,
        gt=0,
        description="Alerts on one fingerprint, group or resource this close join one incident.",
    )
    alerts_flap_flips: int = Field(
        default=4,
        ge=1,
        description="An alert flipping firing/resolved more than this often in the window flaps.",
    )
    alerts_flap_window_seconds: float = Field(
        default=3600.0,
        gt=0,
        description="The window flips are counted in for flapping.",
    )
    alerts_channel: str | None = Field(
        default=None,
        description="Channel where each incident opens its thread (no threads when unset).",
    )
    alerts_storm_threads: int = Field(
        default=5,
        ge=1,
        description=(
            "Incidents that open their own thread in a channel within the storm window; "
            "further incidents in that window are listed in the channel's storm digest."
        ),
    )
    alerts_storm_window_seconds: float = Field(
        default=120.0,
        gt=0,
        description="The storm window: how far back a channel's new threads are counted.",
    )
    alerts_routes: list[AlertRoute] = Field(
        default_factory=list,
        description=(
            "Ordered routing rules (JSON list): each matches accounts, environments, severities "
            "and services to a channel; the first match wins, else alerts_channel."
        ),
    )
    alerts_recovery_watch_seconds: float = Field(
        default=900.0,
        gt=0,
        description="After an approved fix runs, how long the alarm's metric is watched before "
        "the thread is told whether it recovered.",
    )
    alerts_recovery_poll_seconds: float = Field(
        default=15.0,
        gt=0,
        description="How often a recovery watch looks at the clock while it waits.",
    )
    # --- end alerts -----------------------------------------------------------------------------

    @field_validator("ipam_allowed_ranges", mode="before")
    @classmethod
    def _ipam_ranges_from_csv(cls, value: object) -> object:
        """Accept ``10.0.0.0/8,172.16.0.0/12`` as well as a JSON list."""
        return _split_csv(value)

    @field_validator("alerts_sns_topic_arns", mode="before")
    @classmethod
    def _topics_from_csv(cls, value: object) -> object:
        """Accept ``arn:aws:sns:...:a,arn:aws:sns:...:b`` as well as a JSON list."""
        return _split_csv(value)

    @field_validator("aws_regions", mode="before")
    @classmethod
    def _regions_from_csv(cls, value: object) -> object:
        """Accept ``us-east-1,eu-west-1`` as well as a JSON list."""
        return _split_csv(value)

    @property
    def sql_url(self) -> str:
        """The SQLAlchemy URL actually used: ``database_url`` or the embedded SQLite file."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'cloudfabric.db').as_posix()}"

    @property
    def audit_anchor_path(self) -> Path:
        """The anchor file actually used: ``audit_anchor_file`` or one under ``data_dir``."""
        return self.audit_anchor_file or self.data_dir / "audit-anchor.jsonl"

    @property
    def is_sandbox(self) -> bool:
        """True unless live AWS was asked for explicitly."""
        return self.aws_mode != "live"
