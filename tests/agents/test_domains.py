"""The domain chooser hosted models use: the classifier's likeliest domains, or None."""

from __future__ import annotations

from agents.offline.router import default_understanding


def test_a_clear_request_is_scoped_to_its_domain() -> None:
    choose = default_understanding().domains_for
    assert choose("stop batch-worker") == ["ec2"]
    assert "cost" in (choose("how much did we spend last month by service?") or [])


def test_chat_that_asks_for_nothing_binds_every_tool() -> None:
    assert default_understanding().domains_for("tell me a joke") is None
