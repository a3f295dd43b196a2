"""The sandbox: an in-process moto AWS holding the demo estate for the process lifetime."""

from __future__ import annotations

import threading
from typing import Any

from core.aws import AwsClients
from core.clock import Clock
from core.sandbox.estate import seed_demo_estate
from core.sandbox.model import SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN, DemoEstate
from core.settings import Settings


class Sandbox:
    """Starts moto in-process, seeds the demo estate once, and hands out the clients.

    Use one per process (the composition root owns it). While started, every boto3 call in the
    process goes to moto.
    """

    def __init__(self) -> None:
        """Create a stopped sandbox."""
        self._lock = threading.Lock()
        self._mock: Any = None
        self._aws: AwsClients | None = None
        self.estate: DemoEstate | None = None

    @property
    def started(self) -> bool:
        """True between ``start`` and ``stop``."""
        return self._aws is not None

    def start(self, settings: Settings, clock: Clock | None = None) -> AwsClients:
        """Start moto, register the second account, seed the estate; later calls reuse it.

        Args:
            settings: settings for the clients; sandbox credentials are always used and
                ``aws_endpoint_url`` is ignored, since the mock lives in this process.
            clock: "now" the estate's story is told from (the system clock by default).

        Returns:
            The clients over the seeded estate; the same object on every call until ``stop``.
        """
        with self._lock:
            if self._aws is not None:
                return self._aws
            from moto import mock_aws

            mock = mock_aws()
            mock.start()
            try:
                in_process = settings.model_copy(update={"aws_endpoint_url": None})
                aws = AwsClients(in_process, sandbox=True)
                aws.add_account(SECOND_ACCOUNT_ID, SECOND_ACCOUNT_ROLE_ARN)
                self.estate = seed_demo_estate(aws, clock)
            except BaseException:
                mock.stop()
                raise
            self._mock, self._aws = mock, aws
            return aws

    def stop(self) -> None:
        """End the mock and forget the estate; a later ``start`` seeds a fresh one."""
        with self._lock:
            if self._mock is not None:
                self._mock.stop()
            self._mock, self._aws, self.estate = None, None, None
