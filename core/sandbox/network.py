"""Networks of the demo estate: prod-vpc with its gateways, analytics-vpc and shared-vpc."""

from __future__ import annotations

from typing import Any

from core.sandbox.model import DemoEstate, tag_spec

PROD_SUBNETS = (
    ("prod-public-a", "10.0.1.0/24", "a"),
    ("prod-public-b", "10.0.2.0/24", "b"),
    ("prod-private-a", "10.0.10.0/24", "a"),
    ("prod-private-b", "10.0.11.0/24", "b"),
)


def create_vpc(ec2: Any, name: str, cidr: str, env: str, team: str) -> str:
    """Create a tagged VPC with DNS hostnames on and return its id.

    Args:
        ec2: EC2 client of the target account and region.
        name: ``Name`` tag.
        cidr: IPv4 CIDR block.
        env: ``env`` tag.
        team: ``team`` tag.
    """
    vpc = ec2.create_vpc(CidrBlock=cidr, TagSpecifications=tag_spec("vpc", name, env, team))
    vpc_id: str = vpc["Vpc"]["VpcId"]
    ec2.modify_vpc_attribute(VpcId=vpc_id, EnableDnsHostnames={"Value": True})
    return vpc_id


def create_subnet(
    ec2: Any, vpc_id: str, name: str, cidr: str, zone: str, env: str, team: str
) -> str:
    """Create a tagged subnet and return its id.

    Args:
        ec2: EC2 client of the target account and region.
        vpc_id: VPC to create it in.
        name: ``Name`` tag.
        cidr: IPv4 CIDR block.
        zone: availability zone name.
        env: ``env`` tag.
        team: ``team`` tag.
    """
    subnet = ec2.create_subnet(
        VpcId=vpc_id,
        CidrBlock=cidr,
        AvailabilityZone=zone,
        TagSpecifications=tag_spec("subnet", name, env, team),
    )
    return str(subnet["Subnet"]["SubnetId"])


def seed_prod_network(ec2: Any, region: str, estate: DemoEstate) -> None:
    """prod-vpc: four subnets, IGW, NAT gateway with an EIP, public/private route tables.

    The public subnets give instances a public IP at launch.

    Args:
        ec2: primary-account EC2 client in ``region``.
        region: region of prod-vpc.
        estate: filled in with the ids created.
    """
    vpc_id = create_vpc(ec2, "prod-vpc", "10.0.0.0/16", "prod", "platform")
    estate.vpc_ids["prod-vpc"] = vpc_id
    for name, cidr, zone in PROD_SUBNETS:
        estate.subnet_ids[name] = create_subnet(
            ec2, vpc_id, name, cidr, region + zone, "prod", "platform"
        )
        if "public" in name:
            ec2.modify_subnet_attribute(
                SubnetId=estate.subnet_ids[name], MapPublicIpOnLaunch={"Value": True}
            )
    igw = ec2.create_internet_gateway(
        TagSpecifications=tag_spec("internet-gateway", "prod-igw", "prod", "platform")
    )["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc_id)
    estate.internet_gateway_id = igw
    nat_ip = ec2.allocate_address(
        Domain="vpc", TagSpecifications=tag_spec("elastic-ip", "prod-nat-ip", "prod", "platform")
    )["AllocationId"]
    estate.allocation_ids["prod-nat-ip"] = nat_ip
    nat = ec2.create_nat_gateway(
        SubnetId=estate.subnet_ids["prod-public-a"],
        AllocationId=nat_ip,
        TagSpecifications=tag_spec("natgateway", "prod-nat", "prod", "platform"),
    )["NatGateway"]["NatGatewayId"]
    estate.nat_gateway_id = nat
    public_rt = _route_table(ec2, vpc_id, "prod-public-rt", {"GatewayId": igw})
    private_rt = _route_table(ec2, vpc_id, "prod-private-rt", {"NatGatewayId": nat})
    estate.route_table_ids.update({"prod-public-rt": public_rt, "prod-private-rt": private_rt})
    for name, table in (
        ("prod-public-a", public_rt),
        ("prod-public-b", public_rt),
        ("prod-private-a", private_rt),
        ("prod-private-b", private_rt),
    ):
        ec2.associate_route_table(RouteTableId=table, SubnetId=estate.subnet_ids[name])


def _route_table(ec2: Any, vpc_id: str, name: str, default_target: dict[str, str]) -> str:
    table = ec2.create_route_table(
        VpcId=vpc_id, TagSpecifications=tag_spec("route-table", name, "prod", "platform")
    )["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", **default_target)
    return str(table)


def seed_security_groups(ec2: Any, vpc_id: str, estate: DemoEstate) -> None:
    """web-sg (80/443 from anywhere), ssh-open (22 from anywhere), db-sg (5432 from web-sg).

    Args:
        ec2: primary-account EC2 client in prod-vpc's region.
        vpc_id: prod-vpc.
        estate: filled in with the group ids.
    """
    groups = {
        "web-sg": ("HTTP and HTTPS from the internet", "web"),
        "ssh-open": ("SSH from anywhere", "platform"),
        "db-sg": ("PostgreSQL from the web tier", "platform"),
    }
    for name, (description, team) in groups.items():
        estate.security_group_ids[name] = ec2.create_security_group(
            GroupName=name,
            Description=description,
            VpcId=vpc_id,
            TagSpecifications=tag_spec("security-group", name, "prod", team),
        )["GroupId"]
    anywhere = [{"CidrIp": "0.0.0.0/0"}]
    web_rules = [
        {"IpProtocol": "tcp", "FromPort": port, "ToPort": port, "IpRanges": anywhere}
        for port in (80, 443)
    ]
    ssh_rule = {"IpProtocol": "tcp", "FromPort": 22, "ToPort": 22, "IpRanges": anywhere}
    db_rule = {
        "IpProtocol": "tcp",
        "FromPort": 5432,
        "ToPort": 5432,
        "UserIdGroupPairs": [{"GroupId": estate.security_group_ids["web-sg"]}],
    }
    for name, rules in (("web-sg", web_rules), ("ssh-open", [ssh_rule]), ("db-sg", [db_rule])):
        ec2.authorize_security_group_ingress(
            GroupId=estate.security_group_ids[name], IpPermissions=rules
        )
