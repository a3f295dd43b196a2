"""One list price with the facts needed to show and trust it."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Price:
    """One list price.

    Attributes:
        service: short service name (``ec2``, ``ebs``...).
        item: what is priced (``m5.large``, ``gp3 storage``...).
        region: AWS region code.
        usd: price in USD per ``unit``, exact.
        unit: billing unit (``hour``, ``GB-month``, ``request``...).
        as_of: publication date of the AWS feed the figure comes from.
    """

    service: str
    item: str
    region: str
    usd: Decimal
    unit: str
    as_of: str
