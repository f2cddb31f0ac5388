"""compute_report on a tiny hand-made output whose KPIs are worked out by hand below."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

import orjson
import pytest

from demogen.analysis.rules import Rules
from demogen.report import (
    bin_labels,
    compute_report,
    render_html,
    revenue_amounts,
    summary_rows,
    usd_rates,
)

# (user, local time, event, properties). 2024-01-01 is a Monday; the window is 3 days.
EVENTS = [
    ("a", "2024-01-01 10:00:00.000", "session_start", {}),
    ("a", "2024-01-01 10:01:00.000", "view", {"level": 3}),
    ("a", "2024-01-01 10:02:00.000", "cart", {}),
    ("a", "2024-01-01 10:03:00.000", "purchase", {"price": 10, "currency": "USD"}),
    ("a", "2024-01-01 10:05:00.000", "session_end", {"#duration": 300}),
    ("b", "2024-01-01 12:00:00.000", "session_start", {}),
    ("b", "2024-01-01 12:01:00.000", "view", {"level": 5}),
    ("b", "2024-01-01 12:02:00.000", "purchase", {"price": 1000, "currency": "KRW"}),
    ("b", "2024-01-01 12:04:00.000", "session_end", {"#duration": 240}),
    ("a", "2024-01-02 09:00:00.000", "session_start", {}),
    ("a", "2024-01-02 09:10:00.000", "session_end", {"#duration": 600}),
    ("c", "2024-01-02 08:00:00.000", "session_start", {}),
    ("c", "2024-01-02 08:01:00.000", "view", {"level": 7}),
    ("c", "2024-01-02 08:02:00.000", "cart", {}),
    ("c", "2024-01-02 08:03:00.000", "session_end", {"#duration": 180}),
    ("b", "2024-01-03 20:00:00.000", "session_start", {}),
    ("b", "2024-01-03 20:01:00.000", "cart", {}),
    ("b", "2024-01-03 20:02:00.000", "session_end", {"#duration": 120}),
]
RULES = Rules.from_data({
    "event_constraints": {
        "session_start_events": ["session_start"],
        "session_end_events": ["session_end"],
        "funnels": [{"name": "shop", "steps": ["view", "cart", "purchase"]}],
    },
    "monetary_properties": {"price": {"currency_property": "currency", "events": ["purchase"]}},
    "event_roles": {"revenue": ["purchase"]},
})


@pytest.fixture
def out(tmp_path: Path) -> Path:
    by_day: dict[str, list[bytes]] = {}
    for user, stamp, name, props in EVENTS:
        record = {"#type": "track", "#time": stamp, "#distinct_id": user,
                  "#event_name": name, "properties": {"#zone_offset": 9, **props}}
        by_day.setdefault(stamp[:10], []).append(orjson.dumps(record))
    by_day["2024-01-01"].insert(0, orjson.dumps(
        {"#type": "user_set", "#time": "2024-01-01 09:00:00.000", "#distinct_id": "a",
         "properties": {"level": 1}}))
    for day, lines in by_day.items():
        (tmp_path / f"logs_{day.replace('-', '')}.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    return tmp_path


def test_kpis_equal_hand_computed_values(out: Path) -> None:
    data = compute_report(out, rules=RULES, product="Shop")
    k = data.kpis
    krw = usd_rates().usd_per_unit["KRW"]
    revenue = 10 + 1000 * krw
    assert data.days == [date(2024, 1, 1), date(2024, 1, 2), date(2024, 1, 3)]
    assert data.dau == [2, 2, 1]                  # {a,b}, {a,c}, {b}
    assert data.wau == [None] * 3 and data.mau == [None] * 3   # no full 7- or 30-day window
    assert data.new_users == [2, 1, 0]            # first active days: a, b on 1st; c on 2nd
    assert data.returning_users == [0, 1, 1]
    assert k["dau_mean"] == pytest.approx(5 / 3)
    assert k["wau_mean"] is None
    assert k["mau"] == 3 and k["mau_days"] == 3 and k["mau_partial"] is True
    assert k["dau_mau"] == pytest.approx(5 / 9)
    # D1: cohort a, b (day 1), c (day 2); only a is back the next day. D2: a, b; b is back.
    assert k["d1_retention"] == pytest.approx(1 / 3) and k["d1_cohort"] == 3
    assert data.retention_curve == pytest.approx([1.0, 1 / 3, 1 / 2])   # D0-D2: the window
    assert k["d7_retention"] is None and k["d30_retention"] is None
    assert data.cohorts[0] == {"day": "2024-01-01", "size": 2,
                               "rates": [1.0, 0.5, 0.5]}
    assert k["payers"] == 2 and k["payer_rate"] == pytest.approx(2 / 3)
    assert k["revenue_usd"] == pytest.approx(revenue)
    assert k["arpdau"] == pytest.approx(revenue / 5)
    assert k["arppu"] == pytest.approx(revenue / 2)
    assert k["top1_payer_revenue_share"] == pytest.approx(10 / revenue)
    assert k["top10_payer_revenue_share"] == pytest.approx(10 / revenue)
    assert data.revenue_per_day == pytest.approx([revenue, 0, 0])
    # sessions: a 2, b 2, c 1 over 5 active user-days; lengths 300, 240, 600, 180, 120 s
    assert k["sessions"] == 5
    assert k["sessions_per_active_day"] == pytest.approx(1.0)
    assert data.sessions_per_user == pytest.approx([1.0, 1.0, 1.0])
    assert k["median_session_minutes"] == pytest.approx(4.0)
    assert k["mean_session_minutes"] == pytest.approx(4.8)
    assert k["events_per_session_median"] == 4
    assert sum(data.session_minutes_counts) == 5
    assert data.session_minutes_counts[data.session_minutes_bins.index("2–3")] == 1  # 120 s
    # funnel view → cart → purchase: 3 viewed, 3 carted after viewing, only a bought after
    # the cart (b bought before carting)
    (shop,) = data.funnels
    assert [(s.event, s.users) for s in shop.steps] == [("view", 3), ("cart", 3),
                                                         ("purchase", 1)]
    assert [s.conversion for s in shop.steps] == [None, 1.0, pytest.approx(1 / 3)]
    assert shop.overall == pytest.approx(1 / 3)
    assert k["events"] == 18 and k["users"] == 3
    assert data.hourly[10] == pytest.approx(5 / 18)
    assert data.weekday[0] == pytest.approx(9 / 18)         # Monday
    assert data.top_events[0] == {"event": "session_end", "count": 5, "share": 5 / 18,
                                  "users": 3} or data.top_events[0]["event"] == "session_start"
    assert data.mix == {"new": [1.0, 0.5, 0.0], "returning": [0.0, 0.5, 1.0]}
    level = next(d for d in data.distributions if d.name == "level")
    assert level.kind == "numeric" and sum(level.counts) == 3
    currency = next(d for d in data.distributions if d.name == "currency")
    assert sorted(zip(currency.labels, currency.counts, strict=True)) == [("KRW", 1),
                                                                          ("USD", 1)]
    assert all(d.name != "price" for d in data.distributions)   # amounts are revenue


def test_headline_kpis_match_compute_kpis(out: Path) -> None:
    from demogen.validate import compute_kpis

    data = compute_report(out, rules=RULES, product="Shop")
    kpis = compute_kpis(out, revenue_events=["purchase"], session_start_events=["session_start"],
                        session_end_events=["session_end"])
    assert data.kpis["sessions_per_active_day"] == kpis.sessions_per_active_day
    assert data.kpis["median_session_minutes"] == kpis.median_session_minutes
    assert data.kpis["d1_retention"] == kpis.d1


def test_without_rules_sessions_use_the_gap_rule(out: Path) -> None:
    data = compute_report(out, rules=None, product="Shop")
    assert data.kpis["session_rule"] == "gap_30min"
    assert data.funnels == [] and data.kpis["payers"] == 0
    assert any("no taxonomy or rules" in n for n in data.notes)


def test_bands_mark_the_kpis(out: Path) -> None:
    from demogen.report import mark
    from demogen.simulation.presets import load_preset

    data = compute_report(out, rules=RULES, product="Shop", preset=load_preset("game"))
    assert data.preset == "game"
    assert mark("d1_retention", data.kpis["d1_retention"], data.bands, "%") == (
        "in", "20%–45%")
    assert mark("dau_mau", data.kpis["dau_mau"], data.bands, "%") == ("out", "8%–35%")
    # ... but over 3 days it is a partial stickiness, which the summary does not check
    (row,) = [r for r in summary_rows(data.kpis, data.bands) if r.key == "dau_mau"]
    assert (row.status, row.band) == ("partial", "8%–35%")
    assert mark("arpdau", 1.0, data.bands, "$") == ("", "")
    page = render_html(data)
    assert "✓ in band" in page and "✗ out of band" in page and "not checked" in page
    assert "Shop — demogen report" in page and "2024-01-01 … 2024-01-03" in page
    assert "<script src=" not in page and "cdn." not in page.lower().split("</head>")[1]


def test_revenue_amount_prefers_a_usd_property() -> None:
    rules = Rules.from_data({
        "monetary_properties": {
            "price": {"currency_property": "currency", "events": ["view", "purchase"]},
            "price_usd": {"events": ["purchase"]},
            "ad_revenue": {"events": ["ad_watch"]},
        },
        "event_roles": {"revenue": ["purchase", "ad_watch"]},
    })
    assert revenue_amounts(rules) == {"purchase": ("price_usd", None),
                                      "ad_watch": ("ad_revenue", None)}


def test_revenue_is_what_an_order_earned_not_one_of_its_parts() -> None:
    """examples/ecommerce's purchase carries revenue, discount_amount and shipping_fee (made
    for two events each): the report once summed the discounts, ARPPU $5.03 for orders of
    about $70 (1,000 users x 30 days, seed 3)."""
    rules = Rules.from_data({
        "monetary_properties": {
            "discount_amount": {"currency_property": "currency",
                                "events": ["coupon_apply", "purchase"], "role": "discount"},
            "revenue": {"currency_property": "currency", "events": ["purchase", "order_cancel"],
                        "role": "total"},
            "shipping_fee": {"currency_property": "currency",
                             "events": ["add_shipping_info", "purchase"]},
            "tax_usd": {"events": ["purchase"]},
        },
        "event_roles": {"revenue": ["purchase"]},
    })
    assert revenue_amounts(rules) == {"purchase": ("revenue", "currency")}


def test_rate_table_is_sane() -> None:
    rates = usd_rates()
    assert rates.usd_per_unit["USD"] == 1.0
    assert all(0 < r < 5 and math.isfinite(r) for r in rates.usd_per_unit.values())


def test_segment_mix_over_time(out: Path) -> None:
    updates = [("a", "2024-01-01 09:00:00.000", "NEW_USER"),
               ("b", "2024-01-01 11:00:00.000", "NEW_USER"),
               ("a", "2024-01-02 08:00:00.000", "ACTIVE_USER")]
    for user, stamp, segment in updates:
        path = out / f"logs_{stamp[:10].replace('-', '')}.jsonl"
        record = {"#type": "user_set", "#time": stamp, "#distinct_id": user,
                  "properties": {"user_segment": segment, "last_stage_id": f"stage_{user}"}}
        path.write_bytes(path.read_bytes() + orjson.dumps(record) + b"\n")
    data = compute_report(out, rules=RULES, product="Shop")
    assert data.mix_property == "user_segment"
    # day 1: a, b NEW; day 2: a ACTIVE, c never set; day 3: b still NEW
    assert data.mix == {"ACTIVE_USER": [0.0, 0.5, 0.0], "NEW_USER": [1.0, 0.0, 1.0],
                        "(unknown)": [0.0, 0.5, 0.0]}


@pytest.mark.parametrize(("edges", "labels"), [
    ([5e6, 5.5e6, 6e6], ["5M–5.5M", "5.5M–6M"]),
    ([0, 5e5, 1e6], ["0–500k", "500k–1M"]),
    ([0, 2500, 5000], ["0–2,500", "2,500–5,000"]),      # below 10,000: plain numbers
    ([9900, 10000, 10100], ["9.9k–10k", "10k–10.1k"]),
    ([0.1, 0.15000000000000002, 0.2], ["0.1–0.15", "0.15–0.2"]),
    ([-10, -5, 0], ["-10 to -5", "-5 to 0"]),
    ([2.5e9], ["2.5B"]),
    ([0.00345], ["0.00345"]),
    ([3e15, 4e15], ["3,000T–4,000T"]),
])
def test_bin_labels_are_readable(edges: list[float], labels: list[str]) -> None:
    assert bin_labels(edges) == labels


def test_depth_quantiles_and_hour_weekday_heatmap(out: Path) -> None:
    """Issue 13's shapes: p50/p90/p99 (linear interpolation) of events per session, per
    active user-day and session minutes; events by weekday × local hour."""
    data = compute_report(out, rules=RULES, product="Shop")
    # sessions hold 5, 4, 2, 4, 3 events; each was its user's only session that day
    for name in ("events per session", "events per active user-day"):
        q = data.depth[name]
        assert q["p50"] == pytest.approx(4) and q["p90"] == pytest.approx(4.6), name
        assert q["p99"] == pytest.approx(4.96), name
    minutes = data.depth["session minutes"]       # 5, 4, 10, 3, 2 from #duration
    assert minutes["p50"] == pytest.approx(4) and minutes["p90"] == pytest.approx(8)
    heat = data.hour_weekday
    assert len(heat) == 7 and all(len(row) == 24 for row in heat)
    assert heat[0][10] == 5 and heat[0][12] == 4          # Monday 2024-01-01
    assert heat[1][8] == 4 and heat[1][9] == 2            # Tuesday
    assert heat[2][20] == 3                               # Wednesday
    assert sum(map(sum, heat)) == len(EVENTS)
    assert "p99" in render_html(data)
