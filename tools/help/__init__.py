"""What CloudFabric can do, generated from the registry."""
