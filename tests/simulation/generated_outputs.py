"""Generated outputs for the generator's acceptance tests, and the per-user invariants.

``generate(source, out, ...)`` runs ``demogen generate`` in-process (the real command line)
and returns a :class:`Generated`: the output folder plus the taxonomy and rules of the run,
with the records parsed once and grouped per ``#distinct_id`` in file order (file order is
the user's chronological order: a user's records are written day after day, each day in
time order, and a ``user_*`` record follows the event that caused it at the same ``#time``).

Each ``*_violations(g)`` function checks one invariant and returns messages, each naming the
user and showing the offending record; an empty list means the invariant holds.
``INVARIANTS`` names them all; ``KNOWN_BUGS`` lists the (invariant, taxonomy) pairs a known
generator bug breaks, which the tests mark xfail.

The per-user checks walk each user's timeline in Python: they depend on order, and DuckDB's
JSON reader gives no line numbers, while records that share one ``#time`` (an event and the
``user_set`` it causes) are ordered only by their line. The large KPI runs are measured with
DuckDB (``compute_kpis``, ``measure_kpi_run``).
"""

from __future__ import annotations

import functools
import ipaddress
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fnmatch import fnmatchcase
from functools import cached_property
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from typer.testing import CliRunner

from demogen.analysis import analyze
from demogen.analysis.heuristic import HeuristicAnalyzer, servers
from demogen.analysis.heuristic.values import progression
from demogen.analysis.rules import Rules, capped_balances, per_role_properties
from demogen.cli._app import app
from demogen.taxonomy import EventTaxonomy, ProductInfo, Property, load_taxonomy
from demogen.validate import Kpis, check_output, iter_records, parse_time
from demogen.validate._servers import ServerMoves, server_fields
from demogen.validate.kpis import compute_kpis, kpi_parameters
from demogen.vocab import LifecycleStage, PropertyType, UpdateType
from tests.corpus import (
    SHARED,
    corpus,
    corpus_present,
    kr_workbooks,
    placeholder,
    taxonomy_folders,
)
from tests.data import SEED_PLAN, SEGMENT_PLAN
from tests.data.build_te_workbook import write_te_plan

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"

TRACK_TYPES = frozenset({"track", "track_update", "track_overwrite"})
#: Device presets that never change on one device (thinkingdata-format.md §12).
STABLE_PRESETS = ("#os", "#device_model", "#manufacturer", "#screen_width", "#screen_height",
                  "#carrier", "#zone_offset", "#device_id")
#: References that mean "the time of this event" in update patterns.
TIME_REFERENCES = frozenset({"#time", "time", "event_time", "event_timestamp", "timestamp", "now"})
_REFERENCE = re.compile(r"^\{\{\s*([#A-Za-z0-9_.]+)\s*\}\}$")
_MAX_MESSAGES = 25


# -- where the taxonomies are -----------------------------------------------------------------


def _sources() -> dict[str, Path]:
    """Every taxonomy file the generator must handle: the bundled examples, the tests' own
    plans (tests/data), every folder in ``shared/taxonomies`` and every workbook in
    ``shared/kr-xlsx`` (when the corpus is there)."""
    found = {name: EXAMPLES / name for name in EXAMPLE_IDS}
    found.update({"seed_plan": SEED_PLAN, "segment_shop": SEGMENT_PLAN})
    found.update({p.name: p for p in taxonomy_folders()})
    found.update({p.stem: p for p in kr_workbooks()})
    return found


EXAMPLE_IDS = ("game", "ecommerce", "saas")
SOURCES: dict[str, Path] = _sources()
#: Taxonomies the tests write when they need one (no binary in the repository): id → writer
#: of the plan into a folder (see ``source_path``).
WRITTEN: dict[str, Callable[[Path], Path]] = {"te_workbook": write_te_plan}


def source_path(source_id: str, scratch: Path) -> Path:
    """The taxonomy of ``source_id``; a written one is written into ``scratch`` first."""
    writer = WRITTEN.get(source_id)
    return writer(scratch / source_id) if writer is not None else SOURCES[source_id]


def source_params(check: str, known_bugs: Mapping[tuple[str, str], str]) -> list[Any]:
    """``pytest.param(source_id)`` for every source, marked xfail where ``known_bugs`` holds
    ``(check, source_id)`` (the reason names the bug, the test stays strict). Corpus sources
    are marked ``corpus``; without the corpus one placeholder stands for them (skipped)."""
    params = []
    for source_id in [*SOURCES, *WRITTEN]:
        reason = known_bugs.get((check, source_id)) or known_bugs.get((check, "*"))
        marks = [pytest.mark.xfail(strict=False, reason=reason)] if reason else []
        if source_id in SOURCES and SOURCES[source_id].is_relative_to(SHARED):
            marks.append(corpus)
        params.append(pytest.param(source_id, marks=marks, id=source_id))
    if not corpus_present():
        params.append(placeholder())
    return params


def window_start(days: int, today: date | None = None) -> date:
    """A Monday whose ``days``-day window ends at least two days before today.

    Output depends on the start date only through its weekday, so Monday-aligned windows
    give the same users, sessions and KPIs whatever day the suite runs on.
    """
    latest = (today or date.today()) - timedelta(days=days + 2)
    return latest - timedelta(days=latest.weekday())


# -- running the generator --------------------------------------------------------------------


def run_cli(args: Sequence[str]) -> Any:
    """``demogen ARGS`` in-process; returns click's ``Result`` (stdout, stderr, exit_code)."""
    return CliRunner().invoke(app, [str(a) for a in args], catch_exceptions=True)


def analysed_rules(tmp: Path, plan: Path) -> dict[str, Any]:
    """``demogen analyze PLAN -o rules.yaml`` as a person runs it, read back to edit."""
    written = tmp / "rules.yaml"
    result = run_cli(["analyze", plan, "-o", written, "--quiet"])
    assert result.exit_code == 0, result.output
    return yaml.safe_load(written.read_text(encoding="utf-8"))


def generate_with_rules(tmp: Path, plan: Path, name: str, rules: dict[str, Any], *,
                        users: int, days: int, seed: int) -> Path:
    """``demogen generate PLAN --rules NAME.yaml -o NAME`` with ``rules`` written as YAML
    (a Monday-aligned window); returns the output folder."""
    path = tmp / f"{name}.yaml"
    path.write_text(yaml.safe_dump(rules, sort_keys=False, allow_unicode=True), encoding="utf-8")
    out = tmp / name
    result = run_cli(["generate", plan, "--rules", path, "-o", out, "--users", users,
                      "--days", days, "--seed", seed, "--start", window_start(days).isoformat(),
                      "--quiet"])
    assert result.exit_code == 0, result.output
    return out


def analysed(source: Path) -> tuple[EventTaxonomy, ProductInfo, Rules]:
    """The taxonomy, product and rules ``demogen generate`` uses for ``source`` (no --rules)."""
    loaded = load_taxonomy(source)
    rules = analyze(loaded.taxonomy, loaded.product, HeuristicAnalyzer()).rules
    return loaded.taxonomy, loaded.product, rules


def tracks_by_user(records: Iterable[dict[str, Any]]) -> dict[Any, list[dict[str, Any]]]:
    """Each user's track records (``#distinct_id``), in the order given."""
    out: dict[Any, list[dict[str, Any]]] = {}
    for r in records:
        if r.get("#type") == "track":
            out.setdefault(r["#distinct_id"], []).append(r)
    return out


def output_factory(scratch: pytest.TempPathFactory, label: str, *, users: int, days: int,
                   seed: int, config: dict[str, Any] | None = None
                   ) -> Callable[[str], Generated]:
    """``get(source_id)``: the source's output at this size (and ``config`` as its
    demogen.yaml), generated on first use (the session fixtures ``small_output``,
    ``coherence_output`` and ``buyers_output`` are three of them)."""
    made: dict[str, Generated] = {}

    def get(source_id: str) -> Generated:
        if source_id not in made:
            folder = scratch.mktemp(f"{label}-{source_id[:40]}")
            extra: list[str] = []
            if config is not None:
                (folder / "demogen.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
                extra = ["--config", str(folder / "demogen.yaml")]
            made[source_id] = generate(source_path(source_id, folder), folder / "out",
                                       users=users, days=days, seed=seed, extra=extra)
        return made[source_id]

    return get


#: demogen.yaml making every user a spender (a custom segment): purchases in a short run.
SPENDERS = {"segments": [{"name": "buyers", "share": 1.0, "spend": 5}]}


def spender_config(folder: Path) -> Path:
    """:data:`SPENDERS` written as ``folder/spenders.yaml``, for ``--config``."""
    path = folder / "spenders.yaml"
    path.write_text(yaml.safe_dump(SPENDERS), encoding="utf-8")
    return path


def generate(source: Path, out: Path, *, users: int, days: int, seed: int = 0,
             start: date | None = None, extra: Sequence[str] = ()) -> Generated:
    """Run ``demogen generate`` and fail the test with its output if it does not exit 0."""
    start = start or window_start(days)
    result = run_cli(["generate", source, "-o", out, "--users", users, "--days", days,
                      "--seed", seed, "--start", start.isoformat(), "--quiet", *extra])
    if result.exit_code != 0:
        detail = result.output + (f"\n{result.exception!r}" if result.exception else "")
        pytest.fail(f"demogen generate {source.name} exited {result.exit_code}:\n{detail}")
    taxonomy, product, rules = analysed(source)
    return Generated(source, out, taxonomy, product, rules, start, days, users, seed)


@dataclass(eq=False)
class Generated:
    """One generated output with what it was generated from; records are parsed once."""

    source: Path
    out: Path
    taxonomy: EventTaxonomy
    product: ProductInfo
    rules: Rules
    start: date
    days: int
    users: int
    seed: int

    @classmethod
    def in_memory(cls, records: list[dict[str, Any]], taxonomy: EventTaxonomy,
                  product: ProductInfo, rules: Rules, start: date, days: int,
                  users: int, seed: int) -> Generated:
        """Records simulated into memory (no output folder), checked like a real output."""
        g = cls(Path("/nonexistent"), Path("/nonexistent"), taxonomy, product, rules, start,
                days, users, seed)
        g.__dict__["records"] = plan_names(taxonomy, records)
        return g

    @cached_property
    def records(self) -> list[dict[str, Any]]:
        """The records, with names as the plan spells them (see :func:`plan_names`)."""
        return plan_names(self.taxonomy, [record for _, _, record in iter_records(self.out)])

    @cached_property
    def timelines(self) -> dict[str | None, list[dict[str, Any]]]:
        """Records per ``#distinct_id`` in file order (``None``: records without one)."""
        by_user: dict[str | None, list[dict[str, Any]]] = defaultdict(list)
        for record in self.records:
            by_user[record.get("#distinct_id")].append(record)
        return dict(by_user)

    @cached_property
    def event_names(self) -> set[str]:
        return {e.name for e in self.taxonomy.events}

    def roles(self, role: str) -> list[str]:
        """Event names of one ``event_roles`` entry that the taxonomy has."""
        return [e for e in getattr(self.rules.event_roles, role) if e in self.event_names]


def plan_names(taxonomy: EventTaxonomy, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Event and property names back as the plan spells them.

    Plans may name things ThinkingData rejects ("Order Completed", "context.page.path");
    the generator writes those as snake_case (``demogen.analysis.naming.NameMap``) while
    the rules keep the plan's names. The record checks read the files themselves.
    """
    from demogen.analysis.naming import NameMap

    names = NameMap.build(taxonomy)
    events = {v: k for k, v in names.events.items()}
    props = {v: k for k, v in names.properties.items()}
    if not events and not props:
        return records
    for record in records:
        if record.get("#event_name") in events:
            record["#event_name"] = events[record["#event_name"]]
        values = record.get("properties")
        if values and any(k in props for k in values):
            record["properties"] = {props.get(k, k): v for k, v in values.items()}
    return records


# -- small helpers ----------------------------------------------------------------------------


def is_track(record: Mapping[str, Any]) -> bool:
    return record.get("#type") in TRACK_TYPES


def tracks(records: Iterable[Mapping[str, Any]]) -> Iterator[Mapping[str, Any]]:
    return (r for r in records if is_track(r))


def show(record: Any, limit: int = 400) -> str:
    text = orjson.dumps(record).decode()
    return text if len(text) <= limit else text[:limit] + "…"


def _report(messages: list[str], message: str) -> None:
    if len(messages) < _MAX_MESSAGES:
        messages.append(message)


def assert_clean(messages: list[str], what: str) -> None:
    """Fail with the first messages if an invariant check found anything."""
    assert not messages, f"{what}: {len(messages)} violation(s), first ones:\n" + "\n".join(
        f"  - {m}" for m in messages[:8])


def number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def version_key(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text))


# -- record-level invariants across the output -------------------------------------------------


def record_violations(g: Generated) -> list[str]:
    """``check_output``: §14 per record (``check_record``), one type per property name
    (``TypeTracker``), ``#time`` in the accepted window and in the file of its day."""
    result = check_output(g.out, max_issues=_MAX_MESSAGES)
    problems = [str(issue) for issue in result.issues]
    if result.records == 0:
        problems.append("the output holds no records")
    return problems + ([f"… and {result.dropped} more"] if result.dropped else [])


def duplicate_uuids(g: Generated) -> list[str]:
    """``#uuid`` values missing or occurring more than once in the output."""
    counts = Counter(r.get("#uuid") for r in g.records)
    return [f"#uuid {uuid!r} occurs {n} times" for uuid, n in counts.most_common(25)
            if n > 1 or uuid is None]


def unknown_event_violations(g: Generated) -> list[str]:
    """Every ``#event_name`` is an event of the taxonomy."""
    messages: list[str] = []
    for record in tracks(g.records):
        if record.get("#event_name") not in g.event_names:
            _report(messages, f"event not in the taxonomy: {show(record)}")
    return messages


def _children_problem(prop: Property, value: Any) -> str | None:
    children = {c.name.split(".")[-1]: c for c in prop.children}
    if prop.type is PropertyType.OBJECT:
        rows = [value]
        if not isinstance(value, dict):
            return f"{prop.name} should be an object, got {show(value, 120)}"
    else:
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            return f"{prop.name} should be a list of objects, got {show(value, 120)}"
        rows = value
    for row in rows:
        if not children:
            continue
        if set(row) != set(children):
            return (f"{prop.name} row keys {sorted(row)} are not its children "
                    f"{sorted(children)}")
        for key, child in children.items():
            problem = _value_type_problem(child.type, row[key])
            if problem:
                return f"{prop.name}.{key}: {problem}"
    return None


def _value_type_problem(kind: PropertyType, value: Any) -> str | None:
    ok = {
        PropertyType.NUMBER: lambda v: isinstance(v, int | float) and not isinstance(v, bool),
        PropertyType.BOOLEAN: lambda v: isinstance(v, bool),
        PropertyType.STRING: lambda v: isinstance(v, str),
        PropertyType.TIME: lambda v: isinstance(v, str)
        and parse_time(v, millis_optional=True) is not None,
        PropertyType.LIST: lambda v: isinstance(v, list),
    }.get(kind)
    if value is None:
        return f"is null, expected a {kind.value}"
    if ok is not None and not ok(value):
        return f"{show(value, 80)} is not a {kind.value}"
    return None


def object_property_violations(g: Generated) -> tuple[list[str], int]:
    """Object and object-group properties hold exactly their children, typed as declared.

    Returns the messages and how many values were looked at.
    """
    defined: dict[str, Property] = {}
    for prop in (*g.taxonomy.properties, *g.taxonomy.common_properties,
                 *g.taxonomy.user_properties):
        if prop.type in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP):
            defined.setdefault(prop.name, prop)
    messages: list[str] = []
    seen = 0
    present: Counter[str] = Counter()
    filled: Counter[str] = Counter()
    for record in g.records:
        props = record.get("properties") or {}
        for name in defined.keys() & props.keys():
            seen += 1
            present[name] += 1
            value = props[name]
            if value:
                filled[name] += 1
            problem = _children_problem(defined[name], value)
            if problem:
                _report(messages, f"{problem}: {show(record)}")
    for name in defined:
        if present[name] and not filled[name]:
            _report(messages, f"{name} is always empty; its children are never filled")
    return messages, seen


# -- per-user invariants ----------------------------------------------------------------------


def one_time_violations(g: Generated) -> list[str]:
    """One-time events (and install events) at most once per user; a role creation
    (``event_roles.new_role``) once per server the user's records show (a user who moves
    to a new server creates a role there)."""
    once = set(g.rules.event_constraints.one_time_events) | set(g.roles("install"))
    per_server = set(g.rules.event_roles.new_role)
    messages: list[str] = []
    for user, records in g.timelines.items():
        counts = Counter(r["#event_name"] for r in tracks(records) if r.get("#event_name") in once)
        for name, n in counts.items():
            if n > (_servers_shown(records) if name in per_server else 1):
                times = [r["#time"] for r in tracks(records) if r.get("#event_name") == name]
                _report(messages, f"user {user}: one-time event {name!r} {n} times at {times}")
    return messages


def _servers_shown(records: Sequence[Mapping[str, Any]]) -> int:
    """How many servers a user's records show (at least one): the most values any one
    server property shows (an id and a name show the same server twice)."""
    shown: dict[str, set[str]] = {}
    for r in records:
        for name, value in (r.get("properties") or {}).items():
            if servers.server_field(name) is not None:
                shown.setdefault(name, set()).add(str(value))
    return max((len(values) for values in shown.values()), default=1)


def installed_in_window(g: Generated, records: Sequence[Mapping[str, Any]]) -> bool:
    installs = set(g.roles("install"))
    return any(r.get("#event_name") in installs for r in tracks(records))


def install_order_violations(g: Generated) -> list[str]:
    """A user with an install event has no event before it and no record earlier in time."""
    installs = set(g.roles("install"))
    messages: list[str] = []
    for user, records in g.timelines.items():
        first = next((i for i, r in enumerate(records)
                      if is_track(r) and r.get("#event_name") in installs), None)
        if first is None:
            continue
        at = records[first]["#time"]
        for record in records[:first]:
            if is_track(record) or record["#time"] < at:
                _report(messages, f"user {user}: before the install at {at}: {show(record)}")
    return messages


def _pre_window(g: Generated) -> set[str]:
    """Events a user who installed before the window may already have done (so they can be
    missing from the output): one-time, install, signup and onboarding events."""
    roles = g.rules.event_roles
    return (set(g.rules.event_constraints.one_time_events)
            | {*roles.install, *roles.signup, *roles.onboarding, *roles.onboarding_complete})


def prerequisite_violations(g: Generated) -> list[str]:
    """Every prerequisite (``event_constraints.prerequisites``) happened earlier for that user.

    A user whose install is in the window must have done every prerequisite in the output.
    Other users (installed before the window) may have done one-time / onboarding / signup
    prerequisites before it; everything else must still be in the output, earlier.
    """
    known = g.event_names
    needs = {event: [p for p in before if p in known]
             for event, before in g.rules.event_constraints.prerequisites.items() if event in known}
    maybe_before_window = _pre_window(g)
    messages: list[str] = []
    for user, records in g.timelines.items():
        new = installed_in_window(g, records)
        done: set[str] = set()
        for record in tracks(records):
            name = record["#event_name"]
            for before in needs.get(name, ()):
                if before not in done and (new or before not in maybe_before_window):
                    _report(messages, f"user {user} ({'new' if new else 'existing'}): {name!r} "
                            f"at {record['#time']} before any {before!r}")
            done.add(name)
    return messages


def _post_onboarding_events(g: Generated) -> set[str]:
    """Events the lifecycle rules allow from ``onboarding_completed`` on (in that stage or a
    later one) but in no earlier stage."""
    rules = g.rules.lifecycle_rules
    if not rules or not g.roles("onboarding_complete"):
        return set()

    def allowed(stage: LifecycleStage) -> set[str]:
        patterns = rules.get(stage)
        if patterns is None:
            return set(g.event_names)
        return {e for e in g.event_names
                if any(fnmatchcase(e.lower(), p.lower()) for p in patterns)}

    stages = list(LifecycleStage)
    cut = stages.index(LifecycleStage.ONBOARDING_COMPLETED)
    before = set().union(*(allowed(stage) for stage in stages[:cut]))
    return set().union(*(allowed(stage) for stage in stages[cut:])) - before


def lifecycle_violations(g: Generated) -> list[str]:
    """Events the lifecycle rules keep for onboarded users (``arena_enter`` allowed from
    ``onboarding_completed`` on) come after the user's onboarding-complete event. A user
    installed before the window may have onboarded before it; then the user row must say
    so: properties the onboarding-complete event sets to a literal (``tutorial_completed:
    true``) already hold that value."""
    post = _post_onboarding_events(g)
    complete = set(g.roles("onboarding_complete"))
    flags = {prop: rule.value for event in complete
             for prop, rule in g.rules.update_patterns.get(event, {}).items()
             if rule.type is UpdateType.SET and not _REFERENCE.match(str(rule.value))}
    messages: list[str] = []
    if not post:
        return messages
    for user, records in g.timelines.items():
        new = installed_in_window(g, records)
        state: dict[str, Any] = {}
        for record in records:
            if not is_track(record):
                _apply(state, record)
                continue
            name = record["#event_name"]
            if name in complete:
                break
            if name not in post:
                continue
            if new:
                _report(messages, f"new user {user}: {name!r} at {record['#time']} before "
                        f"onboarding is complete ({sorted(complete)})")
            else:
                wrong = {p: state.get(p) for p, v in flags.items() if state.get(p) != v}
                if wrong:
                    _report(messages, f"user {user}: {name!r} at {record['#time']} (allowed "
                            f"once onboarded) while the user row says {show(wrong, 120)}")
            break
    return messages


def session_sequence_violations(g: Generated) -> list[str]:
    """Strict session-scope sequences (``sequence_details`` with ``scope: session`` and
    ``strict: true``, e.g. ``level_start → level_end``): a later step only happens in a
    session where the step before it already happened."""
    starts = set(g.rules.event_constraints.session_start_events) & g.event_names
    leader: dict[str, set[str]] = defaultdict(set)
    for detail in g.rules.event_constraints.sequence_details:
        steps = [s for s in detail.events if s in g.event_names]
        if detail.scope == "session" and detail.strict:
            for before, after in pairwise(steps):
                leader[after].add(before)
    messages: list[str] = []
    if not starts or not leader:
        return messages
    for user, records in g.timelines.items():
        in_session: set[str] = set()
        for record in tracks(records):
            name = record["#event_name"]
            if name in starts:
                in_session.clear()
            missing = leader.get(name, set()) - in_session
            if missing:
                _report(messages, f"user {user}: {name!r} at {record['#time']} without "
                        f"{sorted(missing)} earlier in the session")
            in_session.add(name)
    return messages


#: A tie of a chain step with its leader is a violation only when a tie at the declared
#: conversion would happen less often than this (conversion ** leaders): 0.9 over 34
#: leaders still ties 2.8 % of the time, over 200 leaders never in practice.
TIE_CHANCE = 1e-6
#: Without a declared conversion the generator may take one from a funnel: assume the top
#: of realism-bands.md's per-step band, so the check errs towards silence.
_UNDECLARED_CONVERSION = 0.97


def chain_dropoff_violations(g: Generated) -> list[str]:
    """Session chains (strict session-scope sequences of the rules, session brackets aside:
    ``level_start → level_end``) lose some at each step: over the output, step k happens
    fewer times than step k-1 (a level completion rate above 100 % is never real)."""
    ec = g.rules.event_constraints
    brackets = {*ec.session_start_events, *ec.session_end_events}
    counts = Counter(r["#event_name"] for r in tracks(g.records))
    messages: list[str] = []
    for detail in ec.sequence_details:
        if detail.scope != "session" or not detail.strict:
            continue
        steps = [s for s in detail.events if s in g.event_names and s not in brackets]
        for before, after in pairwise(steps):
            # Drop-off is a statement about many users: a few dozen leaders convert in full
            # by chance, so only a tie that the declared conversion (the funnels') makes
            # all but impossible is a violation.
            declared = ec.step_conversion(before, after)
            rate = _UNDECLARED_CONVERSION if declared is None else declared
            if rate >= 1.0 or rate ** counts[before] > TIE_CHANCE:
                continue
            if counts[after] >= counts[before]:
                _report(messages, f"{after!r} ×{counts[after]} ≥ {before!r} ×{counts[before]} "
                        f"(chain {' → '.join(steps)}, declared conversion {rate})")
    return messages


def session_bracket_violations(g: Generated) -> tuple[list[str], int]:
    """Session start/end events bracket every session; the end event's duration property
    (where the taxonomy gives it one) is the session length. Returns messages and the
    number of sessions seen."""
    ec = g.rules.event_constraints
    starts = [e for e in ec.session_start_events if e in g.event_names][:1]
    ends = [e for e in ec.session_end_events if e in g.event_names][:1]
    messages: list[str] = []
    if not starts or not ends:
        return messages, 0
    start, end = starts[0], ends[0]
    end_event = g.taxonomy.event(end)
    durations = [p for p in (end_event.properties if end_event else ())
                 if "duration" in p.lower() or p.lower() in ("session_length", "play_time")]
    # Install events come before the first session; so does signing up where signing in
    # opens a session (web SaaS: the first visit opens with "Signed Up").
    openers = set(g.roles("install")) | (set(g.roles("signup")) & set(
        ec.prerequisites.get(start, ())))
    sessions = 0
    for user, records in g.timelines.items():
        opened: Mapping[str, Any] | None = None
        inside = 0
        for record in tracks(records):
            name = record["#event_name"]
            if name == start:
                if opened is not None:
                    _report(messages, f"user {user}: {start!r} at {record['#time']} while the "
                            f"session of {opened['#time']} is still open")
                opened, inside = record, 0
                sessions += 1
            elif name == end:
                if opened is None:
                    _report(messages, f"user {user}: {end!r} without a session: {show(record)}")
                    continue
                problem = _duration_problem(record, opened, durations, inside)
                if problem:
                    _report(messages, f"user {user}: {problem}: {show(record)}")
                opened = None
            elif opened is None and name not in openers:
                _report(messages, f"user {user}: {name!r} outside a session: {show(record)}")
            else:
                inside += 1
        if opened is not None:
            _report(messages, f"user {user}: the session of {opened['#time']} never ends")
    return messages, sessions


def _duration_problem(end: Mapping[str, Any], start: Mapping[str, Any],
                      names: Sequence[str], inside: int) -> str | None:
    t0, t1 = parse_time(start["#time"]), parse_time(end["#time"])
    if t0 is None or t1 is None:
        return "unreadable #time"
    elapsed = (t1 - t0).total_seconds()
    for name in names:
        value = number((end.get("properties") or {}).get(name))
        if value is None:
            return f"{name} missing on the session end"
        seconds = value / 1000 if name.lower().endswith(("_ms", "_msec")) else value
        # events inside a session are pushed at least 1 ms apart, hence the slack
        if abs(seconds - elapsed) > 1.0 + 0.001 * (inside + 2):
            return f"{name}={value} but the session lasted {elapsed:.3f} s"
    return None


def identity_violations(g: Generated) -> list[str]:
    """``#distinct_id`` on every record; one device ↔ one account; ``#account_id`` from the
    signup event on (from the first login where the plan has no signup; always where it has
    neither), never before it, and on every record after it."""
    messages: list[str] = []
    for record in g.timelines.get(None, [])[:5]:
        _report(messages, f"record without #distinct_id: {show(record)}")
    devices_of: dict[str, set[str]] = defaultdict(set)
    trigger = set(g.roles("signup")) or set(g.roles("login"))
    for user, records in g.timelines.items():
        if user is None:
            continue
        accounts = {r["#account_id"] for r in records if r.get("#account_id") is not None}
        for account in accounts:
            devices_of[account].add(user)
        if len(accounts) > 1:
            _report(messages, f"device {user} sends {len(accounts)} accounts: {sorted(accounts)}")
        first = next((i for i, r in enumerate(records)
                      if is_track(r) and r.get("#event_name") in trigger), None)
        if first is None:
            has = {r.get("#account_id") is not None for r in records}
            if not trigger and has != {True}:
                _report(messages, f"device {user}: no signup/login in the plan, yet records "
                        "without #account_id")
            elif len(has) > 1:
                where = next(r for r in records if r.get("#account_id") is not None)
                _report(messages, f"device {user}: #account_id appears without a signup: "
                        f"{show(where)}")
            continue
        for record in records[:first]:
            if record.get("#account_id") is not None:
                _report(messages, f"device {user}: #account_id before the signup at "
                        f"{records[first]['#time']}: {show(record)}")
                break
        for record in records[first:]:
            if record.get("#account_id") is None:
                _report(messages, f"device {user}: no #account_id after the signup at "
                        f"{records[first]['#time']}: {show(record)}")
                break
    for account, devices in devices_of.items():
        if len(devices) > 1:
            _report(messages, f"account {account} on {len(devices)} devices")
    return messages


def preset_violations(g: Generated) -> list[str]:
    """Per device: ``#os``, ``#device_model``, ``#manufacturer``, ``#screen_*``, ``#carrier``,
    ``#zone_offset``, ``#device_id`` and ``#ip`` never change (a key sent on some events
    and not on others counts as a change); an Apple model ⇔ iOS ⇔ Apple."""
    messages: list[str] = []
    for user, records in g.timelines.items():
        values: dict[str, set[str]] = defaultdict(set)
        for record in tracks(records):
            props = record.get("properties") or {}
            for key in STABLE_PRESETS:
                values[key].add(repr(props.get(key)))
            values["#ip"].add(repr(record.get("#ip")))
            problem = _apple_problem(props)
            if problem:
                _report(messages, f"device {user}: {problem}: {show(record)}")
        for key, seen in values.items():
            if len(seen) > 1:
                _report(messages, f"device {user}: {key} takes {sorted(seen)}")
    return messages


def _apple_problem(props: Mapping[str, Any]) -> str | None:
    model, os_name, maker = (props.get(k) for k in ("#device_model", "#os", "#manufacturer"))
    apple_model = isinstance(model, str) and model.startswith(("iPhone", "iPad", "iPod"))
    ios = os_name in ("iOS", "iPadOS")
    apple = maker == "Apple"
    if model is not None and os_name is not None and apple_model != ios:
        return f"model {model!r} with #os {os_name!r}"
    if model is not None and maker is not None and apple_model != apple:
        return f"model {model!r} made by {maker!r}"
    if os_name is not None and maker is not None and ios != apple:
        return f"#os {os_name!r} on a {maker!r} device"
    return None


def app_version_violations(g: Generated) -> tuple[list[str], set[str], set[str]]:
    """``#app_version`` never goes backwards on a device. Also returns the versions seen on
    the window's first day and over the whole window."""
    first_day = g.start.isoformat()
    day0: set[str] = set()
    seen: set[str] = set()
    messages: list[str] = []
    for user, records in g.timelines.items():
        last: str | None = None
        for record in tracks(records):
            version = (record.get("properties") or {}).get("#app_version")
            if version is None:
                continue
            seen.add(version)
            if record["#time"].startswith(first_day):
                day0.add(version)
            if last is not None and version_key(version) < version_key(last):
                _report(messages, f"device {user}: #app_version {version} after {last}: "
                        f"{show(record)}")
            last = version
    return messages, day0, seen


# -- state ------------------------------------------------------------------------------------


def _apply(state: dict[str, Any], record: Mapping[str, Any]) -> None:
    """What a user record does to the user's row (thinkingdata-format.md §2)."""
    kind, props = record["#type"], record.get("properties") or {}
    for key, value in props.items():
        if kind == "user_set":
            state[key] = value
        elif kind == "user_setOnce":
            state.setdefault(key, value) if state.get(key) is None else None
        elif kind == "user_add":
            state[key] = (number(state.get(key)) or 0) + (number(value) or 0)
        elif kind in ("user_append", "user_uniq_append"):
            items = list(state.get(key) or [])
            items += [v for v in value if kind == "user_append" or v not in items]
            state[key] = items
        elif kind == "user_unset":
            state.pop(key, None)


def _resolve(value: Any, props: Mapping[str, Any], time_text: str) -> tuple[bool, Any]:
    """(known, value) of an update's value on one event; unknown when the event lacks the
    referenced property (the generator then reads the user's state)."""
    match = _REFERENCE.match(value) if isinstance(value, str) else None
    if match is None:
        return True, value
    ref = match.group(1)
    if ref in TIME_REFERENCES:
        return True, time_text
    if ref in props and props[ref] is not None:
        return True, props[ref]
    return False, None


def _same(a: Any, b: Any) -> bool:
    na, nb = number(a), number(b)
    if na is not None and nb is not None and not isinstance(a, str | bool):
        return math.isclose(na, nb, rel_tol=1e-9, abs_tol=0.011)
    return a == b


def state_violations(g: Generated) -> list[str]:
    """User state follows the events (``update_patterns``), replayed from the records.

    The user's row is rebuilt from the ``user_*`` records in order. After each event, the
    properties its update patterns touch must hold: ``set`` → the literal or the referenced
    event property (``{{gold_balance}}``, ``{{#time}}``); ``set_once`` → the first value ever;
    ``increment``/``decrement`` by a literal or a referenced property (``{{price}}``) → the
    value before plus/minus that amount. So a total incremented by ``{{price}}`` equals its
    initial value plus the sum of the events' prices. Balances (properties some pattern
    decrements: gold) stop at 0 and at their range's maximum; totals have no maximum.
    """
    patterns = g.rules.update_patterns
    caps = _balance_caps(g)
    day_counters = progression.day_counters(
        {p.name for p in g.taxonomy.user_properties}, g.rules.progression.day_counters,
        {n: s.kind for n, s in g.rules.properties.items()})
    messages: list[str] = []
    for user, records in g.timelines.items():
        state: dict[str, Any] = {}
        counted: dict[str, str] = {}        # day counter → the day it last moved
        i = 0
        while i < len(records):
            record = records[i]
            if not is_track(record):
                _apply(state, record)
                i += 1
                continue
            before = dict(state)
            j = i + 1
            while (j < len(records) and not is_track(records[j])
                   and records[j]["#time"] == record["#time"]):
                _apply(state, records[j])
                j += 1
            props = record.get("properties") or {}
            for prop, rule in patterns.get(record["#event_name"], {}).items():
                if rule.when and not _conditions_hold(rule.when, props):
                    continue    # the event names another currency: it moves nothing here
                op = rule.type
                if rule.reverse_when and _conditions_hold(rule.reverse_when, props):
                    op = _REVERSED.get(op, op)     # a flow's spend takes what a gain adds
                if prop in day_counters and op is UpdateType.INCREMENT:
                    day = record["#time"][:10]
                    if counted.get(prop) == day:
                        continue    # a day counter moves once a day, whatever the logins
                    counted[prop] = day
                problem = _update_problem(prop, op, rule.value, record, before, state,
                                          caps.get(prop), rule.scale)
                if problem:
                    _report(messages, f"user {user}: {record['#event_name']} → {prop}: {problem}"
                            f"; event {show(record, 300)}")
            i = j
    return messages


_REVERSED = {UpdateType.INCREMENT: UpdateType.DECREMENT,
             UpdateType.DECREMENT: UpdateType.INCREMENT}


def _conditions_hold(conditions: Mapping[str, list[Any]], props: Mapping[str, Any]) -> bool:
    """Every listed event property has one of its values (a YAML ``1`` matches ``"1"``)."""
    return all(str(props.get(name)) in {str(v) for v in values}
               for name, values in conditions.items())


def _balance_caps(g: Generated) -> dict[str, float]:
    """Range maximum of each balance: a user property that some update pattern decrements
    and that is a balance, not a running total (``capped_balances``)."""
    ranges = {name: r.max for name, r in g.rules.value_ranges.items()}
    ranges.update({p.name: p.value_range.max for p in g.taxonomy.user_properties
                   if p.value_range is not None})
    return {prop: ranges[prop] for prop in capped_balances(g.rules)
            if ranges.get(prop) is not None}


def _update_problem(prop: str, op: UpdateType, raw: Any, record: Mapping[str, Any],
                    before: Mapping[str, Any], after: Mapping[str, Any],
                    cap: float | None = None, scale: float | None = None) -> str | None:
    known, value = _resolve(raw, record.get("properties") or {}, record["#time"])
    if not known:
        return None
    if scale is not None and number(value) is not None:
        value = round(number(value) * scale, 2)
    old, new = before.get(prop), after.get(prop)
    if op is UpdateType.SET:
        expected = value
    elif op is UpdateType.SET_ONCE:
        expected = old if old is not None else value
    elif op in (UpdateType.INCREMENT, UpdateType.DECREMENT):
        amount = number(value)
        if amount is None:
            return None
        base = number(old) or 0.0
        expected = base + amount if op is UpdateType.INCREMENT else max(base - amount, 0.0)
        if cap is not None and expected > cap:
            expected = cap
    elif op is UpdateType.APPEND:
        if not isinstance(new, list) or not new or new[-1] != str(value):
            return f"expected {value!r} appended, user row has {show(new, 120)}"
        return None
    else:
        return None
    if not _same(new, expected):
        return f"expected {show(expected, 80)} (was {show(old, 80)}), user row has {show(new, 80)}"
    return None


def fresh_state_violations(g: Generated) -> list[str]:
    """A device installed inside the window starts with an empty history: before its first
    event its user row holds no value that only an event can write (targets of ``set_once``
    from an event property or time, such as ``register_time`` or ``character_class``) and its
    counters (properties update patterns only increment: ``pay_count``) are 0 or unset."""
    once: set[str] = set()
    increments: set[str] = set()
    decrements: set[str] = set()
    for pattern in g.rules.update_patterns.values():
        for prop, rule in pattern.items():
            if rule.type is UpdateType.SET_ONCE and _REFERENCE.match(str(rule.value)):
                once.add(prop)
            elif rule.type is UpdateType.INCREMENT:
                increments.add(prop)
            elif rule.type is UpdateType.DECREMENT:
                decrements.add(prop)
    counters = increments - decrements
    messages: list[str] = []
    for user, records in g.timelines.items():
        if not installed_in_window(g, records):
            continue
        state: dict[str, Any] = {}
        for record in records:
            if is_track(record):
                break
            _apply(state, record)
        early = {p: state[p] for p in once if state.get(p) is not None}
        early.update({p: state[p] for p in counters if number(state.get(p)) not in (None, 0.0)})
        if early:
            _report(messages, f"new device {user}: before its first event the user row "
                    f"already holds {show(early, 200)}")
    return messages


def level_violations(g: Generated) -> tuple[list[str], int]:
    """Levels never go down: user properties named ``*level`` (replayed from the user
    records) and the event property their update pattern reads (``level`` on ``level_up``).
    A role's level (Rules ``properties.<p>.per_role``) starts afresh with the role a move to
    a new server creates. Returns messages and the number of level values looked at."""
    level_props = {p.name for p in g.taxonomy.user_properties if p.name.lower().endswith("level")}
    per_role = per_role_properties(g.rules)
    sources: dict[str, str] = {}
    for event, pattern in g.rules.update_patterns.items():
        for prop, rule in pattern.items():
            match = _REFERENCE.match(rule.value) if isinstance(rule.value, str) else None
            if prop in level_props and match:
                sources[event] = match.group(1)
    role_keys = {*(p for p in level_props if p in per_role),
                 *(f"{e}.{ref}" for e, ref in sources.items() if ref in per_role)}
    messages: list[str] = []
    seen = 0
    for user, records in g.timelines.items():
        state: dict[str, Any] = {}
        highest: dict[str, float] = {}
        moves = ServerMoves(server_fields(g.rules.properties))
        for record in records:
            props = record.get("properties") or {}
            before = moves.server(user)
            if moves.follow(user, record.get("#type"), props) != before:
                for key in role_keys:
                    highest.pop(key, None)
            if is_track(record):
                ref = sources.get(record["#event_name"])
                key, value = f"{record['#event_name']}.{ref}", number(props.get(ref))
                values = [(key, value)] if ref and value is not None else []
            else:
                _apply(state, record)
                values = [(p, number(state.get(p))) for p in level_props & props.keys()]
            for key, value in values:
                if value is None:
                    continue
                seen += 1
                if value < highest.get(key, -math.inf):
                    _report(messages, f"user {user}: {key} went down from {highest[key]} to "
                            f"{value}: {show(record)}")
                highest[key] = max(value, highest.get(key, -math.inf))
    return messages, seen


# -- property constraints ---------------------------------------------------------------------


@functools.cache
def _ip_blocks() -> tuple[tuple[ipaddress.IPv4Network, str], ...]:
    """The country IP blocks demogen draws ``#ip`` from (``data/locale/countries.yaml``)."""
    text = (resources.files("demogen.data") / "locale" / "countries.yaml").read_text("utf-8")
    countries = yaml.safe_load(text)["countries"]
    return tuple((ipaddress.IPv4Network(prefix), code.upper())
                 for code, info in countries.items() for prefix in info["ip_prefixes"])


def country_of_ip(ip: Any) -> str | None:
    """``#country`` as ThinkingData derives it from ``#ip`` (format doc §12)."""
    try:
        address = ipaddress.IPv4Address(ip)
    except (ipaddress.AddressValueError, ValueError):
        return None
    return next((code for net, code in _ip_blocks() if address in net), None)


def constraint_violations(g: Generated) -> tuple[list[str], int]:
    """``property_constraints``: a constrained value is one the mapping allows for the value
    of the property it depends on.

    The parent's value is the one in the same record; for ``#country`` (never sent: the
    server derives it from ``#ip``) the country of the device's ``#ip``; otherwise the
    user's latest value of the parent (a user property such as ``country``). Records whose
    parent value is unknown or not a key of the mapping are not constrained. Returns the
    messages and the number of values checked.
    """
    messages: list[str] = []
    checked = 0
    constraints = {prop: c for prop, c in g.rules.property_constraints.items()
                   if c.depends_on and c.mapping}
    mappings = {prop: {str(k): {str(v) for v in vs} for k, vs in c.mapping.items()}
                for prop, c in constraints.items()}
    for user, records in g.timelines.items():
        ip = next((r["#ip"] for r in records if r.get("#ip")), None)
        latest: dict[str, Any] = {"#country": country_of_ip(ip)} if ip else {}
        for record in records:
            props = record.get("properties") or {}
            for prop, constraint in constraints.items():
                if props.get(prop) is None:
                    continue
                parent = constraint.depends_on[0]
                parent_value = props.get(parent, latest.get(parent))
                allowed = mappings[prop].get(str(parent_value))
                if parent_value is None or allowed is None:
                    continue
                checked += 1
                if str(props[prop]) not in allowed:
                    _report(messages, f"user {user}: {prop}={props[prop]!r} with {parent}="
                            f"{parent_value!r} (allowed {sorted(allowed)}): {show(record)}")
            if record.get("#type") in ("user_set", "user_setOnce") or is_track(record):
                latest.update((k, v) for k, v in props.items() if not k.startswith("#"))
    return messages, checked


# -- the registry the tests read ----------------------------------------------------------------


def _first(check: Callable[[Generated], tuple[list[str], Any]]) -> Callable[[Generated], list[str]]:
    return lambda g: check(g)[0]


#: Every invariant check by name: messages for one output (empty = it holds).
INVARIANTS: dict[str, Callable[[Generated], list[str]]] = {
    "records": record_violations,
    "uuid": duplicate_uuids,
    "events": unknown_event_violations,
    "objects": _first(object_property_violations),
    "one_time": one_time_violations,
    "install": install_order_violations,
    "prerequisites": prerequisite_violations,
    "lifecycle": lifecycle_violations,
    "session_sequences": session_sequence_violations,
    "chains": chain_dropoff_violations,
    "sessions": _first(session_bracket_violations),
    "state": state_violations,
    "fresh_state": fresh_state_violations,
    "levels": _first(level_violations),
    "constraints": _first(constraint_violations),
    "presets": preset_violations,
    "app_version": lambda g: app_version_violations(g)[0],
    "identity": identity_violations,
}

#: (invariant, source id) → the generator bug that breaks it there ("*": every source).
#: Tests of these pairs are xfail (not strict); remove an entry once the bug is fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


# -- large runs: KPIs and dashboard-level shapes ------------------------------------------------

KPI_USERS = 2_000


@dataclass(frozen=True)
class KpiRun:
    """What the KPI tests read from one large run (its files are deleted once measured)."""

    source_id: str
    days: int
    kpis: Kpis
    install_events: list[str]                   # the install events of the rules
    installs_per_day: list[int]                 # install events per window day
    day1_active: int                            # users active on the first day
    day1_new: int                               # … of whom installed that day
    funnels: dict[str, list[tuple[str, int]]]   # funnel name → (step, users reaching it)

    @property
    def industry(self) -> str:
        return _industry(self.source_id)

    def to_json(self) -> bytes:
        data = {**self.__dict__, "kpis": self.kpis.model_dump(mode="json")}
        return orjson.dumps(data)

    @classmethod
    def from_json(cls, raw: bytes) -> KpiRun:
        data = orjson.loads(raw)
        data["kpis"] = Kpis.model_validate(data["kpis"])
        data["funnels"] = {k: [tuple(step) for step in v] for k, v in data["funnels"].items()}
        return cls(**data)


@functools.cache
def _industry(source_id: str) -> str:
    return load_taxonomy(SOURCES[source_id]).product.industry


def kpi_run_main(source_id: str, days: str, out: str, result: str) -> None:
    """Generate a large run, measure it, write the :class:`KpiRun` JSON to ``result`` and
    delete the output (the conftest runs this in a background process)."""
    g = generate(SOURCES[source_id], Path(out), users=KPI_USERS, days=int(days), seed=0)
    Path(result).write_bytes(measure_kpi_run(source_id, g).to_json())


def measure_kpi_run(source_id: str, g: Generated) -> KpiRun:
    """KPIs (``compute_kpis`` with ``kpi_parameters``), installs per day, the first day's
    new-user share and ordered user funnels, then delete the output."""
    import shutil

    import duckdb

    kpis = compute_kpis(g.out, **kpi_parameters(g.rules, g.taxonomy))
    files = [str(p) for p in sorted(g.out.glob("logs_*.jsonl*"))]
    installs = g.roles("install") or [""]
    con = duckdb.connect()
    try:
        con.execute(
            """CREATE TABLE ev AS SELECT "#distinct_id" AS uid, "#event_name" AS name,
                      CAST("#time" AS TIMESTAMP) AS ts
               FROM read_json($files, format='newline_delimited', compression='auto',
                    columns={'#type': 'VARCHAR', '#time': 'VARCHAR', '#distinct_id': 'VARCHAR',
                             '#event_name': 'VARCHAR'})
               WHERE "#type" = 'track'""", {"files": files})
        per_day = dict(con.execute(
            "SELECT CAST(ts AS DATE), count(*) FROM ev WHERE list_contains($n, name) GROUP BY 1",
            {"n": installs}).fetchall())
        day1_active, day1_new = con.execute(
            """SELECT count(DISTINCT uid),
                      count(DISTINCT uid) FILTER (WHERE list_contains($n, name))
               FROM ev WHERE CAST(ts AS DATE) = $d""", {"n": installs, "d": g.start}).fetchone()
        funnels = {f.name: _ordered_funnel(con, [s for s in f.steps if s in g.event_names])
                   for f in g.rules.event_constraints.funnels}
    finally:
        con.close()
        shutil.rmtree(g.out, ignore_errors=True)
    days = [g.start + timedelta(days=d) for d in range(g.days)]
    return KpiRun(source_id, g.days, kpis, g.roles("install"), [per_day.get(d, 0) for d in days],
                  day1_active, day1_new, funnels)


def _ordered_funnel(con: Any, steps: list[str]) -> list[tuple[str, int]]:
    """Users who did each step after the previous one (an ordered funnel, as analytics
    tools draw it), counted per step."""
    counts: list[tuple[str, int]] = []
    for i, step in enumerate(steps):
        if i == 0:
            con.execute("CREATE OR REPLACE TEMP TABLE reach AS SELECT uid, min(ts) AS t "
                        "FROM ev WHERE name = $s GROUP BY uid", {"s": step})
        else:
            con.execute("""CREATE OR REPLACE TEMP TABLE reach AS
                           SELECT ev.uid, min(ev.ts) AS t FROM ev JOIN reach USING (uid)
                           WHERE ev.name = $s AND ev.ts > reach.t GROUP BY ev.uid""",
                        {"s": step})
        counts.append((step, con.execute("SELECT count(*) FROM reach").fetchone()[0]))
    return counts
