"""Everything the report shows, computed with DuckDB from the day files.

The headline KPIs come from :func:`demogen.validate.compute_kpis`, so the report, the
calibration tests and ``kpis.json`` share one set of definitions (``demogen/validate/kpis.py``).
The rest is computed here on one more scan of the files, with the same
conventions: events are ``track*`` records, a user is ``#distinct_id`` (else ``#account_id``),
days and hours are local (the date and hour of ``#time``), the install day is the first
install event's day (else the first active day), sessions are the rules' start events (else
30 minutes of inactivity).

Definitions of what is added here:

- **WAU / MAU per day**: distinct users active in the 7 / 30 days ending that day, only from
  the first day whose 7 / 30 days all lie inside the window (``None`` before: a window that
  starts with the data would count only the days so far, so MAU would climb for a month and
  stickiness start near 100 %). **Stickiness** per day = DAU / MAU of that day. A window
  shorter than 30 days has no daily MAU; its headline ``mau`` counts the actives of the whole
  window and ``dau_mau`` divides by them, so the report labels both with their window and
  marks ``dau_mau`` partial (``mau_partial``) instead of checking it against its band.
  ``wau_mean`` is the mean over the days with a full 7-day window.
- **New users per day**: users whose install day is that day; **returning** = DAU − new.
- **Cohort retention** (classic, by install cohort): for cohort day d0 and N = 0…30, the
  share of the cohort active on d0 + N, shown only where d0 + N is inside the window. The
  curve pools the cohorts that can be observed at N (the same rule as ``compute_kpis``) and,
  like each cohort's rates, stops at the last N some cohort can be observed at (at most
  days − 1; none without cohorts).
- **Funnels** (classic, per user, over the whole window): step 1 counts users with the
  first step; step k counts users who did step k strictly after the time they reached step
  k − 1. Conversion = step k / step k − 1; overall = last / first.
- **Revenue** is in US dollars: a revenue event's amount is its USD monetary property when
  the rules have one (a name containing ``usd``), else its amount property converted with
  the FX table of the run's rules (``money.fx``; ``data/locale/fx.yaml`` by default) by the
  record's currency property; amounts without a
  currency are taken as USD, amounts in a currency missing from the table are left out (and
  counted). **ARPDAU** = revenue / active user-days; **ARPPU** = revenue of the MAU window /
  payers in it; **top x% share** = revenue share of the top ⌈x% × payers⌉ payers (at least 1)
  by revenue over the window.
- **Sessions per active user per day** = sessions starting that day / DAU of that day.
- **Property distributions**: the most frequent custom event properties (from a sample of
  the first 20,000 events): numbers as histograms of about 20 bins 1, 2 or 5 × 10ⁿ wide
  (labels with thousands separators, or k / M / B / T from 10,000 up), strings with at most
  20 values as top values.
- **Mix over time**: with a string user property named like a segment or lifecycle stage
  (``segment``, ``lifecycle``, ``…_stage``) holding at most 12 values, the share of each
  value among each day's active users (their latest value); otherwise the share of new vs
  returning users per day.
"""

from __future__ import annotations

import math
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from demogen.analysis.rules import MoneyRules, Rules
from demogen.errors import ConfigError
from demogen.validate import Kpis, compute_kpis, output_files
from demogen.validate._sql import RECORD_COLUMNS, SAFE_NAME, sql_names
from demogen.validate.kpis import MAU_DAYS, revenue_amounts, sessions_table_sql

__all__ = ["Funnel", "ReportData", "UsdRates", "bin_labels", "compute_report", "usd_rates"]

#: Retention days shown in the cohort table and curve (fewer when the window is shorter).
RETENTION_DAYS = 30
#: Width of the WAU window, days.
WAU_DAYS = 7
#: Session length histogram edges, minutes.
SESSION_BINS = (0, 0.5, 1, 2, 3, 5, 8, 10, 15, 20, 30, 45, 60, 90, 120)
_SAMPLE = 20_000
_MAX_PROPERTIES = 8
_MAX_VALUES = 20
#: A user property naming the user's segment or lifecycle stage (not a game's stage id).
_MIX_NAME = re.compile(r"segment|lifecycle|(^|_)stage$", re.IGNORECASE)
_MAX_MIX_VALUES = 12


class UsdRates(BaseModel):
    model_config = ConfigDict(frozen=True)

    as_of: str
    usd_per_unit: dict[str, float]


def usd_rates(rules: Rules | None = None) -> UsdRates:
    """The run's FX table (``money.fx`` of its rules), else the bundled one
    (``demogen/data/locale/fx.yaml``, shared with the simulation and validate)."""
    money = rules.money if rules is not None else MoneyRules()
    return UsdRates(as_of=money.fx_as_of, usd_per_unit=money.fx)


class FunnelStep(BaseModel):
    event: str
    users: int
    conversion: float | None  # from the previous step (None for the first)


class Funnel(BaseModel):
    name: str
    per_session: bool = False
    steps: list[FunnelStep]
    overall: float | None


class Distribution(BaseModel):
    """``kind`` ``numeric``: ``labels`` are bin ranges; ``categorical``: top values."""

    name: str
    kind: str
    labels: list[str]
    counts: list[int]
    events: int


class ReportData(BaseModel):
    """The report's numbers; ``kpis`` is the flat dict written to ``kpis.json``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    product: str
    out_dir: str
    preset: str | None
    bands: dict[str, tuple[float, float]] = Field(default_factory=dict)
    kpis: dict[str, Any]
    days: list[date]
    dau: list[int]
    wau: list[int | None]  # None until the first full 7-day window
    mau: list[int | None]  # None until the first full 30-day window
    new_users: list[int]
    returning_users: list[int]
    sessions_per_user: list[float | None]
    revenue_per_day: list[float]
    cohorts: list[dict[str, Any]]  # {day, size, rates: [rate or None for N = 0..last]}
    retention_curve: list[float | None]  # N = 0..last observable (≤ 30, ≤ days - 1)
    funnels: list[Funnel]
    session_minutes_bins: list[str]
    session_minutes_counts: list[int]
    hourly: list[float]
    weekday: list[float]
    #: Events by local weekday (rows, Monday first) and hour (columns).
    hour_weekday: list[list[int]] = Field(default_factory=list)
    #: p50/p90/p99 of the shapes that show heavy tails: events per session and per active
    #: user-day, session minutes.
    depth: dict[str, dict[str, float | None]] = Field(default_factory=dict)
    top_events: list[dict[str, Any]]
    distributions: list[Distribution]
    mix_property: str | None
    mix: dict[str, list[float]]  # value → share per day
    notes: list[str]


def compute_report(
    out_dir: str | Path,
    *,
    rules: Rules | None,
    product: str,
    preset: Any | None = None,
    listed: dict[str, set[str]] | None = None,
    memory_limit: str = "2GB",
    progress: Callable[[str], None] | None = None,
) -> ReportData:
    """Compute the report of ``out_dir`` (definitions: module docstring).

    ``preset`` is a :class:`~demogen.simulation.presets.VerticalPreset` whose ``bands``
    mark the KPIs; ``listed`` maps events to their taxonomy properties.

    ``progress``, when given, is called with a short lower-case description of each pass as
    it starts ("reading 14 day files: headline KPIs", "sessions", "funnels", …), in the
    calling thread, before the pass's work, so a caller can show it beside a spinner until
    the next call or the return. The passes and their wording are not fixed (a run without
    rules has no funnel pass); there are about ten, and the two "reading" passes take most
    of the time on large outputs. The callback should return quickly; what it raises
    (``KeyboardInterrupt`` …) propagates and the temporary files are removed.
    """
    step = progress or _silent
    try:
        import duckdb
    except ImportError:  # pragma: no cover
        raise ConfigError("the report needs DuckDB: pip install duckdb") from None
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ConfigError(f"{folder} does not exist or is not a folder")
    files = output_files(folder)
    if not files:
        raise ConfigError(f"{folder} holds no logs_YYYYMMDD.jsonl(.gz) day files")
    notes: list[str] = []
    amounts = revenue_amounts(rules, listed) if rules is not None else {}
    ec = rules.event_constraints if rules is not None else None
    roles = rules.event_roles if rules is not None else None
    step(f"reading {_plural(len(files), 'day file')}: headline KPIs")
    kpis = compute_kpis(
        folder,
        revenue_events=list(roles.revenue) if roles else [],
        revenue_property={e: p for e, (p, _) in amounts.items()},
        session_start_events=list(ec.session_start_events) if ec else [],
        session_end_events=list(ec.session_end_events) if ec else [],
        install_events=list(roles.install) if roles else [],
        retention_days=list(range(RETENTION_DAYS + 1)),
    )
    if rules is None:
        notes.append("no taxonomy or rules: revenue, funnels and session start/end events are "
                     "unknown; sessions use the 30-minute rule")
    elif not roles.revenue:
        notes.append("the rules name no revenue events: payer and revenue KPIs are empty")
    notes.extend(_custom_segments(folder))
    spill = tempfile.mkdtemp(prefix="demogen-report-")
    con = duckdb.connect(str(Path(spill) / "report.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{memory_limit}'")
        con.execute(f"SET temp_directory = '{Path(spill) / 'spill'}'")
        # DuckDB's own bar would print over the caller's progress display.
        con.execute("SET enable_progress_bar = false")
        return _Report(con, [str(f) for f in files], rules, kpis, amounts, notes,
                       folder, product, preset, step).build()
    except duckdb.Error as exc:
        raise ConfigError(f"DuckDB cannot read the output in {folder} ({exc}); run "
                          "'demogen validate' to find the bad line") from None
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _custom_segments(folder: Path) -> list[str]:
    """The run's custom segments (demogen.yaml ``segments:``), as its manifest records them."""
    from demogen.errors import DemogenError
    from demogen.output import read_manifest
    from demogen.simulation.segments import CustomSegment

    try:
        recorded = read_manifest(folder).options.get("segments") or []
    except DemogenError:
        return []
    return [f"custom segment {CustomSegment.model_validate(s).describe()} (each user's "
            "segment: generate --debug-users)" for s in recorded]


def _silent(_: str) -> None:
    """The progress callback when the caller gives none."""


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


class _Report:
    def __init__(self, con, files, rules, kpis: Kpis, amounts, notes, folder, product, preset,
                 step: Callable[[str], None]):
        self.con, self.files, self.rules, self.k = con, files, rules, kpis
        self.amounts, self.notes = amounts, notes
        self.folder, self.product, self.preset = folder, product, preset
        self.step = step

    def q(self, sql: str, params: Any = None):
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    # -- loading ---------------------------------------------------------------------------

    def _sample(self) -> tuple[list[tuple[str, str]], str | None]:
        """(property, kind) to show as distributions, and a segment/lifecycle property."""
        rows = self.q(
            f"""SELECT "#type", properties FROM read_json($files, format='newline_delimited',
                   columns={RECORD_COLUMNS}, compression='auto', ignore_errors=true)
                WHERE properties IS NOT NULL LIMIT {_SAMPLE * 2}""",
            {"files": self.files},
        ).fetchall()
        import orjson

        keys: Counter[str] = Counter()
        kinds: dict[str, set[str]] = {}
        values: dict[str, set[str]] = {}
        user_keys: Counter[str] = Counter()
        user_values: dict[str, set[str]] = {}
        skip = self._skipped_properties()
        for rtype, props in rows:
            data = orjson.loads(props)
            if not isinstance(data, dict):
                continue
            if rtype in ("user_set", "user_setOnce"):
                for key, value in data.items():
                    if isinstance(value, str):
                        user_keys[key] += 1
                        seen = user_values.setdefault(key, set())
                        if len(seen) <= _MAX_MIX_VALUES:
                            seen.add(value)
                continue
            if not (rtype or "").startswith("track"):
                continue
            for key, value in data.items():
                if key.startswith("#") or key in skip or not SAFE_NAME.fullmatch(key):
                    continue
                keys[key] += 1
                kind = ("bool" if isinstance(value, bool) else "number"
                        if isinstance(value, int | float) else "string"
                        if isinstance(value, str) else "other")
                kinds.setdefault(key, set()).add(kind)
                if kind == "string" and len(values.setdefault(key, set())) <= _MAX_VALUES:
                    values[key].add(value)
        chosen = []
        for key, _ in keys.most_common():
            kind = kinds[key]
            if kind == {"number"}:
                chosen.append((key, "numeric"))
            elif kind <= {"string", "bool"} and len(values.get(key, ())) <= _MAX_VALUES:
                chosen.append((key, "categorical"))
            if len(chosen) == _MAX_PROPERTIES:
                break
        mix = next((k for k, _ in user_keys.most_common()
                    if _MIX_NAME.search(k) and SAFE_NAME.fullmatch(k)
                    and len(user_values[k]) <= _MAX_MIX_VALUES), None)
        return chosen, mix

    def _skipped_properties(self) -> set[str]:
        """Amounts are shown in the revenue section, not as distributions."""
        return {p for p, _ in self.amounts.values()}

    def load(self) -> None:
        self.step("sampling event properties")
        self.props, self.mix_prop = self._sample()
        self.cols = {name: f"p{i}" for i, (name, _) in enumerate(self.props)}
        extract = "".join(
            f", json_extract_string(properties, '$.\"{n}\"') AS {c}" for n, c in self.cols.items()
        )
        mix = (f", json_extract_string(properties, '$.\"{self.mix_prop}\"') AS mix"
               if self.mix_prop else ", NULL::VARCHAR AS mix")
        money = []
        for event, (prop, currency) in sorted(self.amounts.items()):
            cur = (f"upper(json_extract_string(properties, '$.\"{currency}\"'))"
                   if currency else "NULL")
            money.append(
                f"WHEN \"#event_name\" = '{event}' THEN {{'amount': TRY_CAST(json_extract_string("
                f"properties, '$.\"{prop}\"') AS DOUBLE), 'currency': {cur}}}")
        money_sql = (f"CASE {' '.join(money)} END" if money
                     else "CAST(NULL AS STRUCT(amount DOUBLE, currency VARCHAR))")
        rules = self.rules
        ec = rules.event_constraints if rules is not None else None
        starts = sql_names(list(ec.session_start_events) if ec else [])
        ends = sql_names(list(ec.session_end_events) if ec else [])
        revenue = sql_names(list(rules.event_roles.revenue) if rules else [])
        installs = sql_names(list(rules.event_roles.install) if rules else [])
        self.has_starts = bool(ec and ec.session_start_events)
        self.has_installs = bool(rules and rules.event_roles.install)
        self.step(f"reading {_plural(len(self.files), 'day file')}: events and properties")
        self.q(
            f"""CREATE TABLE raw AS
            SELECT "#type" AS type,
                   coalesce(nullif("#distinct_id", ''), nullif("#account_id", '')) AS uid,
                   "#event_name" AS name,
                   try_strptime("#time", '%Y-%m-%d %H:%M:%S.%g') AS ts,
                   "#event_name" IN {revenue} AS is_revenue,
                   "#event_name" IN {starts} AS is_start,
                   "#event_name" IN {ends} AS is_end,
                   "#event_name" IN {installs} AS is_install,
                   CASE WHEN "#event_name" IN {ends} THEN TRY_CAST(json_extract_string(
                       properties, '$."#duration"') AS DOUBLE) END AS duration_s,
                   CASE WHEN "#event_name" IN {revenue} THEN {money_sql} END AS money
                   {extract} {mix}
            FROM read_json($files, format='newline_delimited', columns={RECORD_COLUMNS},
                           compression='auto', ignore_errors=true)""",
            {"files": self.files},
        )
        first, last = self.k.first_day, self.k.last_day
        self.q(f"""CREATE TABLE ev AS
                   SELECT rowid AS seq, *, CAST(ts AS DATE) AS day FROM raw
                   WHERE type IN ('track', 'track_update', 'track_overwrite')
                     AND uid IS NOT NULL AND ts IS NOT NULL
                     AND CAST(ts AS DATE) BETWEEN DATE '{first}' AND DATE '{last}'""")
        self.q("""CREATE TABLE ups AS SELECT uid, ts, mix FROM raw
                  WHERE mix IS NOT NULL AND uid IS NOT NULL AND ts IS NOT NULL
                    AND type IN ('user_set', 'user_setOnce')""")
        self.q("DROP TABLE raw")
        self.q("CREATE TABLE ud AS SELECT DISTINCT uid, day FROM ev")
        if self.has_installs:
            self.q("CREATE TABLE inst AS SELECT uid, min(day) AS d0 FROM ev WHERE is_install "
                   "GROUP BY uid")
        else:
            self.q("CREATE TABLE inst AS SELECT uid, min(day) AS d0 FROM ud GROUP BY uid")
        rates = usd_rates(self.rules)
        self.q("CREATE TABLE rate (currency VARCHAR, usd DOUBLE)")
        self.con.executemany("INSERT INTO rate VALUES (?, ?)", list(rates.usd_per_unit.items()))
        self.q("""CREATE TABLE pay AS
                  SELECT ev.uid, ev.day, money.amount AS amount, money.currency AS currency,
                         CASE WHEN money.currency IS NULL THEN money.amount
                              ELSE money.amount * rate.usd END AS usd
                  FROM ev LEFT JOIN rate ON rate.currency = ev.money.currency
                  WHERE ev.is_revenue""")

    # -- sections --------------------------------------------------------------------------

    def build(self) -> ReportData:
        self.load()
        k = self.k
        days = [k.first_day + timedelta(days=i) for i in range(k.days)] if k.first_day else []
        index = {d: i for i, d in enumerate(days)}

        def series(rows, default=0):
            out = [default] * len(days)
            for day, value in rows:
                if day in index:
                    out[index[day]] = value
            return out

        self.step("active users per day (DAU, WAU, MAU)")
        wau = self._rolling(days, WAU_DAYS)
        mau = self._rolling(days, MAU_DAYS)
        new = series(self.q("SELECT d0, count(*) FROM inst GROUP BY d0").fetchall())
        returning = [max(a - n, 0) for a, n in zip(k.dau, new, strict=True)]
        self.step("sessions")
        sessions = self._sessions()
        per_day = series(self.q("SELECT day, count(*) FROM sess GROUP BY day").fetchall())
        sessions_per_user = [s / a if a else None for s, a in zip(per_day, k.dau, strict=True)]
        labels, counts = self._session_histogram()
        depth = self._depth()
        self.step("retention by install cohort")
        cohorts, curve = self._cohorts(days)
        self.step("revenue")
        revenue_rows = self.q("SELECT day, sum(usd) FROM pay GROUP BY day").fetchall()
        revenue_per_day = [float(v or 0) for v in series(revenue_rows, 0.0)]
        kpis = self._kpis(wau, sessions)
        if self.rules is not None and self.rules.event_constraints.charted_funnels():
            self.step("funnels")
        funnels = self._funnels()
        self.step("top events and property distributions")
        top_events = self._top_events()
        distributions = self._distributions()
        self.step("user mix over time")
        mix_values = self._mix(days, new)
        return ReportData(
            product=self.product,
            out_dir=str(self.folder),
            preset=getattr(self.preset, "name", None),
            bands=dict(getattr(self.preset, "bands", {}) or {}),
            kpis=kpis,
            days=days,
            dau=list(k.dau),
            wau=wau,
            mau=mau,
            new_users=new,
            returning_users=returning,
            sessions_per_user=sessions_per_user,
            revenue_per_day=revenue_per_day,
            cohorts=cohorts,
            retention_curve=curve,
            funnels=funnels,
            session_minutes_bins=labels,
            session_minutes_counts=counts,
            hourly=list(k.hourly_activity),
            weekday=list(k.weekday_activity),
            hour_weekday=self._hour_weekday(),
            depth=depth,
            top_events=top_events,
            distributions=distributions,
            mix_property=self.mix_prop,
            mix=mix_values,
            notes=self.notes,
        )

    def _rolling(self, days: list[date], width: int) -> list[int | None]:
        """Distinct users active in the ``width`` days ending each day, for the days whose
        whole ``width``-day window is inside ``days`` (``None`` before: warm-up)."""
        if len(days) < width:
            return [None] * len(days)
        counts = dict(self.q(
            f"""SELECT d.day, count(DISTINCT ud.uid)
                FROM (SELECT CAST(range AS DATE) AS day
                      FROM range($first, $end, INTERVAL 1 DAY)) d
                JOIN ud ON ud.day BETWEEN d.day - INTERVAL {width - 1} DAY AND d.day
                GROUP BY d.day""",
            {"first": days[width - 1], "end": days[-1] + timedelta(days=1)},
        ).fetchall())
        return [counts.get(d, 0) if i >= width - 1 else None for i, d in enumerate(days)]

    def _sessions(self) -> dict[str, Any]:
        """Sessions by the rule of ``compute_kpis`` (``kpis.py``): start events, else a
        30-minute gap; ties ordered end, start, other, file order."""
        self.q(sessions_table_sql(by_start_events=self.has_starts, table="TABLE sess_all"))
        self.q("CREATE VIEW sess AS SELECT * FROM sess_all WHERE sid > 0")
        count, mean_minutes = self.q("SELECT count(*), avg(seconds) / 60 FROM sess").fetchone()
        return {"sessions": count, "mean_minutes": mean_minutes}

    def _depth(self) -> dict[str, dict[str, float | None]]:
        """p50/p90/p99 of events per session, events per active user-day and session
        minutes: the tails a flat generator misses (real shops: session minutes p99/p50
        ≈ 15)."""
        def quantiles(sql: str) -> dict[str, float | None]:
            row = self.q(f"""SELECT quantile_cont(x, 0.5), quantile_cont(x, 0.9),
                                    quantile_cont(x, 0.99) FROM ({sql})""").fetchone()
            return {k: (None if v is None else float(v))
                    for k, v in zip(("p50", "p90", "p99"), row or (None,) * 3, strict=True)}
        return {
            "events per session": quantiles("SELECT n_events AS x FROM sess"),
            "events per active user-day": quantiles(
                "SELECT count(*) AS x FROM ev GROUP BY uid, day"),
            "session minutes": quantiles("SELECT seconds / 60 AS x FROM sess"),
        }

    def _hour_weekday(self) -> list[list[int]]:
        counts = {(d, h): n for d, h, n in self.q(
            "SELECT isodow(ts) - 1, hour(ts), count(*) FROM ev GROUP BY 1, 2").fetchall()}
        return [[counts.get((d, h), 0) for h in range(24)] for d in range(7)]

    def _session_histogram(self) -> tuple[list[str], list[int]]:
        edges = list(SESSION_BINS)
        rows = dict(self.q(
            f"""SELECT CASE {' '.join(f'WHEN seconds / 60 < {e} THEN {i}'
                                      for i, e in enumerate(edges[1:]))}
                       ELSE {len(edges) - 1} END AS bin, count(*)
                FROM sess GROUP BY bin"""
        ).fetchall())
        labels = bin_labels(edges)
        labels.append(f"≥{edges[-1]:g}")
        return labels, [rows.get(i, 0) for i in range(len(labels))]

    def _cohorts(self, days: list[date]) -> tuple[list[dict[str, Any]], list[float | None]]:
        """Per cohort and pooled, for N = 0 … the last N the window can observe."""
        if not days:
            return [], []
        last = days[-1]
        shown = range(min(RETENTION_DAYS, len(days) - 1) + 1)
        sizes = dict(self.q("SELECT d0, count(*) FROM inst GROUP BY d0").fetchall())
        kept = {
            (d0, n): c for d0, n, c in self.q(
                f"""SELECT i.d0, CAST(ud.day - i.d0 AS INTEGER) AS n, count(*) FROM inst i
                    JOIN ud ON ud.uid = i.uid AND ud.day >= i.d0
                               AND ud.day <= i.d0 + INTERVAL {RETENTION_DAYS} DAY
                    GROUP BY ALL""").fetchall()
        }
        cohorts = []
        for d0 in sorted(sizes):
            size = sizes[d0]
            rates = [kept.get((d0, n), 0) / size if (last - d0).days >= n else None
                     for n in shown]
            cohorts.append({"day": d0.isoformat(), "size": size, "rates": rates})
        curve = []
        for n in shown:
            cohort = sum(sizes[d0] for d0 in sizes if (last - d0).days >= n)
            kept_n = sum(kept.get((d0, n), 0) for d0 in sizes if (last - d0).days >= n)
            curve.append(kept_n / cohort if cohort else None)
        # Stop where the data stops: no cohort is old enough for the N beyond the last value.
        end = max((n + 1 for n, rate in enumerate(curve) if rate is not None), default=0)
        for c in cohorts:
            c["rates"] = c["rates"][:end]
        return cohorts, curve[:end]

    def _funnels(self) -> list[Funnel]:
        rules = self.rules
        if rules is None:
            return []
        result = []
        for funnel in rules.event_constraints.charted_funnels():
            steps: list[FunnelStep] = []
            previous = None
            for i, step in enumerate(funnel.steps):
                sql_names([step])
                table = f"fun_{i}"
                self.q(f"DROP TABLE IF EXISTS {table}")
                if previous is None:
                    self.q(f"CREATE TEMP TABLE {table} AS SELECT uid, min(ts) AS t FROM ev "
                           f"WHERE name = '{step}' GROUP BY uid")
                else:
                    self.q(f"""CREATE TEMP TABLE {table} AS SELECT e.uid, min(e.ts) AS t
                               FROM ev e JOIN {previous} p ON p.uid = e.uid AND e.ts > p.t
                               WHERE e.name = '{step}' GROUP BY e.uid""")
                users = self.q(f"SELECT count(*) FROM {table}").fetchone()[0]
                before = steps[-1].users if steps else None
                steps.append(FunnelStep(event=step, users=users,
                                        conversion=(users / before if before else None)
                                        if steps else None))
                previous = table
            first = steps[0].users if steps else 0
            result.append(Funnel(name=funnel.name, per_session=funnel.per_session, steps=steps,
                                 overall=steps[-1].users / first if first else None))
        return result

    def _top_events(self) -> list[dict[str, Any]]:
        total = self.k.events or 1
        return [
            {"event": name, "count": n, "share": n / total, "users": users}
            for name, n, users in self.q(
                "SELECT name, count(*) AS n, count(DISTINCT uid) FROM ev GROUP BY name "
                "ORDER BY n DESC, name LIMIT 20").fetchall()
        ]

    def _distributions(self) -> list[Distribution]:
        out = []
        for name, kind in self.props:
            col = self.cols[name]
            if kind == "numeric":
                out.append(self._histogram(name, col))
            else:
                rows = self.q(f"""SELECT {col}, count(*) AS n FROM ev WHERE {col} IS NOT NULL
                                  GROUP BY 1 ORDER BY n DESC, 1 LIMIT {_MAX_VALUES}""").fetchall()
                total = self.q(f"SELECT count({col}) FROM ev").fetchone()[0]
                out.append(Distribution(name=name, kind="categorical",
                                        labels=[str(v) for v, _ in rows],
                                        counts=[n for _, n in rows], events=total))
        return out

    def _histogram(self, name: str, col: str, bins: int = 20) -> Distribution:
        value = f"TRY_CAST({col} AS DOUBLE)"
        low, high, total = self.q(
            f"SELECT min({value}), max({value}), count({value}) FROM ev").fetchone()
        if total == 0 or low is None:
            return Distribution(name=name, kind="numeric", labels=[], counts=[], events=0)
        if high == low:
            return Distribution(name=name, kind="numeric", labels=bin_labels([low]),
                                counts=[total], events=total)
        width = _nice_width((high - low) / bins)
        start = math.floor(low / width) * width
        count = max(1, math.ceil((high - start) / width + 1e-9))
        if start + count * width <= high:
            count += 1
        rows = dict(self.q(
            f"""SELECT CAST(floor(({value} - {start!r}) / {width!r}) AS BIGINT) AS b, count(*)
                FROM ev WHERE {value} IS NOT NULL GROUP BY b""").fetchall())
        labels = bin_labels([start + i * width for i in range(count + 1)])
        return Distribution(name=name, kind="numeric", labels=labels,
                            counts=[rows.get(i, 0) for i in range(count)], events=total)

    def _mix(self, days: list[date], new: list[int]) -> dict[str, list[float]]:
        k = self.k
        if self.mix_prop and days:
            rows = self.q(
                """SELECT ud.day, coalesce(u.mix, '(unknown)') AS value, count(*)
                   FROM ud ASOF LEFT JOIN ups u
                        ON u.uid = ud.uid AND CAST(ud.day AS TIMESTAMP) + INTERVAL 1 DAY > u.ts
                   GROUP BY ALL"""
            ).fetchall()
            index = {d: i for i, d in enumerate(days)}
            values = sorted({v for _, v, _ in rows})
            mix = {v: [0.0] * len(days) for v in values}
            for day, value, n in rows:
                if day in index and k.dau[index[day]]:
                    mix[value][index[day]] = n / k.dau[index[day]]
            return mix
        return {
            "new": [n / a if a else 0.0 for n, a in zip(new, k.dau, strict=True)],
            "returning": [(a - n) / a if a else 0.0 for n, a in zip(new, k.dau, strict=True)],
        }

    def _kpis(self, wau: list[int | None], sessions: dict[str, Any]) -> dict[str, Any]:
        k = self.k
        mau_start = (k.last_day - timedelta(days=k.mau_days - 1)) if k.last_day else None
        revenue = self.q("SELECT coalesce(sum(usd), 0) FROM pay").fetchone()[0]
        unconverted = self.q(
            "SELECT count(*), string_agg(DISTINCT currency, ', ') FROM pay "
            "WHERE amount IS NOT NULL AND usd IS NULL").fetchone()
        if unconverted[0]:
            self.notes.append(f"{unconverted[0]} revenue events in currencies missing from the "
                              f"rate table ({unconverted[1]}) are left out of revenue")
        mau_revenue, mau_payers = self.q(
            "SELECT coalesce(sum(usd), 0), count(DISTINCT uid) FROM pay WHERE day >= $s",
            {"s": mau_start}).fetchone() if mau_start else (0.0, 0)
        per_payer = [r[0] for r in self.q(
            "SELECT coalesce(sum(usd), 0) AS r FROM pay GROUP BY uid ORDER BY r DESC"
        ).fetchall()]
        full_weeks = [n for n in wau if n is not None]
        retention = {n: k.retention_rate(n) for n in (1, 7, 30)}
        return {
            "product": self.product,
            "first_day": k.first_day.isoformat() if k.first_day else None,
            "last_day": k.last_day.isoformat() if k.last_day else None,
            "days": k.days,
            "records": k.records,
            "events": k.events,
            "users": k.users,
            "d1_retention": retention[1],
            "d7_retention": retention[7],
            "d30_retention": retention[30],
            "d1_cohort": k.retention[1].cohort if 1 in k.retention else 0,
            "d7_cohort": k.retention[7].cohort if 7 in k.retention else 0,
            "d30_cohort": k.retention[30].cohort if 30 in k.retention else 0,
            "dau_mean": k.dau_mean,
            "wau_mean": sum(full_weeks) / len(full_weeks) if full_weeks else None,
            "mau": k.mau,
            "mau_days": k.mau_days,
            "mau_partial": k.mau_days < MAU_DAYS,
            "dau_mau": k.dau_mau,
            "new_users": self.q("SELECT count(*) FROM inst").fetchone()[0],
            "payers": k.payers,
            "payer_rate": k.payer_rate,
            "revenue_usd": float(revenue),
            "arpdau": float(revenue) / k.active_user_days if k.active_user_days else None,
            "arppu": float(mau_revenue) / mau_payers if mau_payers else None,
            "top1_payer_revenue_share": _top_share(per_payer, 0.01),
            "top10_payer_revenue_share": _top_share(per_payer, 0.10),
            "sessions": sessions["sessions"],
            "session_rule": k.session_rule,
            "sessions_per_active_day": k.sessions_per_active_day,
            "median_session_minutes": k.median_session_minutes,
            "mean_session_minutes": sessions["mean_minutes"],
            "events_per_session_median": k.events_per_session_median,
            "peak_hour": max(range(24), key=lambda h: k.hourly_activity[h]) if k.events
            else None,
            "currency_rates_as_of": usd_rates(self.rules).as_of,
        }


def _top_share(per_payer: list[float], share: float) -> float | None:
    total = sum(per_payer)
    if not per_payer or total <= 0:
        return None
    top = max(1, math.ceil(share * len(per_payer)))
    return sum(per_payer[:top]) / total


#: Suffixes of large bin edges, largest first.
_SCALES = ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "k"))
#: Edges stay plain numbers (with thousands separators) while the largest is below this.
_SCALE_FROM = 1e4


def bin_labels(edges: Sequence[float]) -> list[str]:
    """``a–b`` for each pair of consecutive ``edges`` (the one value for a single edge), with
    thousands separators, each edge in k / M / B / T once the largest edge reaches 10,000,
    and the decimals the narrowest bin needs: ``500k–1M``, ``5M–5.5M``, ``0.15–0.2``, never
    scientific notation. Negative edges are joined with "to"."""
    if not edges:
        return []
    top = max(abs(e) for e in edges)
    # A single value shows three significant digits.
    single = 10 ** (math.floor(math.log10(top)) - 2) if top else 1.0
    step = min((abs(b - a) for a, b in pairwise(edges) if b != a), default=single)

    def text(value: float) -> str:
        factor, suffix = next(((f, s) for f, s in _SCALES if top >= _SCALE_FROM
                               and abs(value) >= f), (1.0, ""))
        decimals = max(0, -math.floor(math.log10(step / factor) + 1e-9))
        number = round(value / factor, decimals) + 0.0   # + 0.0 turns -0.0 into 0.0
        shown = f"{number:,.{decimals}f}"
        if "." in shown:
            shown = shown.rstrip("0").rstrip(".")
        return "0" if shown in ("0", "-0") else shown + suffix

    if len(edges) == 1:
        return [text(edges[0])]
    dash = " to " if min(edges) < 0 else "–"
    return [f"{text(a)}{dash}{text(b)}" for a, b in pairwise(edges)]


def _nice_width(raw: float) -> float:
    """1, 2 or 5 times a power of ten, at least ``raw``."""
    if raw <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(raw))
    for step in (1, 2, 5, 10):
        if step * power >= raw:
            return float(step * power)
    return float(10 * power)
