"""The measured items of issue 11 that no other coherence test checked, each on its plan.

Every item of the issue's "Measured" list is mapped to a test in docs (the audit table);
this module holds the ones that had none. Most read the shared 300-user run
(``coherence_output``). Purchases are rare there (the bundled game pays a handful of times
in 300 users × 10 days), so the items about attempts, conversions and VIP experience read a
short run where every user is a buyer (a custom segment, as
tests/simulation/test_purchase_attempt_edit.py does). Items a generator change of this
session is still fixing are ``xfail`` with the lane's name in the reason.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import pytest

from demogen import gazetteer
from demogen.currencies import load_currencies
from demogen.validate._servers import ServerMoves, server_fields
from tests.corpus import corpus
from tests.simulation.generated_outputs import (
    SPENDERS,
    Generated,
    country_of_ip,
    generate,
    output_factory,
    tracks,
)

GAME = "game"
IDLE = "te_data_generator__idle-game-example"
CARD = "te_data_generator__card-game-tracking-plan"
CASUAL = "te_data_generator__casual-game-tracking-plan"
SHOP = "te_data_generator__ecommerce-tracking-plan"
TABLE = load_currencies().currencies

# -- helpers ------------------------------------------------------------------------------


def _profiles(records: Sequence[Mapping[str, Any]]) -> Iterator[dict[str, Any]]:
    """A user's profile after each of their user_* records (user_add summed)."""
    state: dict[str, Any] = {}
    for record in records:
        kind = record["#type"]
        if kind in ("user_set", "user_setOnce"):
            state.update(record["properties"])
        elif kind == "user_add":
            for name, value in record["properties"].items():
                state[name] = state.get(name, 0) + value
        else:
            continue
        yield state


def _stage_number(stage_id: Any) -> int:
    """The position a stage id names: its last number (``main_stage_075`` → 75)."""
    numbers = re.findall(r"\d+", str(stage_id))
    assert numbers, f"not a stage id: {stage_id!r}"
    return int(numbers[-1])


def _country(records: Sequence[Mapping[str, Any]]) -> str | None:
    """The user's country, as ThinkingData derives it from the device's ``#ip``."""
    return country_of_ip(next((r["#ip"] for r in records if r.get("#ip")), None))


def _conversion(g: Generated, attempt: str, success: str) -> float:
    """The declared conversion of ``attempt → success`` (the first funnel holding both)."""
    for funnel in g.rules.event_constraints.funnels:
        steps = list(funnel.steps)
        if attempt in steps and success in steps[steps.index(attempt) + 1:]:
            return funnel.conversion[steps.index(success)]
    raise AssertionError(f"no funnel declares {attempt} → {success}")


def _outcomes_follow_attempts(g: Generated, attempt: str, outcomes: Sequence[str]) -> Counter[str]:
    """Per user, at every point, the outcomes of one kind (success or failure events,
    counted together) never outnumber the attempts so far. Returns the event counts."""
    counts: Counter[str] = Counter()
    for uid, records in g.timelines.items():
        seen: Counter[str] = Counter()
        for record in tracks(records):
            name = record["#event_name"]
            if name == attempt or name in outcomes:
                seen[name] += 1
                counts[name] += 1
                ended = sum(seen[o] for o in outcomes)
                assert ended <= seen[attempt], (uid, name, dict(seen))
    return counts


# -- Progression ----------------------------------------------------------------------------


@corpus
def test_idle_stage_fits_the_level(coherence_output: Any) -> None:
    """Measured: ``current_player_level`` 1 with ``current_main_stage_id`` main_stage_075.
    A user starts at ``stages_per_level`` stages per level and moves one stage per clear,
    so the stage is at most about that far ahead of the level (twice, for id steps)."""
    g = coherence_output(IDLE)
    per_level = g.rules.progression.stages_per_level
    checked = 0
    for uid, records in g.timelines.items():
        clears = 0
        state: dict[str, Any] = {}
        for record in records:
            if record["#type"] == "track":
                clears += record["#event_name"] == "te_stage_clear"
                continue
            if record["#type"] == "user_set":
                state.update(record["properties"])
            if {"current_player_level", "current_main_stage_id"} <= state.keys():
                stage = _stage_number(state["current_main_stage_id"])
                level = state["current_player_level"]
                checked += 1
                assert stage <= 2 * (per_level * level + clears) + 5, (uid, level, stage, clears)
    assert checked > 1000


@corpus
def test_idle_highest_stage_cleared_is_a_stage_behind_the_current(coherence_output: Any) -> None:
    """Measured: ``highest_main_stage_cleared`` "highest_main_stage_cleared_1" (the property
    name as its value). It is a stage id, at or one behind the stage being played."""
    g = coherence_output(IDLE)
    gaps: Counter[int] = Counter()
    for uid, records in g.timelines.items():
        for state in _profiles(records):
            best = state.get("highest_main_stage_cleared")
            if best is None or "current_main_stage_id" not in state:
                continue
            assert "highest" not in str(best), (uid, best)
            gaps[_stage_number(state["current_main_stage_id"]) - _stage_number(best)] += 1
    assert sum(gaps.values()) > 1000
    assert set(gaps) <= {0, 1}, gaps


@corpus
def test_idle_best_login_streak_is_never_below_the_current(coherence_output: Any) -> None:
    """Measured: ``current_consecutive_login_days`` 6 with ``max_consecutive_login_days`` 1."""
    g = coherence_output(IDLE)
    checked = 0
    for uid, records in g.timelines.items():
        for state in _profiles(records):
            best = state.get("max_consecutive_login_days")
            current = state.get("current_consecutive_login_days")
            if best is not None and current is not None:
                checked += 1
                assert best >= current, (uid, best, current)
    assert checked > 1000


def test_game_cur_stage_id_never_goes_back(coherence_output: Any) -> None:
    """Measured: ``cur_stage_id`` going backwards (stage_5_1 → stage_3_7) in the demo. A
    role on a new server starts again from the first stages (``cur_stage_id`` is per role),
    as validate's roles check reads it."""
    g = coherence_output(GAME)

    def position(stage: Any) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", str(stage)))

    checked = 0
    for uid, records in g.timelines.items():
        furthest: tuple[int, ...] = ()
        moves = ServerMoves(server_fields(g.rules.properties))
        for record in records:
            before = moves.server(uid)
            if moves.follow(uid, record.get("#type"), record.get("properties") or {}) != before:
                furthest = ()
            if record.get("#type") != "track":
                continue
            stage = record["properties"].get("cur_stage_id")
            if stage is None:
                continue
            checked += 1
            assert position(stage) >= furthest, (uid, stage, furthest)
            furthest = position(stage)
    assert checked > 10_000


def test_game_vip_exp_never_falls(buyers_output: Any) -> None:
    """Measured: ``vip_exp`` falling (1545 → 1516) on ``vip_level_up``; it is the VIP
    experience of what the user paid so far ("누적 결제 USD × 100"), so it only grows, with
    the level."""
    g = buyers_output(GAME)
    ups = 0
    for uid, records in g.timelines.items():
        last = (-1, -1)
        for record in tracks(records):
            if record["#event_name"] == "vip_level_up":
                props = record["properties"]
                now = (props["vip_level"], props["vip_exp"])
                assert now[0] > last[0] and now[1] >= last[1], (uid, last, now)
                last, ups = now, ups + 1
    assert ups >= 5     # enough level-ups to see the order (9 at seed 3 since session 12)


@corpus
def test_casual_total_login_day_counts_days(coherence_output: Any) -> None:
    """Measured: 74 in 5 active days; 495 of 624 users above their active days. In the
    window the counter grows by at most one per active day (an existing user's history
    arrives first, as one ``user_add`` before any event)."""
    g = coherence_output(CASUAL)
    counted = 0
    for uid, records in g.timelines.items():
        days: set[str] = set()
        history = grown = 0
        for record in records:
            if record["#type"] == "track":
                days.add(record["#time"][:10])
            elif record["#type"] == "user_add":
                step = record["properties"].get("total_login_day", 0)
                if days:
                    grown += step
                else:
                    history += step
                assert grown <= len(days), (uid, history, grown, sorted(days))
        counted += grown > 0
    assert counted > 100


# -- State ----------------------------------------------------------------------------------


@corpus
def test_idle_player_xp_moves(coherence_output: Any) -> None:
    """Measured: ``current_player_xp`` never changed after the first snapshot."""
    g = coherence_output(IDLE)
    moved: set[str] = set()
    for uid, records in g.timelines.items():
        values = {state["current_player_xp"] for state in _profiles(records)
                  if "current_player_xp" in state}
        if len(values) > 1:
            moved.add(str(uid))
    assert len(moved) > 0.5 * len(g.timelines)


@pytest.mark.parametrize("source", [pytest.param(s, marks=corpus, id=s.split("__")[-1])
                                    for s in (IDLE, CARD, CASUAL, SHOP)])
def test_every_planned_user_property_is_written_or_named(coherence_output: Any,
                                                        source: str) -> None:
    """Measured: 7 planned user properties were never set. Each is now written, tied only
    to events this run did not play (a payment time in a run without payments), or named
    by analyze (``never_written``)."""
    from demogen.simulation.state import never_written

    g = coherence_output(source)
    planned = {p.name for p in g.taxonomy.user_properties if not p.is_preset}
    written = {name for r in g.records if r["#type"] != "track" for name in r["properties"]}
    played = {r["#event_name"] for r in tracks(g.records)}
    ties: dict[str, set[str]] = {}
    for event, pattern in g.rules.update_patterns.items():
        for name in pattern:
            ties.setdefault(name, set()).add(event)
    named = set(never_written(g.taxonomy, g.rules))
    silent = {n for n in planned - written - named if not ties.get(n) or ties[n] & played}
    assert not silent, f"planned, tied to a played event, never written: {sorted(silent)}"


# -- Platform and market ----------------------------------------------------------------------


def test_game_server_is_in_the_users_region(coherence_output: Any) -> None:
    """Measured: ``server_id`` "europe_270" beside carrier SKT and language ko. The game's
    servers name their region (kr_01, jp_01, global_01): a user plays on a server of their
    country or a global one, and stays on it."""
    g = coherence_output(GAME)
    checked = 0
    for uid, records in g.timelines.items():
        country = _country(records)
        servers = {r["properties"]["server_id"] for r in tracks(records)
                   if "server_id" in r["properties"]}
        if country is None or not servers:
            continue
        checked += 1
        assert len(servers) <= 2, (uid, servers)
        for server in servers:
            region = server.split("_")[0]
            assert region in (country.lower(), "global"), (uid, country, server)
    assert checked > 100


@corpus
def test_kr_shop_user_address_province_holds_the_city(coherence_output: Any) -> None:
    """Measured: Faker addresses mixing provinces and cities (Gyeonggi + Daejeon). The
    shop's user properties ``province`` and ``city`` name one place."""
    g = coherence_output(SHOP)
    places = set()
    for records in g.timelines.values():
        for state in _profiles(records):
            if "province" in state and "city" in state:
                places.add((state["province"], state["city"]))
    assert len(places) > 10
    assert [p for p in places if not gazetteer.contains(*p)] == []


def test_users_of_other_markets_pay_in_usd(tmp_path: Path) -> None:
    """Measured: users outside KR/US/JP paid mostly in KRW. The game's currency enum is
    KRW, USD, JPY: in a global market every user outside those three pays in USD."""
    from tests.simulation.generated_outputs import SOURCES

    g = generate(SOURCES[GAME], tmp_path / "out", users=200, days=3, seed=3,
                 extra=["--market", "global"])
    own = {"KR": "KRW", "JP": "JPY", "US": "USD"}
    paid: Counter[tuple[str, str]] = Counter()
    for records in g.timelines.values():
        country = _country(records)
        for record in tracks(records):
            currency = record["properties"].get("currency")
            if currency is not None and country is not None:
                paid[(country, currency)] += 1
    others = {k: n for k, n in paid.items() if k[0] not in own}
    assert sum(others.values()) > 100, paid
    assert {c for _, c in others} == {"USD"}, others
    assert all(c == own[k] for (k, c) in paid if k in own), paid


# -- Flows ----------------------------------------------------------------------------------


def test_game_purchase_failures_end_attempts(coherence_output: Any) -> None:
    """Measured: the demo's purchase_start → purchase converted 2.0 % (rules 80 %); the
    conversion itself is tests/simulation/test_purchase_attempt_edit.py. Here: a failure is
    the end of an attempt that did not succeed, never an event of its own (in the default
    mix, where most users never set out to buy: 1,000 users × 14 days made 23 attempts and
    39 failures)."""
    g = coherence_output(GAME)
    counts = _outcomes_follow_attempts(g, "purchase_start", ("purchase", "purchase_fail"))
    assert counts["purchase_start"] > 0


@corpus
def test_idle_iap_attempts_convert_as_declared(buyers_output: Any) -> None:
    """Measured: 3,783 te_iap_purchase_attempt → 75 successes + 1,031 failures. Each
    attempt ends in one success or one failure, at the declared conversion.

    The plan's two revenue events are two records of one purchase, not two purchases
    (te_iap_purchase_succeeded "replaces or refines te_iap_transaction"): a purchase shows
    one of them, so revenue, the sum paid (VIP) and the report count it once, and either
    is the attempt's one success."""
    g = buyers_output(IDLE)
    successes = ("te_iap_transaction", "te_iap_purchase_succeeded")
    counts = _outcomes_follow_attempts(g, "te_iap_purchase_attempt",
                                       (*successes, "te_iap_purchase_failed"))
    attempts = counts["te_iap_purchase_attempt"]
    assert attempts > 30
    rate = _conversion(g, "te_iap_purchase_attempt", successes[0])
    paid = sum(counts[s] for s in successes)
    assert abs(paid / attempts - rate) < 0.15, (dict(counts), rate)


@pytest.fixture(scope="module")
def card_buyers(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    """The card workbook with every user a buyer at 1,500 users × 3 days: who fails an
    attempt is drawn per user (a hesitant buyer fails all theirs), so the conversion of
    a 400-user run's 50 attempts is a few dozen users' draw (seeds 3-7: 0.583, 0.833,
    0.780, 0.803, 0.895); at 1,500 users seeds 3 and 4 give 0.820 and 0.790."""
    return output_factory(tmp_path_factory, "card-buyers", users=1_500, days=3, seed=3,
                          config=SPENDERS)(CARD)


@corpus
def test_card_orders_convert_to_payments_as_declared(card_buyers: Generated) -> None:
    """Measured: card ``init_order → payment`` 7.3 % (rules: 80 %)."""
    g = card_buyers
    counts = _outcomes_follow_attempts(g, "init_order", ("payment", "payment_fail"))
    assert counts["init_order"] > 150
    rate = _conversion(g, "init_order", "payment")
    assert abs(counts["payment"] / counts["init_order"] - rate) < 0.1, (dict(counts), rate)


@corpus
def test_kr_shop_paid_orders_follow_submitted_orders(buyers_output: Any) -> None:
    """Measured: submit_order 3,974 → pay_order 67 (2,000 users × 30 days). A paid order
    follows a submitted one, and most submitted orders are paid (0.6–0.9 typical)."""
    g = buyers_output(SHOP)
    counts = _outcomes_follow_attempts(g, "submit_order", ("pay_order",))
    assert counts["submit_order"] > 20
    assert 0.5 <= counts["pay_order"] / counts["submit_order"] <= 0.95, dict(counts)


# -- Money and catalogues ----------------------------------------------------------------------


def _percent(value: Any) -> float | None:
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*%\s*", str(value))
    return float(match.group(1)) / 100 if match else None


@corpus
def test_kr_shop_coupon_percentage_is_the_orders_discount(coherence_output: Any) -> None:
    """Measured: ``"order_amount":82,"order_actual_amount":303,"is_use_discount":false``
    with a 66 % coupon. An order without a discount shows no percentage coupon; one with a
    percentage coupon is discounted by it (to the won)."""
    g = coherence_output(SHOP)
    checked = 0
    for record in tracks(g.records):
        props = record["properties"]
        coupon = props.get("coupon")
        if not isinstance(coupon, dict) or "order_amount" not in props:
            continue
        rate = _percent(coupon.get("coupon_discount"))
        if rate is None:
            continue
        checked += 1
        assert props["is_use_discount"], props
        paid = props["order_amount"] * (1 - rate)
        assert abs(props["order_actual_amount"] - paid) <= max(100, 0.01 * paid), props
    assert checked > 20


@corpus
def test_kr_shop_commodity_rows_are_priced_in_won(coherence_output: Any) -> None:
    """Measured: a ``commodity_list`` row with ``original_price`` 4.41 in a KRW shop. Row
    prices are whole won, at least the currency's smallest store price, one per product."""
    g = coherence_output(SHOP)
    assert g.rules.money.currency == "KRW"
    smallest = min(TABLE["KRW"].points)
    prices: dict[str, set[Any]] = {}
    for record in tracks(g.records):
        for row in record["properties"].get("commodity_list") or ():
            price = row.get("original_price")
            assert isinstance(price, int) and price >= smallest, row
            prices.setdefault(row["commodity_id"], set()).add(price)
    assert prices
    assert {k: v for k, v in prices.items() if len(v) > 1} == {}


@corpus
def test_idle_products_keep_one_store_price(buyers_output: Any) -> None:
    """Measured: ``remove_ads_永久`` sold at 100 KRW. Store purchases are at the
    currency's store tiers, and one product keeps one price per currency."""
    g = buyers_output(IDLE)
    prices: dict[tuple[str, str], set[Any]] = {}
    for record in tracks(g.records):
        props = record["properties"]
        price = props.get("price_local")
        if price is None or "product_id" not in props:
            continue
        code = props["currency_local"]
        assert price in TABLE[code].points, props
        prices.setdefault((props["product_id"], code), set()).add(price)
    assert len(prices) > 10
    assert {k: v for k, v in prices.items() if len(v) > 1} == {}
