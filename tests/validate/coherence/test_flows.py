"""validate's flows check: the game's default output passes; a copy with one thing broken
(a follower before what it follows, one event past its lifetime cap, a second login in one
session) is reported there and only there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson

from demogen.analysis.rules import EventSpec, Rules
from demogen.pipeline import run_inputs
from demogen.validate.coherence import CoherenceInput
from demogen.validate.coherence._flows import FlowsChecker
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output, event


def _game(coherence_output: Any) -> tuple[Path, Output, CoherenceInput]:
    """The game's output, checked against its rules with guild_leave declared a follower
    of guild_join (the analyzer leaves it a session chain step, which ties it to its join
    within the session: the output must pass either way)."""
    g = coherence_output("game")
    inputs = run_inputs(g.out)
    rules = inputs.written_rules().model_copy(deep=True)
    rules.events["guild_leave"] = EventSpec(follows="guild_join")
    return g.out, Output(g.out), CoherenceInput(rules, inputs.taxonomy)


def test_game_output_passes_and_has_flows_to_check(coherence_output) -> None:
    out, _, given = _game(coherence_output)
    assert given.rules.events["guild_join"].lifetime_cap() is not None
    assert findings(out, FlowsChecker, given) == []


def test_a_follower_before_its_trigger_is_reported(coherence_output, tmp_path: Path) -> None:
    _, output, given = _game(coherence_output)
    # A user's first guild_join becomes a guild_leave: it now comes before any join.
    name, index, record = output.find(event("guild_join"))
    uid = record["#distinct_id"]
    broken = output.copy()
    broken.files[name][index]["#event_name"] = "guild_leave"

    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, given)

    assert problems, "a leave before any join outnumbers the joins"
    assert f"user {uid}: guild_leave #1 after 0 guild_join" in problems[0]
    assert all(uid in p for p in problems)


def test_an_event_past_its_lifetime_cap_is_reported(coherence_output, tmp_path: Path) -> None:
    _, output, given = _game(coherence_output)
    cap = given.rules.events["guild_join"].lifetime_cap()
    assert cap is not None
    name, index, record = output.find(event("guild_join"))
    broken = output.copy()
    # cap more copies of the same join, right after it: one over the cap at least.
    broken.files[name][index + 1:index + 1] = [dict(record) for _ in range(cap)]

    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, given)

    assert problems
    assert all(f"user {record['#distinct_id']}: guild_join #" in p for p in problems)
    assert any(f"at most {cap} per user" in p for p in problems)


def test_a_second_login_in_a_session_is_reported(coherence_output, tmp_path: Path) -> None:
    _, output, given = _game(coherence_output)
    assert given.rules.events["login"].per_session == 1
    name, index, record = output.find(event("login"))
    broken = output.copy()
    broken.files[name].insert(index + 1, dict(record))

    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, given)

    assert len(problems) == 1
    assert f"user {record['#distinct_id']}: login #2 in one session" in problems[0]


def test_an_edited_follow_rule_is_what_is_checked(coherence_output) -> None:
    """The check reads the rules it is given: declaring gold_spend a follower of a
    purchase (which most spenders never made) reports the output."""
    out, _, given = _game(coherence_output)
    rules = given.rules.model_copy(deep=True)
    rules.events["gold_spend"] = EventSpec(follows="purchase", rate=0.5)

    problems = findings(out, FlowsChecker, CoherenceInput(rules, given.plan))

    assert problems
    assert all("gold_spend #" in p and "(events.gold_spend.follows: purchase)" in p
               for p in problems)


def test_an_end_without_its_start_is_reported(coherence_output, tmp_path: Path) -> None:
    """stage_start ends in stage_clear or stage_fail: a start turned into a clear leaves
    that clear, and the end that followed, without a start."""
    out, output, given = _game(coherence_output)
    assert findings(out, FlowsChecker, given) == []
    name, index, record = output.find(event("stage_start"))
    uid = record["#distinct_id"]
    broken = output.copy()
    broken.files[name][index]["#event_name"] = "stage_clear"

    problems = findings(broken.write(tmp_path / "out"), FlowsChecker, given)

    assert problems, "a clear before any start has no start to end"
    assert f"user {uid}: stage_clear without a stage_start" in problems[0]
    assert all(uid in p for p in problems)


def test_a_second_streak_step_in_a_day_is_reported(tmp_path: Path) -> None:
    """Lingobit's streak_extended came twice a day (410 user-days at 1,000 x 30 seed 3): a
    streak grows once a day (events.streak_extended.max_per_day: 1), whatever the sessions."""
    rules = Rules(events={"streak_extended": EventSpec(max_per_day=1)})
    times = ["2024-05-01 08:00:00.000", "2024-05-02 08:00:00.000", "2024-05-02 21:00:00.000",
             "2024-05-03 08:00:00.000"]
    records = [{"#type": "track", "#time": t, "#distinct_id": "u1",
                "#event_name": "streak_extended", "properties": {}} for t in times]
    folder = tmp_path / "o"
    folder.mkdir()
    (folder / "logs_20240501.jsonl").write_bytes(b"".join(orjson.dumps(r) + b"\n"
                                                          for r in records))

    problems = findings(folder, FlowsChecker, CoherenceInput(rules))

    assert len(problems) == 1, problems
    assert "streak_extended #2 on one day (events.streak_extended.max_per_day: 1)" \
        in problems[0]
