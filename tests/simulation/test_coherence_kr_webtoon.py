"""The Korean webtoon workbook 툰나무 (tests/data/unseen/build_kr_webtoon.py), read as a
prospect would (issue 11): what its coins show. Each check holds for any plan; this workbook
is the one that showed it missing.

Measured before (120 users x 5 days, seed 3): ``coin_use.coin_amount`` (1~10 on its own
row; 100~10000 on ``coin_charge``, where the name is first defined) drawn in 100~10000 on
every coin use; ``coin_charge.coin_amount`` not the count its pack's id names (2,544 of
2,544 charges at 300 x 10: ``coin_100`` gave 311 coins); ``episode_read.is_free`` not
what its ``unlock_type`` says (1,397 of 2,977 reads at 300 x 10).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from demogen.validate.coherence._catalogue import CatalogueChecker
from tests.data.unseen.build_kr_webtoon import write_kr_webtoon
from tests.simulation.generated_outputs import (
    Generated,
    analysed,
    generate,
    spender_config,
    tracks,
)
from tests.validate.coherence.checking import findings
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def plan(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_kr_webtoon(tmp_path_factory.mktemp("kr_webtoon") / "plan")


@pytest.fixture(scope="module")
def webtoon(plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    out = tmp_path_factory.mktemp("kr_webtoon_out")
    return generate(plan, out / "out", users=120, days=5, seed=3)


@pytest.fixture(scope="module")
def spenders(plan: Path, tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """120 users x 5 days with every user a spender (a custom segment): coin charges are
    purchases, a few in a plain run of this size."""
    return generate(plan, tmp_path_factory.mktemp("kr_webtoon_spenders") / "out",
                    users=120, days=5, seed=3, extra=["--config", spender_config(plan.parent)])


def test_a_name_keeps_its_range_per_event(plan: Path) -> None:
    """The reader keeps the range an event's own row gives a name the plan defines first
    elsewhere with another; the analyzer writes it as ``value_ranges`` property@event."""
    taxonomy, _, rules = analysed(plan)
    use = taxonomy.event("coin_use")
    assert use is not None and dict(use.ranges)["coin_amount"].max == 10
    charge = taxonomy.event("coin_charge")
    assert charge is not None and charge.ranges == ()
    own = rules.value_ranges["coin_amount@coin_use"]
    assert (own.min, own.max) == (1, 10)
    assert rules.value_ranges["coin_amount"].max == 10000


def test_a_coin_use_spends_its_own_range(webtoon: Generated) -> None:
    spent = [r["properties"]["coin_amount"] for r in tracks(webtoon.records)
             if r["#event_name"] == "coin_use" and "coin_amount" in r["properties"]]
    charged = [r["properties"]["coin_amount"] for r in tracks(webtoon.records)
               if r["#event_name"] == "coin_charge" and "coin_amount" in r["properties"]]
    assert len(spent) >= 20 and charged
    assert [x for x in spent if not 1 <= x <= 10] == []
    assert min(charged) >= 100


def test_a_coin_pack_gives_the_coins_its_id_names(spenders: Generated) -> None:
    """``coin_100`` … ``coin_10000`` are counts, not price points of KRW: the charge's
    ``coin_amount`` is the id's number (before: 311 coins for coin_100), the catalogue
    entry's attribute, and the price still rises with the pack."""
    entries = {e.id: e for e in spenders.rules.catalogues["product"].entries}
    assert entries["coin_100"].attributes["coin_amount"] == "100"
    charges = [r["properties"] for r in tracks(spenders.records)
               if r["#event_name"] == "coin_charge" and "product_id" in r["properties"]]
    assert len(charges) >= 20
    assert [p for p in charges if p["coin_amount"] != int(p["product_id"].split("_")[1])] == []
    prices = {p["product_id"]: p["pay_amount"] for p in charges}
    assert prices.get("coin_100", 0) < prices.get("coin_1000", 1)


def test_validate_reports_a_pack_with_other_coins(webtoon: Generated, tmp_path: Path) -> None:
    assert findings(webtoon.out, CatalogueChecker, webtoon.out) == []
    output = Output(webtoon.out).copy()
    name, index, record = output.find(
        lambda r: r.get("#event_name") == "coin_charge"
        and r["properties"].get("product_id") == "coin_100")
    record["properties"]["coin_amount"] = 311
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, webtoon.out)
    assert len(found) == 1 and f"{name}:{index + 1}" in found[0], found


def test_is_free_agrees_with_the_way_it_was_read(webtoon: Generated) -> None:
    """``is_free`` beside ``unlock_type`` (1:무료, 2:기다리면 무료, 3:대여권, 4:소장(코인)):
    true for a free way, false for a rental or a purchase (before: free but rented or
    owned, paid but 무료 on about half the reads)."""
    assert webtoon.rules.property_constraints["is_free"].depends_on == ["unlock_type"]
    reads = [(p["unlock_type"], p["is_free"]) for r in tracks(webtoon.records)
             if "unlock_type" in (p := r["properties"]) and "is_free" in p]
    assert len(reads) >= 20
    assert [x for x in reads if x[1] != (x[0] in (1, 2))] == []


def test_a_series_keeps_its_author_and_genre(webtoon: Generated) -> None:
    """``author`` and ``genre`` beside ``series_id`` are the series' own (catalogues.yaml
    ``thing_fields``): one author (from the plan's examples) and one genre per series
    wherever it is shown (before: every series showed several of each)."""
    shown: dict[str, set[tuple[Any, Any]]] = {}
    for r in tracks(webtoon.records):
        p = r["properties"]
        if r["#event_name"] == "series_view" and "author" in p:
            shown.setdefault(p["series_id"], set()).add((p["author"], p["genre"]))
    assert len(shown) >= 10
    assert {s: v for s, v in shown.items() if len(v) > 1} == {}
    assert {a for v in shown.values() for a, _ in v} <= {"추공", "알파타르트", "싱숑"}


def test_validate_reports_a_series_with_another_author(webtoon: Generated,
                                                       tmp_path: Path) -> None:
    output = Output(webtoon.out).copy()
    record = output.find(lambda r: r.get("#event_name") == "series_view")[2]
    series = record["properties"]["series_id"]
    other = output.find(
        lambda r: r.get("#event_name") == "series_view" and r is not record
        and r["properties"].get("series_id") == series)[2]
    other["properties"]["author"] = "Someone Else"
    found = findings(output.write(tmp_path / "broken"), CatalogueChecker, webtoon.out)
    assert len(found) == 1 and "author" in found[0], found


def test_an_age_is_verified_once_per_account(webtoon: Generated) -> None:
    """``adult_verify`` (성인인증) is once in a user's life (heuristic_segments.yaml
    ``per_user_words``: Rules ``events.adult_verify.max_per_user`` 1; before: 8 a user)."""
    assert webtoon.rules.events["adult_verify"].max_per_user == 1
    verified = Counter(r["#distinct_id"] for r in tracks(webtoon.records)
                       if r["#event_name"] == "adult_verify")
    assert verified and max(verified.values()) == 1


def test_a_total_adds_what_its_unit_counts(webtoon: Generated) -> None:
    """``total_charge_amount`` (결제 금액(원) 누적) adds each charge's ``pay_amount`` in won
    and ``total_read_episodes`` (회차 열람 시 1 증가) one per ``episode_read`` (before: the
    coins charged and the read progress). An existing user's history arrives first, as
    one ``user_add`` before any event: only what is added after it is compared."""
    wrong: list[Any] = []
    for uid, records in webtoon.timelines.items():
        added: Counter[str] = Counter()
        made: Counter[str] = Counter()
        seen = False
        for r in records:
            p = r.get("properties", {})
            if r["#type"] == "track":
                seen = True
                made["total_charge_amount"] += p.get("pay_amount", 0) \
                    if r["#event_name"] == "coin_charge" else 0
                made["total_read_episodes"] += r["#event_name"] == "episode_read"
            elif r["#type"] == "user_add" and seen:
                added.update({k: v for k, v in p.items() if k in
                              ("total_charge_amount", "total_read_episodes")})
        if any(abs(added[k] - made[k]) > 1e-6 for k in made):
            wrong.append((uid, dict(added), dict(made)))
    assert sum(1 for t in webtoon.timelines.values() for r in t
               if r.get("#event_name") == "coin_charge") >= 5
    assert wrong == []
