"""Issue 13: users who start the window CHURNING fade (fewer active days than ACTIVE users,
and fewer in the second half of the window than in the first), measured through
``generate --debug-users`` on examples/ecommerce."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.simulation.behaviour_stats import BehaviourStats, measure
from tests.simulation.generated_outputs import EXAMPLES, generate


@pytest.fixture(scope="module")
def stats(tmp_path_factory: pytest.TempPathFactory) -> BehaviourStats:
    tmp: Path = tmp_path_factory.mktemp("segments")
    users = tmp / "users.jsonl"
    g = generate(EXAMPLES / "ecommerce", tmp / "out", users=4000, days=20, seed=4,
                 extra=["--debug-users", users])
    return measure(g.out, users)


def test_churning_users_are_less_active_than_active_users(stats: BehaviourStats) -> None:
    churning, active = stats.segments["CHURNING_USER"], stats.segments["ACTIVE_USER"]
    assert churning["users"] >= 50, churning
    assert churning["active"] < 0.7 * active["active"], (churning, active)


def test_churning_users_fade_over_the_window(stats: BehaviourStats) -> None:
    churning = stats.segments["CHURNING_USER"]
    assert churning["second_half"] < 0.85 * churning["first_half"], churning
