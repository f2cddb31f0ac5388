"""validate's progression check: the game's default output passes; a copy with one thing
broken (a stage played before, a VIP level without a payment, a level going back, a best
below its current value, a day counter counting logins) is reported there and only there.
The game's level and stage belong to the player's role (Rules ``properties.<p>.per_role``):
the ``roles`` check follows them per server, so a step back in them is its finding."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from demogen.analysis.rules import (
    IdShape,
    Progression,
    PropertySource,
    PropertySpec,
    Rules,
    UpdateRule,
    per_role_properties,
)
from demogen.pipeline import run_inputs
from demogen.taxonomy import EventTaxonomy, Property
from demogen.validate.coherence import CoherenceInput
from demogen.validate.coherence._progression import ProgressionChecker
from demogen.validate.coherence._roles import RolesChecker
from demogen.vocab import PropertyType, UpdateType
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


def _game(coherence_output: Any) -> tuple[Output, CoherenceInput]:
    g = coherence_output("game")
    inputs = run_inputs(g.out)
    return Output(g.out), CoherenceInput(inputs.written_rules(), inputs.taxonomy)


def test_game_output_passes(coherence_output) -> None:
    g = coherence_output("game")
    _, given = _game(coherence_output)
    assert findings(g.out, ProgressionChecker, given) == []


def test_a_stage_played_before_is_reported(coherence_output, tmp_path: Path) -> None:
    output, given = _game(coherence_output)
    stages = [(n, i, r) for n, i, r in output.records()
              if r.get("#event_name") == "stage_start"]
    # A user's second stage_start, given the first one's stage id moved one stage back.
    by_user: dict[str, list[tuple[str, int, dict[str, Any]]]] = {}
    for hit in stages:
        by_user.setdefault(hit[2]["#distinct_id"], []).append(hit)
    uid, hits = next((u, h) for u, h in by_user.items() if len(h) >= 2 and
                     h[0][2]["properties"]["stage_id"] != h[-1][2]["properties"]["stage_id"])
    name, index, _ = hits[-1]
    broken = output.copy()
    first = hits[0][2]["properties"]["stage_id"]
    broken.files[name][index]["properties"]["stage_id"] = first[:-1] + "0" \
        if first[-1] != "0" else first
    assert "stage_id" in per_role_properties(given.rules)
    assert findings(broken.write(tmp_path / "out"), ProgressionChecker, given) == []
    problems = findings(tmp_path / "out", RolesChecker, given)
    assert problems, "a stage before the first one played is a step back"
    assert all(uid in p and "stage_id went back to" in p and "within one role" in p
               for p in problems)


def test_vip_without_payment_is_reported(coherence_output, tmp_path: Path) -> None:
    output, given = _game(coherence_output)
    payers = {r["#distinct_id"] for _, _, r in output.records()
              if r.get("#event_name") == "purchase" or
              (r.get("properties", {}).get("total_pay_amount") or 0) > 0}
    name, index, record = output.find(
        lambda r: r.get("#event_name") == "session_start" and r["#distinct_id"] not in payers)
    broken = output.copy()
    broken.files[name][index]["properties"]["cur_vip_level"] = 3
    problems = findings(broken.write(tmp_path / "out"), ProgressionChecker, given)
    assert len(problems) >= 1
    assert any("cur_vip_level 3 above 0 before any payment" in p for p in problems)
    assert all(record["#distinct_id"] in p for p in problems)


def test_a_level_going_back_is_reported(coherence_output, tmp_path: Path) -> None:
    output, given = _game(coherence_output)
    name, index, record = output.find(
        lambda r: r.get("#event_name") == "session_end" and
        (r["properties"].get("cur_level") or 0) > 3)
    broken = output.copy()
    level = record["properties"]["cur_level"]
    broken.files[name][index]["properties"]["cur_level"] = level - 2
    assert findings(broken.write(tmp_path / "out"), ProgressionChecker, given) == []
    problems = findings(tmp_path / "out", RolesChecker, given)
    assert problems[0].endswith(f"cur_level went back to {level - 2!r} within one role")
    assert len(problems) == 1


# -- the rules a plan without them gives: pairs and day counters ---------------------------

def _write(folder: Path, records: list[dict[str, Any]]) -> Path:
    folder.mkdir()
    (folder / "logs_20240501.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n"
                                                          for r in records))
    return folder


def _user(time: str, kind: str, **props: Any) -> dict[str, Any]:
    return {"#type": kind, "#time": time, "#distinct_id": "u1", "properties": props}


def test_max_below_current_is_reported(tmp_path: Path) -> None:
    rules = Rules(properties={"max_login_streak": PropertySpec(kind="days"),
                              "current_login_streak": PropertySpec(kind="days")})
    records = [_user("2024-05-01 10:00:00.000", "user_set", max_login_streak=4,
                     current_login_streak=4),
               _user("2024-05-01 10:00:01.000", "user_set", max_login_streak=1,
                     current_login_streak=6)]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker, CoherenceInput(rules))
    assert any("max_login_streak 1 is below current_login_streak 6" in p for p in problems)
    assert all(":2:" in p or "logs_20240501.jsonl:2" in p for p in problems)


def test_a_longest_streak_below_the_current_is_reported(tmp_path: Path) -> None:
    """The unseen language-learning plan's ``longest_streak`` was no best of
    ``current_streak``: 50 of 251 users started with longest 2 below current 7."""
    rules = Rules(properties={"longest_streak": PropertySpec(kind="days"),
                              "current_streak": PropertySpec(kind="days")})
    records = [_user("2024-05-01 10:00:00.000", "user_set", longest_streak=2,
                     current_streak=7)]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker, CoherenceInput(rules))
    assert any("longest_streak 2 is below current_streak 7" in p for p in problems), problems


def test_a_day_counter_counting_logins_is_reported(tmp_path: Path) -> None:
    rules = Rules(properties={"total_login_day": PropertySpec(kind="days")},
                  update_patterns={"login": {"total_login_day": UpdateRule(
                      type=UpdateType.INCREMENT, value=1)}})
    records = [_user("2024-05-01 10:00:00.000", "user_add", total_login_day=1),
               _user("2024-05-01 11:00:00.000", "user_add", total_login_day=1),
               _user("2024-05-01 12:00:00.000", "user_add", total_login_day=1)]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker, CoherenceInput(rules))
    assert len(problems) == 1 and "total_login_day 3 counts more than the 1 days" in problems[0]
    # One a day is what it counts: three days, three logins.
    spread = [_user(f"2024-05-0{d} 10:00:00.000", "user_add", total_login_day=1)
              for d in (1, 2, 3)]
    assert findings(_write(tmp_path / "p", spread), ProgressionChecker, CoherenceInput(rules)) == []


def test_an_event_level_going_back_is_reported(tmp_path: Path) -> None:
    rules = Rules(properties={"player_level": PropertySpec(kind="level"),
                              "tmp_level": PropertySpec(kind="level", source=PropertySource(
                                  type="mirror", of="player_level"))},
                  update_patterns={"level_up": {"player_level": UpdateRule(
                      type=UpdateType.INCREMENT, value=1)}})
    records = [{**_user(f"2024-05-01 10:00:0{k}.000", "track", tmp_level=level),
                "#event_name": "x"} for k, level in enumerate((5, 6, 4))]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker, CoherenceInput(rules))
    assert len(problems) == 1 and "tmp_level went back from 6 to 4" in problems[0]


def test_a_chapter_not_of_its_stage_is_reported(coherence_output, tmp_path: Path) -> None:
    output, given = _game(coherence_output)
    name, index, record = output.find(
        lambda r: r.get("#event_name") == "stage_start" and "chapter" in r["properties"])
    broken = output.copy()
    chapter = record["properties"]["chapter"]
    broken.files[name][index]["properties"]["chapter"] = chapter + 1
    problems = findings(broken.write(tmp_path / "out"), ProgressionChecker, given)
    stage = record["properties"]["stage_id"]
    assert problems and all(record["#distinct_id"] in p or f"chapter {chapter + 1}" in p
                            for p in problems)
    assert any(f"chapter {chapter + 1} but" in p and repr(stage) in p for p in problems)


def test_one_number_stage_ids_take_rules_stages_per_chapter(tmp_path: Path) -> None:
    rules = Rules(properties={"stage_id": PropertySpec(kind="generic", id=IdShape(
        stem="stage", mode="catalogue")), "chapter": PropertySpec(kind="level")},
                  progression={"stages_per_chapter": 5})
    records = [{**_user(f"2024-05-01 10:00:0{k}.000", "track", stage_id=stage, chapter=ch),
                "#event_name": "stage_start"}
               for k, (stage, ch) in enumerate((("stage_004", 1), ("stage_006", 2),
                                                ("stage_011", 2), ("stage_012", 1)))]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker,
                        CoherenceInput(rules))
    assert any("chapter 2 but stage_id 'stage_011' is in chapter 3" in p for p in problems)
    assert any("chapter went back from 2 to 1" in p for p in problems)
    assert len(problems) == 3    # stage_012 is in chapter 3 too


def _event(time: str, event: str, **props: Any) -> dict[str, Any]:
    return {"#type": "track", "#time": time, "#distinct_id": "u1", "#event_name": event,
            "properties": props}


def test_a_first_pay_flag_off_the_first_payment_is_reported(tmp_path: Path) -> None:
    """铁血王座's recharge showed is_first_pay false on a new user's first recharge; a
    flag true on a second payment is as wrong. A user older than the window may have paid
    before it: false on their first payment in the window is not reported."""
    rules = Rules(properties={"is_first_pay": PropertySpec(kind="first_pay")},
                  event_roles={"install": ["ta_app_install"], "revenue": ["recharge"]})
    records = [_event("2024-05-01 10:00:00.000", "ta_app_install"),
               _event("2024-05-01 10:05:00.000", "recharge", is_first_pay=False),
               _event("2024-05-01 10:09:00.000", "recharge", is_first_pay=True)]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker, CoherenceInput(rules))
    assert len(problems) == 2
    assert "is_first_pay is false on the user's first payment" in problems[0]
    assert "is_first_pay is true on a payment after an earlier one" in problems[1]
    later = _event("2024-05-01 10:09:00.000", "recharge", is_first_pay=False)
    older = _write(tmp_path / "old", [records[1], later])
    assert findings(older, ProgressionChecker, CoherenceInput(rules)) == []


def test_a_streak_not_counting_consecutive_days_is_reported(tmp_path: Path) -> None:
    """Lingobit's ``streak_extended.streak_days`` was drawn per record: 1,681 of 1,704
    day-to-day steps were not +1 (1,000 users x 30 days, seed 3). A streak grows by one a
    day, shows the same value again that day, and starts again at 1 after a missed day."""
    rules = Rules(properties={"current_streak": PropertySpec(kind="days"),
                              "streak_days": PropertySpec(kind="days", source=PropertySource(
                                  type="mirror", of="current_streak"))},
                  update_patterns={"streak_extended": {"current_streak": UpdateRule(
                      type=UpdateType.INCREMENT, value=1)}})
    days = [("01", 3), ("01", 3), ("02", 4), ("04", 1), ("05", 2)]
    good = [_event(f"2024-05-{d} 10:00:00.000", "streak_extended", streak_days=v)
            for d, v in days]
    assert findings(_write(tmp_path / "o", good), ProgressionChecker, CoherenceInput(rules)) == []
    broken = [_event(f"2024-05-{d} 10:00:00.000", "streak_extended", streak_days=v)
              for d, v in [("01", 3), ("02", 4), ("02", 5), ("03", 10), ("05", 11)]]
    problems = findings(_write(tmp_path / "p", broken), ProgressionChecker,
                        CoherenceInput(rules))
    assert len(problems) == 3, problems
    assert "streak_days went from 4 to 5 on the same day" in problems[0]
    assert "streak_days went from 5 to 10 a day later" in problems[1]
    assert "streak_days went from 10 to 11 after 2 days" in problems[2]


def test_a_league_move_off_its_order_is_reported(tmp_path: Path) -> None:
    """Lingobit's league_promoted showed the tier the user had (5,186 promotions to the same
    tier, 1,000 x 30 seed 3): a promotion shows the next tier of the plan's order."""
    plan = EventTaxonomy(events=[], user_properties=[Property(
        name="league_tier", type=PropertyType.STRING, enum=["Bronze", "Silver", "Gold"])])
    rules = Rules(update_patterns={e: {"league_tier": UpdateRule(
        type=UpdateType.SET, value="{{league_tier}}")} for e in ("league_promoted",
                                                                 "league_demoted")})
    moves = [("league_promoted", "Silver"), ("league_promoted", "Gold"),
             ("league_promoted", "Gold"), ("league_demoted", "Silver"),
             ("league_promoted", "Silver")]
    records = [_event(f"2024-05-0{k + 1} 10:00:00.000", e, league_tier=t)
               for k, (e, t) in enumerate(moves)]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker,
                        CoherenceInput(rules, plan))
    assert len(problems) == 2, problems
    assert "league_tier moved from 'Gold' to 'Gold' (+1 rung), past the last rung" \
        in problems[0]
    assert "league_tier moved from 'Silver' to 'Silver' (+1 rung)" in problems[1]


def test_a_demotion_on_the_first_rung_is_reported(tmp_path: Path) -> None:
    """Lingobit demoted users at Bronze (97 demotions that showed Bronze again, 1,000 x 30
    seed 3): a move has a rung to go to, like a promotion at the top."""
    plan = EventTaxonomy(events=[], user_properties=[Property(
        name="league_tier", type=PropertyType.STRING, enum=["Bronze", "Silver", "Gold"])])
    rules = Rules(update_patterns={e: {"league_tier": UpdateRule(
        type=UpdateType.SET, value="{{league_tier}}")} for e in ("league_promoted",
                                                                 "league_demoted")})
    moves = [("league_promoted", "Silver"), ("league_demoted", "Bronze"),
             ("league_demoted", "Bronze"), ("league_promoted", "Silver")]
    records = [_event(f"2024-05-0{k + 1} 10:00:00.000", e, league_tier=t)
               for k, (e, t) in enumerate(moves)]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker,
                        CoherenceInput(rules, plan))
    assert len(problems) == 1, problems
    assert "league_tier moved from 'Bronze' to 'Bronze' (-1 rung), past the first rung" \
        in problems[0]


def test_a_streak_lost_without_a_missed_day_is_reported(tmp_path: Path) -> None:
    """Lingobit's ``streak_lost`` came without a missed day (2,291 of 2,428 at 1,000 x 30
    seed 3): a loss comes after a day without the streak's step; a freeze keeps the streak
    as if it stepped the day before (Rules ``progression.streak_losses``,
    ``streak_freezes``)."""
    rules = Rules(properties={"current_streak": PropertySpec(kind="days"),
                              "streak_days": PropertySpec(kind="days", source=PropertySource(
                                  type="mirror", of="current_streak"))},
                  update_patterns={"streak_extended": {"current_streak": UpdateRule(
                      type=UpdateType.INCREMENT, value=1)}},
                  progression=Progression(streak_losses=["streak_lost"],
                                          streak_freezes=["streak_freeze_used"]))
    good = [_event("2024-05-01 10:00:00.000", "streak_extended", streak_days=3),
            _event("2024-05-03 09:00:00.000", "streak_freeze_used", streak_days=3),
            _event("2024-05-03 10:00:00.000", "streak_extended", streak_days=4),
            _event("2024-05-05 10:00:00.000", "streak_lost"),
            _user("2024-05-05 10:00:00.000", "user_set", current_streak=0),
            _event("2024-05-05 11:00:00.000", "streak_extended", streak_days=1)]
    assert findings(_write(tmp_path / "o", good), ProgressionChecker, CoherenceInput(rules)) == []
    broken = [_event("2024-05-01 10:00:00.000", "streak_extended", streak_days=3),
              _event("2024-05-02 10:00:00.000", "streak_lost")]
    problems = findings(_write(tmp_path / "p", broken), ProgressionChecker,
                        CoherenceInput(rules))
    assert len(problems) == 1, problems
    assert "streak_lost with streak_days 3 stepped on 2024-05-01: no missed day" in problems[0]


def test_a_streak_a_user_arrives_with_may_be_lost_at_once(tmp_path: Path) -> None:
    """A streak shown on a user's first record, before any event (an existing user's
    ``current_streak`` 7), stepped on a day the output does not show: its loss that day is
    no finding (the generator breaks a carried streak on the window's first missed day:
    300 findings at 1,000 x 30 seed 3). A streak a step showed first still needs a gap."""
    rules = Rules(properties={"current_streak": PropertySpec(kind="days")},
                  update_patterns={"streak_extended": {"current_streak": UpdateRule(
                      type=UpdateType.INCREMENT, value=1)}},
                  progression=Progression(streak_losses=["streak_lost"]))
    carried = [_user("2024-05-03 10:00:00.000", "user_set", current_streak=7),
               _event("2024-05-03 10:00:01.000", "streak_lost"),
               _user("2024-05-03 10:00:01.000", "user_set", current_streak=0)]
    assert findings(_write(tmp_path / "o", carried), ProgressionChecker,
                    CoherenceInput(rules)) == []
    stepped = [_event("2024-05-02 10:00:00.000", "streak_extended"),
               _user("2024-05-02 10:00:00.000", "user_set", current_streak=1),
               _event("2024-05-03 10:00:01.000", "streak_lost")]
    problems = findings(_write(tmp_path / "p", stepped), ProgressionChecker,
                        CoherenceInput(rules))
    assert len(problems) == 1, problems


def test_an_upgrade_not_above_the_plan_held_is_reported(tmp_path: Path) -> None:
    """Trellio's plan_upgraded showed no higher plan (174 of 358 upgrades at 300 x 10 seed 3:
    a Pro user upgrading to Pro): an upgrade carries a plan above the one the user records
    last set (Rules' ``progression.plan_changes``, else ``upgrade`` in the name)."""
    plan = EventTaxonomy(events=[], user_properties=[Property(
        name="plan", type=PropertyType.STRING, enum=["Free", "Pro", "Business"])])
    rules = Rules(update_patterns={"plan_upgraded": {"plan": UpdateRule(
        type=UpdateType.SET, value="{{new_plan}}")}})
    records = [_user("2024-05-01 09:00:00.000", "user_set", plan="Free"),
               _event("2024-05-01 10:00:00.000", "plan_upgraded", new_plan="Pro"),
               _user("2024-05-01 10:00:00.000", "user_set", plan="Pro"),
               _event("2024-05-02 10:00:00.000", "plan_upgraded", new_plan="Pro"),
               _event("2024-05-03 10:00:00.000", "plan_upgraded", new_plan="Free")]
    problems = findings(_write(tmp_path / "o", records), ProgressionChecker,
                        CoherenceInput(rules, plan))
    assert len(problems) == 2, problems
    assert "plan 'Pro' on a plan change from 'Pro': not above it" in problems[0]
    assert "plan 'Free' on a plan change from 'Pro'" in problems[1]
    # Named a downgrade by the rules: the same moves down are fine.
    down = rules.model_copy(update={"progression": Progression(plan_changes={
        "plan_upgraded": -1})})
    good = [records[0], _user("2024-05-01 09:00:01.000", "user_set", plan="Business"),
            _event("2024-05-02 10:00:00.000", "plan_upgraded", new_plan="Pro")]
    assert findings(_write(tmp_path / "p", good), ProgressionChecker,
                    CoherenceInput(down, plan)) == []
