"""Per-user and order checks of ``demogen validate``, in DuckDB SQL over the day files.

The files are loaded once into a small on-disk table (ids, type, time, event name and only
the properties the rules name), then each check is one query with window functions or
joins. DuckDB sorts and joins out of core (``memory_limit``, spilling to a temp folder), so
memory does not grow with the number of events.

**Order.** A user is the device (``#distinct_id``; ``#account_id`` when a record has no device
id). A user's records are ordered by ``#time`` (local wall-clock time), ties by file order.
Records without a readable ``#time`` or without ids are left out here (the record checks
report them). "Events" are ``track``/``track_update``/``track_overwrite`` records.

**Checks without rules.**

- ``identity``: a device that has sent an ``#account_id`` sends the same one on every later
  record (a later record without it, or with another one, is a violation); an account is
  used by one device only (records of an account from a second device are violations).

**Checks with rules** (``Rules`` as ``generate`` uses them):

- ``one_time``: each ``event_constraints.one_time_events`` event at most once per user;
  every occurrence after the first is a violation.
- ``prerequisite``: for an event ``E`` with prerequisites ``P`` (``event_constraints
  .prerequisites``), ``P`` happened earlier for that user. The data only covers the window,
  and users installed before it did their early events before it, so a missing ``P`` is
  only a violation where the user's history is observed: at or after the user's first
  install event (``event_roles.install``; signup is no such anchor, since a user installed
  before the window may have done anonymous steps before it and sign up inside it). For
  every user, a one-time ``P`` that occurs after ``E`` is a violation (being one-time, it
  cannot also have happened before the window).
- ``session_order``: a session end event (``session_end_events``) needs an open session:
  the user's previous start/end event is a start event.
- ``lifecycle``: events that no stage before ``onboarding_completed`` allows
  (``lifecycle_rules`` wildcards; the events every stage needs — install, signup, session
  start/end, onboarding steps — are never restricted) do not occur before the user's first
  ``event_roles.onboarding_complete`` event. Checked for users seen onboarding in the data
  (with any ``onboarding`` or ``onboarding_complete`` event); users who onboarded before
  the window cannot be judged.
- ``install_order``: no event of a user before the user's first install event (users with
  an install event in the data).
- ``constraint``: for each ``property_constraints`` entry, when a record holds both the
  property and its first ``depends_on`` property, and the parent's value is a key of
  ``mapping``, the property's value is one of ``mapping[parent value]`` (numbers compared as
  numbers, other values as text); where it is a key of ``ranges``, the number lies in
  ``ranges[parent value]`` (a walk's pace).
- ``state`` (``update_patterns``):

  * a user property changed only by ``increment``/``decrement`` patterns: per user, its
    observed change equals the sum of the amounts of the user's events that change it (a
    literal, or the event property named by ``{{prop}}``; decrements negative). Observed
    change = the sum of its ``user_add`` values + (last ``user_set`` value − baseline), the
    baseline being the first ``user_set`` value when it comes before the user's first
    changing event, else 0. Tolerance: 0.01 per changing event (cents rounding). With
    decrements, balances are clamped at 0, so the change may lie anywhere between the
    expected sum and the sum of the increments; a balance with a range maximum in the
    rules also stops there, so its change lies between the sum of the decrements and the
    sum of the increments. Running totals (never decremented) have no maximum. Users where
    an event lacks the referenced property are skipped (the generator then reads the
    user's state, which the data does not show).
  * ``set`` patterns: after a changing event, the property's value — from the last
    ``user_set``/``user_setOnce`` carrying it before the user's next event that changes it —
    equals the literal, the event's property, or the event's ``#time`` (``{{#time}}``).
    Users with no recorded value yet are skipped.
  * ``set_once`` patterns: a ``user_setOnce`` of the property after the user's first such
    event (and before the next changing event) carries that event's value.
  * ``append`` patterns are not checked.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from demogen.errors import ConfigError
from demogen.validate._check import Issue
from demogen.validate._funnels import FunnelRules, Measured, measure_steps
from demogen.validate._meaning import MeaningWalk, Row
from demogen.validate._meaning_rules import MeaningRules
from demogen.validate._progress import STEP_USERS, Progress
from demogen.validate._rules_view import CompiledRules
from demogen.validate._scan import EXAMPLES, FileScan, Finding
from demogen.validate._servers import role_starts
from demogen.validate._sql import RECORD_COLUMNS, SAFE_NAME
from demogen.vocab import UpdateType

__all__ = ["ConsistencyResult", "check_consistency"]

_TRACK = "type IN ('track', 'track_update', 'track_overwrite')"
_BIG = 9_223_372_036_854_775_807


def _norm(x: str) -> str:
    """SQL: a value's text, numbers in one canonical form (9 and 9.0 compare equal)."""
    return (f"CASE WHEN TRY_CAST({x} AS DOUBLE) IS NOT NULL "
            f"THEN CAST(TRY_CAST({x} AS DOUBLE) AS VARCHAR) ELSE {x} END")


def _equal(a: str, b: str) -> str:
    """SQL: two value texts are equal (numbers within 1e-6 relative)."""
    da, db = f"TRY_CAST({a} AS DOUBLE)", f"TRY_CAST({b} AS DOUBLE)"
    return (f"(CASE WHEN {da} IS NOT NULL AND {db} IS NOT NULL "
            f"THEN abs({da} - {db}) <= 1e-6 * greatest(1, abs({da})) ELSE {a} = {b} END)")


@dataclass
class ConsistencyResult:
    findings: dict[str, Finding] = field(default_factory=dict)
    users: int = 0
    devices: int = 0
    accounts: int = 0
    event_names: list[str] = field(default_factory=list)
    #: Each checkable funnel step as measured (:mod:`demogen.validate._funnels`).
    funnel_steps: list[Measured] = field(default_factory=list)


class _Locator:
    """Row id → (file, line): rows are loaded in file order, blank lines are skipped."""

    def __init__(self, rows: list[tuple[str, int, int]], scans: Sequence[FileScan]):
        by_name = {scan.file: scan for scan in scans}
        self._starts = [first for _, first, _ in rows]
        self._files = [name for name, _, _ in rows]
        self._exact = all(
            name in by_name and by_name[name].records == count for name, _, count in rows
        )
        self._blanks = {name: by_name[name].blank_lines for name, _, _ in rows if name in by_name}

    def __call__(self, rid: int) -> tuple[str, int | None]:
        i = bisect_right(self._starts, rid) - 1
        name = self._files[i]
        if not self._exact:
            return name, None
        line = rid - self._starts[i] + 1
        for blank in self._blanks.get(name, ()):
            if blank <= line:
                line += 1
            else:
                break
        return name, line


def check_consistency(
    files: Sequence[Path],
    scans: Sequence[FileScan],
    rules: CompiledRules | None,
    *,
    memory_limit: str = "2GB",
    threads: int | None = None,
    progress: Progress | None = None,
    meaning: MeaningRules | None = None,
    funnels: FunnelRules | None = None,
) -> ConsistencyResult:
    """Run the identity checks, and with ``rules`` the rule checks (module docstring);
    with ``meaning`` too, the meaning checks (:mod:`demogen.validate._meaning`); with
    ``funnels`` too, the funnel steps' conversions (:mod:`demogen.validate._funnels`).
    ``progress`` gets the ``"users"`` step (:mod:`demogen.validate._progress`)."""
    try:
        import duckdb
    except ImportError:  # pragma: no cover - duckdb is a dependency of validate
        raise ConfigError("validate needs DuckDB: pip install duckdb") from None
    spill = tempfile.mkdtemp(prefix="demogen-validate-")
    con = duckdb.connect(str(Path(spill) / "validate.duckdb"))
    try:
        con.execute(f"SET memory_limit = '{_memory(memory_limit)}'")
        con.execute(f"SET temp_directory = '{Path(spill) / 'spill'}'")
        con.execute("SET preserve_insertion_order = true")
        if threads:
            con.execute(f"SET threads = {int(threads)}")
        return _Checks(con, files, scans, rules, meaning, funnels).run(progress)
    except duckdb.Error as exc:
        raise ConfigError(f"DuckDB cannot check the output ({exc})") from None
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


_SIZE = re.compile(r"\d+(\.\d+)?(B|KB|MB|GB|TB|KIB|MIB|GIB|TIB)")


def _memory(text: str) -> str:
    value = text.strip().upper().replace(" ", "")
    if not _SIZE.fullmatch(value):
        raise ConfigError(f"memory limit {text!r} is not a size such as 2GB or 512MB")
    return value


class _Checks:
    def __init__(self, con, files: Sequence[Path], scans: Sequence[FileScan],
                 rules: CompiledRules | None, meaning: MeaningRules | None = None,
                 funnels: FunnelRules | None = None):
        self.meaning_rules = meaning if rules is not None else None
        self.funnel_rules = funnels if rules is not None else None
        self.con = con
        self.files = [str(f) for f in files]
        self.scans = scans
        self.rules = rules
        self.result = ConsistencyResult()
        self.columns: dict[str, str] = {}
        self.per_role: frozenset[str] = frozenset()

    # -- plumbing --------------------------------------------------------------------------

    def q(self, sql: str, params: Any = None):
        return self.con.execute(sql, params) if params is not None else self.con.execute(sql)

    def table(self, name: str, columns: str, rows: list[tuple]) -> None:
        self.q(f"CREATE TEMP TABLE {name} ({columns})")
        if rows:
            marks = ", ".join("?" * len(rows[0]))
            self.con.executemany(f"INSERT INTO {name} VALUES ({marks})", rows)

    def flag(self, kind: str, sql: str, message: Callable[..., str]) -> None:
        """Run a query yielding ``rid, …``; count its rows and keep the first examples."""
        rows = self.q(
            f"SELECT *, count(*) OVER () AS total FROM ({sql}) ORDER BY rid LIMIT {EXAMPLES}"
        ).fetchall()
        found = self.result.findings.setdefault(kind, Finding())
        if not rows:
            return
        found.count += rows[0][-1]
        for row in rows[: EXAMPLES - len(found.examples)]:
            file, line = self.locate(row[0])
            found.examples.append(Issue(file, line, message(*row[1:-1])))

    def at(self, rid: int | None) -> str:
        if rid is None:
            return "?"
        file, line = self.locate(rid)
        return f"{file}:{line}" if line is not None else file

    def col(self, prop: str) -> str:
        return self.columns[prop]

    # -- loading ---------------------------------------------------------------------------

    def _wanted_properties(self) -> list[str]:
        rules = self.rules
        if rules is None:
            return []
        names: list[str] = []
        for c in rules.constraints:
            names += [c.prop, c.depends_on]
        for r in rules.state_rules:
            names.append(r.prop)
            if r.reference and r.reference != "#time":
                names.append(r.reference)
            names += [n for n, _ in (*r.when, *r.reverse)]
        if self.meaning_rules is not None:
            names += self.meaning_rules.names
        if self.funnel_rules is not None:   # the ids of orders paid in a later session
            names += [i for step in self.funnel_rules.steps for i in step.ids]
        names += rules.servers   # a role's values are checked per server (_roles)
        return [n for n in dict.fromkeys(names) if SAFE_NAME.fullmatch(n)]

    def load(self) -> None:
        props = self._wanted_properties()
        self.columns = {name: f"p{i}" for i, name in enumerate(props)}
        extract = "".join(
            f", json_extract_string(properties, '$.\"{name}\"') AS {col}"
            for name, col in self.columns.items()
        )
        self.q(
            f"""CREATE TABLE raw AS
            SELECT filename AS path, "#type" AS type, "#time" AS ttext,
                   nullif("#distinct_id", '') AS did, nullif("#account_id", '') AS aid,
                   "#event_name" AS name {extract}
            FROM read_json($files, format='newline_delimited', columns={RECORD_COLUMNS},
                           filename=true, compression='auto', ignore_errors=true)""",
            {"files": self.files},
        )
        names = {f: Path(f).name for f in self.files}
        rows = [
            (names.get(path, Path(path).name), first, count)
            for path, first, count in self.q(
                "SELECT path, min(rowid), count(*) FROM raw GROUP BY path ORDER BY 2"
            ).fetchall()
        ]
        self.locate = _Locator(rows, self.scans)
        cols = "".join(f", {c}" for c in self.columns.values())
        self.q(
            f"""CREATE TABLE o AS
            SELECT rid, type, ttext, ts, did, aid, uid, name, is_track {cols},
                   row_number() OVER (PARTITION BY uid ORDER BY ts, rid) AS pos
            FROM (SELECT rowid AS rid, type, ttext,
                         try_strptime(ttext, '%Y-%m-%d %H:%M:%S.%g') AS ts, did, aid,
                         coalesce(did, aid) AS uid, name, {_TRACK} AS is_track {cols}
                  FROM raw)
            WHERE ts IS NOT NULL AND uid IS NOT NULL"""
        )
        self.q("DROP TABLE raw")
        self._roles()
        users, devices, accounts = self.q(
            "SELECT count(DISTINCT uid), count(DISTINCT did), count(DISTINCT aid) FROM o"
        ).fetchone()
        self.result.users, self.result.devices, self.result.accounts = users, devices, accounts
        self.q(
            """CREATE TABLE firsts AS
            SELECT uid, name, min(pos) AS first_pos, arg_min(rid, pos) AS first_rid,
                   count(*) AS n
            FROM o WHERE is_track AND name IS NOT NULL GROUP BY uid, name"""
        )
        self.result.event_names = [
            r[0] for r in self.q("SELECT DISTINCT name FROM firsts ORDER BY 1").fetchall()
        ]

    def _roles(self) -> None:
        """Column ``role`` of ``o``: the user's server number at each record (0 the first;
        :mod:`demogen.validate._servers`), where the rules have role values; and
        ``per_role``, the properties the checks follow per (user, role)."""
        rules = self.rules
        fields = [f for f in (rules.servers if rules is not None else ()) if f in self.columns]
        self.per_role = frozenset(rules.per_role) if rules is not None and fields \
            else frozenset()
        self.q("ALTER TABLE o ADD COLUMN role INTEGER DEFAULT 0")
        if not self.per_role:
            return
        cols = [self.col(f) for f in fields]
        cursor = self.q(
            f"""SELECT uid, pos, type, [{', '.join(cols)}] FROM o
                WHERE type <> 'user_setOnce' AND ({' OR '.join(f'{c} IS NOT NULL' for c in cols)})
                ORDER BY uid, pos""")

        def records() -> Iterator[tuple[str, int, str | None, dict[str, Any]]]:
            while batch := cursor.fetchmany(16_384):
                for uid, pos, kind, values in batch:
                    yield uid, pos, kind, dict(zip(fields, values, strict=True))

        starts = role_starts(fields, records())
        if not starts:
            return
        self.table("role_starts", "uid VARCHAR, pos BIGINT, role INTEGER", starts)
        self.q("""UPDATE o SET role = s.role FROM (
                      SELECT o.rid, r.role FROM o ASOF JOIN role_starts r
                      ON o.uid = r.uid AND o.pos >= r.pos) s
                  WHERE o.rid = s.rid""")

    def who(self, prop: str) -> str:
        """SQL naming whose ``prop`` a record shows: the user, or for a role value the
        user's role on a later server (``u1 (role 2)``)."""
        if prop not in self.per_role:
            return "uid"
        return "CASE WHEN role = 0 THEN uid ELSE uid || ' (role ' || (role + 1) || ')' END"

    def run(self, progress: Progress | None = None) -> ConsistencyResult:
        stages = [self.load, self.identity]
        if self.rules is not None:
            stages += [self.one_time, self.prerequisites, self.session_order, self.lifecycle,
                       self.install_order, self.constraints, self.state]
            if self.meaning_rules is not None:
                stages.append(self.meaning)
            if self.funnel_rules is not None:
                stages.append(self.funnels)
        for done, stage in enumerate(stages):
            if progress is not None:
                progress(STEP_USERS, done, len(stages))
            stage()
        if progress is not None:
            progress(STEP_USERS, len(stages), len(stages))
        return self.result

    # -- identity --------------------------------------------------------------------------

    def identity(self) -> None:
        self.q(
            """CREATE TEMP TABLE dev AS
            SELECT rid, did, aid,
                   first_value(aid IGNORE NULLS) OVER w AS bound,
                   first_value(CASE WHEN aid IS NOT NULL THEN rid END IGNORE NULLS) OVER w
                       AS bound_rid
            FROM o WHERE did IS NOT NULL
            WINDOW w AS (PARTITION BY did ORDER BY ts, rid
                         ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"""
        )
        self.flag(
            "identity",
            "SELECT rid, did, aid, bound, bound_rid FROM dev WHERE aid <> bound",
            lambda did, aid, bound, bound_rid: (
                f"device {did!r} sends #account_id {aid!r}, but it is bound to {bound!r} "
                f"since {self.at(bound_rid)} (one device, one account)"),
        )
        self.flag(
            "identity",
            "SELECT rid, did, bound, bound_rid FROM dev WHERE aid IS NULL AND bound IS NOT NULL",
            lambda did, bound, bound_rid: (
                f"device {did!r} sends no #account_id, but it sent {bound!r} at "
                f"{self.at(bound_rid)}; every later record carries the account"),
        )
        self.q("DROP TABLE dev")
        self.flag(
            "identity",
            """SELECT rid, aid, did, owner, owner_rid FROM (
                 SELECT rid, aid, did,
                        first_value(did IGNORE NULLS) OVER w AS owner,
                        first_value(CASE WHEN did IS NOT NULL THEN rid END IGNORE NULLS)
                            OVER w AS owner_rid
                 FROM o WHERE aid IS NOT NULL
                 WINDOW w AS (PARTITION BY aid ORDER BY ts, rid
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW))
               WHERE did <> owner""",
            lambda aid, did, owner, owner_rid: (
                f"account {aid!r} is used by device {did!r}, but it belongs to device "
                f"{owner!r} since {self.at(owner_rid)} (no account shared by two devices)"),
        )

    # -- events ----------------------------------------------------------------------------

    def one_time(self) -> None:
        rules = self.rules
        assert rules is not None
        self.table("once", "name VARCHAR", [(e,) for e in rules.one_time])
        self.flag(
            "one_time",
            """SELECT o.rid, o.uid, o.name, f.first_rid, f.n FROM o
               JOIN firsts f ON f.uid = o.uid AND f.name = o.name
               WHERE o.is_track AND f.n > 1 AND o.pos > f.first_pos
                 AND o.name IN (SELECT name FROM once)""",
            lambda uid, name, first_rid, n: (
                f"one-time event {name!r} again for user {uid!r} ({n} times; first at "
                f"{self.at(first_rid)})"),
        )

    def prerequisites(self) -> None:
        rules = self.rules
        assert rules is not None
        if not rules.prerequisites:
            return
        self.table("pairs", "event VARCHAR, pre VARCHAR, pre_once BOOLEAN",
                   list(rules.prerequisites))
        self.table("anchors", "name VARCHAR", [(e,) for e in rules.anchor])
        self.flag(
            "prerequisite",
            """WITH anchor AS (
                 SELECT uid, min(first_pos) AS apos FROM firsts
                 WHERE name IN (SELECT name FROM anchors) GROUP BY uid)
               SELECT o.rid, o.uid, o.name, p.pre, f.first_rid, a.apos IS NOT NULL AS seen
               FROM o JOIN pairs p ON p.event = o.name
               LEFT JOIN firsts f ON f.uid = o.uid AND f.name = p.pre
               LEFT JOIN anchor a ON a.uid = o.uid
               WHERE o.is_track AND (
                   (a.apos <= o.pos AND (f.first_pos IS NULL OR f.first_pos > o.pos))
                   OR (p.pre_once AND f.first_pos > o.pos))""",
            self._prerequisite_message,
        )

    def _prerequisite_message(self, uid, name, pre, first_rid, seen) -> str:
        if first_rid is None:
            return (f"{name!r} of user {uid!r} without its prerequisite {pre!r} (the user's "
                    "history is observed from the install on)")
        return (f"{name!r} of user {uid!r} comes before its prerequisite {pre!r} (first at "
                f"{self.at(first_rid)})")

    def session_order(self) -> None:
        rules = self.rules
        assert rules is not None
        if not rules.session_start or not rules.session_end:
            return
        self.table("starts", "name VARCHAR", [(e,) for e in rules.session_start])
        self.table("ends", "name VARCHAR", [(e,) for e in rules.session_end])
        self.flag(
            "session_order",
            """SELECT rid, uid, name, prev_rid FROM (
                 SELECT rid, uid, name, name IN (SELECT name FROM ends) AS is_end,
                        lag(name IN (SELECT name FROM starts)) OVER w AS prev_start,
                        lag(rid) OVER w AS prev_rid
                 FROM o
                 WHERE is_track AND (name IN (SELECT name FROM starts)
                                     OR name IN (SELECT name FROM ends))
                 WINDOW w AS (PARTITION BY uid ORDER BY pos))
               WHERE is_end AND prev_start IS DISTINCT FROM true""",
            lambda uid, name, prev_rid: (
                f"session end {name!r} of user {uid!r} without an open session "
                + ("(no session start before it)" if prev_rid is None
                   else f"(the previous start/end, at {self.at(prev_rid)}, is an end)")),
        )

    def lifecycle(self) -> None:
        rules = self.rules
        assert rules is not None
        post = rules.post_onboarding_events(self.result.event_names)
        if not post:
            return
        self.table("post", "name VARCHAR", [(e,) for e in post])
        self.table("onb", "name VARCHAR, complete BOOLEAN",
                   [(e, False) for e in rules.onboarding]
                   + [(e, True) for e in rules.onboarding_complete])
        self.flag(
            "lifecycle",
            """WITH seen AS (
                 SELECT f.uid, min(f.first_pos) FILTER (WHERE onb.complete) AS done_pos,
                        arg_min(f.first_rid, f.first_pos) FILTER (WHERE onb.complete)
                            AS done_rid
                 FROM firsts f JOIN onb ON onb.name = f.name GROUP BY f.uid)
               SELECT o.rid, o.uid, o.name, s.done_rid FROM o JOIN seen s ON s.uid = o.uid
               WHERE o.is_track AND o.name IN (SELECT name FROM post)
                 AND (s.done_pos IS NULL OR o.pos < s.done_pos)""",
            lambda uid, name, done_rid: (
                f"{name!r} of user {uid!r} before onboarding is complete (lifecycle rules "
                "allow it only from onboarding_completed on; "
                + ("the user never completes onboarding)" if done_rid is None
                   else f"onboarding completes at {self.at(done_rid)})")),
        )

    def install_order(self) -> None:
        rules = self.rules
        assert rules is not None
        if not rules.install:
            return
        self.table("installs", "name VARCHAR", [(e,) for e in rules.install])
        self.flag(
            "install_order",
            """WITH i AS (
                 SELECT uid, min(first_pos) AS ipos, arg_min(first_rid, first_pos) AS irid
                 FROM firsts WHERE name IN (SELECT name FROM installs) GROUP BY uid)
               SELECT o.rid, o.uid, o.name, i.irid FROM o JOIN i ON i.uid = o.uid
               WHERE o.is_track AND o.pos < i.ipos""",
            lambda uid, name, irid: (
                f"{name!r} of user {uid!r} before the user's install (at {self.at(irid)})"),
        )

    # -- values ----------------------------------------------------------------------------

    def constraints(self) -> None:
        rules = self.rules
        assert rules is not None
        if not rules.constraints:
            return
        rows = [
            (i, key, value)
            for i, c in enumerate(rules.constraints)
            for key, allowed in c.mapping.items()
            for value in (allowed or (None,))
        ]
        self.table("cmap_raw", "cid INTEGER, k VARCHAR, v VARCHAR", rows)
        self.q(f"""CREATE TEMP TABLE cmap AS
                   SELECT cid, {_norm('k')} AS k, list({_norm('v')}) FILTER (WHERE v IS NOT NULL)
                       AS allowed
                   FROM cmap_raw GROUP BY ALL""")
        parts = []
        for i, c in enumerate(rules.constraints):
            p, d = self.col(c.prop), self.col(c.depends_on)
            parts.append(
                f"""SELECT o.rid, '{c.prop}' AS prop, o.{p} AS value, '{c.depends_on}' AS parent,
                           o.{d} AS parent_value, m.allowed
                    FROM o JOIN cmap m ON m.cid = {i} AND m.k = {_norm(f'o.{d}')}
                    WHERE o.{p} IS NOT NULL
                      AND NOT list_contains(coalesce(m.allowed, []), {_norm(f'o.{p}')})"""
            )
        # A number ranged per parent value (a walk's pace): outside [low, high] (1e-6 slack).
        self.table("crange", "cid INTEGER, k VARCHAR, lo DOUBLE, hi DOUBLE",
                   [(i, k, lo, hi) for i, c in enumerate(rules.constraints)
                    for k, (lo, hi) in c.ranges.items()])
        for i, c in enumerate(rules.constraints):
            if not c.ranges:
                continue
            p, d = self.col(c.prop), self.col(c.depends_on)
            x = f"TRY_CAST(o.{p} AS DOUBLE)"
            parts.append(
                f"""SELECT o.rid, '{c.prop}' AS prop, o.{p} AS value, '{c.depends_on}' AS parent,
                           o.{d} AS parent_value,
                           ['from ' || CAST(r.lo AS VARCHAR) || ' to ' || CAST(r.hi AS VARCHAR)]
                    FROM o JOIN crange r ON r.cid = {i} AND {_norm('r.k')} = {_norm(f'o.{d}')}
                    WHERE {x} IS NOT NULL AND ({x} < r.lo - 1e-6 OR {x} > r.hi + 1e-6)"""
            )
        self.flag(
            "constraint",
            " UNION ALL ".join(parts),
            lambda prop, value, parent, parent_value, allowed: (
                f"{prop!r} is {value!r} where {parent!r} is {parent_value!r}; the rules allow "
                f"{', '.join(map(repr, allowed or [])) or 'nothing'} there"),
        )

    def state(self) -> None:
        rules = self.rules
        assert rules is not None
        if not rules.state_rules:
            return
        ops: dict[str, set[UpdateType]] = {}
        parts = []
        for r in rules.state_rules:
            ops.setdefault(r.prop, set()).add(r.op)
            if r.op in (UpdateType.INCREMENT, UpdateType.DECREMENT):
                sign = "-" if r.op is UpdateType.DECREMENT else ""
                amount = (f"{sign}{float(r.literal)!r}" if r.literal is not None
                          else f"{sign}TRY_CAST({self.col(str(r.reference))} AS DOUBLE)")
                if r.reverse:   # a currency flow's spend: the other way round
                    amount = f"CASE WHEN {self._holds(r.reverse)} THEN -({amount}) " \
                             f"ELSE {amount} END"
                expected = "NULL"
            else:
                amount = "NULL"
                if r.reference == "#time":
                    expected = "ttext"
                elif r.reference is not None:
                    expected = self.col(r.reference)
                else:
                    expected = "?"
            parts.append((
                f"SELECT {self.who(r.prop)}, pos, rid, name, ? AS prop, ? AS op, "
                f"CAST({amount} AS DOUBLE) AS amount, CAST({expected} AS VARCHAR) AS expected "
                f"FROM o WHERE is_track AND name = ? AND {self._holds(r.when)}",
                [r.prop, r.op.value, *([r.literal] if expected == "?" else []), r.event],
            ))
        self.q("CREATE TEMP TABLE chg (uid VARCHAR, pos BIGINT, rid BIGINT, name VARCHAR, "
               "prop VARCHAR, op VARCHAR, amount DOUBLE, expected VARCHAR)")
        for sql, params in parts:
            self.q(f"INSERT INTO chg {sql}", params)
        if self.rules is not None and self.rules.day_counters:
            self._one_change_a_day(self.rules.day_counters)
        props = sorted(ops)
        self.q("CREATE TEMP TABLE urec (uid VARCHAR, pos BIGINT, rid BIGINT, prop VARCHAR, "
               "type VARCHAR, v VARCHAR, num DOUBLE)")
        for prop in props:
            c = self.col(prop)
            self.q(
                f"""INSERT INTO urec SELECT {self.who(prop)}, pos, rid, ?, type, {c},
                           TRY_CAST({c} AS DOUBLE)
                    FROM o WHERE type IN ('user_set', 'user_setOnce', 'user_add')
                    AND {c} IS NOT NULL""",
                [prop],
            )
        sums = [p for p in props if ops[p] <= {UpdateType.INCREMENT, UpdateType.DECREMENT}]
        sets = [p for p in props if ops[p] & {UpdateType.SET, UpdateType.SET_ONCE}]
        if sums:
            self._sums(sums)
        if sets:
            self._sets(sets)

    def _one_change_a_day(self, props: tuple[str, ...]) -> None:
        """A day counter moves with the first of its events on each day only (the
        generator steps ``total_login_day`` once per active day, not per login)."""
        self.table("day_props", "prop VARCHAR", [(p,) for p in props])
        self.q("""CREATE TEMP TABLE day_first AS
                  SELECT arg_min(c.rid, c.pos) AS rid, c.prop FROM chg c JOIN o USING (rid)
                  WHERE c.prop IN (SELECT prop FROM day_props)
                  GROUP BY c.uid, c.prop, substr(o.ttext, 1, 10)""")
        self.q("""DELETE FROM chg WHERE prop IN (SELECT prop FROM day_props) AND NOT EXISTS (
                  SELECT 1 FROM day_first f WHERE f.rid = chg.rid AND f.prop = chg.prop)""")

    def _holds(self, conditions: tuple[tuple[str, tuple[str, ...]], ...]) -> str:
        """SQL true when every (property, values) condition holds (values are literals
        written into the text: quotes doubled)."""
        parts = []
        for name, values in conditions:
            listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
            parts.append(f"coalesce({self.col(name)} IN ({listed}), false)" if listed
                         else "false")
        return " AND ".join(parts) or "true"

    def _sums(self, props: list[str]) -> None:
        capped = set(self.rules.capped) if self.rules is not None else set()
        self.table("sum_props", "prop VARCHAR, capped BOOLEAN", [(p, p in capped) for p in props])
        self.q(
            """CREATE TEMP TABLE cagg AS
            SELECT uid, prop, min(pos) AS fpos, sum(amount) AS expected,
                   sum(greatest(amount, 0)) AS inc, sum(least(amount, 0)) AS dec,
                   bool_or(amount < 0) AS has_dec,
                   count(*) AS n, bool_or(amount IS NULL) AS unknown,
                   arg_max(rid, pos) AS last_rid, string_agg(DISTINCT name, ', ') AS events
            FROM chg WHERE prop IN (SELECT prop FROM sum_props) GROUP BY uid, prop"""
        )
        self.flag(
            "state",
            """WITH u AS (
                 SELECT r.*, c.fpos FROM urec r LEFT JOIN cagg c USING (uid, prop)
                 WHERE r.prop IN (SELECT prop FROM sum_props)),
               uagg AS (
                 SELECT uid, prop,
                        coalesce(sum(num) FILTER (WHERE type = 'user_add'), 0) AS added,
                        arg_min(num, pos) FILTER (WHERE type = 'user_add') AS first_add,
                        min(pos) FILTER (WHERE type = 'user_add') AS first_add_pos,
                        arg_min(num, pos) FILTER (WHERE type = 'user_set') AS first_set,
                        min(pos) FILTER (WHERE type = 'user_set') AS first_set_pos,
                        arg_max(num, pos) FILTER (WHERE type = 'user_set') AS last_set,
                        any_value(fpos) AS fpos, arg_max(rid, pos) AS last_rid
                 FROM u GROUP BY uid, prop),
               j AS (
                 SELECT coalesce(c.uid, u.uid) AS uid, coalesce(c.prop, u.prop) AS prop,
                        coalesce(c.expected, 0) AS expected, coalesce(c.inc, 0) AS inc,
                        coalesce(c.has_dec, false) AS has_dec, coalesce(c.dec, 0) AS dec,
                        coalesce(c.n, 0) AS n,
                        coalesce(c.unknown, false) AS unknown, c.events,
                        -- a first user_add before any changing event is the user's
                        -- history from before the window (a counter has no user_set)
                        coalesce(u.added, 0) - CASE
                            WHEN u.first_add_pos < coalesce(c.fpos, u.first_add_pos + 1)
                                THEN u.first_add ELSE 0 END + CASE
                            WHEN u.last_set IS NULL THEN 0
                            WHEN c.fpos IS NULL OR u.first_set_pos < c.fpos
                                THEN u.last_set - u.first_set
                            ELSE u.last_set END AS observed,
                        coalesce(u.last_rid, c.last_rid) AS rid
                 FROM cagg c FULL JOIN uagg u ON c.uid = u.uid AND c.prop = u.prop)
               SELECT rid, uid, prop, observed, expected, n, events, has_dec FROM j
               WHERE NOT unknown AND CASE
                   WHEN has_dec AND prop IN (SELECT prop FROM sum_props WHERE capped)
                       THEN observed < dec - (0.01 * (n + 1))
                            OR observed > inc + 0.01 * (n + 1)
                   WHEN has_dec THEN observed < expected - (0.01 * (n + 1))
                                     OR observed > inc + 0.01 * (n + 1)
                   ELSE abs(observed - expected) > 0.01 * (n + 1) + 1e-9 * abs(expected) END""",
            lambda uid, prop, observed, expected, n, events, has_dec: (
                f"user {uid!r}: {prop!r} changes by {observed:g} in user_add/user_set records, "
                f"but its {n} changing event(s) ({events or 'none'}) add up to {expected:g}"
                + (" (a balance stops at 0 and at its range's maximum, no further)"
                   if has_dec else "")),
        )

    def _sets(self, props: list[str]) -> None:
        self.table("set_props", "prop VARCHAR", [(p,) for p in props])
        self.q(
            f"""CREATE TEMP TABLE cs AS
            SELECT *, coalesce(lead(pos) OVER (PARTITION BY uid, prop ORDER BY pos), {_BIG})
                   AS lim,
                   row_number() OVER (PARTITION BY uid, prop, op ORDER BY pos) AS nth
            FROM chg WHERE prop IN (SELECT prop FROM set_props)"""
        )
        self.q("""CREATE TEMP TABLE us AS SELECT uid, prop, pos, rid, type, v FROM urec
                  WHERE type IN ('user_set', 'user_setOnce')
                    AND prop IN (SELECT prop FROM set_props)""")
        self.flag(
            "state",
            f"""SELECT c.rid, c.uid, c.name, c.prop, c.expected, s.v, s.rid AS srid
                FROM (SELECT * FROM cs WHERE op = 'set' AND expected IS NOT NULL) c
                ASOF JOIN us s ON s.uid = c.uid AND s.prop = c.prop AND c.lim > s.pos
                WHERE NOT {_equal('c.expected', 's.v')}""",
            lambda uid, name, prop, expected, value, srid: (
                f"user {uid!r}: after {name!r} {prop!r} should be {expected!r} (update "
                f"pattern), but it is {value!r} (set at {self.at(srid)})"),
        )
        self.flag(
            "state",
            f"""SELECT c.rid, c.uid, c.name, c.prop, c.expected, s.v, s.rid AS srid
                FROM (SELECT * FROM cs
                      WHERE op = 'set_once' AND nth = 1 AND expected IS NOT NULL) c
                ASOF JOIN (SELECT * FROM us WHERE type = 'user_setOnce') s
                     ON s.uid = c.uid AND s.prop = c.prop AND c.pos < s.pos
                WHERE s.pos < c.lim AND NOT {_equal('c.expected', 's.v')}""",
            lambda uid, name, prop, expected, value, srid: (
                f"user {uid!r}: {name!r} sets {prop!r} once to {expected!r} (update pattern), "
                f"but user_setOnce at {self.at(srid)} carries {value!r}"),
        )

    # -- meaning ---------------------------------------------------------------------------

    def meaning(self) -> None:
        """Each user's records that carry what the meaning checks read, walked in order
        in Python (formulas are Python; see :mod:`demogen.validate._meaning`)."""
        rules = self.meaning_rules
        assert rules is not None
        names = [n for n in rules.names if n in self.columns]
        for check in ("formula", "update_method", "progress", "mirror"):
            self.result.findings.setdefault(check, Finding())
        if not names:
            return
        cols = [self.col(n) for n in names]
        shown = " OR ".join(f"{c} IS NOT NULL" for c in cols)
        walk = MeaningWalk(rules, names, self.per_role)
        cursor = self.q(
            f"""SELECT uid, rid, type, ttext, name, [{', '.join(cols)}], role FROM o
                WHERE type IN ('user_set', 'user_setOnce', 'user_add', 'user_unset',
                               'user_append', 'user_uniq_append')
                   OR (is_track AND ({shown}))
                ORDER BY uid, pos"""
        )
        uid: str | None = None
        rows: list[Row] = []
        roles: list[int] = []
        while batch := cursor.fetchmany(16_384):
            for who, rid, kind, stamp, name, values, role in batch:
                if who != uid:
                    if rows:
                        self._walked(walk, str(uid), rows, roles)
                    uid, rows, roles = who, [], []
                rows.append((rid, kind, stamp, name, values))
                roles.append(role)
        if rows:
            self._walked(walk, str(uid), rows, roles)

    def _walked(self, walk: MeaningWalk, uid: str, rows: list[Row], roles: list[int]) -> None:
        for check, rid, message in walk.user(uid, rows, roles):
            file, line = self.locate(rid)
            self.result.findings[check].add(file, line, message)


    # -- funnels ---------------------------------------------------------------------------

    def funnels(self) -> None:
        """Each checkable funnel step's measured conversion against the declared one."""
        assert self.funnel_rules is not None
        found = self.result.findings.setdefault("funnel", Finding())
        self.result.funnel_steps = measure_steps(self.con, "o", self.funnel_rules, self.columns)
        for measured in self.result.funnel_steps:
            if not measured.ok:
                found.add("event_constraints.funnels", None, measured.describe())
