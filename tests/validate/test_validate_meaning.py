"""validate's meaning checks (formula, update_method, progress, mirror) on real generator
output: clean output passes, and a copy with one record broken by hand fails exactly the
check that reads it.

``game_run`` is examples/game (40 users × 3 days); ``formula_run`` the same plan with a
rules overlay declaring ``combat_power = level * 1000 + randint(0, 500)`` for the user
property and its event mirror ``cur_combat_power``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from demogen.analysis.formula import Formula
from demogen.analysis.rules import Rules
from demogen.taxonomy import EventTaxonomy, load_taxonomy
from demogen.validate import CHECKS, ValidationReport, validate_output
from demogen.validate._meaning import MEANING_CHECKS, MeaningWalk
from demogen.validate._meaning_rules import compile_meaning, formula_bounds
from tests.corpus import REPO
from tests.validate.generated import Output, Run, _generate, game_run

__all__ = ["game_run"]  # fixture used here

FORMULAS = (REPO / "tests" / "data" / "game_formulas.yaml").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def formula_run(tmp_path_factory: pytest.TempPathFactory) -> Run:
    return _generate(tmp_path_factory.mktemp("formula"), "game", 40, 3, FORMULAS)


def _plan(run: Run) -> EventTaxonomy:
    return load_taxonomy(run.taxonomy).taxonomy


def _validate(folder: Path, run: Run) -> ValidationReport:
    return validate_output(folder, rules=run.rules, plan=_plan(run), workers=1)


def _failing(report: ValidationReport) -> dict[str, int]:
    return {check: report.count(check) for check in report.checks if report.count(check)}


def _user_values(output: Output, uid: str) -> Iterator[tuple[str, int, dict[str, Any], dict]]:
    """A user's records with the user's property values just before each one."""
    state: dict[str, Any] = {}
    for name, index, record in output.user_records(uid):
        yield name, index, record, dict(state)
        props = record["properties"]
        if record["#type"] == "user_set":
            state.update(props)
        elif record["#type"] == "user_setOnce":
            for key, value in props.items():
                state.setdefault(key, value)
        elif record["#type"] == "user_add":
            for key, value in props.items():
                state[key] = state.get(key, 0) + value


def _users(output: Output) -> list[str]:
    return sorted({r["#distinct_id"] for _, _, r in output.records()})


def _assert_only(report: ValidationReport, check: str, where: tuple[str, int],
                 text: str) -> None:
    assert _failing(report) == {check: 1}, report.findings
    file, index = where
    [issue] = report.examples(check)
    assert str(issue).startswith(f"{file}:{index + 1}: ") and text in str(issue), str(issue)


# -- clean output ------------------------------------------------------------------------------


def test_the_meaning_checks_are_listed_and_run() -> None:
    assert set(MEANING_CHECKS) <= set(CHECKS)


@pytest.mark.parametrize("run_name", ["game_run", "formula_run"])
def test_clean_output_passes(request: pytest.FixtureRequest, run_name: str) -> None:
    run: Run = request.getfixturevalue(run_name)
    report = _validate(run.out, run)
    assert set(MEANING_CHECKS) <= set(report.checks)
    assert report.ok, _failing(report)


def test_what_the_game_rules_mean(game_run: Run) -> None:
    meaning = compile_meaning(game_run.rules, _plan(game_run))
    assert {"register_time", "install_store", "character_class"} <= meaning.set_once
    assert {"pay_count", "total_pay_amount"} <= meaning.added
    assert {"level", "pay_count", "total_gacha_count"} <= meaning.progress
    assert "gold" not in meaning.progress    # spent as well as earned
    assert {"level", "nickname", "guild_id"} <= meaning.user_properties
    # a role's power follows its level (analysis/heuristic/_power.py, session 16)
    assert [f.target for f in meaning.formulas] == ["combat_power", "cur_combat_power",
                                                     "vip_exp"]


def test_formula_bounds_put_random_parts_at_either_end() -> None:
    assert formula_bounds(Formula.compile("level * 100 + randint(0, 50)"), {"level": 4}) == \
        (400, 450)
    assert formula_bounds(Formula.compile("100 - randint(1, 10)"), {}) == (90, 99)
    assert formula_bounds(Formula.compile("price * uniform(0.1, 0.2)"), {"price": 10}) == \
        (1.0, 2.0)
    assert formula_bounds(Formula.compile("level * 100"), {}) is None   # no level


# -- hand-broken copies ------------------------------------------------------------------------


def test_formula_on_an_event(tmp_path: Path, formula_run: Run) -> None:
    broken = Output(formula_run.out)
    name, index, record = broken.find(
        lambda r: r.get("#event_name") == "stage_start"
        and "cur_combat_power" in r["properties"])
    props = record["properties"]
    props["cur_combat_power"] = props["cur_level"] * 1000 + 5_000
    report = _validate(broken.write(tmp_path / "broken"), formula_run)
    _assert_only(report, "formula", (name, index),
                 f"'cur_combat_power' is {props['cur_combat_power']}, but cur_level * 1000 + "
                 f"randint(0, 500) gives {props['cur_level'] * 1000} to")


def test_formula_on_a_user_property(tmp_path: Path, formula_run: Run) -> None:
    broken = Output(formula_run.out)
    name, index, record = broken.find(
        lambda r: r["#type"] == "user_set" and "combat_power" in r["properties"]
        and "level" in r["properties"])
    props = record["properties"]
    props["combat_power"] = props["level"] * 1000 + 700
    report = _validate(broken.write(tmp_path / "broken"), formula_run)
    _assert_only(report, "formula", (name, index),
                 f"'combat_power' is {props['combat_power']}, but level * 1000")


def test_set_once_property_set_again(tmp_path: Path, game_run: Run) -> None:
    broken = Output(game_run.out)
    for uid in _users(broken):
        rows = list(_user_values(broken, uid))
        # Not at the time of an event that shows the class (create_character and its own
        # user_setOnce): that event would then disagree with the profile too (mirror). A
        # later user_setOnce (the first payment's) that tries another class.
        shown = {row[2]["#time"] for row in rows if "character_class" in row[2]["properties"]
                 and row[2]["#type"] != "user_setOnce"}
        sets = [(n, i, r, before) for n, i, r, before in rows
                if r["#type"] == "user_setOnce" and "character_class" in before
                and r["#time"] not in shown]
        if sets:
            name, index, record, before = sets[-1]
            break
    else:
        pytest.fail("no user with a character class and a later user_setOnce")
    record["properties"]["character_class"] = "not_" + str(before["character_class"])
    report = _validate(broken.write(tmp_path / "broken"), game_run)
    # The state check may name the same break from the event that set the class once
    # (create_character's update pattern, "… but user_setOnce at FILE:LINE carries …").
    for issue in report.examples("state"):
        assert f"user_setOnce at {name}:{index + 1} carries" in str(issue), str(issue)
    failing = _failing(report)
    failing.pop("state", None)
    assert failing == {"update_method": 1}, report.findings
    [issue] = report.examples("update_method")
    assert str(issue).startswith(f"{name}:{index + 1}: ") and (
        f"'character_class' is set once, but user_setOnce gives it 'not_"
        f"{before['character_class']}' after '{before['character_class']}'" in str(issue))


def test_set_once_property_in_a_user_set(tmp_path: Path, game_run: Run) -> None:
    """The plan writes character_class with user_setOnce: a user_set carrying it, even
    with the same value, breaks the plan's update method."""
    broken = Output(game_run.out)
    for uid in _users(broken):
        rows = list(_user_values(broken, uid))
        sets = [(n, i, r, before) for n, i, r, before in rows
                if r["#type"] == "user_set" and "character_class" in before]
        if sets:
            name, index, record, before = sets[-1]
            break
    else:
        pytest.fail("no user with a character class and a later user_set")
    record["properties"]["character_class"] = before["character_class"]
    report = _validate(broken.write(tmp_path / "broken"), game_run)
    _assert_only(report, "update_method", (name, index),
                 "'character_class' is written with user_setOnce (the plan's update method), "
                 "but a user_set record writes it")


def test_user_add_property_user_set(tmp_path: Path, game_run: Run) -> None:
    """A counter the plan writes with user_add gets a user_set (a baseline): the record's
    type breaks the plan's update method, even at 0."""
    broken = Output(game_run.out)
    for uid in _users(broken):
        rows = list(_user_values(broken, uid))
        if any("pay_count" in r["properties"] for _, _, r, _ in rows):
            continue      # a payer: a user_set here would break the state sums too
        sets = [(n, i, r) for n, i, r, _ in rows if r["#type"] == "user_set"]
        if sets:
            name, index, record = sets[-1]
            break
    else:
        pytest.fail("no non-payer with a user_set")
    record["properties"]["pay_count"] = 0
    report = _validate(broken.write(tmp_path / "broken"), game_run)
    _assert_only(report, "update_method", (name, index),
                 "'pay_count' is written with user_add (the plan's update method), but a "
                 "user_set record writes it")


def test_level_goes_down(tmp_path: Path, game_run: Run) -> None:
    """A level_up's user_set lowered: progress names the fall; the level_up before it also
    disagrees with the profile now, which the state and mirror checks name at that record."""
    broken = Output(game_run.out)
    for uid in _users(broken):
        sets = [(n, i, r, before) for n, i, r, before in _user_values(broken, uid)
                if r["#type"] == "user_set" and "level" in r["properties"]
                and before.get("level", 0) > 1]
        if sets:
            name, index, record, before = sets[-1]
            break
    else:
        pytest.fail("no user_set raising a level above 1")
    record["properties"]["level"] = before["level"] - 1
    report = _validate(broken.write(tmp_path / "broken"), game_run)
    # … and the coherence pass's roles check names the same fall (the game's level is
    # per_role: the check that follows a role's level on its server).
    # … and the formula check: the user_set shows the role's power of the level it had
    # (combat_power follows level: analysis/heuristic/_power.py).
    assert _failing(report) == {"progress": 1, "state": 1, "mirror": 1, "roles": 1,
                                "formula": 1}, report.findings
    [fall] = report.examples("progress")
    assert str(fall).startswith(f"{name}:{index + 1}: ") and (
        f"'level' goes down from {before['level']} to {before['level'] - 1}" in str(fall))
    for check in ("state", "mirror"):          # the level_up just before the user_set
        [issue] = report.examples(check)
        assert str(issue).startswith(f"{name}:{index}: "), str(issue)


def test_mirror_differs_from_the_user_property(tmp_path: Path, game_run: Run) -> None:
    broken = Output(game_run.out)
    name, index, record = broken.find(
        lambda r: r.get("#event_name") == "level_up" and r["properties"].get("level", 0) > 1)
    level = record["properties"]["level"]
    record["properties"]["level"] = level + 7
    report = _validate(broken.write(tmp_path / "broken"), game_run)
    # The level_up's update pattern (level ← the event's level) sees the same record: the
    # user record after it says another level; the next record's level is a step back
    # (coherence's roles: the game's level is per_role). Every other check stays clean.
    assert _failing(report) == {"mirror": 1, "state": 1, "roles": 1}, report.findings
    [issue] = report.examples("mirror")
    assert str(issue).startswith(f"{name}:{index + 1}: "), str(issue)
    assert f"'level' is {level + 7}, but the user's 'level' is" in str(issue), str(issue)


def test_a_mirror_is_not_held_where_the_event_names_the_pick() -> None:
    """Trellio's checkout_started names the plan being bought (Pro) while the user is on
    Free (Rules' ``chosen_on``); seat_added's plan is still the user's."""
    rules = compile_meaning(Rules.from_data({"properties": {"plan": {
        "kind": "generic", "source": {"type": "mirror", "of": "plan"},
        "chosen_on": ["checkout_started"]}}}))
    assert rules.chosen == {("checkout_started", "plan")}
    walk = MeaningWalk(replace(rules, user_properties=frozenset({"plan"})), ["plan"])
    rows = [(1, "user_set", "2026-11-01 09:00:00.000", None, ["Free"]),
            (2, "track", "2026-11-01 09:01:00.000", "checkout_started", ["Pro"]),
            (3, "track", "2026-11-01 09:02:00.000", "seat_added", ["Pro"])]

    found = list(walk.user("u1", rows))

    assert [(check, rid) for check, rid, _ in found] == [("mirror", 3)], found
