"""The SNS HTTP/S delivery body (Notification, SubscriptionConfirmation,
UnsubscribeConfirmation), with the Lambda-style key spellings (``SigningCertUrl``) accepted."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Lambda's SNS records spell these with "Url"; HTTP deliveries with "URL".
_SPELLINGS = {
    "SigningCertUrl": "SigningCertURL",
    "SubscribeUrl": "SubscribeURL",
    "UnsubscribeUrl": "UnsubscribeURL",
}


def normalise_keys(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with the Lambda spellings of the URL keys turned into the HTTP ones.

    Args:
        payload: the parsed body.
    """
    return {_SPELLINGS.get(key, key): value for key, value in payload.items()}


class SnsEnvelope(BaseModel):
    """One SNS delivery, named as SNS names its fields."""

    model_config = ConfigDict(extra="ignore")

    Type: Literal["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"] = Field(
        description="What the message is."
    )
    MessageId: str = Field(min_length=1, max_length=200, description="Unique per message.")
    TopicArn: str = Field(min_length=1, max_length=300, description="The topic it came from.")
    Subject: str | None = Field(default=None, max_length=1000, description="Optional subject.")
    Message: str = Field(description="The message (a CloudWatch alarm is JSON text).")
    Timestamp: str = Field(description="When SNS published it.")
    SignatureVersion: str = Field(description="1 (SHA1) or 2 (SHA256).")
    Signature: str = Field(max_length=4096, description="Base64 RSA signature.")
    SigningCertURL: str = Field(max_length=1000, description="Where the certificate is.")
    SubscribeURL: str | None = Field(default=None, max_length=4000, description="To confirm.")
    UnsubscribeURL: str | None = Field(default=None, max_length=4000, description="To leave.")
    Token: str | None = Field(default=None, max_length=4000, description="Confirmation token.")

    def signed_values(self) -> dict[str, str | None]:
        """The values the signature may cover, by field name."""
        return {
            "Message": self.Message,
            "MessageId": self.MessageId,
            "Subject": self.Subject,
            "SubscribeURL": self.SubscribeURL,
            "Timestamp": self.Timestamp,
            "Token": self.Token,
            "TopicArn": self.TopicArn,
            "Type": self.Type,
        }

    @property
    def region(self) -> str | None:
        """The topic's region code (from its ARN)."""
        parts = self.TopicArn.split(":")
        return parts[3] or None if len(parts) > 5 else None

    @property
    def account(self) -> str | None:
        """The topic's account id (from its ARN)."""
        parts = self.TopicArn.split(":")
        return parts[4] or None if len(parts) > 5 else None
