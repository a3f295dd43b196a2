"""VPC resources: the VPC, tiered subnets per AZ, internet and NAT gateways, route tables,
gateway endpoints."""

from __future__ import annotations

from tools.architecture.cfn.base import Template, att, logical, ref, sub
from tools.architecture.spec import NetworkPlan, Subnet

VPC = "Vpc"
IGW = "InternetGateway"
ATTACHMENT = "InternetGatewayAttachment"
PUBLIC_ROUTES = "PublicRouteTable"
DATA_ROUTES = "DataRouteTable"


def subnet_id(subnet: Subnet) -> str:
    """Logical id of a subnet: ``PublicSubnetA``.

    Args:
        subnet: the planned subnet.
    """
    return logical(subnet.tier, f"Subnet{subnet.zone[-1].upper()}")


def subnets_of(network: NetworkPlan, tier: str) -> list[dict[str, str]]:
    """``Ref``s to a tier's subnets, AZ order.

    Args:
        network: the plan.
        tier: public, app or data.
    """
    return [ref(subnet_id(s)) for s in network.subnets if s.tier == tier]


def add_network(t: Template, network: NetworkPlan) -> None:
    """Add the VPC and everything that routes it.

    Args:
        t: the template.
        network: the VPC plan.
    """
    t.add(
        VPC,
        "AWS::EC2::VPC",
        {
            "CidrBlock": network.cidr,
            "EnableDnsHostnames": True,
            "EnableDnsSupport": True,
            "Tags": t.tags("vpc"),
        },
    )
    for subnet in network.subnets:
        t.add(
            subnet_id(subnet),
            "AWS::EC2::Subnet",
            {
                "VpcId": ref(VPC),
                "CidrBlock": subnet.cidr,
                "AvailabilityZone": subnet.zone,
                "MapPublicIpOnLaunch": False,
                "Tags": t.tags(f"{subnet.tier}-{subnet.zone[-1]}"),
            },
        )
    private_tables = _gateways(t, network)
    _route_private(t, network, private_tables)
    t.add(DATA_ROUTES, "AWS::EC2::RouteTable", {"VpcId": ref(VPC), "Tags": t.tags("data-rt")})
    for subnet in network.tier("data"):
        _associate(t, subnet, DATA_ROUTES)
    if network.endpoints:
        tables = [ref(rt) for rt in dict.fromkeys(private_tables.values())] + [ref(DATA_ROUTES)]
        for service in network.endpoints:
            t.add(
                logical(service, "Endpoint"),
                "AWS::EC2::VPCEndpoint",
                {
                    "VpcId": ref(VPC),
                    "VpcEndpointType": "Gateway",
                    "ServiceName": sub(f"com.amazonaws.${{AWS::Region}}.{service}"),
                    "RouteTableIds": tables,
                },
            )
    t.output("VpcId", ref(VPC), f"VPC {network.cidr}")


def _gateways(t: Template, network: NetworkPlan) -> dict[str, str]:
    """IGW, public routes and the NAT gateways; returns AZ letter -> private route table."""
    t.add(IGW, "AWS::EC2::InternetGateway", {"Tags": t.tags("igw")})
    t.add(
        ATTACHMENT,
        "AWS::EC2::VPCGatewayAttachment",
        {
            "VpcId": ref(VPC),
            "InternetGatewayId": ref(IGW),
        },
    )
    t.add(PUBLIC_ROUTES, "AWS::EC2::RouteTable", {"VpcId": ref(VPC), "Tags": t.tags("public-rt")})
    t.add(
        "PublicDefaultRoute",
        "AWS::EC2::Route",
        {
            "RouteTableId": ref(PUBLIC_ROUTES),
            "DestinationCidrBlock": "0.0.0.0/0",
            "GatewayId": ref(IGW),
        },
        DependsOn=ATTACHMENT,
    )
    publics = network.tier("public")
    for subnet in publics:
        _associate(t, subnet, PUBLIC_ROUTES)
    apps = network.tier("app")
    letters = [s.zone[-1].upper() for s in apps]
    if network.nat == "none" or not apps:
        return {}
    nat_letters = letters if network.nat == "per-az" else letters[:1]
    for letter in nat_letters:
        public = next(s for s in publics if s.zone[-1].upper() == letter)
        t.add(
            f"NatIp{letter}",
            "AWS::EC2::EIP",
            {"Domain": "vpc", "Tags": t.tags(f"nat-ip-{letter.lower()}")},
            DependsOn=ATTACHMENT,
        )
        t.add(
            f"NatGateway{letter}",
            "AWS::EC2::NatGateway",
            {
                "SubnetId": ref(subnet_id(public)),
                "AllocationId": att(f"NatIp{letter}", "AllocationId"),
                "Tags": t.tags(f"nat-{letter.lower()}"),
            },
        )
    return {
        letter: f"AppRouteTable{letter if network.nat == 'per-az' else nat_letters[0]}"
        for letter in letters
    }


def _route_private(t: Template, network: NetworkPlan, tables: dict[str, str]) -> None:
    for letter, table in tables.items():
        if table not in t.resources:
            nat_letter = table.removeprefix("AppRouteTable")
            t.add(
                table,
                "AWS::EC2::RouteTable",
                {"VpcId": ref(VPC), "Tags": t.tags(f"app-rt-{nat_letter.lower()}")},
            )
            t.add(
                f"AppDefaultRoute{nat_letter}",
                "AWS::EC2::Route",
                {
                    "RouteTableId": ref(table),
                    "DestinationCidrBlock": "0.0.0.0/0",
                    "NatGatewayId": ref(f"NatGateway{nat_letter}"),
                },
            )
        app = next(s for s in network.tier("app") if s.zone[-1].upper() == letter)
        _associate(t, app, table)


def _associate(t: Template, subnet: Subnet, table: str) -> None:
    t.add(
        f"{subnet_id(subnet)}Routes",
        "AWS::EC2::SubnetRouteTableAssociation",
        {
            "SubnetId": ref(subnet_id(subnet)),
            "RouteTableId": ref(table),
        },
    )
