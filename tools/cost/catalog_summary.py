"""List prices from the packaged summary file (S3, Lambda, NAT, public IPv4, load balancers,
DynamoDB, data transfer; EBS too, in ``PriceCatalog``), and the shape every price has.

Every figure is a ``Decimal`` built from the published decimal string, so prices match AWS's
feeds exactly; every answer carries the as-of date of the feed it came from. Unknown types or
regions raise ``InvalidInput`` naming the nearest valid choices, never a zero.
"""

from __future__ import annotations

import difflib
import json
from decimal import Decimal
from importlib import resources
from typing import Any

from tools.cost.price import Price
from tools.errors import InvalidInput


def nearest(word: str, choices: list[str] | set[str], count: int = 3) -> list[str]:
    """The closest valid spellings of ``word``.

    Args:
        word: what the user wrote.
        choices: valid values.
        count: how many to return at most.
    """
    ordered = sorted(choices)
    close = difflib.get_close_matches(word, ordered, n=count, cutoff=0.5)
    if close:
        return close
    prefix = [c for c in ordered if c.startswith(word.split(".")[0].split("-")[0])]
    return prefix[:count] or ordered[:count]


def suggest(what: str, word: str, choices: list[str] | set[str]) -> InvalidInput:
    """The refusal of an unknown ``word``, naming the nearest valid choices.

    Args:
        what: what was asked for, e.g. ``EBS volume type``.
        word: what the user wrote.
        choices: valid values.
    """
    hint = ", ".join(nearest(word, choices))
    return InvalidInput(f"No {what} '{word}'. Nearest valid choices: {hint}.")


def read_prices(name: str) -> dict[str, Any]:
    """One packaged price file (``tools/cost/data/<name>``), parsed.

    Args:
        name: file name, e.g. ``summary.json``.
    """
    text = resources.files("tools.cost").joinpath("data", name).read_text()
    loaded: dict[str, Any] = json.loads(text)
    return loaded


class SummaryPrices:
    """Prices of ``summary.json``, by region and section; ``PriceCatalog`` adds the rest."""

    def __init__(self) -> None:
        """Read the summary file."""
        summary = read_prices("summary.json")
        self.summary: dict[str, dict[str, Any]] = summary["regions"]
        self.as_of: dict[str, str] = summary["_meta"]["as_of"]

    def _region(self, region: str, known: set[str] | list[str], what: str) -> None:
        if region not in known:
            raise suggest(f"{what} prices for region", region, set(known))

    def _section(self, section: str, region: str, what: str) -> dict[str, Any]:
        regions = {r for r, body in self.summary.items() if section in body}
        self._region(region, regions, what)
        body: dict[str, Any] = self.summary[region][section]
        return body

    def _figure(
        self,
        section: str,
        key: str,
        region: str,
        what: str,
        item: str,
        unit: str,
        as_of: str | None = None,
    ) -> Price:
        """One figure of ``section`` (``what``/``item``/``unit`` name it in answers and errors);
        its as-of date is the section's unless given."""
        body = self._section(section, region, what)
        if key not in body:
            raise InvalidInput(f"{what} has no published price for {item} in {region}.")
        published = as_of or self.as_of[section]
        return Price(section, item, region, Decimal(body[key]), unit, published)

    S3_CLASSES = {
        "standard": "standard_usd_per_gb_month_first_50tb",
        "intelligent-tiering": "intelligent_tiering_frequent_usd_per_gb_month_first_50tb",
        "standard-ia": "standard_ia_usd_per_gb_month",
        "onezone-ia": "one_zone_ia_usd_per_gb_month",
        "glacier-ir": "glacier_instant_retrieval_usd_per_gb_month",
        "glacier": "glacier_flexible_retrieval_usd_per_gb_month",
    }
    S3_REQUESTS = {
        ("standard", "put"): "standard_put_copy_post_list_usd_per_request",
        ("standard", "get"): "standard_get_and_other_usd_per_request",
        ("standard-ia", "put"): "standard_ia_put_copy_post_list_usd_per_request",
        ("standard-ia", "get"): "standard_ia_get_and_other_usd_per_request",
    }

    def s3_storage(self, storage_class: str, region: str) -> Price:
        """S3 storage per GB-month (first 50 TB tier for Standard).

        Args:
            storage_class: standard, intelligent-tiering, standard-ia, onezone-ia, glacier-ir,
                glacier.
            region: AWS region.
        """
        key = storage_class.lower().replace("_", "-")
        if key not in self.S3_CLASSES:
            raise suggest("S3 storage class", storage_class, set(self.S3_CLASSES))
        return self._figure(
            "s3",
            self.S3_CLASSES[key],
            region,
            what="S3",
            item=f"{key} storage",
            unit="GB-month",
        )

    def s3_request(self, storage_class: str, kind: str, region: str) -> Price:
        """S3 request price, per request.

        Args:
            storage_class: standard or standard-ia.
            kind: ``put`` (PUT/COPY/POST/LIST) or ``get`` (GET and others).
            region: AWS region.
        """
        key = (storage_class.lower(), kind.lower())
        if key not in self.S3_REQUESTS:
            choices = {f"{c} {k}" for c, k in self.S3_REQUESTS}
            raise suggest("S3 request kind", f"{storage_class} {kind}", choices)
        return self._figure(
            "s3",
            self.S3_REQUESTS[key],
            region,
            what="S3",
            item=f"{key[0]} {key[1].upper()} requests",
            unit="request",
        )

    def lambda_requests(self, region: str, arch: str = "x86") -> Price:
        """Lambda price per request.

        Args:
            region: AWS region.
            arch: ``x86`` or ``arm``.
        """
        arch = _arch(arch)
        return self._figure(
            "lambda",
            f"requests_{arch}_usd_per_request",
            region,
            "Lambda",
            f"{arch} requests",
            "request",
        )

    def lambda_duration(self, region: str, arch: str = "x86") -> Price:
        """Lambda duration per GB-second (first tier, 6 billion GB-s a month).

        Args:
            region: AWS region.
            arch: ``x86`` or ``arm``.
        """
        arch = _arch(arch)
        return self._figure(
            "lambda",
            f"duration_{arch}_usd_per_gb_second_tier1",
            region,
            "Lambda",
            f"{arch} duration",
            "GB-second",
        )

    def nat_hour(self, region: str) -> Price:
        """NAT gateway price per hour.

        Args:
            region: AWS region.
        """
        return self._figure(
            "nat_gateway", "usd_per_hour", region, "NAT gateway", "NAT gateway hour", "hour"
        )

    def nat_gb(self, region: str) -> Price:
        """NAT gateway price per GB processed.

        Args:
            region: AWS region.
        """
        return self._figure(
            "nat_gateway",
            "usd_per_gb_processed",
            region,
            "NAT gateway",
            "NAT gateway data processed",
            "GB",
        )

    def public_ipv4(self, region: str) -> Price:
        """Public IPv4 address (in use or idle Elastic IP) per hour.

        Args:
            region: AWS region.
        """
        return self._figure(
            "vpc",
            "public_ipv4_in_use_usd_per_hour",
            region,
            "Public IPv4",
            "public IPv4 address",
            "hour",
        )

    def dynamodb(self, item: str, region: str) -> Price:
        """DynamoDB on-demand request units or storage.

        Args:
            item: ``read`` / ``write`` (per request unit) or ``storage`` (per GB-month).
            region: AWS region.
        """
        keys = {
            "read": ("on_demand_read_usd_per_request_unit", "read request unit"),
            "write": ("on_demand_write_usd_per_request_unit", "write request unit"),
            "storage": ("storage_usd_per_gb_month", "GB-month"),
        }
        if item not in keys:
            raise suggest("DynamoDB price item", item, set(keys))
        key, unit = keys[item]
        return self._figure("dynamodb", key, region, "DynamoDB", f"on-demand {item}", unit)

    def data_transfer_out(self, region: str) -> list[tuple[int | None, Price]]:
        """Internet egress tiers: (cumulative GB a month up to, price per GB), ``None`` = above.

        Args:
            region: AWS region.
        """
        regions = {r for r, body in self.summary.items() if "data_transfer_out_internet" in body}
        self._region(region, regions, "data transfer")
        as_of = self.as_of["data_transfer_out_internet"]
        return [
            (
                None if tier["up_to_gb_per_month"] is None else int(tier["up_to_gb_per_month"]),
                Price(
                    "data_transfer",
                    "internet egress",
                    region,
                    Decimal(tier["usd_per_gb"]),
                    "GB",
                    as_of,
                ),
            )
            for tier in self.summary[region]["data_transfer_out_internet"]
        ]


def _arch(arch: str) -> str:
    value = {"x86_64": "x86", "x86": "x86", "arm": "arm", "arm64": "arm", "graviton": "arm"}
    if arch.lower() not in value:
        raise suggest("Lambda architecture", arch, {"x86", "arm"})
    return value[arch.lower()]
