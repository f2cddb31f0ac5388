"""``demogen generate``: simulate users and write ThinkingData JSONL per day.

With ``--target`` the behaviour is calibrated first (:mod:`demogen.simulation.calibrate`):
sample runs tune the preset until the KPIs land on the targets, then the full run is
written and measured, and the manifest records the tuning.
"""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.table import Table

from demogen.cli import _options as opt
from demogen.cli._console import err, out, reports_errors, warn
from demogen.cli._load import load_inputs
from demogen.cli._progress import progress_bar
from demogen.errors import ConfigError

DEFAULT_USERS = 2_000


@reports_errors
def generate(
    taxonomy: Path = opt.TaxonomyArg,
    output: str = typer.Option(
        "out", "--output", "-o",
        help="Output folder, or an fsspec URL (s3://bucket/run, gs://…; needs the extra).",
    ),
    rules_path: Path | None = typer.Option(
        None, "--rules", help="Rules (.yaml/.json) merged over the analysis."
    ),
    users: int | None = typer.Option(
        None, "--users", min=1, show_default=False,
        help="Distinct users simulated (default 2,000; with --target dau=… calibration "
        "decides).",
    ),
    start: datetime | None = typer.Option(
        None, "--start", formats=["%Y-%m-%d"], help="First day (default: DAYS days ago)."
    ),
    days: int = typer.Option(30, "--days", min=1, help="Number of days."),
    seed: int = typer.Option(0, "--seed", min=0, help="Random seed."),
    preset: str | None = typer.Option(
        None, "--preset", help="Behaviour preset (default: from the product's industry)."
    ),
    gzip: bool = typer.Option(False, "--gzip", help="Write .jsonl.gz files."),
    workers: int = typer.Option(1, "--workers", min=1, help="Worker processes (same bytes)."),
    engine: str = typer.Option("local", "--engine", help="local (processes) or dask."),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask scheduler address (tcp://host:port); default: local."
    ),
    layout: str = typer.Option(
        "days", "--layout",
        help="days: one file per day; parts: one file per shard of users and day "
        "(logs_YYYYMMDD.part-NNNNN.jsonl; no joining, for very large runs).",
    ),
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a previous output."),
    target: str | None = typer.Option(
        None, "--target",
        help="KPI targets to calibrate the behaviour to, as the report measures them: "
        "d1, d7, d30 (classic retention), payer (payers / MAU), dau (mean DAU; sets the "
        "users), session_minutes (median); e.g. d1=0.40,d7=0.15,dau=5000. Sample runs "
        "tune the preset first; the run lands within ±2 points (retention, payer) and "
        "±5 % (dau, session_minutes).",
    ),
    calibration_users: int = typer.Option(
        4_000, "--calibration-users", min=50,   # calibrate.DEFAULT_SAMPLE_USERS
        help="Users in each calibration sample run: the run's first users, all of them "
        "when the run is no larger (slower for big runs, but the run lands exactly).",
    ),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
) -> None:
    """Generate users, sessions, events and user updates from TAXONOMY."""
    from demogen.output import (
        Manifest,
        is_url,
        prepare_output_dir,
        staged_output,
        write_manifest,
    )
    from demogen.simulation import SimulationConfig, preset_for_industry
    from demogen.simulation.config import default_start
    from demogen.simulation.parallel import LAYOUTS, SimulationSpec, run_parallel

    if layout not in LAYOUTS:
        raise ConfigError(f"unknown layout '{layout}' (--layout); choose one of: "
                          f"{', '.join(LAYOUTS)}")
    targets = _read_targets(target, days=days, users=users)
    inputs = load_inputs(taxonomy, rules_path=rules_path, industry=industry, platform=platform,
                         product_name=product_name, refresh=refresh_analysis,
                         cache_dir=cache_dir, quiet=quiet)
    tax, product, rules = inputs.loaded.taxonomy, inputs.loaded.product, inputs.rules
    first_day = start.date() if start else default_start(days, date.today())
    config = SimulationConfig(users=users or DEFAULT_USERS, start=first_day, days=days,
                              seed=seed, preset=preset or preset_for_industry(product.industry))
    _check_window(config)
    if targets is not None and not overwrite and not is_url(output) and Path(output).exists():
        prepare_output_dir(Path(output))     # refuse a used folder before calibrating
    started_at = datetime.now(UTC)
    announce = None if quiet else (lambda url: err.print(f"uploading to {url} …"))
    with staged_output(output, overwrite=overwrite, on_upload=announce) as (folder, replace):
        calibration, measured = None, {}
        if targets is not None:
            calibration = _calibrate(tax, rules, product, config, targets,
                                     calibration_users, quiet=quiet)
            config = config.model_copy(update={"users": calibration.users,
                                               "tuning": calibration.tuning})
        users, began = config.users, time.perf_counter()
        with progress_bar("simulating users", users, quiet=quiet) as advance:
            counts, summary = run_parallel(
                SimulationSpec(tax, rules, product, config), folder, workers=workers,
                engine=engine, scheduler=scheduler, gzip=gzip, overwrite=replace,
                layout=layout, progress=advance)
        seconds = time.perf_counter() - began
        options = {"users": users, "start": first_day.isoformat(), "days": days,
                   "preset": config.preset, "gzip": gzip, "taxonomy": str(taxonomy),
                   "workers": workers, "engine": engine, "layout": layout,
                   "shard_size": config.shard_size,
                   "rules": str(rules_path) if rules_path else None}
        if calibration is not None:
            measured = _landing(folder, tax, rules, calibration.targets)
            options["calibration"] = {**calibration.summary(), "run_kpis": measured}
        manifest = Manifest(
            seed=seed,
            options=options,
            taxonomy_hash=tax.content_hash(),
            rules_hash=hashlib.sha256(rules.to_json().encode()).hexdigest(),
            files=summary.files, records_by_type=counts, users=users,
            started_at=started_at, finished_at=datetime.now(UTC),
        )
        write_manifest(folder, manifest)
    if not quiet:
        _print_summary(output, config, counts, summary, seconds)
    if calibration is not None and not quiet:
        _print_landing(calibration.targets, measured)


def _read_targets(text: str | None, *, days: int, users: int | None):  # type: ignore[no-untyped-def]
    """``--target`` parsed and checked against the window and ``--users`` (before loading)."""
    if text is None:
        return None
    from demogen.simulation.calibrate import check_targets, parse_targets

    targets = parse_targets(text)
    check_targets(targets, days=days, users_given=users is not None, revenue_events=True)
    return targets


def _calibrate(tax, rules, product, config, targets, sample_users: int, *,  # type: ignore[no-untyped-def]
               quiet: bool):
    from demogen.simulation.calibrate import calibrate

    say = None if quiet else (lambda message: err.print(message, markup=False, highlight=False))
    calibration = calibrate(tax, rules, product, config, targets, sample_users=sample_users,
                            progress=say)
    if not quiet:
        for message in calibration.warnings:
            warn(message)
        tuning = calibration.tuning.model_dump(exclude_none=True)
        retention = tuning.pop("retention", {})
        shown = [f"users {calibration.users:,}",
                 *(f"retention.{k} {v:.4f}" for k, v in retention.items()),
                 *(f"{k} {v:.4g}" for k, v in tuning.items())]
        err.print("calibrated: " + ", ".join(shown), markup=False, highlight=False)
    return calibration


def _landing(folder: Path, tax, rules, targets) -> dict[str, float | None]:  # type: ignore[no-untyped-def]
    """The targeted KPIs of the written run, measured as calibration measured them."""
    from demogen.simulation.calibrate import measure_run

    measured = measure_run(folder, tax, rules)
    return {key: measured[key] for key, _ in targets.items()}


def _print_landing(targets, measured) -> None:  # type: ignore[no-untyped-def]
    """The run's KPIs against the targets; a warning for any that missed."""
    from demogen.simulation.calibrate import TOLERANCE

    missed = []
    for key, goal in targets.items():
        value = measured[key]
        if targets.miss(key, value) > 1:
            missed.append(f"{key} {_shown(key, value)} (target {_shown(key, goal)})")
        else:
            band = (f"±{TOLERANCE[key]:.0%}" if key in ("dau", "session_minutes")
                    else f"±{TOLERANCE[key]:.2f}")
            err.print(f"on target: {key} {_shown(key, value)} (target {_shown(key, goal)} "
                      f"{band})", markup=False, highlight=False)
    if missed:
        warn("the run missed its targets by chance: " + ", ".join(missed)
             + "; a longer window or more users give steadier KPIs")


def _shown(key: str, value: float | None) -> str:
    if value is None:
        return "n/a"
    if key == "dau":
        return f"{value:,.0f}"
    return f"{value:.2f}" if key == "session_minutes" else f"{value:.3f}"


def _check_window(config) -> None:  # type: ignore[no-untyped-def]
    from demogen.errors import ConfigError
    from demogen.simulation.config import MAX_DAYS_BACK

    today = date.today()
    if config.end >= today:
        raise ConfigError(
            f"the window {config.start} … {config.end} reaches today or the future; "
            "ThinkingData rejects future times — choose an earlier --start or fewer --days"
        )
    if (today - config.start).days > MAX_DAYS_BACK:
        raise ConfigError(
            f"--start {config.start} is more than {MAX_DAYS_BACK} days back; ThinkingData "
            "accepts about 3 years of history"
        )


def _print_summary(output, config, counts, summary, seconds) -> None:  # type: ignore[no-untyped-def]
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    events = counts.get("track", 0)
    table.add_row("users", f"{config.users:,}")
    table.add_row("window", f"{config.start} … {config.end} ({config.days} days)")
    table.add_row("preset", config.preset)
    for kind, n in counts.items():
        table.add_row(kind, f"{n:,}")
    table.add_row("files", f"{len(summary.files)} in {output}")
    table.add_row("time", f"{seconds:.1f} s ({events / max(seconds, 1e-9):,.0f} events/s)")
    out.print(table)
    err.print(f"[green]done:[/] {sum(counts.values()):,} records written to {output}/")
