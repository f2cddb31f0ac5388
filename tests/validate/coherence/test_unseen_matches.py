"""The unseen swipe dating plan: a match follows swipes, later events name a match made.

tests/data/unseen/dating (Sparkd) at 300 users x 10 days, seed 3, as measured before the
fixes: 4,757 ``match_created`` beside 3,087 ``swipe`` (a match followed no like, "Two users
liked each other"); 3,184 ``message_sent`` and 3,041 ``match_removed`` whose ``match_id`` no
``match_created`` of the user ever showed (1,222 messages before any match); an unmatch about
as common as a match; ``is_first_message`` a coin flip (469 of 3,184 right); the other user
of a match (``matched_user_id``) the user's own account id.

Now (heuristic_segments.yaml ``follows``: ``match_made`` after ``swipe``, ``match_remove``
after ``match_made``; ``frequency_words`` core: swipe; ``_frequency.made_thing_prerequisites``;
``simulation/values/_pairs.py`` naming links and ``first_in_thing``): 10,112 swipes, 176
matches (1.7 % of swipes), 866 messages all naming one of the user's matches, 13 unmatches
(7 % of matches, none twice), ``is_first_message`` right on 866 of 866.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from demogen.validate.coherence._follow_ids import FollowIdsChecker
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output

DATING = DATA / "unseen" / "dating"


@pytest.fixture(scope="module")
def dating(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(DATING, tmp_path_factory.mktemp("dating") / "out", users=200, days=7,
                    seed=3)


def _tracks(g: Generated) -> list[dict]:
    return [r for r in g.records if r.get("#type") == "track"]


def test_a_match_follows_a_few_swipes_and_swiping_is_the_core_loop(dating: Generated) -> None:
    """Was: 4,757 matches beside 3,087 swipes (1.5 a swipe); swipes as rare as views."""
    events = dating.rules.events
    assert events["swipe"].frequency == "core"
    assert (events["match_created"].follows, events["match_created"].rate) == ("swipe", 0.03)
    counts = Counter(r["#event_name"] for r in _tracks(dating))
    assert counts.most_common(1)[0][0] == "swipe", counts.most_common(3)
    assert counts["match_created"] >= 30, counts
    assert counts["match_created"] <= 0.05 * counts["swipe"], counts      # was 1.5 a swipe
    for timeline in dating.timelines.values():
        swipes = matches = 0
        for record in timeline:
            swipes += record.get("#event_name") == "swipe"
            matches += record.get("#event_name") == "match_created"
            assert matches <= swipes, record        # no match without a swipe before it


def test_the_dating_output_has_no_follow_id_finding(dating: Generated) -> None:
    assert findings(dating.out, FollowIdsChecker, dating.out) == []


def test_a_message_in_a_match_never_made_is_reported(dating: Generated, tmp_path: Path) -> None:
    output = Output(dating.out)
    name, index, record = output.find(lambda r: r.get("#event_name") == "message_sent")
    record["properties"]["match_id"] = "a-match-never-made"
    found = findings(output.write(tmp_path / "broken"), FollowIdsChecker, dating.out)
    assert len(found) == 1 and found[0].startswith(f"{name}:{index + 1}: "), found
    assert "names no match_created" in found[0], found
