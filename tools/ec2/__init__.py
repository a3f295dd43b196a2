"""EC2 instances: find, list and describe."""
