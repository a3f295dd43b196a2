"""How people ask for the IPAM tools that set up, move and draw the address plan: templates,
imports, exports and pictures (the rest are in ``tools.ipam.examples``).

Exports of the address plan (CSV, JSON, Terraform or HCL of pools) are ``EXPORT``, not an
architecture's infrastructure as code; drawing, charting or plotting a pool is ``PICTURE``, not a
cost chart or a VPC diagram.
"""

from __future__ import annotations


APPLY_TEMPLATE: tuple[str, ...] = (
    "set up a regional ipam for 10.0.0.0/8",
    "apply the flat template with 10.0.0.0/12",
    "@cloudfabric create a hierarchical pool tree for 10.0.0.0/8 in us-east-1 and us-west-2",
    "bootstrap ipam with the cloud-native template on 10.64.0.0/10",
    "build a hybrid ipam for 10.0.0.0/8 keeping 10.200.0.0/16 for on-prem",
    "please lay down a regional pool hierarchy for 172.16.0.0/12",
    "could you please apply the hierarchical template to 10.0.0.0/8 for prod, staging and dev",
    "create the pool structure from a template: regional, 10.128.0.0/9",
    "initialise ipam using the hierarchical layout for 10.0.0.0/8",
    "scaffold pools per region and environment from 10.0.0.0/8",
    "set up ipam from scratch with the flat template on 10.0.0.0/16",
    "apply template hybrid cidr 10.0.0.0/8 on-prem 192.168.0.0/16",
    "create a cloud-native ipam tree for 10.0.0.0/12 in us-east-1 and eu-west-1",
    "generate the pool tree for eu-west-1 and us-west-2 from 10.32.0.0/11 hierarchically",
    "roll out the regional ipam template with top pool named corp on 10.0.0.0/8",
    "set up our IPAM schema: hierarchical, 10.0.0.0/8, envs prod and dev",
    "stand up a new ipam hierarchy for 100.64.0.0/10",
    "apply the cloud-native ipam template to 10.0.0.0/8",
    "use the hybrid template with 10.0.0.0/8 and reserve 10.255.0.0/16 for the data centre",
    "template a flat ipam for 172.16.0.0/12 called lab",
    "create pools for every region and environment under 10.0.0.0/8",
)


IMPORT: tuple[str, ...] = (
    "import these pools from csv: kind,name,parent,cidr pool,corp,,10.0.0.0/8",
    "load pools from this JSON",
    "@cloudfabric import our Amazon VPC IPAM pools from us-east-1",
    "import allocations from the attached csv",
    "bulk import these ipam pools",
    "please import the pools and allocations in this JSON file",
    "pull our existing Amazon IPAM into cloudfabric",
    "could you please import this spreadsheet of CIDR allocations",
    "import from aws ipam in eu-west-1",
    "load this pool list: name,parent,cidr edge,cloud,10.40.0.0/16",
    "move our pools over from the old IPAM spreadsheet",
    "import pools.csv",
    "ingest these allocations as JSON",
    "import amazon-ipam pools into our store",
    "import the csv below into ipam",
    "create pools from this JSON dump",
    "import the IP address plan from our Infoblox export csv",
    "dry run an import of this csv",
    "import pools from the Amazon VPC IPAM in the 123456789012 account",
    "load allocations: kind,name,parent,cidr allocation,ci-vpc,us-east-1-dev,10.4.8.0/22",
    "upload and import our IP plan csv",
)


EXPORT: tuple[str, ...] = (
    "export ipam as csv",
    "dump the pools to json",
    "@cloudfabric export pools and allocations as terraform",
    "download our ip allocations as csv",
    "export the us-east-1-prod pool tree as json",
    "give me terraform locals for the eu-west-1 pools",
    "could you please export all ipam data to a csv file",
    "export pool shared with its children",
    "terraform for our ipam pools",
    "back up ipam to json",
    "csv export of allocations",
    "export the pool hierarchy under cloud",
    "generate aws_vpc_ipam_pool resources for our pools",
    "send me the ipam pools as a spreadsheet",
    "export eu-west-1-prod allocations as terraform-locals",
    "ipam export json please",
    "dump all pools",
    "write out the IP plan as terraform",
    "export us-east-1 pools to csv",
    "get a json file of every pool and allocation",
    "export ipam",
    "export the us-east-1-prod pool as hcl",
    "hcl for our ipam pools",
    "terraform hcl of the shared pool",
    "export pool cloud in hcl",
)


PICTURE: tuple[str, ...] = (
    "draw the us-east-1-prod pool",
    "picture of the eu-west-1-prod address space",
    "@cloudfabric visualise the shared pool",
    "show the cloud pool as an image",
    "draw the address map of prod-eu",
    "could you please draw the us-east-1-dev pool's allocated and free space",
    "visualize pool eu-west-1-staging",
    "png of the us-east-1 pool",
    "sketch how the eu-west-1 pool is carved up",
    "draw pool shared",
    "address space diagram for us-east-1-prod",
    "show me a picture of free vs allocated blocks in eu-west-1-dev",
    "draw the ipam pool cloud",
    "image of the prod pool utilisation",
    "visual map of the us-east-1-staging cidr space",
    "render the eu-west-1-prod pool",
    "draw what's reserved and free in the shared pool",
    "plot the address layout of us-east-1-dev",
    "pool picture for prod-eu",
    "diagram the IP space of eu-west-1-prod",
    "let me see the us-east-1 pool drawn",
    "draw the eu-west-1-dev pool",
    "draw a picture of the us-east-1-staging pool's address space",
    "chart pool us-east-1-prod",
    "chart the address space of the shared pool",
    "plot the eu-west-1-dev pool",
    "plot pool cloud's free and used space",
    "diagram of the us-east-1 pool",
    "diagram pool shared",
)
