"""The offline router understands natural IPAM phrasings, with CIDRs, sizes, regions, envs."""

from __future__ import annotations

from typing import Any

import pytest

from agents.offline.router import route
from tests.agents.slots import assert_slots
from tools.registry import load_builtin_tools

CASES: list[tuple[str, str, dict[str, Any]]] = [
    # ipam.pools
    ("list the ipam pools", "ipam.pools", {}),
    ("show all pools", "ipam.pools", {}),
    ("what pools do we have?", "ipam.pools", {}),
    ("which pools are in prod", "ipam.pools", {"environment": "prod"}),
    ("ipam pools in eu-west-1", "ipam.pools", {"region": "eu-west-1"}),
    ("list the IPv6 pools", "ipam.pools", {"ip_version": 6}),
    ("show me our address pools", "ipam.pools", {}),
    ("what address pools exist in virginia", "ipam.pools", {"region": "us-east-1"}),
    ("pools for dev", "ipam.pools", {"environment": "dev"}),
    ("give me the ipam pool list", "ipam.pools", {}),
    (
        "list ipv4 pools for staging in ireland",
        "ipam.pools",
        {"ip_version": 4, "environment": "staging", "region": "eu-west-1"},
    ),
    # ipam.show_pool
    ("show the prod-eu pool", "ipam.show_pool", {"pool": "prod-eu"}),
    ("details of pool prod-eu", "ipam.show_pool", {"pool": "prod-eu"}),
    ("what's in the dev pool?", "ipam.show_pool", {"pool": "dev"}),
    ("open pool 'core'", "ipam.show_pool", {"pool": "core"}),
    ("describe pool global", "ipam.show_pool", {"pool": "global"}),
    ("what is allocated in the prod pool", "ipam.show_pool", {"pool": "prod"}),
    ("show allocations in pool prod-eu", "ipam.show_pool", {"pool": "prod-eu"}),
    ("list allocations of the dev-us pool", "ipam.show_pool", {"pool": "dev-us"}),
    ("pool shared details", "ipam.show_pool", {"pool": "shared"}),
    ("which blocks are taken in pool lab", "ipam.show_pool", {"pool": "lab"}),
    # ipam.analyze
    ("how full is the prod pool?", "ipam.analyze", {"pool": "prod"}),
    ("analyse pool prod-eu", "ipam.analyze", {"pool": "prod-eu"}),
    ("utilisation of the dev pool", "ipam.analyze", {"pool": "dev"}),
    ("when will the prod pool run out?", "ipam.analyze", {"pool": "prod"}),
    ("fragmentation of pool global", "ipam.analyze", {"pool": "global"}),
    ("free blocks in pool prod-eu", "ipam.analyze", {"pool": "prod-eu"}),
    ("gap analysis for the global pool", "ipam.analyze", {"pool": "global"}),
    ("what's the largest free block in pool prod-eu", "ipam.analyze", {"pool": "prod-eu"}),
    ("runway for the payments pool", "ipam.analyze", {"pool": "payments"}),
    ("how much space is left in the prod pool", "ipam.analyze", {"pool": "prod"}),
    ('analyze the usage of pool "eu-core"', "ipam.analyze", {"pool": "eu-core"}),
    # ipam.find_conflicts
    ("find ipam conflicts", "ipam.find_conflicts", {}),
    ("are there overlapping pools?", "ipam.find_conflicts", {}),
    ("check for cidr overlaps", "ipam.find_conflicts", {}),
    ("which pools overlap", "ipam.find_conflicts", {}),
    ("any conflicts in the address plan?", "ipam.find_conflicts", {}),
    ("check ipam compliance", "ipam.find_conflicts", {}),
    ("do any allocations overlap?", "ipam.find_conflicts", {}),
    ("overlap check for pool prod", "ipam.find_conflicts", {"pool": "prod"}),
    ("show ipam rule violations", "ipam.find_conflicts", {}),
    ("are our cidrs compliant?", "ipam.find_conflicts", {}),
    # ipam.reconcile
    ("what in AWS is not in our IPAM?", "ipam.reconcile", {}),
    ("reconcile ipam with aws", "ipam.reconcile", {}),
    ("which VPCs overlap?", "ipam.reconcile", {}),
    ("find unmanaged vpcs", "ipam.reconcile", {}),
    ("are there stale allocations?", "ipam.reconcile", {}),
    ("compare ipam to aws in eu-west-1", "ipam.reconcile", {"regions": ["eu-west-1"]}),
    ("which vpcs are missing from ipam", "ipam.reconcile", {}),
    ("what's in aws but not in ipam in us-east-1", "ipam.reconcile", {"regions": ["us-east-1"]}),
    ("show ipam drift", "ipam.reconcile", {}),
    ("which VPCs can never be peered?", "ipam.reconcile", {}),
    # ipam.check_peering
    (
        "can we peer prod-vpc and analytics-vpc?",
        "ipam.check_peering",
        {"first": "prod-vpc", "second": "analytics-vpc"},
    ),
    (
        "is peering possible between vpc-0a1b2c3d and vpc-9f8e7d6c",
        "ipam.check_peering",
        {"first": "vpc-0a1b2c3d", "second": "vpc-9f8e7d6c"},
    ),
    (
        "check peering prod-vpc shared-vpc",
        "ipam.check_peering",
        {"first": "prod-vpc", "second": "shared-vpc"},
    ),
    (
        "can prod-vpc peer with analytics-vpc",
        "ipam.check_peering",
        {"first": "prod-vpc", "second": "analytics-vpc"},
    ),
    (
        "peer shared-vpc with prod-vpc?",
        "ipam.check_peering",
        {"first": "shared-vpc", "second": "prod-vpc"},
    ),
    (
        "would a peering between analytics-vpc and shared-vpc work",
        "ipam.check_peering",
        {"first": "analytics-vpc", "second": "shared-vpc"},
    ),
    (
        "are prod-vpc and analytics-vpc peerable?",
        "ipam.check_peering",
        {"first": "prod-vpc", "second": "analytics-vpc"},
    ),
    (
        "could we set up vpc peering between payments and analytics",
        "ipam.check_peering",
        {"first": "payments", "second": "analytics"},
    ),
    (
        "check if prod-vpc can be peered to shared-vpc",
        "ipam.check_peering",
        {"first": "prod-vpc", "second": "shared-vpc"},
    ),
    (
        "do prod-vpc and analytics-vpc overlap?",
        "ipam.check_peering",
        {"first": "prod-vpc", "second": "analytics-vpc"},
    ),
    # ipam.plan_subnets
    ("plan subnets for 10.1.0.0/20", "ipam.plan_subnets", {"cidr": "10.1.0.0/20"}),
    (
        "design a subnet layout for 10.0.0.0/16 across 3 AZs",
        "ipam.plan_subnets",
        {"cidr": "10.0.0.0/16", "az_count": 3},
    ),
    (
        "split 10.2.0.0/20 into public, private and data subnets",
        "ipam.plan_subnets",
        {"cidr": "10.2.0.0/20", "tiers": {"public": 100, "private": 1000, "data": 100}},
    ),
    (
        "subnet plan for 10.0.0.0/22 with 2 azs",
        "ipam.plan_subnets",
        {"cidr": "10.0.0.0/22", "az_count": 2},
    ),
    ("how should I carve 10.4.0.0/16 into subnets?", "ipam.plan_subnets", {"cidr": "10.4.0.0/16"}),
    (
        "lay out subnets in 10.5.0.0/20 over two availability zones",
        "ipam.plan_subnets",
        {"cidr": "10.5.0.0/20", "az_count": 2},
    ),
    (
        "plan public and private subnets with 200 hosts each in 10.6.0.0/20",
        "ipam.plan_subnets",
        {"cidr": "10.6.0.0/20", "tiers": {"public": 200, "private": 200}},
    ),
    (
        "subnet layout for 10.7.0.0/18 in eu-west-1, 3 zones",
        "ipam.plan_subnets",
        {"cidr": "10.7.0.0/18", "az_count": 3, "region": "eu-west-1"},
    ),
    (
        "divide 10.8.0.0/16 into subnets for app and db tiers",
        "ipam.plan_subnets",
        {"cidr": "10.8.0.0/16", "tiers": {"app": 250, "db": 250}},
    ),
    (
        "break 10.9.0.0/20 into subnets across 3 availability zones",
        "ipam.plan_subnets",
        {"cidr": "10.9.0.0/20", "az_count": 3},
    ),
    # ipam.create_pool
    (
        "create a pool prod-eu with 10.1.0.0/16 under global",
        "ipam.create_pool",
        {"name": "prod-eu", "cidrs": ["10.1.0.0/16"], "parent": "global"},
    ),
    (
        "new ipam pool dev 10.2.0.0/16 in us-east-1",
        "ipam.create_pool",
        {"name": "dev", "cidrs": ["10.2.0.0/16"], "region": "us-east-1"},
    ),
    (
        "add a pool called staging with 10.3.0.0/16 for staging",
        "ipam.create_pool",
        {"name": "staging", "cidrs": ["10.3.0.0/16"], "environment": "staging"},
    ),
    (
        "make a pool 'shared' 172.16.0.0/12",
        "ipam.create_pool",
        {"name": "shared", "cidrs": ["172.16.0.0/12"]},
    ),
    (
        "create an IPv6 pool v6-top with 2600:1f18::/40",
        "ipam.create_pool",
        {"name": "v6-top", "cidrs": ["2600:1f18::/40"]},
    ),
    (
        "set up a pool named payments with 10.8.0.0/16 inside prod",
        "ipam.create_pool",
        {"name": "payments", "cidrs": ["10.8.0.0/16"], "parent": "prod"},
    ),
    ("create pool core 10.0.0.0/8", "ipam.create_pool", {"name": "core", "cidrs": ["10.0.0.0/8"]}),
    (
        "add ipam pool eu-dev with 10.20.0.0/16 under dev in eu-west-1 env dev",
        "ipam.create_pool",
        {
            "name": "eu-dev",
            "cidrs": ["10.20.0.0/16"],
            "parent": "dev",
            "region": "eu-west-1",
            "environment": "dev",
        },
    ),
    (
        "define a new pool lab 192.168.0.0/16 owned by netops",
        "ipam.create_pool",
        {"name": "lab", "cidrs": ["192.168.0.0/16"], "owner": "netops"},
    ),
    (
        "create a child pool apps with 10.1.0.0/20 and 10.1.16.0/20 in the prod-eu pool",
        "ipam.create_pool",
        {"name": "apps", "cidrs": ["10.1.0.0/20", "10.1.16.0/20"], "parent": "prod-eu"},
    ),
    # ipam.allocate
    (
        "give me a /22 for the payments VPC in eu-west-1",
        "ipam.allocate",
        {"region": "eu-west-1", "prefix_length": 22, "purpose": "payments vpc", "usage": "vpc"},
    ),
    (
        "allocate a /24 from pool eu-west-1-prod",
        "ipam.allocate",
        {"pool": "eu-west-1-prod", "prefix_length": 24},
    ),
    (
        "I need room for 500 hosts in the us-east-1-dev pool",
        "ipam.allocate",
        {"pool": "us-east-1-dev", "hosts": 500},
    ),
    (
        "reserve 10.1.8.0/22 in pool eu-west-1-prod for the future",
        "ipam.allocate",
        {"pool": "eu-west-1-prod", "cidr": "10.1.8.0/22", "kind": "reservation"},
    ),
    (
        "allocate 10.2.4.0/24 from the us-east-1-dev pool for k8s",
        "ipam.allocate",
        {"pool": "us-east-1-dev", "cidr": "10.2.4.0/24", "purpose": "k8s"},
    ),
    (
        "carve out a /20 for analytics in us-east-1",
        "ipam.allocate",
        {"region": "us-east-1", "prefix_length": 20, "purpose": "analytics"},
    ),
    (
        "get a /26 subnet from pool shared",
        "ipam.allocate",
        {"pool": "shared", "prefix_length": 26, "usage": "subnet"},
    ),
    (
        "we need a new VPC CIDR with room for 2,000 hosts in prod",
        "ipam.allocate",
        {"environment": "prod", "hosts": 2000, "usage": "vpc"},
    ),
    (
        "assign a /23 to team payments from pool eu-west-1-prod, first fit",
        "ipam.allocate",
        {"pool": "eu-west-1-prod", "prefix_length": 23, "strategy": "first"},
    ),
    (
        "grab the next free /24 in the us-east-1-dev pool",
        "ipam.allocate",
        {"pool": "us-east-1-dev", "prefix_length": 24},
    ),
    (
        "allocate a /16 for the data-lake vpc in staging",
        "ipam.allocate",
        {
            "environment": "staging",
            "prefix_length": 16,
            "purpose": "data-lake vpc",
            "usage": "vpc",
        },
    ),
    # ipam.release
    ("release 10.1.0.0/22", "ipam.release", {"cidr": "10.1.0.0/22"}),
    (
        "free up 10.2.4.0/24 in pool us-east-1-dev",
        "ipam.release",
        {"cidr": "10.2.4.0/24", "pool": "us-east-1-dev"},
    ),
    (
        "give back 10.1.8.0/22 to the us-east-1-prod pool",
        "ipam.release",
        {"cidr": "10.1.8.0/22", "pool": "us-east-1-prod"},
    ),
    ("deallocate 10.0.4.0/24", "ipam.release", {"cidr": "10.0.4.0/24"}),
    ("return 10.3.0.0/16 to ipam", "ipam.release", {"cidr": "10.3.0.0/16"}),
    ("we no longer need 10.1.0.0/22, release it", "ipam.release", {"cidr": "10.1.0.0/22"}),
    ("unreserve 10.1.8.0/22", "ipam.release", {"cidr": "10.1.8.0/22"}),
    ("drop the allocation 10.2.0.0/23", "ipam.release", {"cidr": "10.2.0.0/23"}),
    (
        "release the block 10.5.0.0/20 from pool shared",
        "ipam.release",
        {"cidr": "10.5.0.0/20", "pool": "shared"},
    ),
    ("delete allocation 2600:1f18:4000::/56", "ipam.release", {"cidr": "2600:1f18:4000::/56"}),
    # ipam.adopt
    ("adopt the unmanaged VPCs", "ipam.adopt", {}),
    ("adopt analytics-vpc into ipam", "ipam.adopt", {"resources": ["analytics-vpc"]}),
    ("bring shared-vpc under ipam management", "ipam.adopt", {"resources": ["shared-vpc"]}),
    ("adopt vpc-0abc1234", "ipam.adopt", {"resources": ["vpc-0abc1234"]}),
    ("track shared-vpc in ipam", "ipam.adopt", {"resources": ["shared-vpc"]}),
    ("start managing the vpcs ipam doesn't know", "ipam.adopt", {}),
    ("adopt all unmanaged networks in eu-west-1", "ipam.adopt", {"regions": ["eu-west-1"]}),
    ("fix the unmanaged vpcs by adopting them", "ipam.adopt", {}),
    (
        "take over prod-vpc and analytics-vpc in ipam",
        "ipam.adopt",
        {"resources": ["prod-vpc", "analytics-vpc"]},
    ),
    (
        "adopt subnet-0fedcba9 into the address plan",
        "ipam.adopt",
        {"resources": ["subnet-0fedcba9"]},
    ),
]
CASES += [
    # ipam.import
    (
        "import these pools:\nname,cidr\nlab,192.168.0.0/16",
        "ipam.import",
        {"content": "name,cidr\nlab,192.168.0.0/16", "format": "csv"},
    ),
    (
        "import pools from csv ```name,cidr\nlab,192.168.0.0/16```",
        "ipam.import",
        {"content": "name,cidr\nlab,192.168.0.0/16", "format": "csv"},
    ),
    (
        'please import this json: [{"name": "lab", "cidr": "192.168.0.0/16"}]',
        "ipam.import",
        {"content": '[{"name": "lab", "cidr": "192.168.0.0/16"}]', "format": "json"},
    ),
    (
        "bulk load these ipam pools\nname,parent,cidr\nlab,,192.168.0.0/16",
        "ipam.import",
        {"content": "name,parent,cidr\nlab,,192.168.0.0/16", "format": "csv"},
    ),
    (
        "dry run an import of:\nname,cidr\nx,10.0.0.0/8",
        "ipam.import",
        {"content": "name,cidr\nx,10.0.0.0/8", "format": "csv"},
    ),
    (
        "import into ipam\nname,cidr\ncore,10.0.0.0/8",
        "ipam.import",
        {"content": "name,cidr\ncore,10.0.0.0/8", "format": "csv"},
    ),
    (
        "can you import the following csv?\nname,cidr\nlab,10.9.0.0/16",
        "ipam.import",
        {"content": "name,cidr\nlab,10.9.0.0/16", "format": "csv"},
    ),
    (
        "ingest this pool list\nname,cidr\nedge,10.8.0.0/16",
        "ipam.import",
        {"content": "name,cidr\nedge,10.8.0.0/16", "format": "csv"},
    ),
    (
        'upload pools json\n[{"name": "v6", "cidr": "2600:1f18::/40"}]',
        "ipam.import",
        {"content": '[{"name": "v6", "cidr": "2600:1f18::/40"}]', "format": "json"},
    ),
    (
        "import allocations\nkind,name,parent,cidr\nallocation,ci,dev,10.2.0.0/24",
        "ipam.import",
        {"content": "kind,name,parent,cidr\nallocation,ci,dev,10.2.0.0/24", "format": "csv"},
    ),
    # ipam.export
    ("export the ipam pools as terraform", "ipam.export", {"format": "terraform"}),
    ("export pools to csv", "ipam.export", {"format": "csv"}),
    ("export the ipam as json", "ipam.export", {"format": "json"}),
    ("dump the address plan as terraform locals", "ipam.export", {"format": "terraform-locals"}),
    ("download the pools csv", "ipam.export", {"format": "csv"}),
    ("export pool prod-eu as terraform", "ipam.export", {"format": "terraform", "pool": "prod-eu"}),
    ("export ipam", "ipam.export", {}),
    ("export hcl for the global pool", "ipam.export", {"format": "terraform", "pool": "global"}),
    ("export allocations as json", "ipam.export", {"format": "json"}),
    ("back up the ipam pools to json", "ipam.export", {"format": "json"}),
    # ipam.apply_template
    (
        "apply the regional template with 10.0.0.0/8",
        "ipam.apply_template",
        {"template": "regional", "cidr": "10.0.0.0/8"},
    ),
    (
        "set up a hierarchical ipam for 10.0.0.0/8 across us-east-1 and eu-west-1",
        "ipam.apply_template",
        {"template": "hierarchical", "cidr": "10.0.0.0/8", "regions": ["us-east-1", "eu-west-1"]},
    ),
    (
        "use the flat template for 172.16.0.0/12",
        "ipam.apply_template",
        {"template": "flat", "cidr": "172.16.0.0/12"},
    ),
    (
        "build a cloud-native pool tree from 10.0.0.0/8 for prod, staging and dev",
        "ipam.apply_template",
        {
            "template": "cloud-native",
            "cidr": "10.0.0.0/8",
            "environments": ["prod", "staging", "dev"],
        },
    ),
    (
        "hybrid ipam template with 10.0.0.0/8, on-prem 10.0.0.0/9",
        "ipam.apply_template",
        {"template": "hybrid", "cidr": "10.0.0.0/8", "on_prem_cidr": "10.0.0.0/9"},
    ),
    (
        "create a regional layout from 10.0.0.0/8 for us-east-1, eu-west-1 and ap-southeast-2",
        "ipam.apply_template",
        {
            "template": "regional",
            "cidr": "10.0.0.0/8",
            "regions": ["us-east-1", "eu-west-1", "ap-southeast-2"],
        },
    ),
    (
        "schema wizard: hierarchical, 10.0.0.0/8",
        "ipam.apply_template",
        {"template": "hierarchical", "cidr": "10.0.0.0/8"},
    ),
    (
        "template cloud native 10.0.0.0/12 environments prod dev",
        "ipam.apply_template",
        {"template": "cloud-native", "cidr": "10.0.0.0/12", "environments": ["prod", "dev"]},
    ),
    (
        "generate a hierarchical pool tree for 10.0.0.0/8",
        "ipam.apply_template",
        {"template": "hierarchical", "cidr": "10.0.0.0/8"},
    ),
    (
        "apply template flat 192.168.0.0/16 named lab",
        "ipam.apply_template",
        {"template": "flat", "cidr": "192.168.0.0/16", "name": "lab"},
    ),
    # ipam.picture
    ("draw the prod pool", "ipam.picture", {"pool": "prod"}),
    ("show me a picture of pool prod-eu", "ipam.picture", {"pool": "prod-eu"}),
    ("visualise the dev pool", "ipam.picture", {"pool": "dev"}),
    ("diagram of pool global", "ipam.picture", {"pool": "global"}),
    ("png of the prod-eu pool address space", "ipam.picture", {"pool": "prod-eu"}),
    ("picture the address space of pool lab", "ipam.picture", {"pool": "lab"}),
    ("render pool core as an image", "ipam.picture", {"pool": "core"}),
    ("map of the shared pool", "ipam.picture", {"pool": "shared"}),
    ("chart the prod pool", "ipam.picture", {"pool": "prod"}),
    ("plot pool global", "ipam.picture", {"pool": "global"}),
]


@pytest.mark.parametrize(("text", "tool", "args"), CASES)
def test_phrasing_routes_to_ipam_tool_with_args(text: str, tool: str, args: dict[str, Any]) -> None:
    assert route(text) == [{"name": tool, "args": args}]


# (utterance, tool, args that must be present): the tool's own slots, whatever the ranking
SLOT_CASES: list[tuple[str, str, dict[str, Any]]] = [
    # ipam.import: a live Amazon VPC IPAM as the source, or pasted content with its format
    ("import everything from amazon ipam", "ipam.import", {"format": "amazon-ipam"}),
    (
        "read our AWS IPAM (service) into cloudfabric, it lives in eu-central-1",
        "ipam.import",
        {"format": "amazon-ipam", "ipam_region": "eu-central-1"},
    ),
    (
        "sync pools from the VPC IPAM in ap-southeast-2",
        "ipam.import",
        {"format": "amazon-ipam", "ipam_region": "ap-southeast-2"},
    ),
    ("pull in the aws-ipam pools", "ipam.import", {"format": "amazon-ipam"}),
    (
        "import from amazon ipam:\nname,cidr\nedge,10.50.0.0/16",
        "ipam.import",
        {"content": "name,cidr\nedge,10.50.0.0/16", "format": "csv"},
    ),
    (
        'load this json: {"pools": [{"name": "edge", "cidr": "10.50.0.0/16"}]}',
        "ipam.import",
        {"content": '{"pools": [{"name": "edge", "cidr": "10.50.0.0/16"}]}', "format": "json"},
    ),
    # ipam.export: the format from its words, the pool named (region-shaped names too)
    ("export the address plan in csv format", "ipam.export", {"format": "csv"}),
    ("give me the ipam as a json file", "ipam.export", {"format": "json"}),
    ("export ipam to tf", "ipam.export", {"format": "terraform"}),
    ("hcl for the pools please", "ipam.export", {"format": "terraform"}),
    ("export as terraform locals", "ipam.export", {"format": "terraform-locals"}),
    (
        "export the us-east-1-staging pool as json",
        "ipam.export",
        {"format": "json", "pool": "us-east-1-staging"},
    ),
    ("export pool eu-west-1 to csv", "ipam.export", {"format": "csv", "pool": "eu-west-1"}),
    (
        "export eu-west-1-dev as terraform",
        "ipam.export",
        {"format": "terraform", "pool": "eu-west-1-dev"},
    ),
    (
        "export everything below cloud as hcl",
        "ipam.export",
        {"format": "terraform", "pool": "cloud"},
    ),
    ("dump the shared pool to csv", "ipam.export", {"format": "csv", "pool": "shared"}),
    # ipam.create_pool: region-shaped names, the parent apart from the region, env as written
    (
        "create pool us-west-2 with 10.32.0.0/12 under cloud",
        "ipam.create_pool",
        {"name": "us-west-2", "cidrs": ["10.32.0.0/12"], "parent": "cloud"},
    ),
    (
        "new pool eu-west-1-qa 10.28.0.0/14 parent eu-west-1 env qa",
        "ipam.create_pool",
        {"name": "eu-west-1-qa", "parent": "eu-west-1", "environment": "qa"},
    ),
    (
        "add a pool called eu-west-1-uat with 10.29.0.0/16 inside eu-west-1 for uat",
        "ipam.create_pool",
        {"name": "eu-west-1-uat", "parent": "eu-west-1", "environment": "uat"},
    ),
    (
        "create pool ml-qa with 10.2.0.0/16 in pool us-east-1 in us-east-1 for qa",
        "ipam.create_pool",
        {"name": "ml-qa", "parent": "us-east-1", "region": "us-east-1", "environment": "qa"},
    ),
    (
        "make a pool batch-dev 10.6.0.0/16 under us-east-1-dev, qa environment",
        "ipam.create_pool",
        {"name": "batch-dev", "parent": "us-east-1-dev", "environment": "qa"},
    ),
    (
        "create a pool named perf-eu with 10.30.0.0/16 in ireland, environment=perf",
        "ipam.create_pool",
        {"name": "perf-eu", "region": "eu-west-1", "environment": "perf"},
    ),
    # ipam.create_pool: an environment between commas, a name after the colon, a city as a
    # name, the pool it is added to as its parent
    (
        "create pool edge-prod-b, 10.3.0.0/16, parent us-east-1-prod, prod, us-east-1",
        "ipam.create_pool",
        {"name": "edge-prod-b", "parent": "us-east-1-prod", "environment": "prod"},
    ),
    (
        "set up a pool for the ml team: ml-dev, 10.7.0.0/16, under us-east-1-dev",
        "ipam.create_pool",
        {"name": "ml-dev", "parent": "us-east-1-dev"},
    ),
    (
        "create pool sydney with 10.96.0.0/12 under cloud in ap-southeast-2",
        "ipam.create_pool",
        {"name": "sydney", "parent": "cloud", "region": "ap-southeast-2"},
    ),
    (
        "add pool partners-eu 172.23.0.0/16 to the shared pool",
        "ipam.create_pool",
        {"name": "partners-eu", "parent": "shared"},
    ),
    # ipam.allocate: the pool after "from", a block as size and start, reservations,
    # first-free, the kind of block
    ("take 172.20.8.0/24 from shared", "ipam.allocate", {"pool": "shared"}),
    (
        "allocate a /24 from prod in us-east-1",
        "ipam.allocate",
        {"pool": None, "environment": "prod", "region": "us-east-1"},
    ),
    ("allocate a /21 from us-east-1", "ipam.allocate", {"pool": None, "region": "us-east-1"}),
    ("allocate the /24 at 10.4.20.0", "ipam.allocate", {"cidr": "10.4.20.0/24"}),
    (
        "set 10.8.96.0/20 aside in us-east-1-staging as a reservation",
        "ipam.allocate",
        {"kind": "reservation", "pool": "us-east-1-staging", "environment": None},
    ),
    ("allocate the first available /23 in shared", "ipam.allocate", {"strategy": "first"}),
    (
        "allocate a /22 for a vpc in us-east-1 staging",
        "ipam.allocate",
        {"usage": "vpc", "purpose": None, "environment": "staging"},
    ),
    # ipam.release: a block as size and start
    (
        "release the /20 at 10.24.16.0",
        "ipam.release",
        {"cidr": "10.24.16.0/20"},
    ),
    ("release 10.8.0.0 as a /22", "ipam.release", {"cidr": "10.8.0.0/22"}),
    # ipam.find_conflicts and ipam.adopt: pools and subnets linked by name
    ("overlaps in eu-west-1-staging", "ipam.find_conflicts", {"pool": "eu-west-1-staging"}),
    (
        "adopt prod-public-b and analytics-a",
        "ipam.adopt",
        {"resources": ["prod-public-b", "analytics-a"]},
    ),
    # ipam.apply_template: "name X" is the top pool, not an environment; nonprod is one
    (
        "apply template flat cidr 10.0.0.0/12 name shared",
        "ipam.apply_template",
        {"name": "shared", "environments": None},
    ),
    (
        "regional template 10.0.0.0/8, environments prod and non-prod",
        "ipam.apply_template",
        {"environments": ["prod", "nonprod"]},
    ),
    # ipam.import / ipam.export: pasted JSON with no colon before it; "an export of X"
    (
        'import json [{"name": "dr", "cidr": "10.112.0.0/12"}]',
        "ipam.import",
        {"format": "json", "content": '[{"name": "dr", "cidr": "10.112.0.0/12"}]'},
    ),
    ("a json export of eu-west-1-prod", "ipam.export", {"pool": "eu-west-1-prod"}),
    ("a json export of allocations", "ipam.export", {"pool": None}),
    # a pool read that names no pool but a region's code is about the pool of that name
    ("analyse eu-west-1", "ipam.analyze", {"pool": "eu-west-1"}),
    ("picture of us-east-1 please", "ipam.picture", {"pool": "us-east-1"}),
    ("how full is us-east-1-dev", "ipam.analyze", {"pool": "us-east-1-dev"}),
    # a region named like a sandbox pool (us-east-1) is the region, not the pool
    (
        "allocate a /21 for search in us-east-1",
        "ipam.allocate",
        {"region": "us-east-1", "pool": None, "prefix_length": 21},
    ),
    ("allocate a /21 from the us-east-1 pool", "ipam.allocate", {"pool": "us-east-1"}),
    # ipam.plan_subnets: each tier's own host count, and the AZ count in its forms
    (
        "plan subnets for 10.10.0.0/16: public 50, app 400, db 50 hosts",
        "ipam.plan_subnets",
        {"cidr": "10.10.0.0/16", "tiers": {"public": 50, "app": 400, "db": 50}},
    ),
    (
        "subnet layout for 10.11.0.0/18 with web 200, app 1000, data 100 over 3 AZs",
        "ipam.plan_subnets",
        {"tiers": {"web": 200, "app": 1000, "data": 100}, "az_count": 3},
    ),
    (
        "carve 10.12.0.0/20 into a 3-az plan: public: 60, private: 2,000",
        "ipam.plan_subnets",
        {"tiers": {"public": 60, "private": 2000}, "az_count": 3},
    ),
    (
        "split 10.13.0.0/19 across three availability zones, 120 hosts for web and 300 for app",
        "ipam.plan_subnets",
        {"az_count": 3, "tiers": {"web": 120, "app": 300}},
    ),
    (
        "subnets for 10.14.0.0/20 in eu-west-1 over 2 azs with 3 private subnets",
        "ipam.plan_subnets",
        {"az_count": 2, "region": "eu-west-1", "tiers": {"private": 1000}},
    ),
]


@pytest.mark.parametrize(("text", "tool", "expected"), SLOT_CASES)
def test_slots_read_the_arguments(text: str, tool: str, expected: dict[str, Any]) -> None:
    assert_slots(text, tool, expected)


def test_a_new_pool_named_like_a_region_sets_no_region_of_its_own() -> None:
    args = route("create pool us-west-2 with 10.32.0.0/12 under cloud")[0]["args"]
    assert args == {"name": "us-west-2", "cidrs": ["10.32.0.0/12"], "parent": "cloud"}


def test_every_ipam_tool_has_at_least_ten_phrasings_and_valid_args() -> None:
    registry = load_builtin_tools()
    counts: dict[str, int] = {}
    for _, tool, args in CASES:
        counts[tool] = counts.get(tool, 0) + 1
        registry.get(tool).args_model.model_validate(args)
    ipam_tools = [spec.name for spec in registry.all() if spec.domain == "ipam"]
    assert all(counts.get(name, 0) >= 10 for name in ipam_tools), counts


def test_ec2_phrasings_are_not_taken_by_ipam() -> None:
    for text in ("list all instances", "stop web-1", "tell me about web-2", "help"):
        assert not route(text)[0]["name"].startswith("ipam.")
