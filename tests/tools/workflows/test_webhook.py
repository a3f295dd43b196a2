"""Webhook triggers: a signed body from the holder passes; anything forged does not."""

from __future__ import annotations

from tools.workflows.webhook import new_webhook, sign, verify

BODY = b'{"deploy": "payments-api", "status": "done"}'


def test_a_body_signed_with_the_secret_passes() -> None:
    hook = new_webhook()
    assert len(hook.token) >= 24 and len(hook.secret) == 64
    assert verify(hook, hook.token, BODY, sign(hook.secret, BODY))


def test_forged_or_tampered_requests_fail() -> None:
    hook, other = new_webhook(), new_webhook()
    good = sign(hook.secret, BODY)
    assert not verify(hook, hook.token, BODY, sign(other.secret, BODY))  # wrong secret
    assert not verify(hook, hook.token, BODY + b" ", good)  # body changed after signing
    assert not verify(hook, other.token, BODY, good)  # wrong URL token
    assert not verify(hook, hook.token, BODY, None)  # no signature
    assert not verify(hook, hook.token, BODY, good.upper())  # not the same hex
    assert not verify(hook, hook.token, BODY, "sha1=" + good[7:])


def test_the_secret_never_shows_in_the_repr() -> None:
    hook = new_webhook()
    assert hook.secret not in repr(hook) and hook.token not in repr(hook)
