"""Builds the Slack-facing process: CloudFabric, the Slack surface, and its transports."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel

from bot.alert_charts import IncidentCharts
from bot.app import CloudFabric, create_app
from bot.queue_metrics import QueueCollector
from bot.slack.identity import SlackDirectory, SlackUserGroups
from bot.slack.surface import SlackSurface
from bot.slack.transport import web_client
from core.aws import AwsClients
from core.clock import Clock
from core.settings import Settings

log = logging.getLogger(__name__)
CARD_RETRY_SECONDS = 30.0


@dataclass
class SlackRuntime:
    """A running Slack app over one CloudFabric.

    Attributes:
        cloudfabric: the services.
        surface: the bolt app and its transport.
        socket: the Socket Mode handler, when connected that way.
        queue_metrics: the durable queues' figures in ``/metrics``, when registered.
        charts: posts the metric chart under each new alert incident's root.
    """

    cloudfabric: CloudFabric
    surface: SlackSurface
    charts: IncidentCharts | None = None
    socket: Any = None
    queue_metrics: QueueCollector | None = None
    _stop: threading.Event = field(default_factory=threading.Event)
    _socket_wanted: bool = False

    def socket_connected(self) -> bool:
        """True when no socket is used or the socket is connected."""
        if self.socket is None:
            return not self._socket_wanted
        return bool(self.socket.client.is_connected())

    def start_identity(self, app_token: str | None = None) -> None:
        """Resolve the bot identity in the background, then connect Socket Mode if asked.

        Idempotent: the HTTP app's start-up calls it too.

        Args:
            app_token: connect Socket Mode with this app-level token once the identity is known.
        """
        if app_token:
            self._socket_wanted = True
        connect = (lambda: self.connect_socket(app_token)) if app_token else None
        self.surface.identity.start(on_known=connect)

    def start_delivery(self) -> None:
        """Start sending the Slack outbox in a background thread (idempotent): the app's
        start-up and ``serve`` call it."""
        self.surface.outbox.start()

    def problems(self) -> list[str]:
        """What keeps the Slack side from being ready (empty when ready), for ``/readyz``."""
        problems = []
        if (identity := self.surface.identity.problem()) is not None:
            problems.append(identity)
        if not self.socket_connected():
            problems.append("Slack socket disconnected")
        return problems

    def use_socket(self, app_token: str) -> Any:
        """Attach a Socket Mode handler (not connected yet) and return it.

        Args:
            app_token: the app-level token (``xapp-``).
        """
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        self.socket = SocketModeHandler(
            self.surface.bolt, app_token, web_client=self.surface.client
        )
        return self.socket

    def connect_socket(self, app_token: str) -> None:
        """Connect to Slack over Socket Mode (returns once connected; runs in threads).

        Args:
            app_token: the app-level token (``xapp-``).
        """
        self.use_socket(app_token).connect()
        log.warning("connected to Slack over Socket Mode")

    def start_card_retries(self, every: float = CARD_RETRY_SECONDS) -> None:
        """Retry unposted approval cards every ``every`` seconds in a daemon thread.

        Args:
            every: seconds between attempts.
        """

        def loop() -> None:
            while not self._stop.wait(every):
                try:
                    self.surface.transport.retry_unposted_cards()
                except Exception:
                    log.exception("retrying approval cards failed")

        threading.Thread(target=loop, name="card-retries", daemon=True).start()

    def close(self) -> None:
        """Stop the socket, the workers and the services."""
        self._stop.set()
        self.surface.identity.stop()
        if self.socket is not None:
            self.socket.close()
        self.surface.close()
        if self.queue_metrics is not None:
            self.queue_metrics.close()
        self.cloudfabric.close()


def build_runtime(
    settings: Settings,
    *,
    aws: AwsClients | None = None,
    model: BaseChatModel | None = None,
    clock: Clock | None = None,
) -> SlackRuntime:
    """CloudFabric wired to Slack: user groups resolved through Slack, follow-ups to threads,
    workflow notices to channels.

    Args:
        settings: runtime settings (``slack_*``, ``redis_url``).
        aws: ready AWS clients (tests); otherwise per settings.
        model: an explicit chat model (tests).
        clock: the clock (tests move it); otherwise per settings.
    """
    client = web_client(settings)
    groups = SlackUserGroups(client)
    clock = clock or Clock(settings.clock_start)
    directory = SlackDirectory(client, clock)
    cloudfabric = create_app(
        settings, aws=aws, model=model, group_members=groups, clock=clock, directory=directory
    )
    surface = SlackSurface(cloudfabric, client)
    queues = QueueCollector(settings, cloudfabric.clock)
    surface.metrics.registry.register(queues)
    charts = IncidentCharts(cloudfabric, surface.transport)  # before the engine launches
    return SlackRuntime(cloudfabric, surface, queue_metrics=queues, charts=charts)
