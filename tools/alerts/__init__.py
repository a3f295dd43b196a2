"""Alerts: payload parsers for CloudWatch (SNS, EventBridge), Alertmanager and Grafana, the one
Alert model, persistence, grouping into incidents, and their investigations (playbooks)."""
