"""The sandbox's IPAM pool tree, matching its VPCs (data only: the composition root imports it
through the IPAM importer, so it is validated like any import).

``prod-vpc`` (10.0.0.0/16, us-east-1) and ``shared-vpc`` (172.20.0.0/16, second account) are
allocations in their pools. ``analytics-vpc`` (10.0.128.0/18, eu-west-1) lies inside prod-vpc's
block, so no pool can hold it: reconciliation keeps reporting that overlap (the two VPCs can
never be peered), which is the story the demo tells.
"""

from __future__ import annotations

IPAM_POOL_TREE_CSV = """kind,name,parent,cidr,environment,region,owner,tags,description,resource_arn
pool,cloud,,10.0.0.0/8,,,platform,,All AWS address space,
pool,us-east-1,cloud,10.0.0.0/12,,us-east-1,platform,,,
pool,us-east-1-prod,us-east-1,10.0.0.0/14,prod,us-east-1,platform,,,
pool,us-east-1-dev,us-east-1,10.4.0.0/14,dev,us-east-1,platform,,,
pool,us-east-1-staging,us-east-1,10.8.0.0/14,staging,us-east-1,platform,,,
pool,eu-west-1,cloud,10.16.0.0/12,,eu-west-1,platform,,,
pool,eu-west-1-prod,eu-west-1,10.16.0.0/14,prod,eu-west-1,platform,,,
pool,eu-west-1-staging,eu-west-1,10.20.0.0/14,staging,eu-west-1,data,,,
pool,eu-west-1-dev,eu-west-1,10.24.0.0/14,dev,eu-west-1,platform,,,
pool,shared,,172.16.0.0/12,shared,us-east-1,platform,,Shared services account,
allocation,prod-vpc,us-east-1-prod,10.0.0.0/16,,,platform,,,
allocation,shared-vpc,shared,172.20.0.0/16,,,platform,,,
"""
"""CSV in the IPAM importer's format: pools (region x environment) and the VPCs they hold."""
