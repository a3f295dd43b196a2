"""IPAM: hierarchical CIDR pools, allocation, analysis and reconciliation with AWS."""
