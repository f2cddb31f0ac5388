"""A person's edit of rules.yaml changes the generated data, by the amount the edit says.

Each test starts as a person does: ``demogen analyze examples/game -o rules.yaml``, edits the
YAML (a funnel step's conversion, a one-time flag, a prerequisite, a value range), runs
``demogen generate --rules rules.yaml`` and measures the edit in the JSONL. Two runs of
2,000 users over 3 days are shared: one with the tutorial step at 0.8 (the "before" of
the other edits) and one with the step at 0.3 and every other edit applied.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

USERS, DAYS = 2_000, 3
#: A step whose denominator is every new user who reached the tutorial's second step.
STEP = ("tutorial_step2", "tutorial_step3")
#: Frequent in the game: most users start several stages in three days.
ONE_TIME = "stage_start"
#: ``gacha_summon`` needs nothing in the analysis; the edit makes it wait for ``ad_watch``.
PREREQUISITE = ("gacha_summon", "ad_watch")
RANGE = ("stamina_cost", 40.0, 50.0)
#: Edits of ``properties``: a boolean's chance, a pool that replaces the plan's list, a
#: per-event value made per-user, a string's kind.
CHANCE = ("is_first_login", 0.9)
POOL = ("difficulty", ["nightmare", "inferno"], [3.0, 1.0])
PER_USER = "fail_reason"
KIND = ("arena_season", "city")
#: An update pattern edit: each ad watched counts 3 (the analysis says 1).
UPDATE = ("ad_watch", "total_ad_watch_count", 3)

Timelines = dict[str, list[dict[str, Any]]]


def _analysed(tmp: Path) -> dict[str, Any]:
    path = tmp / "rules.yaml"
    result = run_cli(["analyze", EXAMPLES / "game", "-o", path, "--quiet"])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _set_conversion(rules: dict[str, Any], before: str, after: str, p: float) -> None:
    """The one number a person edits: the funnel's conversion into ``after``."""
    for funnel in rules["event_constraints"]["funnels"]:
        steps = funnel["steps"]
        if after in steps and steps.index(after) > 0 and steps[steps.index(after) - 1] == before:
            funnel["conversion"][steps.index(after)] = p
            return
    raise AssertionError(f"no funnel has {before} → {after}")


#: What each run's user_add records added to UPDATE's property, per run name.
ADDED: dict[str, Counter[Any]] = {}


def _generate(tmp: Path, name: str, rules: dict[str, Any]) -> Timelines:
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp / name
    result = run_cli(["generate", EXAMPLES / "game", "--rules", path, "-o", out,
                      "--users", USERS, "--days", DAYS, "--seed", 3,
                      "--start", window_start(DAYS).isoformat(), "--quiet"])
    assert result.exit_code == 0, result.output
    timelines: Timelines = defaultdict(list)
    for file in sorted(out.glob("*.jsonl")):     # day by day: each user's records in order
        for line in file.read_bytes().splitlines():
            record = orjson.loads(line)
            user = timelines[record["#distinct_id"]]
            if record["#type"] == "track":
                user.append(record)
            elif (record["#type"] == "user_add" and UPDATE[1] in record["properties"]
                  and user and user[-1]["#event_name"] == UPDATE[0]
                  and user[-1]["#time"] == record["#time"]):
                # what one ad_watch adds (a user's history before the window comes as
                # one user_add of its own, at the user's first record)
                ADDED.setdefault(name, Counter())[record["properties"][UPDATE[1]]] += 1
    return timelines


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Timelines]:
    tmp = tmp_path_factory.mktemp("rules_edits")
    before = _analysed(tmp)
    _set_conversion(before, *STEP, 0.8)
    edited = yaml.safe_load(yaml.safe_dump(before))
    _set_conversion(edited, *STEP, 0.3)
    ec = edited["event_constraints"]
    ec["one_time_events"].append(ONE_TIME)
    ec["prerequisites"].setdefault(PREREQUISITE[0], []).append(PREREQUISITE[1])
    name, low, high = RANGE
    edited["value_ranges"][name] = {"min": low, "max": high}
    props = edited["properties"]
    props[CHANCE[0]]["source"] = {"type": "probability", "p": CHANCE[1]}
    props[POOL[0]]["source"] = {"type": "pool", "values": POOL[1], "weights": POOL[2]}
    props[PER_USER]["lifetime"] = "user"
    props[KIND[0]]["kind"] = KIND[1]
    event, prop, step = UPDATE
    edited["update_patterns"][event][prop] = {"type": "increment", "value": step}
    return {"before": _generate(tmp, "before", before), "edited": _generate(tmp, "edited", edited)}


def step_conversion(timelines: Timelines, before: str, after: str) -> tuple[float, int]:
    """Of the users who did ``before``, the share who did ``after`` later; and their count."""
    reached = converted = 0
    for records in timelines.values():
        names = [r["#event_name"] for r in records]
        if before in names:
            reached += 1
            converted += after in names[names.index(before) + 1:]
    return converted / reached, reached


@pytest.mark.parametrize(("run", "declared"), [("before", 0.8), ("edited", 0.3)])
def test_a_funnel_step_conversion_edit_lands_in_the_output(
        runs: dict[str, Timelines], run: str, declared: float) -> None:
    measured, reached = step_conversion(runs[run], *STEP)
    assert reached >= 600, f"only {reached} users reached {STEP[0]}"
    assert measured == pytest.approx(declared, abs=0.03), (
        f"{STEP[0]} → {STEP[1]}: declared {declared}, measured {measured:.3f} of {reached}")


def _per_user(timelines: Timelines, event: str) -> Counter[str]:
    return Counter({user: sum(r["#event_name"] == event for r in records)
                    for user, records in timelines.items()})


def test_a_one_time_flag_makes_the_event_happen_at_most_once_per_user(
        runs: dict[str, Timelines]) -> None:
    before, after = _per_user(runs["before"], ONE_TIME), _per_user(runs["edited"], ONE_TIME)
    assert sum(n > 1 for n in before.values()) > USERS // 4     # the edit has work to do
    assert max(after.values()) == 1 and sum(after.values()) > USERS // 4


def _early(timelines: Timelines, event: str, needed: str) -> list[str]:
    """Users whose first ``event`` comes before any ``needed``."""
    users = []
    for user, records in timelines.items():
        names = [r["#event_name"] for r in records]
        if event in names and needed not in names[: names.index(event)]:
            users.append(user)
    return users


def test_a_prerequisite_makes_the_event_never_precede_it(runs: dict[str, Timelines]) -> None:
    event, needed = PREREQUISITE
    assert len(_early(runs["before"], event, needed)) > 50      # the edit has work to do
    assert _early(runs["edited"], event, needed) == []
    assert sum(_per_user(runs["edited"], event).values()) > 50     # and the event still happens


def _values(timelines: Timelines, prop: str) -> list[float]:
    return [r["properties"][prop] for records in timelines.values() for r in records
            if prop in r["properties"]]


def test_a_value_range_edit_moves_the_values_into_the_new_range(
        runs: dict[str, Timelines]) -> None:
    name, low, high = RANGE
    before, after = _values(runs["before"], name), _values(runs["edited"], name)
    assert before and max(before) < low                      # the old range is below the new
    assert len(after) > 500 and all(low <= v <= high for v in after), (
        f"{name}: {min(after)}..{max(after)}, wanted {low}..{high}")


def test_the_step_edit_changes_nothing_else_of_that_funnel(runs: dict[str, Timelines]) -> None:
    """The step before the edited one converts as declared (0.95) in both runs."""
    for run in ("before", "edited"):
        measured, reached = step_conversion(runs[run], "tutorial_step1", "tutorial_step2")
        assert measured == pytest.approx(0.95, abs=0.03), (run, measured, reached)


def _share_true(timelines: Timelines, prop: str) -> float:
    values = _values(timelines, prop)
    assert len(values) > 500, f"{prop}: only {len(values)} values"
    return sum(values) / len(values)


def test_a_boolean_chance_edit_sets_the_share_of_true(runs: dict[str, Timelines]) -> None:
    name, p = CHANCE
    assert _share_true(runs["before"], name) < 0.5
    assert _share_true(runs["edited"], name) == pytest.approx(p, abs=0.03)


def test_a_pool_edit_replaces_the_plans_values_with_its_weights(
        runs: dict[str, Timelines]) -> None:
    name, values, weights = POOL
    before, after = Counter(_values(runs["before"], name)), Counter(_values(runs["edited"], name))
    assert not set(before) & set(values)
    assert set(after) == set(values) and sum(after.values()) > 500
    share = after[values[0]] / sum(after.values())
    assert share == pytest.approx(weights[0] / sum(weights), abs=0.03)


def _values_per_user(timelines: Timelines, prop: str) -> list[int]:
    """How many distinct values of ``prop`` each user who sent it sent."""
    return [len(seen) for records in timelines.values()
            if (seen := {r["properties"][prop] for r in records if prop in r["properties"]})]


def test_a_lifetime_edit_keeps_one_value_per_user(runs: dict[str, Timelines]) -> None:
    before, after = _values_per_user(runs["before"], PER_USER), \
        _values_per_user(runs["edited"], PER_USER)
    assert sum(n > 1 for n in before) > 50          # drawn per event before the edit
    assert len(after) > 100 and max(after) == 1
    distinct = {v for records in runs["edited"].values() for r in records
                if (v := r["properties"].get(PER_USER)) is not None}
    assert len(distinct) > 1                         # per user, not one value for everyone


def test_a_kind_edit_changes_what_the_values_are(runs: dict[str, Timelines]) -> None:
    name, _ = KIND
    before, after = set(_values(runs["before"], name)), Counter(_values(runs["edited"], name))
    assert sum(after.values()) > 100
    assert not before & set(after), "the edited values still look like the plan's example"
    assert len(after) >= 5 and all(isinstance(v, str) for v in after)



def test_an_update_pattern_edit_changes_what_the_profile_receives(
        runs: dict[str, Timelines]) -> None:
    event, _, step = UPDATE
    watches = sum(_per_user(runs["edited"], event).values())
    assert set(ADDED["before"]) == {1} and sum(ADDED["before"].values()) > 100
    assert set(ADDED["edited"]) == {step} and ADDED["edited"][step] == watches
