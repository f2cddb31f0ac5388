"""Issue 13: retention keeps falling, most of a month's users show up on one day only, and
the segments' purchase probabilities in Rules decide who pays.

The model is checked on every vertical preset (fast: the fitted curve), the shapes on
generated runs (``generate --debug-users``, measured with ``behaviour_stats``): a small
plan with each preset, so that the activity model, not the plan, is what is measured.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml

from demogen.analysis.naming import NameMap
from demogen.simulation import load_preset
from demogen.simulation.activity import expected_retention, fit_preset
from demogen.simulation.engine import long_run_activity
from demogen.simulation.population import pay_weights
from demogen.simulation.presets import preset_names
from demogen.vocab import Segment
from tests.simulation.behaviour_stats import BehaviourStats, measure
from tests.simulation.generated_outputs import EXAMPLES, analysed, generate

VERTICALS = ("game", "ecommerce", "saas", "media", "fitness", "education")
#: Presets whose retention is another's (mobility keeps generic's): fitted, not run.
FITTED_ONLY = ("mobility", "generic")
#: A plan with a handful of events: the runs measure who is active when, not the events.
SMALL_PLAN = Path(__file__).resolve().parents[1] / "data" / "seed_plan"


@pytest.mark.parametrize("name", [*VERTICALS, *FITTED_ONLY])
def test_fitted_curve_keeps_falling_and_hits_its_targets(name: str) -> None:
    """With the one-visit share and the visit spread, the fit still lands on the preset's
    D1/D7/D30, and the curve has no plateau after a week: D14 < 0.8 × D7."""
    preset = load_preset(name)
    params = fit_preset(preset, long_run_activity(preset))
    r1, r7, r14, r30 = expected_retention(params, [1, 7, 14, 30])
    target = preset.retention
    assert r1 == pytest.approx(target.d1, rel=0.03)
    assert r7 == pytest.approx(target.d7, rel=0.15)
    assert r30 == pytest.approx(target.d30, rel=0.15)
    assert r14 < 0.8 * r7, (r7, r14, r30)


def test_every_preset_is_measured() -> None:
    assert set(preset_names()) == {*VERTICALS, *FITTED_ONLY}


def test_one_visit_installs_never_come_back_and_existing_users_are_not_one_visit() -> None:
    preset = load_preset("ecommerce")
    params = fit_preset(preset, long_run_activity(preset))
    assert params.one_visit_engagement > 0
    assert params.hazard(params.one_visit_engagement * 0.99) == 1.0
    assert params.hazard(params.one_visit_engagement * 1.01) < 0.9


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, BehaviourStats]:
    """Each vertical's preset on the small plan, 3,000 users × 30 days."""
    tmp = tmp_path_factory.mktemp("retention")
    out: dict[str, BehaviourStats] = {}
    for name in VERTICALS:
        users = tmp / f"{name}.jsonl"
        g = generate(SMALL_PLAN, tmp / name, users=3000, days=30, seed=3,
                     extra=["--preset", name, "--debug-users", users])
        out[name] = measure(g.out, users)
    return out


@pytest.mark.parametrize("name", VERTICALS)
def test_day_14_return_is_below_four_fifths_of_day_7(runs: dict[str, BehaviourStats],
                                                      name: str) -> None:
    """Each averaged with its neighbouring days: one day's return swings with its weekday
    and cohort (education at seed 3 was 0.637 of D7 before session 17's changes to the
    user's draws, 0.861 after; 0.71 / 0.69 and 0.68 / 0.57 at seeds 4 and 5)."""
    returns = runs[name].returns_pooled
    d7, d14 = returns[7], returns[14]
    assert d7 is not None and d14 is not None
    assert d14 < 0.8 * d7, (returns, runs[name].returns)


@pytest.mark.parametrize("name", ["ecommerce", "media"])
def test_most_users_of_a_month_are_one_day_users(runs: dict[str, BehaviourStats],
                                                 name: str) -> None:
    """Real shop and media logs: 0.55–0.59 of a month's users are seen on one day only."""
    assert runs[name].one_day_users >= 0.45, runs[name].one_day_users


@pytest.mark.parametrize("name", ["game", "fitness"])
def test_most_installs_of_an_app_never_return(runs: dict[str, BehaviourStats],
                                              name: str) -> None:
    """Mobile games and fitness apps: D1 20–45 % (realism-bands §2, §5), so most installs
    skip day 1 and many never return; a month's one-day users were ~0.25 without a
    one-visit share (session 8), like a product everyone comes back to."""
    assert runs[name].one_day_users >= 0.40, runs[name].one_day_users


# -- who pays ----------------------------------------------------------------------------

def test_pay_weights_follow_the_probabilities_and_average_one() -> None:
    mix = {Segment.ACTIVE_USER: 0.6, Segment.POWER_USER: 0.4}
    weights = pay_weights({Segment.NEW_USER: 0.02, Segment.ACTIVE_USER: 0.05,
                           Segment.POWER_USER: 0.2}, mix, existing_share=0.5)
    starts = {Segment.NEW_USER: 0.5, Segment.ACTIVE_USER: 0.3, Segment.POWER_USER: 0.2}
    assert sum(starts[s] * weights[s] for s in starts) == pytest.approx(1.0)
    assert weights[Segment.POWER_USER] / weights[Segment.ACTIVE_USER] == pytest.approx(4.0)
    assert weights[Segment.NEW_USER] / weights[Segment.ACTIVE_USER] == pytest.approx(0.4)


def _payers_by_start(out: Path, users_file: Path, revenue: set[str]) -> Counter[str]:
    start: dict[str, str] = {}
    for line in users_file.read_bytes().splitlines():
        row = orjson.loads(line)
        start.setdefault(row["#distinct_id"], row["start_segment"])
    payers: set[str] = set()
    for path in sorted(out.glob("logs_*.jsonl")):
        for line in path.read_bytes().splitlines():
            record = orjson.loads(line)
            if record.get("#event_name") in revenue:
                payers.add(record["#distinct_id"])
    return Counter(start[p] for p in payers)


def test_editing_segment_purchase_probabilities_changes_who_pays(tmp_path: Path) -> None:
    """Rules ``segment_analysis.<SEGMENT>.event_probabilities`` of the revenue event: by the
    analysis' defaults POWER users buy most and new installs a little; edited so that new
    installs never buy and POWER users hardly (ACTIVE users most), the payers follow."""
    plan = EXAMPLES / "ecommerce"
    taxonomy, _, rules = analysed(plan)
    revenue = set(rules.event_roles.revenue)
    assert revenue, "the e-commerce example has a revenue event"
    written = {NameMap.build(taxonomy).event(e) for e in revenue}
    wanted = {"NEW_USER": 0.0, "POWER_USER": 0.01, "ACTIVE_USER": 0.5}
    dumped: dict[str, Any] = rules.model_dump(mode="json", exclude_defaults=True)
    edited: dict[str, Any] = {"segment_analysis": {}}
    for segment, profile in dumped["segment_analysis"].items():
        probabilities = dict(profile.get("event_probabilities", {}))
        for event in revenue:
            probabilities[event] = wanted.get(segment, 0.05)
        edited["segment_analysis"][segment] = {**profile,
                                               "event_probabilities": probabilities}
    counts = {}
    for name, given in (("default", {}), ("edited", edited)):
        users, rules_file = tmp_path / f"{name}.jsonl", tmp_path / f"{name}.yaml"
        rules_file.write_text(yaml.safe_dump(given, sort_keys=False), encoding="utf-8")
        g = generate(plan, tmp_path / name, users=1500, days=14, seed=2,
                     extra=["--rules", rules_file, "--debug-users", users])
        counts[name] = _payers_by_start(g.out, users, written)
    default, edited_counts = counts["default"], counts["edited"]
    assert default["NEW_USER"] > 0 and default["POWER_USER"] > default["ACTIVE_USER"], counts
    assert edited_counts["NEW_USER"] == 0, counts
    assert edited_counts["ACTIVE_USER"] > 2 * edited_counts["POWER_USER"], counts
