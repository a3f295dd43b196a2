"""Alerts: payload parsers for CloudWatch (SNS, EventBridge), Alertmanager and Grafana, the one
Alert model, persistence and grouping into incidents."""
