"""The shape of a Slack request body, checked before bolt sees it.

Slack sends JSON (Events API) or a form (slash commands; interactivity as ``payload=<JSON>``).
bolt reads a number of fields without checking their types (``body["actions"][0]``,
``authorizations[0].get(...)``, ``event.get(...)``), so a signed body with a string where an
object belongs would crash it. ``parse_envelope`` parses exactly as bolt does, then checks
every field bolt and the listeners read; anything else becomes a 400 with a sentence.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from slack_bolt.request.internals import parse_body

from bot.http_body import MAX_DEPTH, BodyRejected, json_object, nesting_depth

Ref = str | dict[str, Any]
# Keys bolt reads with ``body.get(key, {})``: present but null would crash it.
NEVER_NULL = ("event", "authorizations", "actions", "view", "response_urls")


class _Open(BaseModel):
    """Unknown fields are kept: only the ones read are checked."""

    model_config = ConfigDict(extra="allow")


class Event(_Open):
    """The ``event`` of an Events API envelope."""

    type: str | None = None
    user: Ref | None = None
    channel: Ref | None = None
    subtype: str | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None


class Action(_Open):
    """One element of ``actions`` in a ``block_actions`` payload."""

    action_id: str
    block_id: str | None = None


class View(_Open):
    """The ``view`` of a view submission or an App Home click."""

    id: str | None = None
    type: str | None = None
    callback_id: str | None = None
    private_metadata: str | None = None
    team_id: str | None = None
    app_installed_team_id: str | None = None
    state: dict[str, Any] | None = None


class Envelope(_Open):
    """A Slack request body, as far as CloudFabric and bolt read it."""

    type: str | None = None
    event: Event | None = None
    authorizations: list[dict[str, Any]] | None = None
    actions: list[Action] | None = None
    view: View | None = None
    response_urls: list[dict[str, Any]] | None = None
    team: Ref | None = None
    enterprise: Ref | None = None
    user: Ref | None = None
    channel: Ref | None = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    previous_message: dict[str, Any] | None = None
    item: dict[str, Any] | None = None
    assistant_thread: dict[str, Any] | None = None
    function_data: dict[str, Any] | None = None
    command: str | None = None
    user_id: str | None = None
    channel_id: str | None = None
    trigger_id: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _no_null_objects(cls, data: Any) -> Any:
        for key in NEVER_NULL:
            if isinstance(data, dict) and key in data and data[key] is None:
                raise ValueError(f"'{key}' is null")
        return data

    @model_validator(mode="after")
    def _complete_for_its_kind(self) -> Envelope:
        if self.type == "block_actions" and not (self.actions and isinstance(self.user, dict)):
            raise ValueError("a block_actions payload needs actions and a user")
        if self.type in ("view_submission", "view_closed") and not (
            self.view and isinstance(self.user, dict)
        ):
            raise ValueError(f"a {self.type} payload needs a view and a user")
        if self.command is not None and not (self.user_id and self.channel_id):
            raise ValueError("a slash command needs user_id and channel_id")
        return self


def parse_envelope(text: str, content_type: str | None) -> dict[str, Any]:
    """The body as bolt will see it, once its shape is known to be safe.

    Args:
        text: the body, already known to be UTF-8 and signed.
        content_type: the request's content type (without parameters).

    Raises:
        BodyRejected: 400 with the reason.
    """
    try:
        body = parse_body(text, content_type)
    except RecursionError:
        raise BodyRejected(400, f"The JSON is nested deeper than {MAX_DEPTH} levels.") from None
    except ValueError as error:
        raise BodyRejected(400, f"The body is neither JSON nor a form ({error}).") from None
    body = json_object(body)
    if nesting_depth(body) > MAX_DEPTH:
        raise BodyRejected(400, f"The JSON is nested deeper than {MAX_DEPTH} levels.")
    try:
        Envelope.model_validate(body)
    except ValidationError as error:
        problem = error.errors()[0]
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        raise BodyRejected(400, f"Not a Slack payload: {where}: {problem['msg']}.") from None
    return body
