"""Calibration: tune the behaviour so that a run lands on KPI targets.

``demogen generate … --target d1=0.40,d7=0.15,d30=0.06,payer=0.03,dau=5000,session_minutes=12``
asks for KPIs as :func:`demogen.validate.kpis.compute_kpis` measures them on the output:
classic N-day retention of install cohorts, the payer rate (payers ÷ MAU of the last 30
days), mean DAU and the median session length. Within ±2 points for retention and payer
rate, ±5 % for DAU and session length (:data:`TOLERANCE`).

The measured KPIs differ from the preset's numbers (returns, weekdays, the window's edges,
existing users), so the knobs are searched on a *sample run*: the first ``sample_users``
users of the real run, same seed and window, written with only what the KPIs read
(:class:`_KpiLines`) and measured with ``compute_kpis``. Users are a pure function of
(seed, index), so the sample is literally a prefix of the full run; when the run is no
larger than the sample, the last sample *is* the run and the search works on the exact
numbers the run will have.

Knobs, taken as proportional to their KPI (the ratio KPI ÷ knob is pooled over the rounds,
weighted by cohort size and shrunk toward 1, so that small cohorts nudge rather than throw
the knobs; less so when the sample is the run itself, whose chance the knobs must absorb;
see :func:`_next_knob`):

- ``d1``/``d7``/``d30``: the retention the activity model is fitted to
  (:func:`~demogen.simulation.activity.fit_preset`); days without a target follow a power
  law through the targets, moved with the knob of the nearest targeted day, and the
  preset's ``dau_mau`` (the long-run activity of established users) is raised at the start
  when the fit cannot reach the targets;
- ``payer``: the preset's ``payer_rate``; ``session_minutes``: its median session length;
- ``dau``: the number of users (DAU scales with users; the sample's DAU × users ÷ sample).

A round is on target when every KPI is inside its tolerance, less room for the chance
difference between the sample and a larger run. A knob held at a limit while its KPI stays
clearly off stops the search with :class:`CalibrationError`.

The result is a :class:`~demogen.simulation.presets.PresetTuning` carried by
:class:`~demogen.simulation.config.SimulationConfig` (``tuning``) plus the user count:
same targets and seed, same tuning, same bytes.
"""

from __future__ import annotations

import math
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import pairwise
from pathlib import Path

import orjson
from pydantic import BaseModel, ConfigDict

from demogen.analysis.naming import NameMap
from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.output import DailyJsonlSink
from demogen.simulation.activity import expected_retention, fit_preset
from demogen.simulation.config import SimulationConfig
from demogen.simulation.engine import LONG_RUN_FACTOR, long_run_activity
from demogen.simulation.presets import PresetTuning, Retention, VerticalPreset
from demogen.simulation.run import generate
from demogen.taxonomy import EventTaxonomy, ProductInfo
from demogen.validate.kpis import Kpis, compute_kpis, kpi_parameters

__all__ = ["TARGET_KEYS", "TOLERANCE", "Calibration", "CalibrationError", "Round", "Targets",
           "calibrate", "check_targets", "measure_run", "parse_targets", "target_kpis",
           "written_kpi_parameters"]

RETENTION_KEYS = ("d1", "d7", "d30")
TARGET_KEYS = (*RETENTION_KEYS, "payer", "dau", "session_minutes")
#: How close the run must land: absolute for shares, relative for DAU and session length.
TOLERANCE = {"d1": 0.02, "d7": 0.02, "d30": 0.02, "payer": 0.02, "dau": 0.05,
             "session_minutes": 0.05}
RELATIVE = frozenset({"dau", "session_minutes"})
_DAYS = {"d1": 1, "d7": 7, "d30": 30}

#: Users simulated per sample round (the first users of the run; all of it if smaller).
DEFAULT_SAMPLE_USERS = 4_000
MAX_ROUNDS = 8
#: Largest users count a run may have (SimulationConfig.users).
MAX_USERS = 100_000_000
#: Highest reachable D1: daily activity is capped at MAX_ACTIVE and new users churn a little.
MAX_D1 = 0.85
#: Highest payer rate: not every potential payer buys within a month.
MAX_PAYER = 0.5
SESSION_MINUTES_RANGE = (0.5, 120.0)
#: Limits of the knobs themselves.
_MAX_FIT_D1 = 0.93
_FALL = 0.97                    # each fitted retention stays below 97 % of the one before
_MAX_DAU_MAU = 0.8 / LONG_RUN_FACTOR   # long_run_activity's ceiling
_PAYER_KNOB = (1e-4, 1.0)
_SESSION_KNOB = (0.1, 240.0)
#: Knob ÷ target each knob stays within (the measured KPIs are near their knobs).
_KNOB_RANGE = {"d1": (0.5, 2.0), "d7": (0.5, 2.0), "d30": (0.5, 2.0), "payer": (0.25, 4.0),
               "session_minutes": (0.5, 2.0), "dau": (0.0, math.inf)}
#: How far (log) the activity model's retention may stray from a knob before the knob
#: counts as out of the model's reach.
_FIT_SLACK = 0.1
#: Largest change of a knob in one round; weight of a round relative to the next one.
_MAX_STEP = 1.5
_RECENT = 0.7
#: Information of the guess "KPI = knob", as 1 / variance of log(KPI ÷ knob): runs land
#: within ~30 % of their retention and session knobs, payer rates within ~50 %.
_PRIOR = {"d1": 10.0, "d7": 10.0, "d30": 10.0, "payer": 4.0, "session_minutes": 10.0}
#: Share of :data:`_PRIOR` left when the sample is the whole run (:func:`_prior_weight`).
_RUN_PRIOR = 0.25
#: Spread of a user's active days (coefficient of variation, measured on the game example:
#: 1.0), for the DAU noise estimate.
_ACTIVE_DAYS_CV = 1.0
#: Standard deviation × √n of a median of lognormal session lengths (σ = 1): 1.2533 σ.
_MEDIAN_SPREAD = 1.2533
#: Share of the tolerance a sample aims at in its first rounds (better than the edge while
#: rounds are cheap to spend), after them, and the least it aims at when chance
#: differences of the full run eat the rest.
_AIM = 0.75
_AIM_ROUNDS = 3
_LATE_AIM = 1.0
_MIN_AIM = 0.3

#: What each KPI is measured on, for messages.
_COUNTED = {"d1": "installs", "d7": "installs", "d30": "installs", "payer": "monthly actives",
            "dau": "users", "session_minutes": "sessions"}

Progress = Callable[[str], None]


class CalibrationError(ConfigError):
    """Targets that cannot be parsed, contradict each other or the run, or are out of reach."""


class Targets(BaseModel):
    """KPI targets of a run; ``None`` leaves a KPI to the preset."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    d1: float | None = None
    d7: float | None = None
    d30: float | None = None
    payer: float | None = None
    dau: float | None = None
    session_minutes: float | None = None

    def items(self) -> list[tuple[str, float]]:
        """The targeted KPIs, in :data:`TARGET_KEYS` order."""
        return [(k, v) for k in TARGET_KEYS if (v := getattr(self, k)) is not None]

    def text(self) -> str:
        """The ``--target`` text of these targets (``d1=0.4,dau=500``)."""
        return ",".join(f"{k}={v:g}" for k, v in self.items())

    def miss(self, key: str, measured: float | None) -> float:
        """Distance from the target in tolerances: ≤ 1 is on target."""
        target = getattr(self, key)
        if measured is None:
            return math.inf
        width = TOLERANCE[key] * (target if key in RELATIVE else 1.0)
        return abs(measured - target) / width


# -- reading and checking targets ---------------------------------------------------------------


def parse_targets(text: str) -> Targets:
    """``"d1=0.40,d7=0.15,dau=5000"`` → :class:`Targets`, with a clear error for bad input."""
    values: dict[str, float] = {}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        key, sep, raw = (s.strip() for s in part.partition("="))
        if key not in TARGET_KEYS:
            raise CalibrationError(f"unknown target '{key}'; known targets: "
                                   f"{', '.join(TARGET_KEYS)} (e.g. --target d1=0.40,dau=5000)")
        if not sep or not raw:
            raise CalibrationError(f"target '{key}' needs a value, e.g. {key}={_example(key)}")
        if key in values:
            raise CalibrationError(f"target '{key}' is given twice")
        try:
            value = float(raw)
        except ValueError:
            raise CalibrationError(f"target {key}={raw!r} is not a number, "
                                   f"e.g. {key}={_example(key)}") from None
        if not math.isfinite(value):
            raise CalibrationError(f"target {key}={raw} is not a finite number")
        _check_range(key, value)
        values[key] = value
    if not values:
        raise CalibrationError("--target names no KPI; e.g. --target d1=0.40,d7=0.15,dau=5000")
    targets = Targets(**values)
    _check_order(targets)
    return targets


def _example(key: str) -> str:
    return {"d1": "0.40", "d7": "0.15", "d30": "0.06", "payer": "0.03", "dau": "5000",
            "session_minutes": "12"}[key]


def _check_range(key: str, value: float) -> None:
    if key in (*RETENTION_KEYS, "payer"):
        if 1 < value <= 100:
            raise CalibrationError(f"target {key}={value:g} must be a share between 0 and 1: "
                                   f"write {key}={value / 100:g} for {value:g} %")
        if not 0 < value < 1:
            raise CalibrationError(f"target {key}={value:g} must be a share between 0 and 1")
    if key == "d1" and value > MAX_D1:
        raise CalibrationError(f"target d1={value:g} is out of reach: the behaviour model "
                               f"reaches D1 up to {MAX_D1:g} (choose d1 ≤ {MAX_D1:g})")
    if key == "payer" and value > MAX_PAYER:
        raise CalibrationError(f"target payer={value:g} is out of reach: at most about "
                               f"{MAX_PAYER:g} of monthly actives pay (choose payer ≤ "
                               f"{MAX_PAYER:g})")
    if key == "dau" and not 1 <= value <= MAX_USERS:
        raise CalibrationError(f"target dau={value:g} must be between 1 and {MAX_USERS:,} "
                               "(the limit on users)")
    low, high = SESSION_MINUTES_RANGE
    if key == "session_minutes" and not low <= value <= high:
        raise CalibrationError(f"target session_minutes={value:g} must be between {low:g} "
                               f"and {high:g} minutes")


def _check_order(targets: Targets) -> None:
    """Retention falls with time: D1 > D7 > D30."""
    given = [(k, getattr(targets, k)) for k in RETENTION_KEYS if getattr(targets, k) is not None]
    for (early, a), (late, b) in pairwise(given):
        if b >= a:
            raise CalibrationError(
                f"targets {late}={b:g} and {early}={a:g} contradict each other: retention "
                f"falls with time, so {late} must be below {early}")


def check_targets(targets: Targets, *, days: int, users_given: bool,
                  revenue_events: bool) -> None:
    """Targets that contradict the run: a window too short, ``--users`` with ``dau`` …"""
    for key, n in _DAYS.items():
        if getattr(targets, key) is not None and days < n + 1:
            raise CalibrationError(
                f"target {key} needs a window of at least {n + 1} days (--days {n + 1} or "
                f"more): D{n} is measured on users who installed {n} days before the last "
                f"day; the window has {days}")
    if targets.dau is not None and users_given:
        raise CalibrationError("--target dau=… decides the number of users: leave out "
                               "--users, or drop dau from --target")
    if targets.payer is not None and not revenue_events:
        raise CalibrationError("target payer needs revenue events, and the rules name none "
                               "(event_roles.revenue): drop payer from --target, or name "
                               "the purchase event in a --rules file")


# -- the search ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Round:
    """One sample run: the knobs it ran with and the KPIs measured on it.

    ``counts`` are what each KPI is measured on (cohort, MAU, sample users, sessions);
    :meth:`spread` turns them into the KPI's chance variation.
    """

    number: int
    sample_users: int
    users: int
    tuning: PresetTuning
    knobs: dict[str, float]        # the knob of each targeted KPI (users for dau)
    measured: dict[str, float | None]
    counts: dict[str, int]

    def spread(self, key: str, value: float) -> float:
        """Standard deviation of the KPI by chance in a sample of these counts, at ``value``."""
        n = max(self.counts[key], 1)
        if key == "dau":
            return value * _ACTIVE_DAYS_CV / math.sqrt(n)
        if key == "session_minutes":
            return value * _MEDIAN_SPREAD / math.sqrt(n)
        return math.sqrt(value * (1 - value) / n)

    def stray(self, key: str, value: float) -> float:
        """Standard deviation of (full run − sample): zero when the sample is the run."""
        return self.spread(key, value) * math.sqrt(1 - self.sample_users / self.users)

    def miss(self, targets: Targets) -> float:
        """The worst distance from a target, in tolerances."""
        return max(targets.miss(k, self.measured[k]) for k, _ in targets.items())


@dataclass(frozen=True)
class Calibration:
    """What calibration chose: the preset's replaced values and the number of users."""

    targets: Targets
    rounds: tuple[Round, ...]
    chosen: Round
    warnings: tuple[str, ...] = ()

    @property
    def tuning(self) -> PresetTuning:
        return self.chosen.tuning

    @property
    def users(self) -> int:
        return self.chosen.users

    def summary(self) -> dict[str, object]:
        """What manifest.json records about the calibration."""
        return {"targets": dict(self.targets.items()), "users": self.users,
                "tuning": self.tuning.model_dump(mode="json", exclude_none=True),
                "rounds": len(self.rounds), "chosen_round": self.chosen.number,
                "sample_users": self.chosen.sample_users,
                "sample_kpis": {k: self.chosen.measured[k] for k, _ in self.targets.items()},
                "warnings": list(self.warnings)}


@dataclass(frozen=True)
class _Knobs:
    retention: tuple[float, float, float]
    dau_mau: float
    payer_rate: float
    session_minutes: float
    users: int

    def tuning(self) -> PresetTuning:
        d1, d7, d30 = self.retention
        return PresetTuning(retention=Retention(d1=d1, d7=d7, d30=d30), dau_mau=self.dau_mau,
                            payer_rate=self.payer_rate, session_minutes=self.session_minutes)

    def value(self, key: str) -> float:
        if key in RETENTION_KEYS:
            return self.retention[RETENTION_KEYS.index(key)]
        return {"payer": self.payer_rate, "session_minutes": self.session_minutes,
                "dau": float(self.users)}[key]


def calibrate(taxonomy: EventTaxonomy, rules: Rules, product: ProductInfo,
              config: SimulationConfig, targets: Targets, *,
              sample_users: int = DEFAULT_SAMPLE_USERS, max_rounds: int = MAX_ROUNDS,
              progress: Progress | None = None) -> Calibration:
    """Search the knobs on sample runs until the KPIs land on ``targets``.

    ``config`` is the run to calibrate (its ``users`` are replaced when ``dau`` is a
    target). Raises :class:`CalibrationError` when the targets stay out of reach.
    """
    say = progress or (lambda _message: None)
    params = written_kpi_parameters(rules, taxonomy)
    check_targets(targets, days=config.days, users_given=False,
                  revenue_events=bool(params["revenue_events"]))
    preset = config.behaviour_preset()
    knobs = _start(preset, targets, config)
    rounds: list[Round] = []
    held: set[str] = set()
    for number in range(1, max_rounds + 1):
        sample = min(knobs.users, sample_users)
        run = config.model_copy(update={"users": sample, "tuning": knobs.tuning()})
        kpis = _sample_kpis(taxonomy, rules, product, run, params)
        rounds.append(_round(number, kpis, knobs, targets, sample))
        say(_round_text(rounds[-1], targets, config.days))
        if _on_target(targets, rounds[-1]):
            return Calibration(targets, tuple(rounds), rounds[-1],
                               _unsure(targets, rounds[-1]))
        knobs = _step(knobs, targets, rounds, preset)
        # A knob held at its limit in two rounds running while its KPI stays clearly off
        # will not get there: stop early.
        missed = {key for key, _ in _judge(targets, rounds[-1])[0]}
        now = missed & _pinned(knobs, targets, rounds, preset)
        if now & held:
            break
        held = now
    return _last_word(targets, rounds)


def _start(preset: VerticalPreset, targets: Targets, config: SimulationConfig) -> _Knobs:
    """First guess: the targets themselves, the rest from the preset."""
    retention = _fill_retention(_given(targets), preset.retention)
    users = config.users
    if targets.dau is not None:
        # About 80 % of the users are active in a month-long window, more in a shorter one
        # (the rounds correct the guess).
        per_user = preset.dau_mau * 0.8 * (30 / config.days) ** 0.4
        users = _clamp_users(targets.dau / per_user)
    return _Knobs(retention=retention,
                  dau_mau=_reachable_dau_mau(retention, preset),
                  payer_rate=targets.payer if targets.payer is not None else preset.payer_rate,
                  session_minutes=(targets.session_minutes if targets.session_minutes
                                   is not None else preset.session_minutes.median),
                  users=users)


def _fill_retention(given: dict[int, float], preset: Retention,
                    knobs: dict[int, float] | None = None) -> tuple[float, float, float]:
    """Retention of days 1, 7, 30: the ``given`` days (day → target) at their knob
    (``knobs``, day → knob; the targets themselves when left out), the other days on a
    power law through the given targets (with the preset's exponent when only one is
    given) times the knob ÷ target of the nearest given day (interpolated between two).

    The other days follow the given ones round after round: a D1 left where the first
    guess put it would hold D7 back (a high D1 with a low D30 leaves the model no room
    for a low D7). They follow the knobs' ratio to their targets, not a curve through the
    knobs: a D30 knob pushed down to make up for a cohort that keeps more users than the
    model expects would steepen that curve and drag D1 to the model's ceiling, where the
    activity model fits none of the days (game, d7=0.10 and d30=0.03: D1 0.93).
    """
    preset_points = {1: preset.d1, 7: preset.d7, 30: preset.d30}
    if not given:
        return preset.d1, preset.d7, preset.d30
    knobs = knobs or given
    slope_points = given if len(given) >= 2 else preset_points
    xs = [math.log(n) for n in slope_points]
    ys = [math.log(v) for v in slope_points.values()]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    slope = (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
             / sum((x - mean_x) ** 2 for x in xs))
    anchor = sum(math.log(v) - slope * math.log(n) for n, v in given.items()) / len(given)
    ratios = {n: knobs[n] / v for n, v in sorted(given.items())}
    values = [knobs[n] if n in given
              else math.exp(anchor + slope * math.log(n)) * _ratio_at(n, ratios)
              for n in (1, 7, 30)]
    return _ordered(values)


def _ratio_at(day: int, ratios: dict[int, float]) -> float:
    """Knob ÷ target at an untargeted ``day``: the nearest targeted day's, or on a straight
    line (log ratio over log day) between the targeted days around it."""
    days = sorted(ratios)
    if day <= days[0]:
        return ratios[days[0]]
    if day >= days[-1]:
        return ratios[days[-1]]
    before = max(n for n in days if n < day)
    after = min(n for n in days if n > day)
    share = math.log(day / before) / math.log(after / before)
    return math.exp((1 - share) * math.log(ratios[before]) + share * math.log(ratios[after]))


def _given(targets: Targets) -> dict[int, float]:
    """The targeted retention days and their values."""
    return {n: v for k, n in _DAYS.items() if (v := getattr(targets, k)) is not None}


def _ordered(values: list[float]) -> tuple[float, float, float]:
    """Fitted retention must fall: D1 > D7 > D30 > 0, D1 below the model's ceiling."""
    d1 = min(max(values[0], 1e-4), _MAX_FIT_D1)
    d7 = min(max(values[1], 1e-5), d1 * _FALL)
    d30 = min(max(values[2], 1e-6), d7 * _FALL)
    return d1, d7, d30


def _reachable_dau_mau(retention: tuple[float, float, float], preset: VerticalPreset) -> float:
    """The preset's DAU/MAU, raised until the activity model can fit the retention.

    Long-run activity caps late retention: users still around after a month are active on
    about ``dau_mau × LONG_RUN_FACTOR`` of their days, so a high D30 needs more of it.
    """
    dau_mau = preset.dau_mau
    while True:
        tuned = preset.model_copy(update={"dau_mau": dau_mau})
        params = fit_preset(tuned, long_run_activity(tuned), retention)
        got = expected_retention(params, [7, 30])
        if (all(abs(math.log(g / want)) < 0.05 for g, want in zip(got, retention[1:],
                                                                   strict=True))
                or dau_mau >= _MAX_DAU_MAU):
            return dau_mau
        dau_mau = min(dau_mau * 1.2, _MAX_DAU_MAU)


def _clamp_users(users: float) -> int:
    return int(min(max(round(users), 1), MAX_USERS))


# -- one sample run -----------------------------------------------------------------------------


_KEEP = ("#type", "#time", "#distinct_id", "#account_id", "#event_name")


class _KpiLines:
    """A sink that keeps only what ``compute_kpis`` reads: events (not user updates), their
    ids, names and times, and ``#duration``. A tenth of the bytes; the same KPIs."""

    def __init__(self, inner: DailyJsonlSink) -> None:
        self._inner = inner

    def write(self, day: date, line: bytes) -> None:
        if line.startswith(b'{"#type":"user_'):     # the emitter's user updates: not events
            return
        record = orjson.loads(line)
        if not str(record.get("#type", "")).startswith("track"):
            return
        slim = {k: record[k] for k in _KEEP if k in record}
        duration = (record.get("properties") or {}).get("#duration")
        slim["properties"] = {} if duration is None else {"#duration": duration}
        self._inner.write(day, orjson.dumps(slim))


def _sample_kpis(taxonomy: EventTaxonomy, rules: Rules, product: ProductInfo,
                 config: SimulationConfig, params: dict[str, object]) -> Kpis:
    folder = Path(tempfile.mkdtemp(prefix="demogen-calibrate-"))
    try:
        sink = DailyJsonlSink(folder / "out", durable=False, checksums=False)
        try:
            generate(taxonomy, rules, product, config, _KpiLines(sink))
            sink.close()
        except BaseException:
            sink.abort()
            raise
        return compute_kpis(folder / "out", **params)  # type: ignore[arg-type]
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def target_kpis(kpis: Kpis, *, scale: float = 1.0) -> dict[str, float | None]:
    """The KPIs targets name, from ``compute_kpis``; DAU times ``scale`` (run ÷ sample)."""
    return {"d1": kpis.d1, "d7": kpis.d7, "d30": kpis.d30, "payer": kpis.payer_rate,
            "dau": None if kpis.dau_mean is None else kpis.dau_mean * scale,
            "session_minutes": kpis.median_session_minutes}


def measure_run(out_dir: Path, taxonomy: EventTaxonomy, rules: Rules) -> dict[str, float | None]:
    """The KPIs targets name, measured on a written run exactly as calibration measures."""
    return target_kpis(compute_kpis(out_dir, **written_kpi_parameters(rules, taxonomy)))  # type: ignore[arg-type]


def written_kpi_parameters(rules: Rules, taxonomy: EventTaxonomy) -> dict[str, object]:
    """:func:`kpi_parameters` with event names as the files spell them."""
    params = kpi_parameters(rules, taxonomy)
    names = NameMap.build(taxonomy)
    for key in ("revenue_events", "session_start_events", "session_end_events",
                "install_events"):
        params[key] = [names.event(e) for e in params[key]]  # type: ignore[attr-defined]
    params["revenue_property"] = {}     # amounts are not among the targets
    return params


def _round(number: int, kpis: Kpis, knobs: _Knobs, targets: Targets, sample: int) -> Round:
    """The sample's KPIs as the run's (DAU scaled from the sample to the run's users)."""
    measured = target_kpis(kpis, scale=knobs.users / sample)
    counts = {**{k: kpis.retention[n].cohort for k, n in _DAYS.items()},
              "payer": kpis.mau, "dau": sample, "session_minutes": kpis.sessions}
    return Round(number, sample, knobs.users, knobs.tuning(),
                 {key: knobs.value(key) for key, _ in targets.items()}, measured, counts)


def _on_target(targets: Targets, round_: Round) -> bool:
    """Every KPI within its tolerance, less room for the chance difference of the full run.

    A KPI the sample measures too coarsely to check (chance moves the run's value by more
    than half the tolerance: a D30 cohort of 30 installs) is left to its knob; the
    calibration then warns about it (:func:`_unsure`).
    """
    share = _AIM if round_.number <= _AIM_ROUNDS else _LATE_AIM
    for key, target in targets.items():
        value = round_.measured[key]
        if value is None:
            return False
        width = TOLERANCE[key] * (target if key in RELATIVE else 1.0)
        stray = round_.stray(key, value)
        if stray > width / 2:
            continue
        aim = max(share * width - 1.5 * stray, _MIN_AIM * width)
        if abs(value - target) > aim:
            return False
    return True


# -- the next round's knobs ---------------------------------------------------------------------


def _step(knobs: _Knobs, targets: Targets, rounds: list[Round],
          preset: VerticalPreset) -> _Knobs:
    """The next round's knobs: each targeted KPI is taken as proportional to its knob.

    Knobs stay within :data:`_KNOB_RANGE` of their target, so that one unlucky sample (three
    retained users of a small D30 cohort) cannot throw the activity model far off.
    """
    wanted = {key: _next_knob(key, target, knobs.value(key), rounds)
              for key, target in targets.items()}
    moved = {}
    for key, target in targets.items():
        low, high = _KNOB_RANGE[key]
        moved[key] = min(max(wanted[key], target * low), target * high)
    payer_low, payer_high = _PAYER_KNOB
    session_low, session_high = _SESSION_KNOB
    return _Knobs(
        retention=_fill_retention(_given(targets), preset.retention,
                                  {_DAYS[k]: v for k, v in moved.items() if k in _DAYS}),
        dau_mau=knobs.dau_mau,
        payer_rate=min(max(moved.get("payer", knobs.payer_rate), payer_low), payer_high),
        session_minutes=min(max(moved.get("session_minutes", knobs.session_minutes),
                                session_low), session_high),
        users=_clamp_users(moved.get("dau", knobs.users)),
    )


def _pinned(knobs: _Knobs, targets: Targets, rounds: list[Round],
            preset: VerticalPreset) -> set[str]:
    """Targets whose knob cannot go where the rounds want it."""
    return _held_by_limits(knobs, targets, rounds) | _beyond_model(knobs, targets, preset)


def _held_by_limits(knobs: _Knobs, targets: Targets, rounds: list[Round]) -> set[str]:
    """Knobs a limit (:data:`_KNOB_RANGE`, falling retention, users) holds back."""
    held = set()
    for key, target in targets.items():
        if key == "dau":        # users are whole numbers; only the limit holds them
            if knobs.users >= MAX_USERS:
                held.add(key)
            continue
        wanted = _next_knob(key, target, rounds[-1].knobs[key], rounds)
        if abs(math.log(knobs.value(key) / wanted)) > 1e-6:
            held.add(key)
    return held


def _beyond_model(knobs: _Knobs, targets: Targets, preset: VerticalPreset) -> set[str]:
    """Retention knobs the activity model does not follow: it fits D7 and D30 only as far
    as its shape and the long-run activity allow."""
    keys = [k for k, _ in targets.items() if k in _DAYS]
    if not keys:
        return set()
    tuned = knobs.tuning().apply(preset)
    params = fit_preset(tuned, long_run_activity(tuned))
    fitted = dict(zip(RETENTION_KEYS, expected_retention(params, [1, 7, 30]), strict=True))
    return {k for k in keys if abs(math.log(fitted[k] / knobs.value(k))) > _FIT_SLACK}


def _next_knob(key: str, target: float, knob: float, rounds: list[Round]) -> float:
    """``target ÷ ratio``, with the ratio KPI ÷ knob estimated from the rounds.

    A sample's KPI is the knob's effect plus chance, and chance is large for small cohorts
    (a D30 of 150 installs moves by ±0.014). So the log-ratio is pooled over the rounds,
    each weighted by its information (cohort size), recent rounds more, and shrunk toward
    0 (KPI = knob) with the weight of :data:`_PRIOR`: small samples then nudge the knob
    instead of throwing it around. DAU per user has little chance in it but moves with
    the other knobs (retention keeps existing users around), so only the last round counts.
    """
    last = rounds[-1]
    if key == "dau":
        value = last.measured[key]
        wanted = target * last.knobs[key] / value if value else knob * _MAX_STEP
    else:
        pooled, information = 0.0, _prior_weight(key, last)
        for age, past in enumerate(reversed(rounds)):
            value = past.measured[key]
            if value is None:
                continue
            # Information of the log-KPI at the target (not at the noisy value itself);
            # a zero counts as half a case.
            weight = _RECENT ** age * (target / past.spread(key, target)) ** 2
            floor = 0.5 / max(past.counts[key], 1)
            pooled += weight * math.log(max(value, floor) / past.knobs[key])
            information += weight
        wanted = target / math.exp(pooled / information)
    return min(max(wanted, knob / _MAX_STEP), knob * _MAX_STEP)


def _prior_weight(key: str, last: Round) -> float:
    """How much the guess "KPI = knob" weighs in :func:`_next_knob`.

    A sample smaller than the run differs from it by chance, and the guess keeps that
    chance from throwing the knob. A sample that is (nearly) the run has the run's own
    chance: the same users meet the same draws round after round, so a cohort that keeps
    more users than the model expects keeps them at any knob, and the knob must make up
    for it rather than stay near the target (game, d7=0.10 and d30=0.03 on 92 installs:
    D30 0.054-0.076 round after round while the shrunk knob crept from 0.030 to 0.018).
    The guess then only steadies the first rounds.
    """
    unseen = math.sqrt(max(1 - last.sample_users / last.users, 0.0))
    return _PRIOR[key] * max(unseen, _RUN_PRIOR)


# -- messages -----------------------------------------------------------------------------------


def _round_text(round_: Round, targets: Targets, days: int) -> str:
    parts = [f"{key} {_fmt(key, round_.measured[key])} → {_fmt(key, target)}"
             for key, target in targets.items()]
    return (f"calibrating: round {round_.number} ({round_.sample_users:,} users × {days} days): "
            + ", ".join(parts))


def _fmt(key: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if key == "dau":
        return f"{value:,.0f}"
    if key == "session_minutes":
        return f"{value:.1f}"
    return f"{value:.3f}"


def _last_word(targets: Targets, rounds: list[Round]) -> Calibration:
    """No round landed on every target: the closest round if chance explains the rest, else
    an error that says what stayed out of reach."""
    best = min(rounds, key=lambda r: r.miss(targets))
    if best.miss(targets) <= 1:
        return Calibration(targets, tuple(rounds), best, _unsure(targets, best))
    unexplained, noisy = _judge(targets, best)
    if unexplained:
        raise CalibrationError(
            f"calibration could not reach {', '.join(t for _, t in unexplained)} in "
            f"{len(rounds)} rounds; " + _advice(targets, best))
    warning = (f"calibration stopped outside the tolerance on {'; '.join(noisy)}: "
               "a longer window (--days) or more users give steadier KPIs")
    return Calibration(targets, tuple(rounds), best, (warning,))


def _unsure(targets: Targets, round_: Round) -> tuple[str, ...]:
    """A warning when the run may stray out of the tolerance from a sample that was in it."""
    loose = []
    for key, target in targets.items():
        value = round_.measured[key]
        assert value is not None
        width = TOLERANCE[key] * (target if key in RELATIVE else 1.0)
        stray = round_.stray(key, value)
        if abs(value - target) + 2 * stray > width:
            loose.append(f"{key} (sample {_fmt(key, value)} on {round_.counts[key]:,} "
                         f"{_COUNTED[key]}; the run may differ by ±{_fmt(key, stray)})")
    if not loose:
        return ()
    return (f"the sample is small for checking {', '.join(loose)}: a larger "
            "--calibration-users or a longer window (--days) makes the run surer to land",)


def _judge(targets: Targets, round_: Round) -> tuple[list[tuple[str, str]], list[str]]:
    """The targets a round missed: those chance cannot explain (key, text), and those it
    can (text)."""
    unexplained, noisy = [], []
    for key, target in targets.items():
        value = round_.measured[key]
        if targets.miss(key, value) <= 1:
            continue
        text = f"{key}={_fmt(key, target)} (closest: {_fmt(key, value)})"
        width = TOLERANCE[key] * (target if key in RELATIVE else 1.0)
        chance = round_.spread(key, target)
        if value is None or abs(value - target) > width + 2 * chance:
            unexplained.append((key, text))
        else:
            noisy.append(f"{text}, which chance alone moves by ±{_fmt(key, chance)} "
                         f"on {round_.counts[key]:,} {_COUNTED[key]}")
    return unexplained, noisy


def _advice(targets: Targets, best: Round) -> str:
    missed = {k for k, _ in targets.items() if targets.miss(k, best.measured[k]) > 1}
    hints = []
    if missed & set(RETENTION_KEYS):
        hints.append("retention targets closer to the preset's curve (D7 about D1 / 3, D30 "
                     "about D7 / 2.5) or another --preset")
    if "payer" in missed:
        hints.append("a payer target nearer the preset's payer_rate")
    if "session_minutes" in missed or "dau" in missed:
        hints.append("targets nearer the preset's KPIs (demogen presets)")
    return "try " + "; ".join(hints)
