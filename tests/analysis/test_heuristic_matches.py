"""A mutual outcome follows the one-sided actions it needs; what names a thing made needs it.

Sparkd (tests/data/unseen/dating, 300 users x 10 days, seed 3) had 4,757 ``match_created``
beside 3,087 ``swipe``, 1,222 ``message_sent`` before any match and an unmatch about as
common as a match (heuristic_segments.yaml ``follows``, ``frequency_words``;
analysis/heuristic/_frequency.py ``made_thing_prerequisites``).
"""

from __future__ import annotations

from tests.analysis.test_heuristic import analyze, ev, num, taxonomy, text


def test_a_match_follows_swipes_and_what_names_it_needs_it_made() -> None:
    """A match is a mutual like: it follows a swipe on a few in a hundred, an unmatch follows
    a match now and then, and a message carrying the match's id needs a match made before
    it (``made_thing_prerequisites``). Sparkd had 4,757 matches beside 3,087 swipes, 1,222
    messages before any match (300 x 10, seed 3)."""
    rules = analyze(taxonomy(
        [ev("app_install"), ev("app_open"), ev("swipe", "target_user_id", "swipe_direction",
                                               desc="User swipes on a profile card."),
         ev("match_created", "match_id", "matched_user_id", desc="Two users liked each other."),
         ev("message_sent", "match_id", "message_length"),
         ev("match_removed", "match_id", "remove_reason", desc="User unmatches.")],
        [text("target_user_id"), text("swipe_direction"), text("match_id"),
         text("matched_user_id"), num("message_length", 1, 500), text("remove_reason")]))

    events = rules.events
    assert events["swipe"].frequency == "core"
    assert (events["match_created"].follows, events["match_created"].rate) == ("swipe", 0.03)
    assert (events["match_removed"].follows, events["match_removed"].rate) == \
        ("match_created", 0.1)
    assert rules.event_constraints.prerequisites["message_sent"] == ["match_created"]
    assert "match_removed" not in rules.event_constraints.prerequisites
    # The other user of a match is somebody else's id, never the user's own account.
    other = rules.properties["matched_user_id"]
    assert other.device is None and other.id is not None and other.id.mode == "catalogue"
    target = rules.properties["target_user_id"].id
    assert target is not None and other.id.stem == target.stem == "user"  # one user catalogue


def test_a_driver_matched_is_no_match_and_a_game_match_no_swipe_follower() -> None:
    """Only a match made between users follows swipes: a courier matched to an order, a
    game's match started or ended follow nothing."""
    rules = analyze(taxonomy([ev("app_install"), ev("app_open"), ev("swipe"),
                              ev("courier_matched"), ev("match_start"), ev("match_end")]))
    assert all(rules.events.get(n) is None or rules.events[n].follows is None
               for n in ("courier_matched", "match_start", "match_end"))
