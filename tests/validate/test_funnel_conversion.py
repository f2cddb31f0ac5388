"""validate's ``funnel`` check: each funnel step's measured conversion against the declared one.

The bundled examples (200 users × 3 days) pass with their own rules, checked against the
plan (``--taxonomy``). A copy whose ``rules.yaml`` declares very different conversions (a
session chain's step and an onboarding step) fails exactly those steps. The measuring
(per occurrence within a session, per user over the run, sessions by their start event or
a 30-minute pause) is tested on a small hand-made table, and the reading of the rules
(which steps are measured, which are skipped and why) on the examples' analysis.
"""

from __future__ import annotations

import re
import shutil
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
import yaml

from demogen.analysis.rules import Funnel, Rules
from demogen.validate import CHECKS, validate_output
from demogen.validate._funnels import (
    MIN_USERS,
    SESSION,
    USER,
    FunnelRules,
    FunnelStep,
    compile_funnels,
    measure_steps,
    tolerance,
)
from tests.simulation.generated_outputs import EXAMPLES, run_cli, window_start

USERS, DAYS = 200, 3
#: A session chain (every gold_earn, then gold_spend at 0.7) and an onboarding step.
CHAIN = ("gold_earn", "gold_spend")
ONBOARDING = ("tutorial_step2", "tutorial_step3")
#: A start with alternative ends: each stage_start ends once, in a clear (0.9) or a fail (0.1).
CLEAR, FAIL = ("stage_start", "stage_clear"), ("stage_start", "stage_fail")


def _generate(tmp: Path, example: str) -> Path:
    out = tmp / example
    result = run_cli(["generate", EXAMPLES / example, "-o", out, "--users", USERS,
                      "--days", DAYS, "--seed", 5, "--start", window_start(DAYS).isoformat(),
                      "--cache-dir", tmp / "cache", "--quiet"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("funnels")
    return {example: _generate(tmp, example) for example in ("ecommerce", "game", "saas")}


def _validate(out: Path, *extra: object):  # type: ignore[no-untyped-def]
    return run_cli(["validate", out, "--workers", 1, *extra])


def _judged(text: str, a: str, b: str) -> tuple[float, float, float]:
    """(declared, measured, tolerance) of the judged step ``a → b`` in validate's words."""
    found = re.search(rf"step {a} → {b}: declared ([0-9.]+), measured ([0-9.]+) "
                      r"\(.*?tolerance ±([0-9.]+)\)", " ".join(text.split()))
    assert found, f"{a} → {b} not judged: {text}"
    declared, measured, tol = found.groups()
    return float(declared), float(measured), float(tol)


# -- the examples pass -------------------------------------------------------------------------


@pytest.mark.parametrize("example", ["ecommerce", "game", "saas"])
def test_the_examples_pass_the_funnel_check_against_their_plan(
        outputs: dict[str, Path], example: str, tmp_path: Path) -> None:
    result = _validate(outputs[example], "--taxonomy", EXAMPLES / example,
                       "--cache-dir", tmp_path, "-v")
    assert result.exit_code == 0, result.output
    assert "funnel " in result.stdout and "funnel steps judged" in result.stdout


def test_the_game_judges_its_chains_and_its_tutorial(outputs: dict[str, Path]) -> None:
    rules = Rules.load(outputs["game"] / "rules.yaml")
    report = validate_output(outputs["game"], rules=rules, workers=1)
    assert report.count("funnel") == 0, report.examples("funnel")
    judged = [d for d in report.details if "measured" in d]
    for a, b in (CHAIN, ONBOARDING, CLEAR, FAIL):
        assert any(f"step {a} → {b}: declared" in d for d in judged), report.details
    # Declared numbers that drive nothing are said, with the reason.
    assert any("shop_view → product_view (0.4): no sequence plays it" in d
               for d in report.details), report.details


# -- a hand-broken copy fails ------------------------------------------------------------------


def _declare(rules: dict, a: str, b: str, p: float) -> None:
    for funnel in rules["event_constraints"]["funnels"]:
        steps = funnel["steps"]
        for i in range(1, len(steps)):
            if (steps[i - 1], steps[i]) == (a, b):
                funnel["conversion"][i] = p
                return
    raise AssertionError(f"no funnel has {a} → {b}")


def test_a_very_different_declared_conversion_is_reported(
        outputs: dict[str, Path], tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(outputs["game"], broken)
    path = broken / "rules.yaml"
    rules = yaml.safe_load(path.read_text(encoding="utf-8"))
    played = {CHAIN: 0.7, ONBOARDING: 0.95, CLEAR: 0.9}
    declared = {CHAIN: 0.2, ONBOARDING: 0.5, CLEAR: 0.5}
    for step, p in declared.items():
        _declare(rules, *step, p)
    path.write_text(yaml.safe_dump(rules, sort_keys=False, allow_unicode=True),
                    encoding="utf-8")

    result = _validate(broken)
    assert result.exit_code == 1, result.output
    assert "invalid: 3 violations" in result.stderr     # the funnel's three, nothing else
    text = " ".join(result.stdout.split())      # rich wraps long lines
    assert "funnel: 3 violations" in text
    for step, p in declared.items():
        said, measured, tol = _judged(text, *step)
        assert said == p and abs(measured - played[step]) <= tol, (step, measured)


def test_an_edited_end_of_a_start_drives_the_data_and_is_judged(tmp_path: Path) -> None:
    """stage_start ends in a clear or a fail: editing their conversions (0.9 | 0.1 →
    0.6 | 0.3) changes how starts end, and validate measures each end per start."""
    rules = _analysed("game", tmp_path)
    edited = {CLEAR: 0.6, FAIL: 0.3}
    for funnel in rules.event_constraints.funnels:
        for i in range(1, len(funnel.steps)):
            if (step := (funnel.steps[i - 1], funnel.steps[i])) in edited and funnel.conversion:
                funnel.conversion[i] = edited[step]
    path = tmp_path / "edited.yaml"
    rules.save(path)
    out = tmp_path / "out"
    result = run_cli(["generate", EXAMPLES / "game", "--rules", path, "-o", out,
                      "--users", USERS, "--days", DAYS, "--seed", 7,
                      "--start", window_start(DAYS).isoformat(),
                      "--cache-dir", tmp_path / "cache", "--quiet"])
    assert result.exit_code == 0, result.output
    checked = _validate(out, "-v")
    assert checked.exit_code == 0, checked.output
    for step, p in edited.items():
        said, measured, tol = _judged(checked.stdout, *step)
        assert said == p and abs(measured - p) <= tol, (step, measured)


# -- the reading of the rules ------------------------------------------------------------------


def _analysed(example: str, tmp: Path) -> Rules:
    path = tmp / f"{example}.yaml"
    result = run_cli(["analyze", EXAMPLES / example, "-o", path, "--quiet",
                      "--cache-dir", tmp / "cache"])
    assert result.exit_code == 0, result.output
    return Rules.load(path)


def test_steps_are_measured_as_their_sequence_is_played(tmp_path: Path) -> None:
    funnels = compile_funnels(_analysed("game", tmp_path))
    units = {(s.a, s.b): s.unit for s in funnels.steps}
    assert units[CHAIN] == SESSION and units[ONBOARDING] == USER
    assert units[("app_install", "tutorial_step1")] == USER
    # A purchase funnel's attempt converts per attempt; its earlier steps are walked by
    # payers at a rate of their own once they decided to buy.
    assert units[("purchase_start", "purchase")] == SESSION
    skipped = "\n".join(funnels.skipped)
    assert "product_view → purchase_start (0.3): product_view and purchase_start are steps " \
           "of a purchase funnel too" in skipped
    assert "tutorial_complete → guild_join (0.2): no sequence plays it" in skipped


def _set_conversion(rules: Rules, a: str, b: str, p: float | None) -> None:
    """The first funnel declaring ``a → b`` declares ``p`` (None: the funnel declares none)."""
    for funnel in rules.event_constraints.funnels:
        if not funnel.conversion:
            continue
        for i, pair in enumerate(pairwise(funnel.steps), start=1):
            if pair == (a, b):
                if p is None:
                    funnel.conversion = []
                else:
                    funnel.conversion[i] = p
                return
    raise AssertionError(f"no funnel declares {a} → {b}")


def test_the_ends_of_a_start_are_judged_per_start_while_their_conversions_fit(
        tmp_path: Path) -> None:
    rules = _analysed("game", tmp_path)
    units = {(s.a, s.b): s.unit for s in compile_funnels(rules).steps}
    assert units[CLEAR] == units[FAIL] == SESSION
    # A start ends once: ends declaring more than 1 together are played scaled down.
    _set_conversion(rules, *FAIL, 0.3)
    over = compile_funnels(rules)
    assert not {CLEAR, FAIL} & {(s.a, s.b) for s in over.steps}
    assert any("stage_start → stage_clear (0.9): stage_start ends once, in stage_clear, "
               "stage_fail, whose conversions add up to 1.2" in s for s in over.skipped)
    # An end with no declared conversion: the generator's default shares the starts.
    _set_conversion(rules, *FAIL, None)
    silent = compile_funnels(rules)
    assert CLEAR not in {(s.a, s.b) for s in silent.steps}
    assert any("stage_start → stage_clear (0.9): stage_start ends in stage_clear, stage_fail; "
               "stage_fail declares no conversion" in s for s in silent.skipped)


def test_user_sequences_outside_onboarding_and_repeated_steps_are_skipped(
        tmp_path: Path) -> None:
    rules = _analysed("saas", tmp_path)
    skipped = "\n".join(compile_funnels(rules).skipped)
    assert "workspace_created → trial_started (0.8): a user sequence outside onboarding" \
        in skipped
    ec = rules.event_constraints
    ec.funnels.append(Funnel(name="again", steps=["task_created", "task_completed"],
                             conversion=[1.0, 0.1]))
    again = compile_funnels(rules)
    assert sum(s.a == "task_created" and s.b == "task_completed" for s in again.steps) == 1
    assert any("funnel 'again' step task_created → task_completed (0.1): funnel "
               "'task_created_task_completed' declares this step first" in s
               for s in again.skipped)


def test_the_tolerance_grows_with_fewer_draws() -> None:
    assert tolerance(0.5, 10_000) == 0.05
    assert tolerance(0.5, 100) == pytest.approx(0.15)
    assert tolerance(0.9, 0) == 1.0


# -- the measuring -----------------------------------------------------------------------------


def _table(rows: list[tuple[str, str, str]]) -> duckdb.DuckDBPyConnection:
    """``o`` as validate loads it, from (user, time, event) in each user's order."""
    con = duckdb.connect()
    con.execute("CREATE TABLE o (uid VARCHAR, pos BIGINT, ts TIMESTAMP, name VARCHAR, "
                "is_track BOOLEAN)")
    positions: dict[str, int] = {}
    for uid, stamp, name in rows:
        positions[uid] = positions.get(uid, 0) + 1
        con.execute("INSERT INTO o VALUES (?, ?, ?, ?, true)",
                    [uid, positions[uid], f"2026-11-02 {stamp}", name])
    return con


def test_a_chain_step_counts_each_occurrence_until_the_next_one_in_its_session() -> None:
    rows = [
        # u1: a b a (the second a is not followed before the session ends) | a b
        ("u1", "10:00:00", "start"), ("u1", "10:00:01", "a"), ("u1", "10:00:02", "x"),
        ("u1", "10:00:03", "b"), ("u1", "10:00:04", "a"),
        ("u1", "12:00:00", "start"), ("u1", "12:00:01", "b"), ("u1", "12:00:02", "a"),
        ("u1", "12:00:03", "b"),
        # u2: a a b: only the second a is followed by b before the next a
        ("u2", "10:00:00", "start"), ("u2", "10:00:01", "a"), ("u2", "10:00:02", "a"),
        ("u2", "10:00:03", "b"),
    ]
    step = FunnelStep("f", "a", "b", 0.5, SESSION)
    [m] = measure_steps(_table(rows), "o", FunnelRules((step,), (), ("start",)))
    assert (m.users, m.n, m.converted) == (2, 5, 3)
    # Without session start events, a pause over 30 minutes starts a session.
    [gap] = measure_steps(_table(rows), "o", FunnelRules((step,), ()))
    assert (gap.n, gap.converted) == (5, 3)
    later = [(u, "10:40:00" if (u, t) == ("u1", "10:00:03") else t, n) for u, t, n in rows]
    [split] = measure_steps(_table(later), "o", FunnelRules((step,), ()))
    assert (split.n, split.converted) == (5, 2)      # u1's first b is in the next session


def test_a_user_step_counts_users_from_their_first_occurrence() -> None:
    rows = [("u1", "10:00:00", "a"), ("u1", "11:00:00", "a"), ("u1", "15:00:00", "b"),
            ("u2", "10:00:00", "b"), ("u2", "10:00:01", "a"),
            ("u3", "10:00:00", "a")]
    step = FunnelStep("f", "a", "b", 0.5, USER)
    [m] = measure_steps(_table(rows), "o", FunnelRules((step,), (), ("start",)))
    assert (m.users, m.n, m.converted) == (3, 3, 1)
    assert not m.judged and m.ok and MIN_USERS > 3


def test_the_check_is_listed() -> None:
    assert "funnel" in CHECKS


def test_an_attempt_succeeds_in_any_of_its_revenue_events() -> None:
    """One attempt leading two revenue events (te_iap_transaction, te_iap_purchase_succeeded)
    succeeds when either follows it: each success shows one of them."""
    rows = [("u1", "10:00:00", "start"), ("u1", "10:00:01", "try"), ("u1", "10:00:02", "paid"),
            ("u1", "10:00:03", "try"), ("u1", "10:00:04", "done"),
            ("u1", "10:00:05", "try"), ("u1", "10:00:06", "fail")]
    step = FunnelStep("f", "try", "paid", 0.8, SESSION, ("done",))
    [m] = measure_steps(_table(rows), "o", FunnelRules((step,), (), ("start",)))
    assert (m.n, m.converted) == (3, 2)
    assert "try → paid | done" in m.describe()


def test_an_attempt_with_two_revenue_ends_is_judged_once_over_both() -> None:
    rules = Rules.model_validate({
        "event_roles": {"revenue": ["paid", "done"]},
        "event_constraints": {
            "sequences": [["shop", "try", "paid"], ["try", "done"], ["try", "fail"]],
            "sequence_details": [{"events": s, "scope": "session"}
                                 for s in (["shop", "try", "paid"], ["try", "done"],
                                           ["try", "fail"])],
            "funnels": [{"name": "store", "steps": ["shop", "try", "paid"],
                         "conversion": [1.0, 0.1, 0.8], "per_session": True},
                        {"name": "try_done", "steps": ["try", "done"], "conversion": [1.0, 0.8],
                         "per_session": True}]}})
    funnels = compile_funnels(rules)
    attempt = [s for s in funnels.steps if s.a == "try"]
    assert [(s.b, s.also, s.p) for s in attempt] == [("paid", ("done",), 0.8)]
    assert any("try → done" in why and "'store' judges it" in why for why in funnels.skipped)


def _keyed_table(rows: list[tuple[str, str, str, str | None]]) -> duckdb.DuckDBPyConnection:
    """``o`` with one id column (``p0``: the order id), as validate loads a wanted property."""
    con = duckdb.connect()
    con.execute("CREATE TABLE o (uid VARCHAR, pos BIGINT, ts TIMESTAMP, name VARCHAR, "
                "is_track BOOLEAN, p0 VARCHAR)")
    positions: dict[str, int] = {}
    for uid, stamp, name, key in rows:
        positions[uid] = positions.get(uid, 0) + 1
        con.execute("INSERT INTO o VALUES (?, ?, ?, ?, true, ?)",
                    [uid, positions[uid], f"2026-11-02 {stamp}", name, key])
    return con


def test_an_order_paid_in_a_later_session_converts_its_attempt() -> None:
    """Rules let a share of the orders be paid later (events.<revenue>.later_share): an
    attempt whose order id a later purchase names converted, in whichever session; one
    without an id is judged in its session; a purchase of another order converts nothing."""
    rows = [
        # o1 paid at once; o2 held over, paid in the next session
        ("u1", "10:00:00", "start", None), ("u1", "10:00:01", "submit", "o1"),
        ("u1", "10:00:02", "pay", "o1"), ("u1", "10:00:03", "submit", "o2"),
        ("u1", "12:00:00", "start", None), ("u1", "12:00:02", "pay", "o2"),
        # an attempt without its id: the session decides
        ("u2", "10:00:00", "start", None), ("u2", "10:00:01", "submit", None),
        ("u2", "10:00:02", "pay", None),
    ]
    keyed = FunnelRules((FunnelStep("f", "submit", "pay", 0.8, SESSION, (), ("order_id",)),),
                        (), ("start",))
    plain = FunnelRules((FunnelStep("f", "submit", "pay", 0.8, SESSION),), (), ("start",))
    ids = {"order_id": "p0"}
    [m] = measure_steps(_keyed_table(rows), "o", keyed, ids)
    assert (m.n, m.converted) == (3, 3)
    assert "naming its order_id" in m.describe()
    [s] = measure_steps(_keyed_table(rows), "o", plain)
    assert (s.n, s.converted) == (3, 2)         # judged in its session, o2 failed
    # A payment right after an attempt, of another order: that attempt is not converted.
    other = [("u3", "10:00:00", "start", None), ("u3", "10:00:01", "submit", "o4"),
             ("u3", "10:00:02", "pay", "o9")]
    [m] = measure_steps(_keyed_table(other), "o", keyed, ids)
    assert (m.n, m.converted) == (1, 0)


def test_only_a_purchase_rules_let_pay_later_names_its_order_ids() -> None:
    def rules(later: float | None) -> Rules:
        return Rules.model_validate({
            "event_roles": {"revenue": ["pay"]},
            "events": {"pay": {"later_share": later}},
            "properties": {"order_id": {"id": {"stem": "order", "mode": "unique"}},
                           "note": {}},
            "event_constraints": {
                "sequences": [["shop", "submit", "pay"]],
                "sequence_details": [{"events": ["shop", "submit", "pay"], "scope": "session"}],
                "funnels": [{"name": "buy", "steps": ["shop", "submit", "pay"],
                             "conversion": [1.0, 0.3, 0.8], "per_session": True}]}})
    [step] = [s for s in compile_funnels(rules(0.12)).steps if s.a == "submit"]
    assert step.ids == ("order_id",)
    for none in (None, 0.0):
        [plain] = [s for s in compile_funnels(rules(none)).steps if s.a == "submit"]
        assert plain.ids == ()
