"""Plans people write, through the CLI: an event listing a user property carries the user's
value and updates it; the seed's 4-column layout has user properties; the industry is
inferred when product.json is silent (an unknown --industry is refused); no plan event is
left out of the output without being named."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
import pytest

from tests.data import SEED_LAYOUT_PLAN, SEED_PLAN, SEGMENT_PLAN, WEIGHT_PLAN
from tests.simulation.generated_outputs import EXAMPLES, analysed, run_cli, window_start

DAYS = 7


def _generate(plan: Path, out: Path, users: int = 120,
              days: int = DAYS) -> tuple[Any, list[dict[str, Any]]]:
    result = run_cli(["generate", plan, "-o", out, "--users", users, "--days", days,
                      "--start", window_start(days).isoformat(), "--seed", 3])
    assert result.exit_code == 0, result.output
    records = [orjson.loads(line) for day in sorted(out.glob("logs_*.jsonl"))
               for line in day.read_bytes().splitlines()]
    return result, records


def _timelines(records: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    users: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        users[record["#distinct_id"]].append(record)
    return users


def test_an_event_listing_a_user_property_carries_and_updates_it(tmp_path: Path) -> None:
    result, records = _generate(WEIGHT_PLAN, tmp_path / "out")
    assert "events list user properties: weight_kg (weight_record)" in result.stderr
    weigh_ins = followed = 0
    for timeline in _timelines(records).values():
        current = None
        for i, record in enumerate(timeline):
            props = record["properties"]
            if record["#type"] == "user_set" and "weight_kg" in props:
                current = props["weight_kg"]
            if record["#type"] == "track" and record["#event_name"] == "weight_record":
                weigh_ins += 1
                after = timeline[i + 1] if i + 1 < len(timeline) else None
                if after and after["#type"] == "user_set" and "weight_kg" in after["properties"]:
                    followed += 1
                    assert after["#time"] == record["#time"]
                    assert after["properties"]["weight_kg"] == props["weight_kg"]
                elif current is not None:      # nothing changed: it shows the current value
                    assert props["weight_kg"] == current
    assert weigh_ins > 50 and followed > weigh_ins * 0.5, (weigh_ins, followed)


def test_a_reported_measurement_drifts_instead_of_stepping_up(tmp_path: Path) -> None:
    """A weigh-in reports the body weight: from one to the next it moves by about a percent,
    up or down, never the +1 a level takes; the profile follows the last report."""
    _, records = _generate(WEIGHT_PLAN, tmp_path / "out")
    changes = []
    for timeline in _timelines(records).values():
        weights = [r["properties"]["weight_kg"] for r in timeline
                   if r["#type"] == "track" and r["#event_name"] == "weight_record"]
        changes += [b / a - 1 for a, b in pairwise(weights)]
    assert len(changes) > 50
    assert max(abs(c) for c in changes) <= 0.01 + 0.05 / 40   # ±1 %, to 0.1 kg from 40 kg
    assert sum(c < 0 for c in changes) > len(changes) // 4       # it goes down, too
    assert sum(c > 0 for c in changes) > len(changes) // 4


def test_seed_layout_reads_user_properties_and_levels_never_go_down(tmp_path: Path) -> None:
    result, records = _generate(SEED_LAYOUT_PLAN, tmp_path / "out")
    assert "read as user properties, as their descriptions say: level" in result.stderr
    sets = 0
    for user, timeline in _timelines(records).items():
        level = None
        for i, record in enumerate(timeline):
            props = record["properties"]
            if record["#type"] == "user_set" and "level" in props:
                sets += 1
                assert level is None or props["level"] >= level, user
                level = props["level"]
            elif record["#type"] == "track" and "level" in props and level is not None:
                # The current level, or the one reached (level_up: its user_set follows).
                after = timeline[i + 1]["properties"] if i + 1 < len(timeline) else {}
                assert props["level"] in (level, after.get("level")), (user, record)
    assert sets > 20


@pytest.mark.parametrize(("plan", "industry", "word"), [
    (SEED_LAYOUT_PLAN, "game", "stage"), (WEIGHT_PLAN, "fitness", "weight")])
def test_industry_inferred_without_product_json(tmp_path: Path, plan: Path, industry: str,
                                                word: str) -> None:
    result = run_cli(["analyze", plan, "--cache-dir", tmp_path])
    assert result.exit_code == 0, result.output
    line = next(s for s in result.stderr.splitlines() if s.startswith("industry:"))
    assert line.startswith(f"industry: {industry}, inferred from the plan:") and word in line
    assert "--industry" in line
    overridden = run_cli(["analyze", plan, "--cache-dir", tmp_path, "--industry", "media"])
    assert overridden.exit_code == 0 and "industry:" not in overridden.stderr
    assert "(media," in overridden.stdout


KR_INDUSTRIES = {"idle-game-example": "game", "card-game-tracking-plan": "game",
                 "casual-game-tracking-plan": "game", "ecommerce-tracking-plan": "ecommerce"}


def test_korean_workbooks_industry_inferred(shared_dir: Path, tmp_path: Path) -> None:
    from demogen.taxonomy import load_taxonomy

    books = sorted((shared_dir / "kr-xlsx").glob("*.xlsx"))
    assert len(books) == 5
    for book in books:
        product = load_taxonomy(book).product
        expected = next(v for k, v in KR_INDUSTRIES.items() if k in book.name)
        assert product.industry == expected and product.industry_inferred, book.name


def test_unknown_industry_exits_2_listing_the_valid_ones(tmp_path: Path) -> None:
    for command in (["analyze", SEED_PLAN], ["generate", SEED_PLAN, "-o", tmp_path / "out"]):
        result = run_cli([*command, "--industry", "fintech", "--cache-dir", tmp_path])
        assert result.exit_code == 2, result.output
        assert "unknown industry 'fintech'" in result.stderr
        assert all(name in result.stderr for name in ("game", "ecommerce", "saas", "generic"))
        assert not (tmp_path / "out").exists()
    ok = run_cli(["analyze", SEED_PLAN, "--industry", "Mobile RPG", "--cache-dir", tmp_path])
    assert ok.exit_code == 0, ok.output


_PLANS = {"game": EXAMPLES / "game", "ecommerce": EXAMPLES / "ecommerce",
          "saas": EXAMPLES / "saas", "seed_plan": SEED_PLAN, "segment_shop": SEGMENT_PLAN,
          "weight_log": WEIGHT_PLAN, "seed_layout": SEED_LAYOUT_PLAN}


@pytest.mark.parametrize("plan_id", sorted(_PLANS))
def test_no_plan_event_dropped_without_a_message(tmp_path: Path, plan_id: str) -> None:
    from demogen.analysis.naming import NameMap
    from demogen.taxonomy import load_taxonomy

    plan = _PLANS[plan_id]
    # Big enough that rare events (a refund in a few hundred purchases) happen.
    result, records = _generate(plan, tmp_path / "out", users=1000, days=14)
    written = NameMap.build(load_taxonomy(plan).taxonomy)
    named = {written.event(name) for name in
             re.findall(r"^not generated: (.+?): ", result.stderr, re.MULTILINE)}
    emitted = Counter(r["#event_name"] for r in records if r["#type"] == "track")
    events = {written.event(e.name) for e in load_taxonomy(plan).taxonomy.events}
    # Refunds follow a few percent of purchases: too few purchases, none by chance.
    rules = analysed(plan)[2]
    roles = rules.event_roles
    purchases = sum(emitted[written.event(e)] for e in roles.revenue)
    # ... and so do cancellations and other follow-ups of a purchase (Rules events.follows)
    after_purchase = [e for e, spec in rules.events.items() if spec.follows in roles.revenue]
    rare = ({written.event(e) for e in (*roles.refund[:1], *after_purchase)}
            if purchases < 100 else set())
    missing = events - set(emitted) - rare
    assert missing <= named, f"dropped without a message: {missing - named}"
    assert not named & set(emitted), f"named but generated: {named & set(emitted)}"
