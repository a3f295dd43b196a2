"""Arguments and results of ``alerts.routes``, ``alerts.silence`` and ``alerts.unsilence``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field, model_validator
from pydantic_core import PydanticCustomError

from tools.alerts.render_routes import NO_MATCHERS


class RoutesArgs(BaseModel):
    """``alerts.routes`` takes nothing: it shows every rule and every silence in force."""


class SilenceView(BaseModel):
    """One silence as shown."""

    id: int = Field(description="Its number (to lift it).")
    resource: str = Field(default="", description="Resource name, id or ARN it matches.")
    words: list[str] = Field(default_factory=list, description="Title words it needs.")
    labels: dict[str, str] = Field(default_factory=dict, description="Labels it needs.")
    fingerprint: str | None = Field(default=None, description="Fingerprint it needs.")
    starts_at: datetime = Field(description="When it began.")
    ends_at: datetime = Field(description="When it ends.")
    created_by: str = Field(description="Who made it.")
    reason: str = Field(default="", description="Why.")


class RoutesResult(BaseModel):
    """The routing rules, in order, and the silences in force."""

    rules: list[str] = Field(default_factory=list, description="Each rule in words, in order.")
    fallback: str | None = Field(default=None, description="Channel when no rule matches.")
    silences: list[SilenceView] = Field(default_factory=list, description="Silences in force.")


class SilenceArgs(BaseModel):
    """Which alerts to silence and for how long; at least one matcher (or an incident)."""

    resource: str = Field(
        default="", max_length=300, description="Resource the alerts are about (web-1, an id)."
    )
    words: list[str] = Field(
        default_factory=list, max_length=10, description="Words of the alert title (cpu, disk)."
    )
    labels: dict[str, str] = Field(
        default_factory=dict, description="Labels the alerts carry (env=staging)."
    )
    fingerprint: str | None = Field(default=None, max_length=200, description="One alert's.")
    incident: int | None = Field(default=None, ge=1, description="One incident (#12) instead.")
    duration: str = Field(
        min_length=1,
        max_length=100,
        description="how long to silence them, e.g. '2 hours', '30m' or 'until 18:00' (UTC)",
    )
    reason: str = Field(default="", max_length=300, description="Why, in your words.")

    @model_validator(mode="after")
    def _names_alerts(self) -> SilenceArgs:
        """Something must say which alerts: never a silence of everything."""
        if self.incident is None and not (
            self.resource or self.words or self.labels or self.fingerprint
        ):
            raise PydanticCustomError("no_matchers", NO_MATCHERS)
        return self


class SilenceResult(BaseModel):
    """A silence made or lifted (or one incident silenced)."""

    silence: SilenceView | None = Field(default=None, description="The silence, if matchers.")
    incident: int | None = Field(default=None, description="The incident silenced, if one.")
    title: str = Field(default="", description="That incident's title (alert text).")
    until: datetime = Field(description="When it ends (or ended).")
    affected: list[int] = Field(default_factory=list, description="Open incidents it matches.")
    lifted: bool = Field(default=False, description="True when a silence was lifted.")


class UnsilenceArgs(BaseModel):
    """Which silence to lift."""

    silence: int = Field(ge=1, description="the silence's number, as alerts.routes lists it")
