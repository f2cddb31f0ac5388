"""validate_output on real generator output: clean output passes, and each kind of
violation is found in a copy where one thing was broken by hand."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import pytest

from demogen.errors import ConfigError
from demogen.validate import BASIC_CHECKS, CHECKS, OutputReadError, validate_output
from demogen.validate._rules_view import compile_rules
from tests.validate.generated import Output, Run, event, game_run, saas_run, shifted

__all__ = ["game_run", "saas_run"]  # fixtures used here

@pytest.fixture(scope="module")
def clean(saas_run: Run):
    return validate_output(saas_run.out, rules=saas_run.rules)


@pytest.fixture(scope="module")
def records(saas_run: Run) -> Output:
    return Output(saas_run.out)


@pytest.mark.parametrize("check", list(CHECKS))
def test_clean_generator_output_passes(clean, check: str) -> None:
    assert clean.checks == tuple(CHECKS)
    assert clean.count(check) == 0, "\n".join(map(str, clean.examples(check)))


def test_without_rules_only_the_basic_checks_run(saas_run: Run) -> None:
    report = validate_output(saas_run.out)
    assert report.checks == BASIC_CHECKS
    assert set(report.findings) == set(BASIC_CHECKS)
    assert "only the format, types, time and identity checks ran" in report.notes[0]
    assert report.records > 1_000 and 0 < report.users <= 60


def _check(tmp_path: Path, broken: Output, run: Run, kind: str, clean_count: int,
           where: tuple[str, int] | None = None, text: str = "", added: int | None = None):
    report = validate_output(broken.write(tmp_path / "broken"), rules=run.rules)
    count = report.count(kind)
    assert count > clean_count, f"{kind} not found: {report.findings}"
    if added is not None:
        assert count == clean_count + added
    if where is not None and clean_count == 0:
        lines = [str(issue) for issue in report.examples(kind)]
        file, index = where
        assert any(line.startswith(f"{file}:{index + 1}: ") and text in line
                   for line in lines), lines
    return report


def test_format(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(event("search_performed"))
    record["#os"] = "Windows"
    _check(tmp_path, broken, saas_run, "format", clean.count("format"), (file, index),
           "'#os' is not a header key", added=1)


def test_format_line_numbers_count_blank_lines(tmp_path, saas_run, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(event("search_performed"), skip=3)
    record["properties"]["query_length"] = "57"
    report = validate_output(broken.write(tmp_path / "b", blank_before=(file, 2)),
                             rules=saas_run.rules)
    assert [str(i) for i in report.examples("format")] == [f"{file}:3: empty line"]
    # the type change is found by the record pass …
    assert any(str(i).startswith(f"{file}:{index + 2}: ") for i in report.examples("types"))
    # … and rows located by DuckDB skip the blank line too
    other = records.copy()
    f2, i2, r2 = other.find(lambda r: r.get("#type") == "track" and "#account_id" in r, skip=40)
    r2["#account_id"] = "intruder"
    report = validate_output(other.write(tmp_path / "c", blank_before=(f2, 0)),
                             rules=saas_run.rules)
    assert any(str(i).startswith(f"{f2}:{i2 + 2}: ") for i in report.examples("identity"))


def test_types(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(event("search_performed"), skip=5)
    record["properties"]["query_length"] = str(record["properties"]["query_length"])
    _check(tmp_path, broken, saas_run, "types", clean.count("types"), (file, index),
           "'query_length' changes type: first a number", added=1)


def test_time_not_on_the_files_day(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(
        lambda r: event("search_performed")(r) and r["#time"].startswith("2026-11-02"))
    record["#time"] = "2026-11-03" + record["#time"][10:]
    _check(tmp_path, broken, saas_run, "time", clean.count("time"), (file, index),
           "is not on the file's day 2026-11-02", added=1)


def test_time_in_the_future(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(event("search_performed"))
    record["#time"] = "2999-01-01" + record["#time"][10:]
    _check(tmp_path, broken, saas_run, "time", clean.count("time"), (file, index),
           "in the future")


def _bound_record(output: Output, skip: int = 0):
    return output.find(lambda r: r.get("#type") == "track" and "#account_id" in r, skip=skip)


def test_identity_device_with_a_second_account(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = _bound_record(broken, skip=30)
    record["#account_id"] = "intruder"
    _check(tmp_path, broken, saas_run, "identity", clean.count("identity"), (file, index),
           "sends #account_id 'intruder', but it is bound to")


def test_identity_account_dropped_after_binding(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = _bound_record(broken, skip=30)
    del record["#account_id"]
    _check(tmp_path, broken, saas_run, "identity", clean.count("identity"), (file, index),
           "sends no #account_id, but it sent", added=1)


def test_identity_account_shared_by_two_devices(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = _bound_record(broken, skip=30)
    record["#distinct_id"] = "another-device"
    _check(tmp_path, broken, saas_run, "identity", clean.count("identity"), (file, index),
           "is used by device 'another-device', but it belongs to device", added=1)


def test_one_time_event_twice(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(event("signup"))
    again = {**record, "#time": shifted(record["#time"], 1),
             "properties": dict(record["properties"])}
    broken.files[file].insert(index + 1, again)
    _check(tmp_path, broken, saas_run, "one_time", clean.count("one_time"), (file, index + 1),
           "one-time event 'signup' again", added=1)


def test_prerequisite_after_its_event(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    for file, _, step1 in broken.records():
        if not event("onboarding_step1")(step1):
            continue
        same = [(i, r) for n, i, r in broken.user_records(step1["#distinct_id"])
                if n == file and event("onboarding_step2")(r)]
        if same:
            step2 = same[0][1]
            break
    step1["#time"] = shifted(step2["#time"], 1)
    _check(tmp_path, broken, saas_run, "prerequisite", clean.count("prerequisite"),
           (file, same[0][0]), "'onboarding_step2' of user", added=1)


def test_prerequisite_missing_where_history_is_observed(tmp_path, game_run) -> None:
    records = Output(game_run.out)
    clean = validate_output(game_run.out, rules=game_run.rules)
    broken = records.copy()
    members = {r["#distinct_id"] for _, _, r in broken.records() if event("guild_join")(r)}
    file, index, install = broken.find(
        lambda r: event("app_install")(r) and r["#distinct_id"] not in members)
    leave = {**install, "#event_name": "guild_leave", "#time": shifted(install["#time"], 1),
             "properties": {}}
    broken.files[file].insert(index + 1, leave)
    report = _check(tmp_path, broken, game_run, "prerequisite", clean.count("prerequisite"),
                    added=1)
    assert any(str(x).startswith(f"{file}:{index + 2}: 'guild_leave' of user")
               and "without its prerequisite 'guild_join'" in str(x)
               for x in report.examples("prerequisite")) or report.count("prerequisite") > 5


def test_prerequisite_not_judged_before_the_observed_history(saas_run, clean) -> None:
    """saas has no install event: a missing non-one-time prerequisite may lie before the
    window, so it is not a violation (only one-time ones that come too late are)."""
    assert any("without install events in the rules" in n for n in clean.notes)


def test_session_end_without_start(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    seen: set[str] = set()
    for file, index, record in broken.records():  # noqa: B007 - used after the loop
        if event("session_start")(record):
            if record["#distinct_id"] in seen:   # a later session: the user is known
                break
            seen.add(record["#distinct_id"])
    uid = record["#distinct_id"]
    del broken.files[file][index]
    end = next((n, i) for n, i, r in broken.user_records(uid)
               if event("session_end")(r) and (n, i) >= (file, index))
    _check(tmp_path, broken, saas_run, "session_order", clean.count("session_order"), end,
           "without an open session", added=1)


def test_lifecycle_event_before_onboarding_completes(tmp_path, saas_run, clean,
                                                     records) -> None:
    post = compile_rules(saas_run.rules).post_onboarding_events(
        {r["#event_name"] for _, _, r in records.records() if r["#type"] == "track"})
    assert post, "the saas rules restrict some events to after onboarding"
    broken = records.copy()
    file, index, done = broken.find(event("onboarding_completed"))
    early = {**done, "#event_name": post[0], "#time": shifted(done["#time"], -1),
             "properties": {k: v for k, v in done["properties"].items()
                            if k.startswith("#")}}
    broken.files[file].insert(index, early)
    _check(tmp_path, broken, saas_run, "lifecycle", clean.count("lifecycle"),
           (file, index), f"'{post[0]}' of user", added=1)


def test_constraint_mapping(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, record = broken.find(
        lambda r: r.get("properties", {}).get("user_role") == "guest")
    record["properties"]["plan_tier"] = "enterprise"
    _check(tmp_path, broken, saas_run, "constraint", clean.count("constraint"), (file, index),
           "'plan_tier' is 'enterprise' where 'user_role' is 'guest'", added=1)


def test_state_counter_disagrees_with_its_events(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    _, _, done = broken.find(event("task_completed"), skip=10)
    uid = done["#distinct_id"]
    sets = [r for _, _, r in broken.user_records(uid)
            if r["#type"] == "user_set" and "tasks_completed" in r["properties"]]
    last = sets[-1]
    last["properties"]["tasks_completed"] += 5
    report = _check(tmp_path, broken, saas_run, "state", clean.count("state"), added=1)
    assert any("'tasks_completed' changes by" in str(x) and "add up to" in str(x)
               for x in report.examples("state")) or report.count("state") > 5


def test_state_set_value_disagrees(tmp_path, saas_run, clean, records) -> None:
    broken = records.copy()
    file, index, login = broken.find(event("login"), skip=3)
    uid = login["#distinct_id"]
    after = next((n, i, r) for n, i, r in broken.user_records(uid)
                 if (n, i) > (file, index) and r["#type"] == "user_set"
                 and "last_active_time" in r["properties"])
    after[2]["properties"]["last_active_time"] = "2020-01-01 00:00:00.000"
    _check(tmp_path, broken, saas_run, "state", clean.count("state"))


def test_install_order(tmp_path, game_run: Run) -> None:
    records = Output(game_run.out)
    clean = validate_output(game_run.out, rules=game_run.rules)
    assert clean.count("install_order") == 0
    broken = records.copy()
    file, index, install = broken.find(
        lambda r: event("app_install")(r) and r["#time"][11:13] > "01")
    early = {**install, "#event_name": "shop_view", "#time": shifted(install["#time"], -1000),
             "properties": {k: v for k, v in install["properties"].items()
                            if k.startswith("#")}}
    broken.files[file].insert(index, early)
    _check(tmp_path, broken, game_run, "install_order", 0, (file, index),
           "'shop_view' of user", added=1)


def test_gzip_output_gives_the_same_result(tmp_path, saas_run, clean) -> None:
    folder = tmp_path / "gz"
    folder.mkdir()
    for path in saas_run.out.glob("logs_*.jsonl"):
        (folder / (path.name + ".gz")).write_bytes(gzip.compress(path.read_bytes()))
    report = validate_output(folder, rules=saas_run.rules)
    assert report.records == clean.records
    assert {k: f.count for k, f in report.findings.items()} == {
        k: f.count for k, f in clean.findings.items()}


def test_unreadable_inputs(tmp_path, saas_run) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        validate_output(tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match="holds no logs_YYYYMMDD"):
        validate_output(tmp_path / "empty")
    bad = tmp_path / "bad"
    shutil.copytree(saas_run.out, bad)
    path = bad / "logs_20261102.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    lines[6] = b'{"#type": "track", oops}\n'
    path.write_bytes(b"".join(lines))
    with pytest.raises(OutputReadError, match=r"logs_20261102\.jsonl:7: not valid JSON"):
        validate_output(bad)
    broken_gz = tmp_path / "gz"
    broken_gz.mkdir()
    data = gzip.compress((saas_run.out / "logs_20261101.jsonl").read_bytes())
    (broken_gz / "logs_20261101.jsonl.gz").write_bytes(data[: len(data) // 2])
    with pytest.raises(OutputReadError, match=r"logs_20261101\.jsonl\.gz:\d+: broken gzip"):
        validate_output(broken_gz)


def test_compiled_rules_view(saas_run) -> None:
    compiled = compile_rules(saas_run.rules)
    assert compiled.anchor == ()   # no install event in the saas plan
    assert ("onboarding_step2", "onboarding_step1", True) in compiled.prerequisites
    post = compiled.post_onboarding_events(["invite_sent", "search_performed", "signup",
                                            "session_start"])
    assert post == ["invite_sent"]
    assert [c.prop for c in compiled.constraints] == ["currency", "plan_tier"]
    ops = {(r.event, r.prop): r for r in compiled.state_rules}
    assert ops[("login", "last_active_time")].reference == "#time"
    assert ops[("task_completed", "tasks_completed")].literal == "1"


def test_a_balance_may_stop_at_its_range_maximum(tmp_path, game_run: Run) -> None:
    """Gold is a balance with a range maximum: earnings lost to the cap are no violation
    (its change lies between its spending and its earnings). Without the range in the
    rules, the same loss is one (the change must be at least earnings − spending)."""
    assert compile_rules(game_run.rules).capped == ("gem", "gold")
    broken = Output(game_run.out).copy()
    earned, spent = _gold_flows(broken)
    uid = max(earned, key=lambda u: earned[u] - spent.get(u, 0) if u in spent else -1)
    assert uid in spent and earned[uid] - spent[uid] > 10, (earned, spent)
    last = [r for _, _, r in broken.user_records(uid)
            if r["#type"] == "user_set" and "gold" in r["properties"]][-1]
    last["properties"]["gold"] -= earned[uid] - 1    # as if the cap took nearly all earnings
    out = broken.write(tmp_path / "broken")
    clean = validate_output(game_run.out, rules=game_run.rules).count("state")
    assert validate_output(out, rules=game_run.rules).count("state") == clean
    uncapped = game_run.rules.model_copy(deep=True)
    del uncapped.value_ranges["gold"]
    assert validate_output(out, rules=uncapped).count("state") == clean + 1


def _gold_flows(output: Output) -> tuple[dict[str, float], dict[str, float]]:
    """Gold earned and spent per user, from the events' ``gold_amount``."""
    earned: dict[str, float] = {}
    spent: dict[str, float] = {}
    for _, _, r in output.records():
        flows = {"gold_earn": earned, "gold_spend": spent}.get(r.get("#event_name", ""))
        amount = r.get("properties", {}).get("gold_amount")
        if flows is not None and isinstance(amount, int | float):
            flows[r["#distinct_id"]] = flows.get(r["#distinct_id"], 0) + amount
    return earned, spent
