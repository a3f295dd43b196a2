"""VPC networking: VPCs, subnets, route tables, gateways, security groups (their own module),
peerings, endpoints."""

from __future__ import annotations

from typing import Any

from core.aws_read import paginate, tag_dict
from tools.discovery.collectors.base import CollectorSpec, Scope, listing, make, reader, rel
from tools.discovery.collectors.vpc_security_groups import security_groups
from tools.discovery.resource_models import Resource

SERVICE = "vpc"
GATEWAY_KINDS = {
    "igw-": "internet-gateway",
    "nat-": "natgateway",
    "pcx-": "vpc-peering-connection",
    "vgw-": "vpn-gateway",
    "tgw-": "transit-gateway",
}


@reader("ec2:DescribeSubnets", "ec2:DescribeRouteTables")
def subnets(scope: Scope) -> list[Resource]:
    """Every subnet, marked public or private by the routes that apply to it, and every route
    table.

    Args:
        scope: account and region to look at.
    """
    ec2 = scope.client("ec2")
    found = list(paginate(ec2, "describe_subnets", "Subnets"))
    tables = list(paginate(ec2, "describe_route_tables", "RouteTables"))
    routes_by_subnet = _subnet_routes(found, tables)
    resources = [_subnet(scope, s, routes_by_subnet.get(s["SubnetId"], [])) for s in found]
    return resources + [_route_table(scope, t, routes_by_subnet) for t in tables]


def _subnet_routes(
    subnets: list[dict[str, Any]], tables: list[dict[str, Any]]
) -> dict[str, list[dict[str, Any]]]:
    """Routes that apply to each subnet: its explicit table, else its VPC's main table."""
    explicit: dict[str, dict[str, Any]] = {}
    main: dict[str, dict[str, Any]] = {}
    for table in tables:
        for assoc in table.get("Associations", []):
            if assoc.get("Main"):
                main[table["VpcId"]] = table
            elif assoc.get("SubnetId"):
                explicit[assoc["SubnetId"]] = table
    result: dict[str, list[dict[str, Any]]] = {}
    for subnet in subnets:
        chosen = explicit.get(subnet["SubnetId"]) or main.get(subnet["VpcId"])
        if chosen is None:
            result[subnet["SubnetId"]] = []
            continue
        table_id = chosen["RouteTableId"]
        routes = chosen.get("Routes", [])
        result[subnet["SubnetId"]] = [{**r, "RouteTableId": table_id} for r in routes]
    return result


def _route_target(route: dict[str, Any]) -> str | None:
    for key in ("GatewayId", "NatGatewayId", "VpcPeeringConnectionId", "TransitGatewayId"):
        value = route.get(key)
        if value and value != "local":
            return str(value)
    return None


def _target_arn(scope: Scope, target: str) -> str | None:
    for prefix, kind in GATEWAY_KINDS.items():
        if target.startswith(prefix):
            return scope.ec2_arn(kind, target)
    return None


def _destination(route: dict[str, Any]) -> str:
    return str(
        route.get("DestinationCidrBlock")
        or route.get("DestinationIpv6CidrBlock")
        or route.get("DestinationPrefixListId")
        or "?"
    )


def _associated(blocks: list[dict[str, Any]], key: str, state: str) -> list[str]:
    """The blocks of an association set that are associated now (not being removed)."""
    return [
        b[key] for b in blocks if (b.get(state) or {}).get("State", "associated") == "associated"
    ]


def _vpc(scope: Scope, item: dict[str, Any]) -> Resource:
    config = {
        "cidr": item.get("CidrBlock"),
        "cidrs": _associated(
            item.get("CidrBlockAssociationSet", []), "CidrBlock", "CidrBlockState"
        ),
        "ipv6_cidrs": _associated(
            item.get("Ipv6CidrBlockAssociationSet", []), "Ipv6CidrBlock", "Ipv6CidrBlockState"
        ),
        "is_default": item.get("IsDefault", False),
    }
    vpc_id = item["VpcId"]
    return make(
        scope,
        SERVICE,
        "ec2:vpc",
        scope.ec2_arn("vpc", vpc_id),
        vpc_id,
        tags=tag_dict(item.get("Tags")),
        state=item.get("State"),
        config=config,
    )


def _subnet(scope: Scope, item: dict[str, Any], routes: list[dict[str, Any]]) -> Resource:
    subnet_id = item["SubnetId"]
    arn = scope.ec2_arn("subnet", subnet_id)
    relations = [rel(scope.ec2_arn("vpc", item["VpcId"]), "CONTAINS", arn)]
    public = False
    for route in routes:
        target = _route_target(route)
        target_arn = _target_arn(scope, target) if target else None
        if target_arn:
            relations.append(rel(arn, "ROUTES_VIA", target_arn, _destination(route)))
        if target and target.startswith("igw-") and _destination(route) in ("0.0.0.0/0", "::/0"):
            public = True
    config = {
        "cidr": item.get("CidrBlock"),
        "ipv6_cidrs": [a["Ipv6CidrBlock"] for a in item.get("Ipv6CidrBlockAssociationSet", [])],
        "availability_zone": item.get("AvailabilityZone"),
        "vpc_id": item["VpcId"],
        "map_public_ip_on_launch": item.get("MapPublicIpOnLaunch", False),
        "public": public,
        "route_table_id": routes[0]["RouteTableId"] if routes else None,
    }
    return make(
        scope,
        SERVICE,
        "ec2:subnet",
        arn,
        subnet_id,
        tags=tag_dict(item.get("Tags")),
        state=item.get("State"),
        config=config,
        relations=relations,
    )


def _route_table(
    scope: Scope, item: dict[str, Any], routes_by_subnet: dict[str, list[dict[str, Any]]]
) -> Resource:
    table_id = item["RouteTableId"]
    arn = scope.ec2_arn("route-table", table_id)
    subnets = [
        s
        for s, routes in routes_by_subnet.items()
        if routes and routes[0]["RouteTableId"] == table_id
    ]
    config = {
        "vpc_id": item.get("VpcId"),
        "main": any(a.get("Main") for a in item.get("Associations", [])),
        "subnets": sorted(subnets),
        "routes": [
            {"destination": _destination(r), "target": _route_target(r) or "local"}
            for r in item.get("Routes", [])
        ],
    }
    return make(
        scope,
        SERVICE,
        "ec2:route-table",
        arn,
        table_id,
        tags=tag_dict(item.get("Tags")),
        state="active",
        config=config,
        relations=[rel(scope.ec2_arn("vpc", item["VpcId"]), "CONTAINS", arn)],
    )


def _igw(scope: Scope, item: dict[str, Any]) -> Resource:
    gateway_id = item["InternetGatewayId"]
    arn = scope.ec2_arn("internet-gateway", gateway_id)
    vpcs = [a["VpcId"] for a in item.get("Attachments", []) if a.get("VpcId")]
    return make(
        scope,
        SERVICE,
        "ec2:internet-gateway",
        arn,
        gateway_id,
        tags=tag_dict(item.get("Tags")),
        state="attached" if vpcs else "detached",
        config={"vpc_ids": vpcs},
        relations=[rel(scope.ec2_arn("vpc", v), "CONTAINS", arn) for v in vpcs],
    )


def _nat(scope: Scope, item: dict[str, Any]) -> Resource:
    nat_id = item["NatGatewayId"]
    arn = scope.ec2_arn("natgateway", nat_id)
    relations = [rel(scope.ec2_arn("subnet", item["SubnetId"]), "CONTAINS", arn)]
    addresses = item.get("NatGatewayAddresses", [])
    for address in addresses:
        if address.get("AllocationId"):
            eip = scope.ec2_arn("elastic-ip", address["AllocationId"])
            relations.append(rel(eip, "ATTACHED_TO", arn))
    config = {
        "subnet_id": item.get("SubnetId"),
        "vpc_id": item.get("VpcId"),
        "public_ips": [a.get("PublicIp") for a in addresses if a.get("PublicIp")],
        "connectivity": item.get("ConnectivityType", "public"),
        "create_time": item.get("CreateTime"),
    }
    return make(
        scope,
        SERVICE,
        "ec2:nat-gateway",
        arn,
        nat_id,
        tags=tag_dict(item.get("Tags")),
        state=item.get("State"),
        config=config,
        relations=relations,
    )


def _peering(scope: Scope, item: dict[str, Any]) -> Resource:
    peering_id = item["VpcPeeringConnectionId"]
    requester = item.get("RequesterVpcInfo") or {}
    accepter = item.get("AccepterVpcInfo") or {}

    def vpc_arn(info: dict[str, Any]) -> str:
        region = info.get("Region") or scope.region
        owner = info.get("OwnerId") or scope.account
        return f"arn:aws:ec2:{region}:{owner}:vpc/{info.get('VpcId')}"

    relations = []
    if requester.get("VpcId") and accepter.get("VpcId"):
        relations.append(rel(vpc_arn(requester), "PEERS", vpc_arn(accepter), peering_id))
    config = {
        "requester_vpc": requester.get("VpcId"),
        "requester_cidr": requester.get("CidrBlock"),
        "accepter_vpc": accepter.get("VpcId"),
        "accepter_cidr": accepter.get("CidrBlock"),
    }
    return make(
        scope,
        SERVICE,
        "ec2:vpc-peering",
        scope.ec2_arn("vpc-peering-connection", peering_id),
        peering_id,
        tags=tag_dict(item.get("Tags")),
        state=(item.get("Status") or {}).get("Code"),
        config=config,
        relations=relations,
    )


def _endpoint(scope: Scope, item: dict[str, Any]) -> Resource:
    endpoint_id = item["VpcEndpointId"]
    arn = scope.ec2_arn("vpc-endpoint", endpoint_id)
    relations = [rel(scope.ec2_arn("vpc", item["VpcId"]), "CONTAINS", arn)]
    for group in item.get("Groups", []):
        relations.append(rel(arn, "SECURED_BY", scope.ec2_arn("security-group", group["GroupId"])))
    config = {
        "service_name": item.get("ServiceName"),
        "endpoint_type": item.get("VpcEndpointType"),
        "vpc_id": item.get("VpcId"),
        "route_table_ids": item.get("RouteTableIds", []),
        "subnet_ids": item.get("SubnetIds", []),
    }
    return make(
        scope,
        SERVICE,
        "ec2:vpc-endpoint",
        arn,
        endpoint_id,
        tags=tag_dict(item.get("Tags")),
        state=item.get("State"),
        config=config,
        relations=relations,
    )


vpcs = listing("vpc.vpcs", "ec2:DescribeVpcs", ("ec2", "describe_vpcs", "Vpcs"), _vpc)
"""Every VPC in the scope, with its associated IPv4 and IPv6 blocks."""
internet_gateways = listing(
    "vpc.internet_gateways",
    "ec2:DescribeInternetGateways",
    ("ec2", "describe_internet_gateways", "InternetGateways"),
    _igw,
)
"""Every internet gateway in the scope."""
nat_gateways = listing(
    "vpc.nat_gateways",
    "ec2:DescribeNatGateways",
    ("ec2", "describe_nat_gateways", "NatGateways"),
    _nat,
)
"""Every NAT gateway in the scope."""
peerings = listing(
    "vpc.peerings",
    "ec2:DescribeVpcPeeringConnections",
    ("ec2", "describe_vpc_peering_connections", "VpcPeeringConnections"),
    _peering,
)
"""Every VPC peering connection in the scope."""
endpoints = listing(
    "vpc.endpoints",
    "ec2:DescribeVpcEndpoints",
    ("ec2", "describe_vpc_endpoints", "VpcEndpoints"),
    _endpoint,
)
"""Every VPC endpoint in the scope."""

SPEC = CollectorSpec.of(
    SERVICE,
    (vpcs, subnets, internet_gateways, nat_gateways, security_groups, peerings, endpoints),
)
"""One scan unit: networking is a handful of quick calls per region."""
