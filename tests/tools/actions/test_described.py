"""Picking exactly one object by name: the rule the Auto Scaling group, security group, database,
function and bucket finders share."""

from __future__ import annotations

import pytest

from tools.actions.described import Described, Naming, pick_one
from tools.errors import InvalidInput, NotFound

NAMING = Naming(
    noun="security group",
    article="a",
    names=lambda d: (d.raw["GroupId"], d.raw["GroupName"]),
    place=lambda d: f"{d.raw['GroupId']} in {d.region}",
    suggest=lambda d: None if d.raw["GroupName"] == "default" else d.raw["GroupName"],
)
WEB_EAST = Described({"GroupId": "sg-1", "GroupName": "web"}, "us-east-1", None)
WEB_WEST = Described({"GroupId": "sg-2", "GroupName": "web"}, "eu-west-1", None)
DEFAULT = Described({"GroupId": "sg-3", "GroupName": "default"}, "us-east-1", None)


def test_a_name_or_an_id_picks_one_whatever_its_case() -> None:
    assert pick_one([WEB_EAST, DEFAULT], " WEB ", NAMING, None) is WEB_EAST
    assert pick_one([WEB_EAST, WEB_WEST], "SG-2", NAMING, None) is WEB_WEST


def test_namesakes_are_listed_with_where_they_live() -> None:
    with pytest.raises(InvalidInput) as refused:
        pick_one([WEB_EAST, WEB_WEST], "web", NAMING, None)
    assert str(refused.value) == (
        "2 security groups are called 'web' (sg-1 in us-east-1, sg-2 in eu-west-1); name one."
    )


def test_an_unknown_name_offers_the_closest_but_never_what_is_not_suggested() -> None:
    with pytest.raises(NotFound) as missing:
        pick_one([WEB_EAST, DEFAULT], "wbe", NAMING, "us-east-1")
    assert str(missing.value) == (
        "I couldn't find a security group called 'wbe' in us-east-1. Did you mean web?"
    )
    with pytest.raises(NotFound, match=r"called 'defualt'\.$"):
        pick_one([WEB_EAST, DEFAULT], "defualt", NAMING, None)
