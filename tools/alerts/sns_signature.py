"""Amazon SNS message signatures (HTTP/S deliveries), checked as the AWS SDKs check them.

The signed text is ``Key\\nValue\\n`` for each signed field in order: for a Notification
``Message, MessageId, Subject (only when present), Timestamp, TopicArn, Type``; for a
SubscriptionConfirmation or UnsubscribeConfirmation ``Message, MessageId, SubscribeURL,
Timestamp, Token, TopicArn, Type``. SignatureVersion 1 is RSA PKCS#1 v1.5 with SHA-1, version 2
with SHA-256. The certificate must come over https from ``sns.<region>.amazonaws.com`` (or
``.amazonaws.com.cn``) and be a ``.pem``; that fetch is what makes it trustworthy (as in the
SDKs, its validity dates are not what is checked). Certificates are cached by URL.
"""

from __future__ import annotations

import base64
import binascii
import threading
from collections import OrderedDict
from collections.abc import Callable
from urllib.parse import urlsplit

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from tools.alerts.errors import AlertRefused
from tools.alerts.parsers.sns_envelope import SnsEnvelope

Fetch = Callable[[str], bytes]
FETCH_KEY = "alerts.sns_fetch"
"""Key in ``CloudFabric.extras`` of a replacement for ``https_get`` (tests serve their own CA)."""
NOTIFICATION_FIELDS = ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type")
CONFIRMATION_FIELDS = (
    "Message",
    "MessageId",
    "SubscribeURL",
    "Timestamp",
    "Token",
    "TopicArn",
    "Type",
)
_HASHES: dict[str, type[hashes.HashAlgorithm]] = {"1": hashes.SHA1, "2": hashes.SHA256}
CACHE_SIZE = 32


def https_get(url: str) -> bytes:
    """GET ``url`` over https (no redirects, 10 s) and return the body.

    Args:
        url: an https URL already checked to be an SNS host.

    Raises:
        httpx.HTTPError: the request failed.
    """
    import httpx

    response = httpx.get(url, timeout=10.0, follow_redirects=False)
    response.raise_for_status()
    return response.content


def is_sns_host(host: str | None) -> bool:
    """True for ``sns.<region>.amazonaws.com`` and ``sns.<region>.amazonaws.com.cn``.

    Args:
        host: a URL's host name.
    """
    parts = (host or "").lower().split(".")
    if parts[-1] == "cn":
        parts = parts[:-1]
    if len(parts) != 4 or parts[0] != "sns" or parts[2:] != ["amazonaws", "com"]:
        return False
    region = parts[1]
    return bool(region) and all(ch.isalnum() or ch == "-" for ch in region)


def check_sns_url(url: str, what: str, *, pem: bool) -> None:
    """Refuse (401) a URL that is not https on an SNS host (and a ``.pem`` when ``pem``).

    Args:
        url: the URL from the message.
        what: how to name it in the refusal.
        pem: True for the signing certificate's URL.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise AlertRefused(401, f"The {what} is not a valid URL.") from None
    if parts.scheme != "https":
        raise AlertRefused(401, f"The {what} must use https.")
    if parts.username or parts.password or port not in (None, 443):
        raise AlertRefused(401, f"The {what} must not carry credentials or a port.")
    if not is_sns_host(parts.hostname):
        raise AlertRefused(401, f"The {what} is not on an sns.<region>.amazonaws.com host.")
    if pem and not parts.path.endswith(".pem"):
        raise AlertRefused(401, f"The {what} must name a .pem certificate.")


def string_to_sign(envelope: SnsEnvelope) -> bytes:
    """The exact text SNS signed for this message.

    Args:
        envelope: the validated message.
    """
    fields = NOTIFICATION_FIELDS if envelope.Type == "Notification" else CONFIRMATION_FIELDS
    values = envelope.signed_values()
    lines = [f"{key}\n{values[key]}\n" for key in fields if values.get(key) is not None]
    return "".join(lines).encode("utf-8")


class SnsVerifier:
    """Checks SNS signatures; the certificate fetcher is injectable and its results cached.

    Args:
        fetch: GETs a URL and returns its body (``https_get`` in production).
    """

    def __init__(self, fetch: Fetch = https_get) -> None:
        """Start with an empty certificate cache."""
        self.fetch = fetch
        self._keys: OrderedDict[str, rsa.RSAPublicKey] = OrderedDict()
        self._lock = threading.Lock()

    def verify(self, envelope: SnsEnvelope) -> None:
        """Return when the message is signed by SNS; refuse it otherwise.

        Args:
            envelope: the validated message.

        Raises:
            AlertRefused: 401 for a bad certificate URL or signature, 502 when the
                certificate cannot be fetched.
        """
        algorithm = _HASHES.get(envelope.SignatureVersion)
        if algorithm is None:
            raise AlertRefused(401, f"Unsupported SignatureVersion {envelope.SignatureVersion!r}.")
        check_sns_url(envelope.SigningCertURL, "SigningCertURL", pem=True)
        key = self._key(envelope.SigningCertURL)
        try:
            signature = base64.b64decode(envelope.Signature, validate=True)
            key.verify(signature, string_to_sign(envelope), padding.PKCS1v15(), algorithm())
        except (InvalidSignature, binascii.Error, ValueError):
            raise AlertRefused(401, "The SNS signature does not verify.") from None

    def _key(self, url: str) -> rsa.RSAPublicKey:
        """The certificate's RSA key, from the cache or fetched once."""
        with self._lock:
            if url in self._keys:
                self._keys.move_to_end(url)
                return self._keys[url]
        try:
            pem = self.fetch(url)
        except Exception as error:  # noqa: BLE001 - any fetch failure is the same answer
            raise AlertRefused(
                502, f"The signing certificate could not be fetched ({error})."
            ) from None
        try:
            key = x509.load_pem_x509_certificate(pem).public_key()
        except ValueError:
            raise AlertRefused(401, "The signing certificate is not a PEM certificate.") from None
        if not isinstance(key, rsa.RSAPublicKey):
            raise AlertRefused(401, "The signing certificate does not hold an RSA key.")
        with self._lock:
            self._keys[url] = key
            while len(self._keys) > CACHE_SIZE:
                self._keys.popitem(last=False)
        return key
