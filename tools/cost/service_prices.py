"""List prices of Fargate, Aurora, CloudFront, API Gateway, SQS, SNS and ELB in every region,
read from ``data/services.json`` (the shared feeds copied whole, exact strings).

Keys are AWS's own rate descriptions as published; every price carries its feed's date.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tools.cost.price import Price
from tools.errors import InvalidInput

CLOUDFRONT_GROUPS = {
    "us": "United States",
    "ca": "Canada",
    "eu": "EU",
    "il": "EU",
    "af": "South Africa",
    "me": "Middle East",
    "sa": "South America",
    "mx": "United States",
}
"""Region prefix -> the CloudFront edge-location group its viewers mostly reach."""
ELB_KEYS = {
    "application": "Application Load Balancer",
    "network": "Network Load Balancer",
    "gateway": "Gateway Load Balancer",
    "classic": "Classic Load Balancer",
}


class ServicePrices:
    """Indexes over ``services.json``; built once by the price catalog."""

    def __init__(self, body: dict[str, Any]) -> None:
        """Keep the feeds.

        Args:
            body: the parsed ``services.json``.
        """
        self.body = body
        self.as_of: dict[str, str] = body["as_of"]

    def figure(
        self, feed: str, region: str, key: str, what: str, *path: str
    ) -> tuple[Decimal, str]:
        """One published figure and its date.

        Args:
            feed: ``fargate``, ``aurora``, ``aurora_storage``, ``apigateway``, ``sqs``, ``sns``,
                ``elb``.
            region: AWS region.
            key: the AWS rate description.
            what: service name for messages.
            *path: keys below the region before ``key`` (e.g. ``ECS``).
        """
        regions = self.body[feed]["regions"]
        if region not in regions:
            from tools.cost.catalog import nearest

            hint = ", ".join(nearest(region, set(regions)))
            raise InvalidInput(
                f"No {what} prices for region '{region}'. Nearest valid choices: {hint}."
            )
        node: Any = regions[region]
        for step in (*path, key):
            if not isinstance(node, dict) or step not in node:
                raise InvalidInput(
                    f"{what} publishes no price for {' / '.join((*path, key))} in {region}."
                )
            node = node[step]
        return Decimal(node), self.as_of[feed]

    def aurora_classes(self, region: str) -> list[str]:
        """Aurora instance classes priced in ``region``.

        Args:
            region: AWS region.
        """
        return sorted(self.body["aurora"]["regions"].get(region, {}))

    def cloudfront_group(self, region: str) -> str:
        """The edge-location group whose prices apply to viewers near ``region``.

        Args:
            region: AWS region the audience is in.
        """
        prefix = region.split("-", 1)[0]
        if prefix in CLOUDFRONT_GROUPS:
            return CLOUDFRONT_GROUPS[prefix]
        if region.startswith(("ap-northeast-1", "ap-northeast-3")):
            return "Japan"
        if region.startswith("ap-south"):
            return "India"
        if region.startswith(("ap-southeast-2", "ap-southeast-4")):
            return "Australia"
        return "Asia Pacific"

    def cloudfront(self, group: str, section: str, key: str) -> tuple[Decimal, str]:
        """A CloudFront figure of one edge-location group.

        Args:
            group: e.g. ``EU``.
            section: ``requests`` or ``data_transfer_out_to_internet_per_GB``.
            key: the AWS description (``Request HTTPS Methods``, ``First 10 TB``).
        """
        groups = self.body["cloudfront"]["edge_location_groups"]
        try:
            return Decimal(groups[group][section][key]), self.as_of["cloudfront"]
        except KeyError as missing:
            raise InvalidInput(
                f"CloudFront publishes no {section} price '{key}' for {group}."
            ) from missing

    def _price(self, feed: str, region: str, key: str, what: str, item: str, unit: str,
               *path: str) -> Price:  # fmt: skip
        usd, as_of = self.figure(feed, region, key, what, *path)
        return Price(feed, item, region, usd, unit, as_of)

    def fargate(self, region: str, measure: str, arch: str = "x86") -> Price:
        """Fargate (ECS, Linux) per vCPU-hour or per GB-hour.

        Args:
            region: AWS region.
            measure: ``vcpu`` or ``gb``.
            arch: ``x86`` or ``arm``.
        """
        prefix = "ARM " if arch == "arm" else ""
        key = f"{prefix}{'perCPU' if measure == 'vcpu' else 'perGB'} per hour"
        unit = "vCPU-hour" if measure == "vcpu" else "GB-hour"
        return self._price(
            "fargate", region, key, "Fargate", f"Fargate {arch} {measure}", unit, "ECS"
        )

    def aurora_instance(self, db_class: str, region: str, engine: str = "postgres",
                        io_optimized: bool = False) -> Price:  # fmt: skip
        """Aurora DB-instance-hour (each writer and reader is billed).

        Args:
            db_class: e.g. ``db.r6g.large``.
            region: AWS region.
            engine: ``postgres`` or ``mysql``.
            io_optimized: Aurora I/O-Optimized instead of Standard.
        """
        name = "Aurora PostgreSQL" if engine.startswith("postgres") else "Aurora MySQL"
        mode = "I/O-Optimized" if io_optimized else "Standard"
        if db_class not in self.aurora_classes(region) and self.aurora_classes(region):
            from tools.cost.catalog import nearest

            hint = ", ".join(nearest(db_class, self.aurora_classes(region)))
            raise InvalidInput(f"No Aurora class '{db_class}' in {region}. Nearest: {hint}.")
        return self._price("aurora", region, mode, "Aurora", f"{db_class} {name} {mode}", "hour",
                           db_class, name)  # fmt: skip

    def aurora_storage(self, region: str) -> Price:
        """Aurora Standard storage per GB-month (the feed's PostgreSQL key; see PROVENANCE).

        Args:
            region: AWS region.
        """
        key = "Database Storage DB Engine Aurora PostgreSQL General Purpose Aurora"
        return self._price(
            "aurora_storage", region, key, "Aurora storage", "Aurora storage", "GB-month"
        )

    def aurora_io(self, region: str) -> Price:
        """Aurora Standard I/O, per request.

        Args:
            region: AWS region.
        """
        key = "System Operation Aurora I O Operation"
        return self._price(
            "aurora_storage", region, key, "Aurora I/O", "Aurora I/O requests", "request"
        )

    def cloudfront_egress(self, region: str) -> Price:
        """CloudFront data out to viewers near ``region``, first 10 TB tier, per GB.

        Args:
            region: AWS region the audience is in.
        """
        group = self.cloudfront_group(region)
        usd, as_of = self.cloudfront(group, "data_transfer_out_to_internet_per_GB", "First 10 TB")
        return Price("cloudfront", f"data out ({group}, first 10 TB)", group, usd, "GB", as_of)

    def cloudfront_requests(self, region: str) -> Price:
        """CloudFront HTTPS requests from viewers near ``region``, per request.

        Args:
            region: AWS region the audience is in.
        """
        group = self.cloudfront_group(region)
        usd, as_of = self.cloudfront(group, "requests", "Request HTTPS Methods")
        return Price("cloudfront", f"HTTPS requests ({group})", group, usd, "request", as_of)

    def apigateway_requests(self, region: str) -> Price:
        """API Gateway REST API requests, first 333 million a month, per request.

        Args:
            region: AWS region.
        """
        key = "API Calls Number of up to 333 million"
        return self._price("apigateway", region, key, "API Gateway", "REST API requests", "request")

    def sqs_requests(self, region: str) -> Price:
        """SQS standard-queue requests (first tier), per request.

        Args:
            region: AWS region.
        """
        return self._price(
            "sqs", region, "Standard per Requests", "SQS", "standard requests", "request"
        )

    def sns_requests(self, region: str) -> Price:
        """SNS publishes and API requests, per request (deliveries to SQS are free).

        Args:
            region: AWS region.
        """
        return self._price(
            "sns", region, "Amazon SNS API Requests", "SNS", "API requests", "request"
        )

    def elb(self, kind: str, region: str, measure: str) -> Price:
        """Elastic Load Balancing per hour or per capacity-unit-hour.

        Args:
            kind: ``application``, ``network``, ``gateway`` or ``classic``.
            region: AWS region.
            measure: ``Hours`` or ``LCU Hours``.
        """
        if kind.lower() not in ELB_KEYS:
            from tools.cost.catalog import nearest

            raise InvalidInput(
                f"No load balancer kind '{kind}'. "
                f"Nearest: {', '.join(nearest(kind, set(ELB_KEYS)))}."
            )
        key = f"{ELB_KEYS[kind.lower()]} {measure}"
        unit = "hour" if measure == "Hours" else "LCU-hour"
        return self._price(
            "elb", region, key, "Load balancer", f"{kind} load balancer {measure.lower()}", unit
        )
