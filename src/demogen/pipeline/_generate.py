"""Step 2: simulate a prepared plan into an output folder (calibrated first when asked).

The folder ends up holding the day files, ``rules.yaml``, ``plan.json`` and, written last,
``manifest.json``. Everything is checked before the first user is simulated (the window,
the preset, the layout, that the folder can be written); a run that fails or is
interrupted leaves nothing it created behind.
"""

from __future__ import annotations

import hashlib
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from demogen.errors import ConfigError
from demogen.output import (
    Manifest,
    OutputSummary,
    is_url,
    prepare_output_dir,
    staged_output,
    write_manifest,
)
from demogen.output._writable import check_writable_dir, check_writable_file, removed_on_failure
from demogen.pipeline._prepare import Prepared
from demogen.pipeline._saved import plan_record, save_inputs
from demogen.simulation import SimulationConfig, preset_for_industry
from demogen.simulation.config import MAX_DAYS_BACK, default_start, earliest_local_date
from demogen.simulation.ids import check_id_prefix, id_namespace
from demogen.simulation.mixes import normalised, run_market, segment_shares
from demogen.simulation.parallel import ENGINES, LAYOUTS, SimulationSpec, run_parallel
from demogen.simulation.presets import preset_names
from demogen.simulation.segments import CustomSegment, check_segments
from demogen.simulation.trace import join_trace
from demogen.simulation.values import ValueFactory
from demogen.vocab import Segment

if TYPE_CHECKING:     # calibration imports DuckDB and the KPI code: only when targets are set
    from demogen.pipeline.calibrate import Calibration, Targets

__all__ = ["DEFAULT_USERS", "GenerateOptions", "GenerateResult", "generate"]

DEFAULT_USERS = 2_000

#: ``(description, total)`` → a context yielding ``advance(n)``; the CLI passes a bar.
ProgressFactory = Callable[[str, int], AbstractContextManager[Callable[[int], None]]]


@dataclass(frozen=True)
class GenerateOptions:
    """Every option of a run, named like the CLI's; defaults as ``demogen generate``'s."""

    output: str = "out"
    users: int | None = None             # None: DEFAULT_USERS (or what calibration decides)
    start: date | None = None            # None: the ``days`` days ending yesterday
    days: int = 30
    seed: int = 0
    preset: str | None = None            # None: from the product's industry
    gzip: bool = False
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None
    layout: str = "days"
    overwrite: bool = False
    targets: Targets | None = None
    calibration_users: int = 4_000
    id_prefix: str | None = None
    #: Also write each user's segment and lifecycle stage per day here (JSON lines, or CSV
    #: when it ends in .csv; simulation.trace); never part of the output folder.
    debug_users: Path | None = None
    #: Custom segments (demogen.yaml's ``segments:``; simulation.segments).
    segments: tuple[CustomSegment, ...] = ()
    #: Starting segments of the existing users (--segment-mix; simulation.mixes); None:
    #: DEFAULT_SEGMENT_MIX. Segments it leaves out get no share.
    segment_mix: dict[Segment, float] | None = None
    #: ISO country → share of users (--market); None: the plan's country enums.
    market: dict[str, float] | None = None


@dataclass(frozen=True)
class GenerateResult:
    output: str
    config: SimulationConfig
    counts: dict[str, int]
    summary: OutputSummary
    seconds: float
    manifest: Manifest
    calibration: Calibration | None = None
    measured: dict[str, float | None] = field(default_factory=dict)

    @property
    def bytes_written(self) -> int:
        return sum(stats.bytes for stats in self.summary.files.values())


def simulation_config(prepared: Prepared, options: GenerateOptions,
                      today: date | None = None) -> tuple[SimulationConfig, list[str]]:
    """The run's configuration, checked; warnings about the window (not errors) beside."""
    if options.layout not in LAYOUTS:
        raise ConfigError(f"unknown layout '{options.layout}' (--layout); choose one of: "
                          f"{', '.join(LAYOUTS)}")
    if options.engine not in ENGINES:
        raise ConfigError(f"unknown engine '{options.engine}' (--engine); choose one of: "
                          f"{', '.join(ENGINES)}")
    preset = options.preset or preset_for_industry(prepared.product.industry)
    if preset not in preset_names():
        raise ConfigError(f"unknown preset '{preset}' (--preset); choose one of: "
                          f"{', '.join(preset_names())} (see 'demogen presets')")
    problems = check_segments(options.segments, [e.name for e in prepared.taxonomy.events])
    if problems:
        raise ConfigError("\n".join(problems))
    # "Today" is where it is earliest: a window ending yesterday there is over everywhere.
    today = today or earliest_local_date()
    first_day = options.start or default_start(options.days, today)
    config = SimulationConfig(users=options.users or DEFAULT_USERS, start=first_day,
                              days=options.days, seed=options.seed, preset=preset,
                              id_namespace=id_namespace(prepared.taxonomy.content_hash(),
                                                        prepared.product.product_name),
                              id_prefix=check_id_prefix(options.id_prefix),
                              custom_segments=options.segments,
                              segment_mix=segment_shares(options.segment_mix),
                              market=normalised(options.market) if options.market else None)
    if config.end >= today:
        raise ConfigError(
            f"the window {config.start} … {config.end} reaches today or the future, and "
            "ThinkingData rejects future times; choose an earlier --start or fewer --days")
    warnings = _market_warnings(prepared, config.market) if config.market else []
    if (today - config.start).days > MAX_DAYS_BACK:
        warnings.append(
            f"--start {config.start} is {(today - config.start).days:,} days back: by "
            "default ThinkingEngine receives server-side data up to about 3 years old; "
            "check the project's receive window before uploading")
    return config, warnings


def market_line(prepared: Prepared, options: GenerateOptions) -> str:
    """The market a run uses and where it comes from, in one line for a person."""
    market = run_market(normalised(options.market) if options.market else None,
                        prepared.rules.market, prepared.taxonomy, prepared.product)
    source = ("--market" if options.market else
              "Rules' market" if prepared.rules.market else "the global default")
    shares = ", ".join(f"{code} {share:.0%}" for code, share in
                       sorted(market.items(), key=lambda kv: -kv[1]))
    return f"market: {shares} ({source}; change it with --market or Rules' market)"


def _market_warnings(prepared: Prepared, market: dict[str, float]) -> list[str]:
    """A market outside the plan's country (or locale) enums: the properties holding them
    keep drawing from their enum, so they cannot match these users' devices."""
    planned = ValueFactory(prepared.taxonomy, prepared.rules, prepared.product,
                           seed=0).country_weights()
    outside = [code for code in market if planned and code not in planned]
    if not outside:
        return []
    return [f"--market {', '.join(outside)}: the plan's country/locale enums name "
            f"{', '.join(planned)} (of the countries demogen knows); properties holding a "
            "country keep their enum values, which will not match these users' #zone_offset, "
            "language and IP; add the codes to the enum or choose a market it names"]


def generate(prepared: Prepared, options: GenerateOptions, *,
             progress: ProgressFactory | None = None,
             say: Callable[[str], None] | None = None) -> GenerateResult:
    """Simulate ``prepared`` into ``options.output``; ``say`` hears calibration's steps."""
    config, _ = simulation_config(prepared, options)
    local = not is_url(options.output)
    if local:
        check_writable_dir(Path(options.output), what="output folder",
                           how="choose another with -o")
        if not options.overwrite and Path(options.output).exists():
            prepare_output_dir(Path(options.output))   # refuse a used folder before any work
    if options.debug_users is not None:
        check_writable_file(options.debug_users, what="--debug-users file",
                            how="choose another --debug-users FILE")
    started_at = datetime.now(UTC)
    guard = removed_on_failure(Path(options.output)) if local else nullcontext()
    with guard, _traced(options.debug_users) as trace_dir, \
            staged_output(options.output, overwrite=options.overwrite,
                          on_upload=say and (lambda url: say(f"uploading to {url} …"))
                          ) as (folder, replace):
        calibration, measured = None, {}
        if options.targets is not None:
            calibration = _calibrate(prepared, config, options, say)
            config = config.model_copy(update={"users": calibration.users,
                                               "tuning": calibration.tuning})
        if trace_dir is not None:   # the run itself, not calibration's samples
            config = config.model_copy(update={"trace_dir": str(trace_dir)})
        began = time.perf_counter()
        bar = progress or _no_progress
        with bar("simulating users", config.users) as advance:
            counts, summary = run_parallel(
                SimulationSpec(prepared.taxonomy, prepared.rules, prepared.product, config),
                folder, workers=options.workers, engine=options.engine,
                scheduler=options.scheduler, gzip=options.gzip, overwrite=replace,
                layout=options.layout, progress=advance)
        seconds = time.perf_counter() - began
        if trace_dir is not None and options.debug_users is not None:
            join_trace(trace_dir, -(-config.users // config.shard_size), options.debug_users)
        if calibration is not None:
            from demogen.pipeline.calibrate import measure_run

            run_kpis = measure_run(folder, prepared.taxonomy, prepared.rules)
            measured = {key: run_kpis[key] for key, _ in calibration.targets.items()}
        save_inputs(folder, prepared)
        manifest = _manifest(prepared, options, config, counts, summary, started_at,
                             calibration, measured)
        write_manifest(folder, manifest)
    return GenerateResult(options.output, config, counts, summary, seconds, manifest,
                          calibration, measured)


def _calibrate(prepared: Prepared, config: SimulationConfig, options: GenerateOptions,
               say: Callable[[str], None] | None) -> Calibration:
    from demogen.pipeline.calibrate import calibrate

    return calibrate(prepared.taxonomy, prepared.rules, prepared.product, config,
                     options.targets, sample_users=options.calibration_users, progress=say)


def _manifest(prepared: Prepared, options: GenerateOptions, config: SimulationConfig,
              counts: dict[str, int], summary: OutputSummary, started_at: datetime,
              calibration: Calibration | None, measured: dict[str, float | None]
              ) -> Manifest:
    recorded: dict[str, Any] = {
        "users": config.users, "start": config.start.isoformat(), "days": config.days,
        "preset": config.preset, "gzip": options.gzip, "taxonomy": str(prepared.plan),
        "workers": options.workers, "engine": options.engine, "layout": options.layout,
        "shard_size": config.shard_size, "id_prefix": config.id_prefix,
        "id_namespace": config.id_namespace,
        "rules": str(prepared.rules_path.resolve()) if prepared.rules_path else None,
    }
    if options.segments:
        recorded["segments"] = [s.model_dump(mode="json", exclude_defaults=True)
                                for s in options.segments]
    if options.segment_mix:
        recorded["segment_mix"] = {str(k): v for k, v in config.segment_mix.items()}
    recorded["market"] = run_market(config.market, prepared.rules.market, prepared.taxonomy,
                                    prepared.product)
    if calibration is not None:
        recorded["calibration"] = {**calibration.summary(), "run_kpis": measured}
    return Manifest(
        seed=config.seed, options=recorded, taxonomy_hash=prepared.taxonomy.content_hash(),
        rules_hash=hashlib.sha256(prepared.rules.to_json().encode()).hexdigest(),
        plan=plan_record(prepared), files=summary.files, records_by_type=counts,
        users=config.users, started_at=started_at, finished_at=datetime.now(UTC))


@contextmanager
def _no_progress(description: str, total: int) -> Iterator[Callable[[int], None]]:
    yield lambda n: None


@contextmanager
def _traced(target: Path | None) -> Iterator[Path | None]:
    """A folder beside ``target`` for the shards' trace parts; gone when the run ends."""
    if target is None:
        yield None
        return
    folder = target.with_name(f".{target.name}.parts")
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
