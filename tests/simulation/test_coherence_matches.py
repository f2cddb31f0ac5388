"""Events that name a thing made earlier show one the user made (Sparkd: matches).

``message_sent`` and ``match_removed`` carry the ``match_id`` of a ``match_created``
(simulation/values/_pairs.py: a follow-up's group, and the events that need its creator
before them, ``_naming_links``); ``is_first_message`` is true on the first message naming
each match (``first_in_thing``). Before: 0 of 3,184 messages and 0 of 3,041 unmatches named
a match of the user, ``is_first_message`` right on 469 of 3,184 (300 x 10, seed 3).
A game's ``is_first_clear`` on ``stage_clear`` is the same flag: true on the first clear of
each stage (was right on 1,361 of 5,696 clears of examples/game at 300 x 10, seed 3).
"""

from __future__ import annotations

import pytest

from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate

DATING = DATA / "unseen" / "dating"


@pytest.fixture(scope="module")
def dating(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(DATING, tmp_path_factory.mktemp("dating") / "out", users=200, days=7,
                    seed=3)


def test_messages_and_unmatches_name_a_match_the_user_made(dating: Generated) -> None:
    """Was: no ``message_sent`` or ``match_removed`` named a match of the user; messages
    before any match; an unmatch about as common as a match."""
    assert dating.rules.event_constraints.prerequisites["message_sent"] == ["match_created"]
    assert dating.rules.events["match_removed"].follows == "match_created"
    messages = unmatches = matches = firsts = 0
    for timeline in dating.timelines.values():
        made: set[str] = set()
        removed: set[str] = set()
        messaged: set[str] = set()
        for record in sorted(timeline, key=lambda r: r["#time"]):
            name, props = record.get("#event_name"), record.get("properties", {})
            if name == "match_created":
                matches += 1
                made.add(props["match_id"])
                assert props["matched_user_id"] != record.get("#account_id"), record
                assert props["matched_user_id"].startswith("user_"), record  # as swiped on
            elif name == "message_sent":
                messages += 1
                assert props["match_id"] in made, record
                first = props["match_id"] not in messaged
                assert props["is_first_message"] is first, record
                firsts += first
                messaged.add(props["match_id"])
            elif name == "match_removed":
                unmatches += 1
                assert props["match_id"] in made and props["match_id"] not in removed, record
                removed.add(props["match_id"])
    assert messages >= 100 and firsts >= 10, (messages, firsts)
    assert unmatches <= 0.2 * matches, (unmatches, matches)     # was about one a match



@pytest.mark.parametrize("source", ["game"])
def test_a_first_clear_is_the_first_clear_of_its_stage(coherence_output, source: str) -> None:
    g = coherence_output(source)
    clears = firsts = 0
    for timeline in g.timelines.values():
        cleared: set[object] = set()
        for record in sorted(timeline, key=lambda r: r["#time"]):
            if record.get("#event_name") != "stage_clear":
                continue
            props = record["properties"]
            first = props["stage_id"] not in cleared
            assert props["is_first_clear"] is first, record
            cleared.add(props["stage_id"])
            clears += 1
            firsts += first
    assert clears >= 50 and 0 < firsts < clears, (clears, firsts)
