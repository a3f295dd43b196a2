"""The grouping tests again on PostgreSQL: the store's SQL (ON CONFLICT, RETURNING, the
grouping query and its UPDATEs, the advisory lock) behaves there as on SQLite."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from core.db import Database
from tests.tools.alerts.test_grouping import (
    clock,
    store,
    test_a_delivery_that_cannot_be_stored_fails_alone,
    test_a_flapping_alert_stops_renotifying_until_its_flips_age_out,
    test_a_reposted_group_is_dropped_as_a_duplicate,
    test_a_resolve_with_nothing_firing_is_kept_but_not_announced,
    test_a_storm_of_200_alerts_over_10_fingerprints_gives_10_incidents,
    test_after_the_window_the_same_fingerprint_opens_a_new_incident,
    test_an_incident_resolves_when_all_its_alerts_do,
    test_senders_at_once_share_commits_yet_each_hears_of_its_own_alerts,
    test_the_same_fingerprint_joins_its_incident_within_the_window,
    test_the_same_group_key_or_resource_joins_one_incident,
)

pytestmark = [pytest.mark.postgres, pytest.mark.time_sensitive]
__all__ = [
    "clock",
    "store",
    "test_a_delivery_that_cannot_be_stored_fails_alone",
    "test_a_flapping_alert_stops_renotifying_until_its_flips_age_out",
    "test_a_reposted_group_is_dropped_as_a_duplicate",
    "test_a_resolve_with_nothing_firing_is_kept_but_not_announced",
    "test_a_storm_of_200_alerts_over_10_fingerprints_gives_10_incidents",
    "test_after_the_window_the_same_fingerprint_opens_a_new_incident",
    "test_an_incident_resolves_when_all_its_alerts_do",
    "test_senders_at_once_share_commits_yet_each_hears_of_its_own_alerts",
    "test_the_same_fingerprint_joins_its_incident_within_the_window",
    "test_the_same_group_key_or_resource_joins_one_incident",
]


@pytest.fixture
def db(own_postgres_url: str) -> Iterator[Database]:
    """A migrated PostgreSQL store of this test's own."""
    database = Database(own_postgres_url)
    database.migrate()
    yield database
    database.dispose()
