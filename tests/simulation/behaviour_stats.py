"""Shape-of-behaviour statistics of a generated output (issue 13), in plain Python.

The same statistics the issue compares with real public event logs: session length and
depth with their tails, pauses inside sessions, the hour-of-day and weekday rhythm,
day-N return, one-day users, and how the users who start the window CHURNING fade
against ACTIVE ones. Used by the behaviour tests and, as a script, to measure a run::

    .venv/bin/python -m tests.simulation.behaviour_stats OUT [--users USERS.jsonl]

``OUT`` is a ``demogen generate`` output folder; ``USERS.jsonl`` its ``--debug-users`` file
(needed for the segment figures). A session runs from one ``session_start`` event to the
next (so a long pause stays inside its session); plans without that event fall back to
the 30-minute idle rule.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
import yaml

from demogen.analysis.naming import thinkingdata_name

TRACK_TYPES = frozenset({"track", "track_update", "track_overwrite"})
IDLE_SECONDS = 30 * 60.0
NIGHT_HOURS = range(0, 6)       # 00:00–05:59 local
RETURN_DAYS = (1, 3, 7, 14, 21, 30)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@dataclass
class BehaviourStats:
    sessions: int
    session_minutes: dict[str, float]          # p50 / p90 / p99
    events_per_session: dict[str, float]
    events_per_user_day: dict[str, float]
    long_pause_share: float                    # sessions holding a > 30 min pause
    night_share: float                         # events at 00–05 h
    peak_trough: float                         # busiest ÷ quietest hour (events)
    hour_share: list[float]
    weekday_share: dict[str, float]
    returns: dict[int, float | None]           # classic day-N return of in-window installs
    one_day_users: float                       # active users seen on one day only
    segments: dict[str, dict[str, float]] = field(default_factory=dict)
    #: Day-N return averaged over days N-1..N+1: one day's cohort swings with its weekday
    #: (education's D14 / D7 was 0.64 to 0.86 over seeds 3-5 of one code).
    returns_pooled: dict[int, float | None] = field(default_factory=dict)

    def lines(self) -> list[str]:
        def q(d: dict[str, float]) -> str:
            return " / ".join(f"{d[k]:.1f}" for k in ("p50", "p90", "p99"))
        ret = "  ".join(f"D{n} {'-' if r is None else f'{r:.3f}'}"
                        for n, r in self.returns.items())
        week = " ".join(f"{k} {v:.3f}" for k, v in self.weekday_share.items())
        rows = [
            f"sessions                       {self.sessions}",
            f"session minutes p50/p90/p99    {q(self.session_minutes)}"
            f"  (p99/p50 {self.session_minutes['p99'] / self.session_minutes['p50']:.1f})",
            f"events/session p50/p90/p99     {q(self.events_per_session)}",
            f"events/user-day p50/p90/p99    {q(self.events_per_user_day)}",
            f"sessions with >30 min pause    {self.long_pause_share:.4f}",
            f"events at 00-05 h              {self.night_share:.4f}",
            f"peak/trough hour               {self.peak_trough:.1f}",
            f"events at 06-11 h / 21-23 h    {sum(self.hour_share[6:12]):.4f}"
            f" / {sum(self.hour_share[21:24]):.4f}",
            f"weekday share                  {week}",
            f"return                         {ret}",
            f"one-day users                  {self.one_day_users:.3f}",
        ]
        for name, figures in self.segments.items():
            rows.append(f"start {name:<24} " + "  ".join(f"{k} {v:.3f}"
                                                          for k, v in figures.items()))
        return rows


def quantiles(values: Sequence[float]) -> dict[str, float]:
    ordered = sorted(values)
    if not ordered:
        return {"p50": 0.0, "p90": 0.0, "p99": 0.0}

    def at(p: float) -> float:
        return float(ordered[min(len(ordered) - 1, int(p * len(ordered)))])
    return {"p50": at(0.5), "p90": at(0.9), "p99": at(0.99)}


def _parse(text: str) -> datetime:
    return datetime.strptime(text[:19], "%Y-%m-%d %H:%M:%S").replace(
        microsecond=int(text[20:23] or 0) * 1000 if len(text) > 20 else 0)


def read_events(out: Path) -> dict[str, list[tuple[datetime, str]]]:
    """Each user's track events (local time, name), in time order."""
    users: dict[str, list[tuple[datetime, str]]] = defaultdict(list)
    for path in sorted(out.glob("*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                record = orjson.loads(line)
                if record["#type"] in TRACK_TYPES:
                    users[record["#distinct_id"]].append(
                        (_parse(record["#time"]), record["#event_name"]))
    for events in users.values():
        events.sort(key=lambda item: item[0])
    return users


def split_sessions(events: list[tuple[datetime, str]], start_event: str | None
                   ) -> list[list[tuple[datetime, str]]]:
    """The user's events cut into sessions: at each ``start_event``, else after 30 idle
    minutes."""
    sessions: list[list[tuple[datetime, str]]] = []
    previous: datetime | None = None
    for time, name in events:
        new = (name == start_event) if start_event else (
            previous is None or (time - previous).total_seconds() > IDLE_SECONDS)
        if new or not sessions:
            sessions.append([])
        sessions[-1].append((time, name))
        previous = time
    return sessions


def measure(out: Path, users_file: Path | None = None,
            session_start: str = "session_start") -> BehaviourStats:
    users = read_events(out)
    names = {name for events in users.values() for _, name in events}
    start_event = session_start if session_start in names else None
    minutes, depth, pauses = [], [], 0
    per_day: Counter[tuple[str, date]] = Counter()
    hours: Counter[int] = Counter()
    weekdays: Counter[date] = Counter()
    active_days: dict[str, set[date]] = defaultdict(set)
    for user, events in users.items():
        for time, _ in events:
            hours[time.hour] += 1
            weekdays[time.date()] += 1
            per_day[(user, time.date())] += 1
            active_days[user].add(time.date())
        for session in split_sessions(events, start_event):
            times = [time for time, _ in session]
            minutes.append((times[-1] - times[0]).total_seconds() / 60)
            depth.append(len(times))
            gaps = ((b - a).total_seconds() for a, b in pairwise(times))
            pauses += any(g > IDLE_SECONDS for g in gaps)
    total = sum(hours.values())
    hour_counts = [hours.get(h, 0) for h in range(24)]
    stats = BehaviourStats(
        sessions=len(depth),
        session_minutes=quantiles(minutes),
        events_per_session=quantiles(depth),
        events_per_user_day=quantiles(list(per_day.values())),
        long_pause_share=pauses / max(len(depth), 1),
        night_share=sum(hours.get(h, 0) for h in NIGHT_HOURS) / max(total, 1),
        peak_trough=max(hour_counts) / max(min(hour_counts), 1),
        hour_share=[c / max(total, 1) for c in hour_counts],
        weekday_share=_per_weekday(weekdays, {d for days in active_days.values() for d in days}),
        returns={n: None for n in RETURN_DAYS},
        one_day_users=sum(len(d) == 1 for d in active_days.values()) / max(len(active_days), 1),
    )
    if users_file is not None:
        _trace_stats(stats, users_file)
    return stats


def _per_weekday(events: Counter[date], dates: set[date]) -> dict[str, float]:
    """Share of events per weekday, each weekday's count divided by how often it occurs in
    the window (a 30-day window holds some weekdays five times)."""
    if dates:   # whole weeks after the first one: the window's start and its existing
        # users' fade would otherwise weigh on the weekdays the window starts with
        first = min(dates) + timedelta(days=7)
        weeks = (max(dates) - first).days // 7
        dates = {d for d in dates if first <= d < first + timedelta(days=7 * weeks)} or dates
    occurs = Counter(d.weekday() for d in dates)
    by_weekday: Counter[int] = Counter()
    for day in dates:
        by_weekday[day.weekday()] += events.get(day, 0)
    rate = {d: by_weekday[d] / occurs[d] if occurs[d] else 0.0 for d in range(7)}
    total = sum(rate.values()) or 1.0
    return {WEEKDAYS[d]: rate[d] / total for d in range(7)}


def _trace_stats(stats: BehaviourStats, users_file: Path) -> None:
    """Day-N return of in-window installs and the starting segments' fade, from the
    ``--debug-users`` rows (install dates are there, not in the events)."""
    rows = [json.loads(line) for line in users_file.read_text(encoding="utf-8").splitlines()]
    first = min(date.fromisoformat(r["day"]) for r in rows)
    last = max(date.fromisoformat(r["day"]) for r in rows)
    by_user: dict[int, list[dict]] = defaultdict(list)
    for row in rows:
        by_user[row["user"]].append(row)
    stats.returns = {n: _return(by_user, first, last, n) for n in RETURN_DAYS}
    stats.returns_pooled = {n: _pooled(by_user, first, last, n) for n in RETURN_DAYS}
    half = first + (last - first) / 2
    starts: dict[str, list[list[dict]]] = defaultdict(list)
    for user_rows in by_user.values():
        if date.fromisoformat(user_rows[0]["installed"]) < first:
            starts[user_rows[0]["segment"]].append(user_rows)
    for segment, groups in sorted(starts.items()):
        days = [r for g in groups for r in g]
        early = [r for r in days if date.fromisoformat(r["day"]) <= half]
        late = [r for r in days if date.fromisoformat(r["day"]) > half]
        stats.segments[segment] = {
            "users": float(len(groups)),
            "active": _share(days), "first_half": _share(early), "second_half": _share(late)}


def _share(rows: Iterable[dict]) -> float:
    rows = list(rows)
    return sum(r["active"] for r in rows) / max(len(rows), 1)


def _pooled(by_user: dict[int, list[dict]], first: date, last: date, n: int) -> float | None:
    """The day-N return averaged with days N-1 and N+1 (those the window holds)."""
    found = [r for k in (n - 1, n, n + 1) if k > 0
             and (r := _return(by_user, first, last, k)) is not None]
    return sum(found) / len(found) if found else None


def _return(by_user: dict[int, list[dict]], first: date, last: date, n: int) -> float | None:
    cohort = retained = 0
    for user_rows in by_user.values():
        installed = date.fromisoformat(user_rows[0]["installed"])
        if installed < first or installed + timedelta(days=n) > last:
            continue
        cohort += 1
        target = (installed + timedelta(days=n)).isoformat()
        retained += any(r["day"] == target and r["active"] for r in user_rows)
    return retained / cohort if cohort else None


# -- the content loop: product depth and funnel step rates ------------------------------------

#: Name words of a product event besides the view and cart roles: a product's detail,
#: its options, a wishlist (list and search pages are not about one product).
PRODUCT_WORDS = frozenset({"product", "item", "sku", "detail", "option", "variant", "size",
                           "wishlist", "wish", "favorite", "favourite", "cart", "bag",
                           "basket"})
NOT_PRODUCT_WORDS = frozenset({"list", "category", "search", "searched", "filter",
                               "filtered", "promotion", "banner", "order", "checkout"})


@dataclass
class FunnelStats:
    """E-commerce depth and step rates (roles from the run's ``rules.yaml``)."""

    product_events_per_session: dict[str, float]
    view_share: float           # views of view + cart + purchased products
    carts_per_view: float
    purchases_per_cart: float   # products bought (order lines) per cart addition

    def lines(self) -> list[str]:
        q = self.product_events_per_session
        return [f"product events/session p50/p90/p99 {q['p50']:.1f} / {q['p90']:.1f} / "
                f"{q['p99']:.1f}",
                f"views of view+cart+purchase    {self.view_share:.3f}",
                f"carts per view                 {self.carts_per_view:.3f}",
                f"purchases per cart             {self.purchases_per_cart:.3f}"]


def product_events(names: Iterable[str], roles: dict[str, list[str]]) -> set[str]:
    """The product-view / product-detail / cart / wishlist events: the ``view`` and ``cart``
    roles, and events whose name words say product, option or wishlist (not a list)."""
    out = {*roles.get("view", []), *roles.get("cart", [])}
    for name in names:
        words = set(name.lower().replace("-", "_").split("_"))
        if words & PRODUCT_WORDS and not words & NOT_PRODUCT_WORDS:
            out.add(name)
    return out - {*roles.get("revenue", []), *roles.get("refund", [])}


def funnel_stats(out: Path, session_start: str = "session_start") -> FunnelStats:
    written = yaml.safe_load((out / "rules.yaml").read_text(encoding="utf-8"))["event_roles"]
    users = read_events(out)
    counts = Counter(name for events in users.values() for _, name in events)
    # rules.yaml keeps the plan's names; the files carry ThinkingData's ("Product Viewed"
    # is written product_viewed).
    roles = {role: [n if n in counts else thinkingdata_name(n) for n in names]
             for role, names in written.items()}
    products = product_events(counts, roles)
    start = session_start if session_start in counts else None
    depth = []
    for events in users.values():
        for session in split_sessions(events, start):
            depth.append(sum(name in products for _, name in session))
    views = sum(counts[e] for e in roles.get("view", []))
    carts = sum(counts[e] for e in roles.get("cart", []))
    purchases = purchased_lines(out, set(roles.get("revenue", [])))
    return FunnelStats(quantiles(depth), views / max(views + carts + purchases, 1),
                       carts / max(views, 1), purchases / max(carts, 1))


#: Name words of an order's list of products (its lines).
LINE_WORDS = frozenset({"product", "products", "item", "items", "sku", "skus", "commodity",
                        "goods", "line", "lines", "cart"})


def order_sizes(out: Path, revenue: set[str]) -> Counter[int]:
    """Orders by their number of lines (:func:`purchased_lines` per order)."""
    sizes: Counter[int] = Counter()
    for path in sorted(out.glob("*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                record = orjson.loads(line)
                if record.get("#event_name") in revenue:
                    sizes[_lines(record["properties"])] += 1
    return sizes


def _lines(values: dict[str, Any]) -> int:
    listed = [len(v) for k, v in values.items() if isinstance(v, list) and v
              and set(k.lower().replace("-", "_").split("_")) & LINE_WORDS]
    return max(listed, default=1)


def purchased_lines(out: Path, revenue: set[str]) -> int:
    """Products bought: one per line of each order (the longest list property named for
    products: ``product_ids``, ``products``, ``commodity_list``), one for an order without.

    The public shop logs the issue compares with write one purchase event per product
    bought, so their purchases per cart counts products; an order holding three products
    is three purchases there."""
    lines = 0
    for path in sorted(out.glob("*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                record = orjson.loads(line)
                if record.get("#event_name") in revenue:
                    lines += _lines(record["properties"])
    return lines



def purchases_by_segment(out: Path, users_file: Path) -> dict[str, float]:
    """Purchases (revenue events) per active buyer-day, by the segment the buyer is in that
    day (the ``--debug-users`` trace's day rows); buyers: the users who bought in the run."""
    written = yaml.safe_load((out / "rules.yaml").read_text(encoding="utf-8"))["event_roles"]
    revenue = {n for name in written.get("revenue", []) for n in (name, thinkingdata_name(name))}
    bought: Counter[tuple[str, str]] = Counter()
    for path in sorted(out.glob("*.jsonl")):
        with path.open("rb") as f:
            for line in f:
                record = orjson.loads(line)
                if record.get("#event_name") in revenue:
                    bought[(record["#distinct_id"], record["#time"][:10])] += 1
    buyers = {user for user, _ in bought}
    days: Counter[str] = Counter()
    buys: Counter[str] = Counter()
    with users_file.open("rb") as f:
        for line in f:
            row = orjson.loads(line)
            if row["active"] and row["#distinct_id"] in buyers:
                days[row["segment"]] += 1
                buys[row["segment"]] += bought[(row["#distinct_id"], row["day"])]
    return {segment: buys[segment] / n for segment, n in sorted(days.items())}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--users", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--funnel", action="store_true",
                        help="also product events per session and the funnel's step rates")
    args = parser.parse_args(argv)
    stats = measure(args.out, args.users)
    print(json.dumps(asdict(stats), indent=1) if args.json else "\n".join(stats.lines()))
    if args.funnel:
        funnel = funnel_stats(args.out)
        print(json.dumps(asdict(funnel), indent=1) if args.json else "\n".join(funnel.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
