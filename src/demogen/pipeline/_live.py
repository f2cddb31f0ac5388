"""``demogen live``: a continuous stream of a plan's users, for live demos.

A session lives in a state folder: ``live.json`` (the session's plan, users, seed, window,
how far it got) and ``run/`` (the simulated window). The first start simulates ``days`` days
ending a whole number of weeks before today, so weekdays line up, and moves their times
forward by those weeks (:func:`demogen.upload._live.shift_times`): the run's first day is
the day the session started. Records are then delivered in time order at wall-clock pace
(``speed`` times faster if asked). ``live.json`` is saved atomically about once a second and
when the session stops; a restart with the same state folder continues after the last record
delivered, with the same users in the same state, since the run is the same.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from demogen.errors import ConfigError
from demogen.output import read_manifest
from demogen.output._files import replace_file
from demogen.pipeline._generate import GenerateOptions, generate
from demogen.pipeline._prepare import Prepared
from demogen.upload._live import LiveRecord, LiveSink, live_records, pace, utc_now_ms

__all__ = ["LiveOptions", "LiveState", "LiveSummary", "run_live"]

STATE_NAME = "live.json"
RUN_DIR = "run"


@dataclass(frozen=True, kw_only=True)
class LiveOptions:
    state_dir: Path
    users: int = 200
    days: int = 7
    seed: int = 0
    speed: float = 1.0
    preset: str | None = None
    id_prefix: str | None = None
    save_every: float = 1.0


class LiveState(BaseModel):
    """What a session is and how far it got (``live.json``)."""

    model_config = ConfigDict(extra="forbid")

    plan_hash: str
    users: int
    days: int
    seed: int
    first_day: date
    shift_days: int
    delivered: int = 0
    clock_ms: int | None = None


@dataclass(frozen=True)
class LiveSummary:
    delivered: int          # this session
    total: int              # since the first start
    finished: bool          # every day of the window delivered
    resumed: bool
    first_day: date


def _save(folder: Path, state: LiveState) -> None:
    replace_file(folder / STATE_NAME, state.model_dump_json(indent=1).encode() + b"\n")


def _load(folder: Path) -> LiveState | None:
    path = folder / STATE_NAME
    try:
        return LiveState.model_validate_json(path.read_bytes())
    except FileNotFoundError:
        return None
    except ValidationError:
        raise ConfigError(f"{path} is not a demogen live state; pass another --state folder"
                          ) from None


def _session(prepared: Prepared, options: LiveOptions, today: date) -> tuple[LiveState, bool]:
    """The saved session, checked against the options, or a new one (simulated now)."""
    folder = options.state_dir
    plan_hash = prepared.taxonomy.content_hash()
    state = _load(folder)
    if state is not None:
        asked = (plan_hash, options.users, options.days, options.seed)
        if (state.plan_hash, state.users, state.days, state.seed) != asked:
            raise ConfigError(
                f"{folder} holds a live session of another plan or other --users/--days/--seed "
                f"({state.users} users, {state.days} days, seed {state.seed}); pass the same "
                "options to continue it, or another --state folder for a new session")
        if (folder / RUN_DIR / "manifest.json").exists():
            return state, True
    weeks = options.days // 7 + 1            # the window ends before today
    shift = 7 * weeks
    state = LiveState(plan_hash=plan_hash, users=options.users, days=options.days,
                      seed=options.seed, first_day=today, shift_days=shift)
    folder.mkdir(parents=True, exist_ok=True)
    generate(prepared, GenerateOptions(
        output=str(folder / RUN_DIR), users=options.users, days=options.days, seed=options.seed,
        start=today - timedelta(days=shift), preset=options.preset,
        id_prefix=options.id_prefix, overwrite=True))
    read_manifest(folder / RUN_DIR)
    _save(folder, state)
    return state, False


def run_live(prepared: Prepared, options: LiveOptions, sink: LiveSink, *,
             stop: threading.Event, today: date | None = None) -> LiveSummary:
    """Deliver the session's records to ``sink`` until they run out or ``stop`` is set."""
    if options.speed <= 0:
        raise ConfigError(f"--speed {options.speed} must be above 0 (1 is real time)")
    state, resumed = _session(prepared, options, today or date.today())
    start_ms = max(utc_now_ms(), state.clock_ms or 0)
    first = state.delivered
    last_save = time.monotonic()
    finished = True

    def delivered(record: LiveRecord) -> None:
        nonlocal state, last_save
        state = state.model_copy(update={"delivered": record.number + 1,
                                         "clock_ms": max(record.instant_ms,
                                                         state.clock_ms or 0)})
        if time.monotonic() - last_save >= options.save_every:
            _save(options.state_dir, state)
            last_save = time.monotonic()

    try:
        records = live_records(options.state_dir / RUN_DIR, state.shift_days, skip=first)
        pace(records, sink, speed=options.speed, start_ms=start_ms, stop=stop,
             delivered=delivered)
        finished = not stop.is_set()
    finally:
        sink.close()
        _save(options.state_dir, state)
    return LiveSummary(state.delivered - first, state.delivered, finished, resumed,
                       state.first_day)


