"""Response timestamps parse to exactly what botocore's own parser gives, only faster."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import boto3
from botocore.utils import parse_timestamp
from hypothesis import given
from hypothesis import strategies as st

from core.aws import AwsClients, parse_aws_timestamp

AMI = "ami-12c6146b"

offsets = st.integers(min_value=-12 * 60, max_value=14 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
moments = st.datetimes(  # hypothesis takes naive bounds and adds the zones itself
    min_value=datetime(1971, 1, 1),  # noqa: DTZ001
    max_value=datetime(2099, 12, 31),  # noqa: DTZ001
    timezones=offsets,
)


@given(moments, st.sampled_from(["seconds", "milliseconds", "microseconds"]), st.booleans())
def test_iso_text_parses_like_botocore(moment: datetime, precision: str, zulu: bool) -> None:
    text = moment.isoformat(timespec=precision)
    if zulu:
        text = moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec=precision) + "Z"

    parsed = parse_aws_timestamp(text)

    assert parsed == parse_timestamp(text)
    assert parsed.utcoffset() == parse_timestamp(text).utcoffset()


def test_other_shapes_fall_back_to_botocore() -> None:
    for value in (1700000000, 1700000000.25, "1700000000", "Tue, 05 Nov 2026 10:00:00 GMT",
                  "2026-11-28T20:17:16.000+0000", "2026-11-28"):  # fmt: skip
        assert parse_aws_timestamp(value) == parse_timestamp(value), value


def test_clients_parse_launch_times_like_a_plain_boto3_client(aws: AwsClients) -> None:
    ours = aws.client("ec2", "us-east-1")
    ours.run_instances(ImageId=AMI, MinCount=1, MaxCount=1)
    plain = boto3.client("ec2", region_name="us-east-1")

    ours_time = ours.describe_instances()["Reservations"][0]["Instances"][0]["LaunchTime"]
    plain_time = plain.describe_instances()["Reservations"][0]["Instances"][0]["LaunchTime"]

    assert isinstance(ours_time, datetime)
    assert ours_time == plain_time
    assert ours_time.utcoffset() == timedelta(0)
