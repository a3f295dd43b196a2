"""Alerts: intake, incidents and their investigations."""
