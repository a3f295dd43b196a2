"""The Slack outbox: every Web API write of the bot is an SQL row before it is tried, delivered
by a background loop with retries, per-channel pacing and per-thread order."""
