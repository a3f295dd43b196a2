"""Typos are read as the words they miss, and a correction never brings a change on its own."""

from __future__ import annotations

from agents.offline.lexicon import Entity, Lexicon
from agents.offline.router import decide
from agents.offline.spelling import MOST_CORRECTIONS, Speller

NAMES = Lexicon.of([Entity("web-1", "instance"), Entity("legacy-app", "instance")])


def test_a_one_edit_typo_is_read_as_the_word_it_misses() -> None:
    speller = Speller.of(["stop the instance", "show help", "scan everything"])
    assert speller.correct("stpo legacy-app.", NAMES) == "stop legacy-app."
    assert speller.correct("hlep", NAMES) == "help"
    assert speller.correct("Sacn it", NAMES) == "scan it"


def test_names_and_ties_are_left_alone() -> None:
    speller = Speller.of(["stat", "stay", "payment"])
    assert speller.correct("stax", NAMES) == "stax"  # two words one edit away: no guess
    assert speller.correct("deploy payments-prod", NAMES) == "deploy payments-prod"
    assert speller.correct("legacy-app", NAMES) == "legacy-app"


def test_only_the_first_unknown_words_of_a_message_are_looked_at() -> None:
    speller = Speller.of(["stop"])
    unknown = " ".join("qqqq" + chr(ord("a") + i) for i in range(MOST_CORRECTIONS))
    assert speller.correct(f"{unknown} stpo", NAMES).endswith(" stpo")
    assert speller.correct(f"stpo {unknown}", NAMES).startswith("stop ")


def test_typos_in_reads_are_understood() -> None:
    [help_call] = decide("hlep").calls
    assert help_call.tool == "help"
    [scan] = decide("sacn dublin").calls
    assert (scan.tool, scan.args.get("regions")) == ("discovery.scan", ["eu-west-1"])


def test_a_change_read_only_thanks_to_a_correction_is_asked_about() -> None:
    asked = decide("strat shared-tools")
    assert asked.asks and not asked.calls
    assert "start shared-tools" in asked.text
    [picked, never] = asked.options
    assert picked.call is not None and picked.call.tool == "ec2.start_instances"
    assert picked.call.args["targets"] == ["shared-tools"] and never.call is None


def test_a_plural_is_not_a_typo_of_its_singular() -> None:
    speller = Speller.of(["create a pool for the app"])
    assert speller.correct("create a child pool apps", NAMES) == "create a child pool apps"


def test_a_word_is_never_turned_into_a_channel_or_a_name() -> None:
    speller = Speller.of(["post it to #netops", "stop web-1"])
    assert speller.correct("owned by netops", NAMES) == "owned by netops"
