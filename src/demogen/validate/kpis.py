"""KPIs of an output folder, computed with DuckDB straight from the JSONL files.

Definitions (realism-bands.md §0; the same ones the bands in §8 use):

- **Data.** Every ``logs_*.jsonl`` / ``.jsonl.gz`` file of the folder. An *event* is a record
  whose ``#type`` is ``track``, ``track_update`` or ``track_overwrite``; only events count as
  activity. ``#time`` is local wall-clock time, so the day of an event is the date part of
  ``#time`` and its hour the local hour.
- **User.** ``#distinct_id`` (the device), or ``#account_id`` when a record has no device id.
  In demogen's output each device maps to one account, so this is the analysed user.
- **Window.** ``window`` if given (events outside it are ignored), else first to last day
  with an event. ``days`` counts the calendar days of the window.
- **Install day d0.** Local date of the user's first event in the window, or, with
  ``install_events``, of the user's first such event (users without one are in no cohort).
- **Classic N-day retention.** Cohort: users with d0 + N ≤ last day. Retained: those with at
  least one event on exactly d0 + N. Rate = retained / cohort (``None`` for an empty cohort).
- **DAU** per day: distinct users with an event that day (days without any count as 0).
  ``dau_mean``: mean over all days of the window.
- **MAU**: distinct users active in the last 30 days of the window (the whole window if
  shorter). ``dau_mau`` = mean DAU over those same days / MAU.
- **Payers**: users with at least one of ``revenue_events`` inside those last 30 days;
  ``payer_rate`` = payers / MAU (Swrve's "share of monthly actives who paid").
- **Revenue**: sum over the whole window of the amount property named by
  ``revenue_property[event]`` on revenue events (numbers or numeric strings; events without
  an amount property add 0). ``arpdau`` = revenue / active user-days (the sum of DAU).
- **Sessions.** With ``session_start_events``: each such event opens a session, which holds
  the user's events up to the next start; events before a user's first start belong to no
  session (``events_outside_sessions``). Without them: a new session starts at a user's first
  event and after every gap ≥ 30 minutes. Events with equal ``#time`` are ordered end events
  first, then start events, then the rest, then file order.
- **Session length**: ``#duration`` (seconds) of the session's first end event
  (``session_end_events``) when present, else last event time − first event time of the
  session. ``median_session_minutes`` and ``events_per_session_median`` are interpolated
  medians (the mean of the two middle values for an even count).
- ``sessions_per_active_day`` = sessions / active user-days.
- ``hourly_activity``: 24 shares of events by local hour (0–23); ``weekday_activity``: 7
  shares by local weekday, Monday first. Each sums to 1 (all 0 without events).

The function is pure: the same folder and arguments give the same :class:`Kpis`.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping, Sequence
from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from demogen.analysis.heuristic._money import money_role
from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.taxonomy import EventTaxonomy
from demogen.validate._reader import output_files, unreadable_output
from demogen.validate._sql import RECORD_COLUMNS, sql_names

__all__ = ["SESSION_GAP_MINUTES", "Kpis", "Retention", "compute_kpis", "kpi_parameters"]

#: Inactivity that ends a session when no start events are given (realism-bands.md §0).
SESSION_GAP_MINUTES = 30
#: Length of the MAU window (realism-bands.md §0: "30-day actives").
MAU_DAYS = 30



class Retention(BaseModel):
    """Classic N-day retention of all install cohorts that can be observed on day N."""

    model_config = ConfigDict(frozen=True)

    day: int
    cohort: int
    retained: int
    rate: float | None


class Kpis(BaseModel):
    """KPIs and the raw counts behind them. See the module docstring for definitions."""

    model_config = ConfigDict(frozen=True)

    files: int
    records: int
    records_by_type: dict[str, int]
    events: int
    users: int
    first_day: date | None
    last_day: date | None
    days: int
    dau: list[int]
    dau_mean: float | None
    active_user_days: int
    mau_days: int
    mau: int
    dau_mau: float | None
    retention: dict[int, Retention]
    payers: int
    payer_rate: float | None
    revenue: float
    arpdau: float | None
    session_rule: str
    sessions: int
    events_outside_sessions: int
    sessions_per_active_day: float | None
    median_session_minutes: float | None
    events_per_session_median: float | None
    hourly_activity: list[float]
    weekday_activity: list[float]

    def retention_rate(self, day: int) -> float | None:
        point = self.retention.get(day)
        return point.rate if point else None

    @property
    def d1(self) -> float | None:
        return self.retention_rate(1)

    @property
    def d7(self) -> float | None:
        return self.retention_rate(7)

    @property
    def d30(self) -> float | None:
        return self.retention_rate(30)


def _names(kind: str, names: Sequence[str]) -> str:
    """SQL test "the event name is one of ``names``" (FALSE, not NULL, when there are none)."""
    listed = sql_names(sorted(set(names)), kind)
    return f'"#event_name" IN {listed}' if names else "FALSE"


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


def sessions_table_sql(*, by_start_events: bool, table: str = "TEMP TABLE sess") -> str:
    """``CREATE {table}``: one row per session of table ``ev`` (uid, sid, day, n_events,
    seconds). A session starts at a start event, else after a 30-minute gap; ties are ordered
    end, start, other, file order; sid 0 holds a user's events before their first start.
    Seconds: the session's first ``#duration``, else its span."""
    order = "ts, is_end DESC, is_start DESC, seq"
    if by_start_events:
        new_session = "CASE WHEN is_start THEN 1 ELSE 0 END"
    else:
        new_session = (f"CASE WHEN prev_ts IS NULL OR ts - prev_ts >= INTERVAL "
                       f"{SESSION_GAP_MINUTES} MINUTE THEN 1 ELSE 0 END")
    return f"""
        CREATE {table} AS
        WITH ordered AS (
            SELECT *, lag(ts) OVER (PARTITION BY uid ORDER BY {order}) AS prev_ts FROM ev
        ), numbered AS (
            SELECT *, sum({new_session}) OVER (PARTITION BY uid ORDER BY {order}
                                               ROWS UNBOUNDED PRECEDING) AS sid
            FROM ordered
        )
        SELECT uid, sid, min(day) AS day, count(*) AS n_events,
               coalesce(arg_min(duration_s, ts) FILTER (WHERE duration_s IS NOT NULL),
                        epoch(max(ts) - min(ts))) AS seconds
        FROM numbered GROUP BY uid, sid
    """


def compute_kpis(
    out_dir: str | os.PathLike[str],
    *,
    revenue_events: Sequence[str] = (),
    revenue_property: Mapping[str, str] | None = None,
    session_start_events: Sequence[str] = (),
    session_end_events: Sequence[str] = (),
    install_events: Sequence[str] = (),
    retention_days: Sequence[int] = (1, 7, 30),
    window: tuple[date, date] | None = None,
    prefix: str = "logs_",
) -> Kpis:
    """Compute :class:`Kpis` over the day files in ``out_dir`` (definitions: module docstring).

    Usage::

        kpis = compute_kpis(out, revenue_events=["purchase"],
                            revenue_property={"purchase": "price"},
                            session_start_events=["session_start"],
                            session_end_events=["session_end"])
        kpis.d1, kpis.dau_mau, kpis.median_session_minutes
    """
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb ships with the dev/validate extras
        raise ConfigError("computing KPIs needs DuckDB: pip install duckdb") from None

    files = output_files(out_dir, prefix=prefix)
    if not files:
        raise ConfigError(f"{out_dir} holds no {prefix}YYYYMMDD.jsonl(.gz) files")
    revenue_property = dict(revenue_property or {})
    revenue_list = _names("revenue event", list(revenue_events))
    starts = _names("session start event", list(session_start_events))
    ends = _names("session end event", list(session_end_events))
    installs = _names("install event", list(install_events))
    amount_cases = []
    for event, prop in sorted(revenue_property.items()):
        _names("revenue event", [event])
        sql_names([prop], f"revenue property of {event!r}")
        amount_cases.append(
            f"WHEN \"#event_name\" = '{event}' THEN TRY_CAST(json_extract_string(properties, "
            f"'$.\"{prop}\"') AS DOUBLE)"
        )
    amount_sql = f"CASE {' '.join(amount_cases)} END" if amount_cases else "NULL::DOUBLE"
    if window is not None and window[0] > window[1]:
        raise ConfigError(f"window {window[0]}..{window[1]} ends before it starts")

    spill = tempfile.mkdtemp(prefix="demogen-kpis-")
    con = duckdb.connect(config={"temp_directory": spill})
    try:
        return _compute(
            con, [str(f) for f in files], revenue_list, starts, ends, installs, amount_sql,
            list(retention_days), window,
            session_rule="start_events" if session_start_events else "gap_30min",
            has_installs=bool(install_events),
        )
    except duckdb.Error as exc:
        raise unreadable_output(files, exc, out_dir) from None
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)




def _compute(con, files, revenue_list, starts, ends, installs, amount_sql, retention_days,
             window, *, session_rule, has_installs) -> Kpis:
    q = con.execute
    # One scan keeps only the small columns the KPIs need (never the properties JSON).
    q(
        f"""
        CREATE TEMP TABLE rec AS
        SELECT row_number() OVER () AS seq,
               "#type" AS type,
               coalesce(nullif("#distinct_id", ''), nullif("#account_id", '')) AS uid,
               "#event_name" AS name,
               try_strptime("#time", '%Y-%m-%d %H:%M:%S.%g') AS ts,
               CAST(try_strptime("#time", '%Y-%m-%d %H:%M:%S.%g') AS DATE) AS day,
               {starts} AS is_start,
               {ends} AS is_end,
               {revenue_list} AS is_revenue,
               {installs} AS is_install,
               CASE WHEN {ends} THEN
                   TRY_CAST(json_extract_string(properties, '$."#duration"') AS DOUBLE)
               END AS duration_s,
               CASE WHEN {revenue_list} THEN {amount_sql} END AS amount
        FROM read_json($files, format='newline_delimited', columns={RECORD_COLUMNS},
                       compression='auto')
        """,
        {"files": files},
    )
    records_by_type = dict(q(
        "SELECT coalesce(type, '<missing>'), count(*) FROM rec GROUP BY 1 ORDER BY 1"
    ).fetchall())
    window_sql = ""
    if window is not None:
        window_sql = f"AND day BETWEEN DATE '{window[0]}' AND DATE '{window[1]}'"
    q(f"""
        CREATE TEMP TABLE ev AS SELECT * EXCLUDE (type) FROM rec
        WHERE type IN ('track', 'track_update', 'track_overwrite')
          AND uid IS NOT NULL AND ts IS NOT NULL {window_sql}
    """)
    q("DROP TABLE rec")

    records = sum(records_by_type.values())
    events, users, first_day, last_day = q(
        "SELECT count(*), count(DISTINCT uid), min(day), max(day) FROM ev"
    ).fetchone()
    if window is not None:
        first_day, last_day = window
    if first_day is None:
        return _empty(len(files), records, records_by_type, retention_days, session_rule)
    days = (last_day - first_day).days + 1
    mau_start = max(first_day, last_day - timedelta(days=MAU_DAYS - 1))
    mau_days = (last_day - mau_start).days + 1

    q("CREATE TEMP TABLE ud AS SELECT DISTINCT uid, day FROM ev")
    dau_rows = dict(q("SELECT day, count(*) FROM ud GROUP BY day").fetchall())
    dau = [dau_rows.get(first_day + timedelta(days=i), 0) for i in range(days)]
    active_user_days = sum(dau)
    mau = q("SELECT count(DISTINCT uid) FROM ud WHERE day >= $s", {"s": mau_start}).fetchone()[0]
    mau_dau = dau[-mau_days:]

    if has_installs:
        q("CREATE TEMP TABLE inst AS SELECT uid, min(day) AS d0 FROM ev "
          "WHERE is_install GROUP BY uid")
    else:
        q("CREATE TEMP TABLE inst AS SELECT uid, min(day) AS d0 FROM ud GROUP BY uid")
    retention: dict[int, Retention] = {}
    for n in retention_days:
        cohort, retained = q(
            """SELECT count(*), count(ud.uid) FROM inst
               LEFT JOIN ud ON ud.uid = inst.uid AND ud.day = inst.d0 + CAST($n AS INTEGER)
               WHERE inst.d0 + CAST($n AS INTEGER) <= $last""",
            {"n": n, "last": last_day},
        ).fetchone()
        retention[n] = Retention(day=n, cohort=cohort, retained=retained,
                                 rate=_ratio(retained, cohort))

    payers = q("SELECT count(DISTINCT uid) FROM ev WHERE is_revenue AND day >= $s",
               {"s": mau_start}).fetchone()[0]
    revenue = q("SELECT coalesce(sum(amount), 0) FROM ev WHERE is_revenue").fetchone()[0]

    q(sessions_table_sql(by_start_events=session_rule == "start_events"))
    sessions, outside, median_seconds, median_events = q(
        """SELECT count(*) FILTER (WHERE sid > 0),
                  coalesce(sum(n_events) FILTER (WHERE sid = 0), 0),
                  quantile_cont(seconds, 0.5) FILTER (WHERE sid > 0),
                  quantile_cont(CAST(n_events AS DOUBLE), 0.5) FILTER (WHERE sid > 0)
           FROM sess"""
    ).fetchone()

    by_hour = dict(q("SELECT hour(ts), count(*) FROM ev GROUP BY 1").fetchall())
    by_weekday = dict(q("SELECT isodow(ts) - 1, count(*) FROM ev GROUP BY 1").fetchall())
    return Kpis(
        files=len(files),
        records=records,
        records_by_type=records_by_type,
        events=events,
        users=users,
        first_day=first_day,
        last_day=last_day,
        days=days,
        dau=dau,
        dau_mean=active_user_days / days,
        active_user_days=active_user_days,
        mau_days=mau_days,
        mau=mau,
        dau_mau=_ratio(sum(mau_dau) / mau_days, mau),
        retention=retention,
        payers=payers,
        payer_rate=_ratio(payers, mau),
        revenue=float(revenue),
        arpdau=_ratio(float(revenue), active_user_days),
        session_rule=session_rule,
        sessions=sessions,
        events_outside_sessions=int(outside),
        sessions_per_active_day=_ratio(sessions, active_user_days),
        median_session_minutes=None if median_seconds is None else median_seconds / 60,
        events_per_session_median=median_events,
        hourly_activity=[by_hour.get(h, 0) / events if events else 0.0 for h in range(24)],
        weekday_activity=[by_weekday.get(d, 0) / events if events else 0.0 for d in range(7)],
    )


def _empty(files, records, records_by_type, retention_days, session_rule) -> Kpis:
    return Kpis(
        files=files, records=records, records_by_type=records_by_type, events=0, users=0,
        first_day=None, last_day=None, days=0, dau=[], dau_mean=None, active_user_days=0,
        mau_days=0, mau=0, dau_mau=None,
        retention={n: Retention(day=n, cohort=0, retained=0, rate=None) for n in retention_days},
        payers=0, payer_rate=None, revenue=0.0, arpdau=None, session_rule=session_rule,
        sessions=0, events_outside_sessions=0, sessions_per_active_day=None,
        median_session_minutes=None, events_per_session_median=None,
        hourly_activity=[0.0] * 24, weekday_activity=[0.0] * 7,
    )


#: Money roles that can be an order's revenue, most telling first (a discount, shipping,
#: tax or fee is a part of the order, never what it earned).
REVENUE_ROLES = ("total", "net", "amount", "subtotal", "gross")


def revenue_amounts(rules: Rules, listed: dict[str, set[str]] | None = None
                    ) -> dict[str, tuple[str, str | None]]:
    """Revenue event → (amount property, currency property or None). Parts of an order
    (a discount, shipping, tax, a fee) are never its revenue. A property whose name holds
    ``usd`` wins (no conversion needed); then what is paid (``total``, then ``net``, the
    ``amount``…, by :data:`REVENUE_ROLES`); then the property made for fewer events.
    ``listed`` (event → its taxonomy properties) limits the choice when known."""
    result: dict[str, tuple[str, str | None]] = {}
    for event in rules.event_roles.revenue:
        candidates = []
        for prop, money in rules.monetary_properties.items():
            if money.events and event not in money.events:
                continue
            if listed is not None and event in listed and prop not in listed[event]:
                continue
            role = money.role or money_role(prop)
            if role not in REVENUE_ROLES:
                continue
            candidates.append(("usd" not in prop.lower(), REVENUE_ROLES.index(role),
                               len(money.events) or 10_000, prop, money.currency_property))
        if candidates:
            *_, prop, currency = min(candidates)
            result[event] = (prop, None if "usd" in prop.lower() else currency)
    return result


def kpi_parameters(rules: Rules, taxonomy: EventTaxonomy) -> dict[str, object]:
    """The event names :func:`compute_kpis` needs, read from the rules of the run."""
    ec, roles = rules.event_constraints, rules.event_roles
    listed = {name: set(event.properties) for name in roles.revenue
              if (event := taxonomy.event(name)) is not None}
    amounts = {event: prop for event, (prop, _) in revenue_amounts(rules, listed).items()}
    return {
        "revenue_events": list(roles.revenue),
        "revenue_property": amounts,
        "session_start_events": list(ec.session_start_events),
        "session_end_events": list(ec.session_end_events),
        "install_events": list(roles.install),
    }
