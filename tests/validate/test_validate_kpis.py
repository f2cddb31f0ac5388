"""compute_kpis on a tiny hand-made output whose KPIs are worked out by hand below."""

from __future__ import annotations

import gzip
from datetime import date
from pathlib import Path

import orjson
import pytest

from demogen.errors import ConfigError
from demogen.validate import OutputReadError, compute_kpis

# (user, local time, event, properties). 2024-01-01 is a Monday. File order = this order,
# except that c's 22:00 level_up is written *before* its 22:00 session_start (same ms).
EVENTS = [
    ("a", "2024-01-01 10:00:00.000", "session_start", {}),
    ("a", "2024-01-01 10:01:00.000", "level_up", {}),
    ("a", "2024-01-01 10:05:00.000", "purchase", {"price": 5}),
    ("a", "2024-01-01 10:06:00.000", "session_end", {"#duration": 360}),
    ("b", "2024-01-01 12:00:00.000", "session_start", {}),
    ("b", "2024-01-01 12:03:00.000", "session_end", {"#duration": 180}),
    ("a", "2024-01-02 20:00:00.000", "session_start", {}),
    ("a", "2024-01-02 20:10:00.000", "level_up", {}),  # no end event: 600 s by the clock
    ("c", "2024-01-02 08:00:00.000", "level_up", {}),  # before c's first start: no session
    ("c", "2024-01-02 08:00:30.000", "session_start", {}),
    ("c", "2024-01-02 08:04:30.000", "session_end", {}),  # no #duration: 240 s by the clock
    ("c", "2024-01-03 22:00:00.000", "level_up", {}),
    ("c", "2024-01-03 22:00:00.000", "session_start", {}),
    ("c", "2024-01-03 22:20:00.000", "session_end", {"#duration": 1200}),
    ("d", "2024-01-05 07:00:00.000", "session_start", {}),
    ("d", "2024-01-05 07:01:00.000", "session_end", {"#duration": 60}),
    ("a", "2024-01-08 09:00:00.000", "session_start", {}),
    ("a", "2024-01-08 09:01:00.000", "level_up", {}),
    ("a", "2024-01-08 09:02:00.000", "session_end", {"#duration": 120}),
    ("b", "2024-01-08 12:00:00.000", "session_start", {}),
    ("b", "2024-01-08 12:30:00.000", "purchase", {"price": 2.5}),
    ("b", "2024-01-08 12:31:00.000", "session_end", {"#duration": 1860}),
]
USER_SET = {"#type": "user_set", "#time": "2024-01-01 10:00:00.000", "#distinct_id": "a",
            "#account_id": "acc-a", "properties": {"level": 1}}

ARGS = {
    "revenue_events": ["purchase"],
    "revenue_property": {"purchase": "price"},
    "session_start_events": ["session_start"],
    "session_end_events": ["session_end"],
}


@pytest.fixture
def out(tmp_path: Path) -> Path:
    by_day: dict[str, list[bytes]] = {}
    for user, stamp, name, props in EVENTS:
        record = {"#type": "track", "#time": stamp, "#distinct_id": user,
                  "#account_id": f"acc-{user}", "#event_name": name,
                  "properties": {"#zone_offset": 9, **props}}
        by_day.setdefault(stamp[:10], []).append(orjson.dumps(record))
    by_day["2024-01-01"].insert(1, orjson.dumps(USER_SET))
    for day, lines in by_day.items():
        data = b"".join(line + b"\n" for line in lines)
        name = f"logs_{day.replace('-', '')}.jsonl"
        if day == "2024-01-08":  # one gzip day: DuckDB reads both kinds
            (tmp_path / f"{name}.gz").write_bytes(gzip.compress(data, mtime=0))
        else:
            (tmp_path / name).write_bytes(data)
    return tmp_path


def test_kpis_with_session_events(out):
    k = compute_kpis(out, **ARGS)
    assert (k.files, k.records, k.events, k.users) == (5, 23, 22, 4)
    assert k.records_by_type == {"track": 22, "user_set": 1}
    assert (k.first_day, k.last_day, k.days) == (date(2024, 1, 1), date(2024, 1, 8), 8)
    # Active days: a 01,02,08 · b 01,08 · c 02,03 · d 05.
    assert k.dau == [2, 2, 1, 0, 1, 0, 0, 2]
    assert k.active_user_days == 8 and k.dau_mean == 1.0
    # Window shorter than 30 days: MAU over all of it; mean DAU 1.0 / 4 users.
    assert (k.mau_days, k.mau, k.dau_mau) == (8, 4, 0.25)
    # d0: a 01-01, b 01-01, c 01-02, d 01-05.
    # D1: all four can be seen on d0+1; a (01-02) and c (01-03) came back → 2/4.
    # D7: only a, b (d0+7 = 01-08 ≤ last day); both came back → 2/2. D30: nobody.
    assert [(r.cohort, r.retained, r.rate) for r in k.retention.values()] == [
        (4, 2, 0.5), (2, 2, 1.0), (0, 0, None)]
    assert (k.d1, k.d7, k.d30) == (0.5, 1.0, None)
    # Payers a and b / MAU 4; revenue 5 + 2.5 over 8 user-days.
    assert (k.payers, k.payer_rate, k.revenue, k.arpdau) == (2, 0.5, 7.5, 0.9375)
    # Sessions: a 3, b 2, c 2, d 1; c's first level_up is outside any session.
    assert (k.session_rule, k.sessions, k.events_outside_sessions) == ("start_events", 8, 1)
    assert k.sessions_per_active_day == 1.0
    # Seconds: 360 600 120 | 180 1860 | 240 1200 | 60 → sorted middle pair 240, 360 → 5 min.
    assert k.median_session_minutes == 5.0
    # Events: a 4 2 3 | b 2 3 | c 2 3 (the same-ms level_up joins the new session) | d 2
    # → 2 2 2 2 3 3 3 4 → 2.5.
    assert k.events_per_session_median == 2.5
    hours = {7: 2, 8: 3, 9: 3, 10: 4, 12: 5, 20: 2, 22: 3}
    assert k.hourly_activity == [hours.get(h, 0) / 22 for h in range(24)]
    assert k.weekday_activity == [12 / 22, 5 / 22, 3 / 22, 0, 2 / 22, 0, 0]
    assert sum(k.hourly_activity) == pytest.approx(1)


def test_kpis_with_the_30_minute_gap_rule(out):
    k = compute_kpis(out, revenue_events=["purchase"], revenue_property={"purchase": "price"})
    # b's 12:00 → 12:30 on 01-08 is a gap of exactly 30 min: a new session. 9 sessions.
    assert (k.session_rule, k.sessions, k.events_outside_sessions) == ("gap_30min", 9, 0)
    # Seconds (last − first, no end events given):
    # a 360 600 120 | b 180 0 60 | c 270 1200 | d 60 → middle (5th of 9) = 180 s.
    assert k.median_session_minutes == 3.0
    # Events: a 4 2 3 | b 2 1 2 | c 3 3 | d 2 → 1 2 2 2 2 3 3 3 4 → 2.
    assert k.events_per_session_median == 2.0
    assert k.sessions_per_active_day == 9 / 8


def test_install_events_define_the_cohorts(out):
    k = compute_kpis(out, install_events=["level_up"])
    # First level_up: a 01-01, c 01-02; b and d never level up and are in no cohort.
    assert [(r.cohort, r.retained) for r in k.retention.values()] == [(2, 2), (1, 1), (0, 0)]


def test_an_explicit_window_adds_empty_days(out):
    k = compute_kpis(out, window=(date(2024, 1, 1), date(2024, 1, 10)), retention_days=[7])
    assert k.days == 10 and k.dau[-3:] == [2, 0, 0] and k.dau_mean == 0.8
    # D7 cohort now also holds c (d0 01-02, 01-09 ≤ 01-10), who is not back on 01-09.
    assert (k.retention[7].cohort, k.retention[7].retained) == (3, 2)
    narrow = compute_kpis(out, window=(date(2024, 1, 2), date(2024, 1, 3)))
    assert narrow.users == 2 and narrow.dau == [2, 1]


def test_mau_uses_the_last_30_days(tmp_path):
    # u1 active on day 1 only, u2 on days 1 and 40: MAU over days 11–40 is just u2.
    lines = {
        "2024-01-01": ["u1", "u2"],
        "2024-02-09": ["u2"],
    }
    for day, users in lines.items():
        data = b"".join(
            orjson.dumps({"#type": "track", "#time": f"{day} 12:00:00.000", "#distinct_id": u,
                          "#event_name": "open", "properties": {}}) + b"\n"
            for u in users
        )
        (tmp_path / f"logs_{day.replace('-', '')}.jsonl").write_bytes(data)
    k = compute_kpis(tmp_path)
    assert (k.days, k.mau_days, k.mau) == (40, 30, 1)
    assert k.dau_mau == pytest.approx((1 / 30) / 1)
    assert k.dau_mean == 3 / 40


def test_no_events_gives_empty_kpis(tmp_path):
    (tmp_path / "logs_20240101.jsonl").write_bytes(orjson.dumps(USER_SET) + b"\n")
    k = compute_kpis(tmp_path)
    assert (k.records, k.events, k.users, k.dau_mean, k.d1) == (1, 0, 0, None, None)


def test_bad_arguments(tmp_path):
    with pytest.raises(ConfigError, match="holds no logs_"):
        compute_kpis(tmp_path)
    (tmp_path / "logs_20240101.jsonl").write_bytes(orjson.dumps(USER_SET) + b"\n")
    with pytest.raises(ConfigError, match="is not a valid name"):
        compute_kpis(tmp_path, revenue_events=["x'; DROP TABLE ev; --"])
    with pytest.raises(ConfigError, match="is not a valid name"):
        compute_kpis(tmp_path, revenue_events=["buy"], revenue_property={"buy": "a.b"})
    with pytest.raises(ConfigError, match="ends before it starts"):
        compute_kpis(tmp_path, window=(date(2024, 1, 2), date(2024, 1, 1)))


def test_unreadable_output_is_reported(tmp_path):
    (tmp_path / "logs_20240101.jsonl").write_bytes(b"{not json\n")
    with pytest.raises(OutputReadError, match=r"logs_20240101\.jsonl:1: not valid JSON"):
        compute_kpis(tmp_path)
