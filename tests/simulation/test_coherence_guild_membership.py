"""A player is in one guild at a time (issue 11): a toggle pair (``guild_join`` /
``guild_leave``: heuristic_flows.yaml ``toggle_words``) whose thing is the user's own
(``guild_id``, a ``stable`` id: the same guild on every event) joins only while the player
holds none and leaves only the one held.

Measured before (examples/game, 300 users x 10 days, seed 3): 144 joins and 20 leaves; 74
joins of the guild the player was already in (validate's toggles check), 3 joins in one
session of the same guild.
"""

from __future__ import annotations

import pytest

from tests.simulation.generated_outputs import EXAMPLES, Generated, generate, tracks_by_user


@pytest.fixture(scope="module")
def game(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("guild_membership") / "out"
    return generate(EXAMPLES / "game", out, users=300, days=10, seed=3)


def test_a_player_joins_a_guild_only_while_in_none(game: Generated) -> None:
    """Per player, joins and leaves alternate, a join first: never two joins without a
    leave between them, never a leave with no join before it in the window."""
    broken: list[tuple[str, list[str]]] = []
    joins = 0
    for uid, records in tracks_by_user(game.records).items():
        steps = [r["#event_name"] for r in records
                 if r["#event_name"] in ("guild_join", "guild_leave")]
        joins += steps.count("guild_join")
        held = False
        for step in steps:
            if (step == "guild_join") == held:
                broken.append((str(uid), steps))
                break
            held = step == "guild_join"
    assert joins > 20          # the players still join guilds
    assert broken == [], broken[:5]
