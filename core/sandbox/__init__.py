"""Sandbox AWS: moto with a seeded demo estate (see ``docs/sandbox-estate.md``)."""

from core.sandbox.estate import seed_demo_estate
from core.sandbox.model import (
    ANALYTICS_REGION,
    PRIMARY_ACCOUNT_ID,
    PRIMARY_REGION,
    SECOND_ACCOUNT_ID,
    SECOND_ACCOUNT_ROLE_ARN,
    DemoEstate,
    Location,
)
from core.sandbox.runner import Sandbox

__all__ = [
    "ANALYTICS_REGION",
    "PRIMARY_ACCOUNT_ID",
    "PRIMARY_REGION",
    "SECOND_ACCOUNT_ID",
    "SECOND_ACCOUNT_ROLE_ARN",
    "DemoEstate",
    "Location",
    "Sandbox",
    "seed_demo_estate",
]
