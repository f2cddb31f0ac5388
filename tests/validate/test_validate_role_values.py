"""Role values (Rules ``properties.<p>.per_role``) are checked per role: a user's role on
a new server starts afresh, so its level restarting is no progress going down."""

from __future__ import annotations

from demogen.validate._meaning import MeaningWalk
from demogen.validate._meaning_rules import MeaningRules
from demogen.validate._servers import role_starts

RULES = MeaningRules(progress=frozenset({"level"}), user_properties=frozenset({"level"}))


def _rows(levels: list[str]) -> list[tuple[int, str, str, None, list[str | None]]]:
    return [(i, "user_set", f"2024-05-01 10:00:0{i}.000", None, [v])
            for i, v in enumerate(levels)]


def test_the_servers_a_user_plays_on_are_numbered_by_move() -> None:
    records = [("u1", 1, "user_set", {"server_id": "s1"}),
               ("u1", 2, "track", {"server_id": "s1"}),
               ("u1", 3, "track", {"server_id": "s2"}),   # a move
               ("u1", 4, "user_setOnce", {"server_id": "s9"}),   # keeps the first: no move
               ("u2", 1, "track", {"server_id": "s2"})]
    assert role_starts(["server_id"], records) == [("u1", 3, 1)]


def test_a_new_roles_level_restarting_is_not_progress_going_down() -> None:
    walk = MeaningWalk(RULES, ["level"], frozenset({"level"}))
    rows = _rows(["5", "9", "1", "2"])
    assert list(walk.user("u1", rows, [0, 0, 1, 1])) == []


def test_a_level_going_down_within_one_role_is_still_reported() -> None:
    walk = MeaningWalk(RULES, ["level"], frozenset({"level"}))
    found = list(walk.user("u1", _rows(["5", "9", "1", "3", "2"]), [0, 0, 1, 1, 1]))
    assert [(check, rid) for check, rid, _ in found] == [("progress", 4)]


def test_an_old_role_is_found_as_it_was_left() -> None:
    walk = MeaningWalk(RULES, ["level"], frozenset({"level"}))
    # back on the first server: its role was at 9, so 7 there goes down
    found = list(walk.user("u1", _rows(["9", "1", "7"]), [0, 1, 0]))
    assert [(check, rid) for check, rid, _ in found] == [("progress", 2)]


def test_without_role_values_a_restart_is_progress_going_down() -> None:
    walk = MeaningWalk(RULES, ["level"])
    found = list(walk.user("u1", _rows(["5", "9", "1"]), [0, 0, 1]))
    assert [(check, rid) for check, rid, _ in found] == [("progress", 2)]
