"""The offline model carries an architecture conversation: a sentence becomes a proposal, and
follow-ups in the thread ("cheaper please", "draw it", "is it secure?") act on it."""

from __future__ import annotations

from bot.app import CloudFabric

CONVO = "console:local:architecture"
ASK = "we need a web app with a postgres database in eu-west-1 for prod, about 2k requests/s"


def test_a_proposal_is_refined_drawn_and_checked_in_its_thread(sandbox_app: CloudFabric) -> None:
    def say(text: str) -> str:
        return sandbox_app.conversations.handle_message(CONVO, "alice", text).text

    assert "prod-web v1" in say(ASK)
    cheaper = say("cheaper please")
    assert "prod-web v2" in cheaper and "a month)" in cheaper and "Gave up:" in cheaper
    drawn = sandbox_app.conversations.handle_message(CONVO, "alice", "draw it")
    assert [f.suffix for f in drawn.files] == [".png"]
    assert "cfn-lint: no errors" in say("is it secure?")
    assert sandbox_app.approvals.find() == []
