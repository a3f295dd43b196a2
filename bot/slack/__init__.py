"""CloudFabric as a Slack app: bolt listeners per surface, over Socket Mode or HTTP."""
