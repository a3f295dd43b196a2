"""Investigation playbooks: read-only checks that explain an alert and suggest a fix."""
