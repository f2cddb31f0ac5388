"""``demogen generate``: simulate users and write ThinkingData JSONL per day.

With ``--target`` the behaviour is calibrated first (:mod:`demogen.pipeline.calibrate`):
sample runs tune the preset until the KPIs land on the targets, then the full run is
written and measured, and the manifest records the tuning.
"""

from __future__ import annotations

import shlex
from datetime import date, datetime
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.table import Table

from demogen.cli import _options as opt
from demogen.cli._analyze import prepared_notes
from demogen.cli._console import err, human_size, out, reports_errors, warn
from demogen.cli._load import load_plan
from demogen.cli._progress import progress_bar
from demogen.errors import ConfigError

if TYPE_CHECKING:
    from demogen.config import GenerateConfig

#: Above this size a plain run gets the advice to use --gzip.
_GZIP_ADVICE_BYTES = 200 << 20


@reports_errors
def generate(
    ctx: typer.Context,
    taxonomy: Path | None = typer.Argument(
        None, show_default=False,
        help="A folder (taxonomy.xlsx, events.csv + properties.csv, or one tracking-plan CSV; "
        "optional product.json) or a single .xlsx / .json / .yaml / tracking-plan .csv file; "
        "or 'taxonomy:' in --config.",
    ),
    config_file: Path | None = typer.Option(
        None, "--config", show_default=False,
        help="demogen.yaml holding any of these options (paths relative to the file); "
        "options given here and DEMOGEN_* environment variables take precedence.",
    ),
    output: str = typer.Option(
        "out", "--output", "-o",
        help="Output folder, or an fsspec URL (s3://bucket/run, gs://…; needs the extra).",
    ),
    rules: Path | None = typer.Option(
        None, "--rules", help="Rules (.yaml/.json) merged over the analysis."
    ),
    users: int | None = typer.Option(
        None, "--users", min=1, show_default=False,
        help="Distinct users simulated (default 2,000; with --target dau=… calibration "
        "decides).",
    ),
    start: str | None = typer.Option(
        None, "--start", show_default=False,
        help="First day, YYYY-MM-DD (default: the DAYS days ending yesterday).",
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
    id_prefix: str | None = typer.Option(
        None, "--id-prefix", show_default=False,
        help="Start every #account_id and #distinct_id with this text, to tell runs apart "
        "(ids already differ per plan and product).",
    ),
    debug_users: Path | None = typer.Option(
        None, "--debug-users", show_default=False,
        help="Also write each user's segment and lifecycle stage per day to this file "
        "(JSON lines, or CSV if it ends in .csv), to check the behaviour; not uploaded.",
    ),
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
    segment_mix: str | None = typer.Option(
        None, "--segment-mix", show_default=False,
        help="Starting segments of the users who exist before the window, e.g. "
        "NEW_USER=0.3,ACTIVE_USER=0.4,POWER_USER=0.1,CHURNING_USER=0.15,RETURNING_USER=0.05 "
        "(the default; names in any case, shares normalised, segments not named get none).",
    ),
    market: str | None = typer.Option(
        None, "--market", show_default=False,
        help="Where users come from (#country, #zone_offset, language, carrier, currency, "
        "servers, addresses): an ISO code (KR), a region (SEA, EU, global) or codes with "
        "shares (KR=0.8,SEA=0.2); default: Rules' market, which the analyzer writes from the "
        "plan (a Korean plan: KR-led). An unknown code is refused with the list of known ones.",
    ),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
    verbose: bool = opt.VerboseOpt,
    ai: str = opt.AiOpt,
    model: str | None = opt.ModelOpt,
    base_url: str | None = opt.BaseUrlOpt,
    strict_ai: bool = opt.StrictAiOpt,
    max_cost: float | None = opt.MaxCostOpt,
    ai_review: bool = opt.AiReviewOpt,
) -> None:
    """Generate users, sessions, events and user updates from TAXONOMY."""
    from demogen.pipeline import generate, market_line, simulation_config

    config = _layered_config(ctx, config_file)
    quiet, verbose = config.quiet, config.verbose
    options = config.generate_options()
    prepared = load_plan(config.plan(), rules_path=config.rules, industry=config.industry,
                         platform=config.platform, product_name=config.product_name,
                         refresh=config.refresh_analysis, cache_dir=config.cache_dir,
                         quiet=quiet, verbose=verbose,
                         ai=opt.ai_options(config.ai, config.model, config.base_url,
                                           config.strict_ai, config.max_cost))
    if config.ai_review:
        prepared = _reviewed(prepared, options, config, quiet=quiet)
    _, window_warnings = simulation_config(prepared, options)   # checked before any work
    if not quiet:
        for line in prepared_notes(prepared):
            err.print(line, markup=False, highlight=False)
        err.print(market_line(prepared, options), markup=False, highlight=False)
        for message in window_warnings:
            warn(message)
    say = None if quiet else (lambda message: err.print(message, markup=False,
                                                        highlight=False))
    result = generate(prepared, options, progress=partial(progress_bar, quiet=quiet), say=say)
    if quiet:
        return
    if result.calibration is not None:
        _print_calibration(result.calibration)
    _print_summary(result)
    if result.calibration is not None:
        _print_landing(result.calibration.targets, result.measured)
    _print_next_steps(result)


def _layered_config(ctx: typer.Context, config_file: Path | None) -> GenerateConfig:
    """The options typed on the command line over DEMOGEN_* over --config over defaults."""
    from demogen.config import load_config

    # typer may carry its own click: the source is matched by name, not by enum class
    given = {name: value for name, value in ctx.params.items()
             if name != "config_file"
             and getattr(ctx.get_parameter_source(name), "name", "") == "COMMANDLINE"}
    if "start" in given:
        given["start"] = _parse_start(given["start"])
    return load_config(config_file, given=given)


def _reviewed(prepared, options, config, *, quiet: bool):  # type: ignore[no-untyped-def]
    """``--ai-review``: the rules after the model's one revision (or as they were), with the
    diff and the verdict on stderr; a provider failure warns unless ``--strict-ai``."""
    from dataclasses import replace

    from demogen.errors import AIError
    from demogen.pipeline import review

    ai = opt.ai_options(config.ai, config.model, config.base_url, config.strict_ai,
                        config.max_cost)
    if not quiet:
        err.print("AI review: a sample run, measured, then the model's revision …",
                  style="dim", markup=False, highlight=False)
    try:
        outcome = review(prepared, options, ai)
    except AIError as exc:
        if config.strict_ai:
            raise
        warn(f"{exc}; the rules stay as they were (--strict-ai makes this an error)")
        return prepared
    if not quiet:
        for message in outcome.warnings:
            warn(message)
        if outcome.diff:
            err.print(outcome.diff, markup=False, highlight=False)
        err.print(f"AI review: {outcome.reason}", markup=False, highlight=False)
        err.print(f"AI usage: {outcome.usage.describe()}", style="dim", markup=False,
                  highlight=False)
    return replace(prepared, rules=outcome.rules) if outcome.kept else prepared


def _parse_start(text: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").date()
    except ValueError:
        raise ConfigError(f"--start {text!r} is not a date; write it as YYYY-MM-DD, e.g. "
                          "2025-01-06") from None


def _print_calibration(calibration) -> None:  # type: ignore[no-untyped-def]
    for message in calibration.warnings:
        warn(message)
    tuning = calibration.tuning.model_dump(exclude_none=True)
    retention = tuning.pop("retention", {})
    shown = [f"users {calibration.users:,}",
             *(f"retention.{k} {v:.4f}" for k, v in retention.items()),
             *(f"{k} {v:.4g}" for k, v in tuning.items())]
    err.print("calibrated: " + ", ".join(shown), markup=False, highlight=False)


def _print_landing(targets, measured) -> None:  # type: ignore[no-untyped-def]
    """The run's KPIs against the targets; a warning for any that missed."""
    from demogen.pipeline.calibrate import TOLERANCE

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


def _print_summary(result) -> None:  # type: ignore[no-untyped-def]
    config, counts = result.config, result.counts
    table = Table(box=None, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    events = counts.get("track", 0)
    table.add_row("users", f"{config.users:,}")
    table.add_row("window", f"{config.start} … {config.end} ({config.days} days)")
    table.add_row("preset", config.preset)
    for segment in config.custom_segments:
        table.add_row("segment", segment.describe())
    for kind, n in counts.items():
        table.add_row(kind, f"{n:,}")
    table.add_row("files", f"{len(result.summary.files)} in {result.output} "
                  f"({human_size(result.bytes_written)}), with rules.yaml, plan.json, "
                  "manifest.json")
    table.add_row("time", f"{result.seconds:.1f} s "
                  f"({events / max(result.seconds, 1e-9):,.0f} events/s)")
    out.print(table)
    err.print(f"[green]done:[/] {sum(counts.values()):,} records written to {result.output}/",
              highlight=False)


def _print_next_steps(result) -> None:  # type: ignore[no-untyped-def]
    """What people do next with a run, as commands they can paste."""
    where = shlex.quote(str(result.output))
    report = shlex.quote(f"{str(result.output).rstrip('/')}-report.html")
    lines = [
        f"  demogen report {where} -o {report}    KPIs and charts in your browser",
        f"  demogen validate {where}    check every record and every user",
    ]
    if not result.manifest.options.get("gzip") and result.bytes_written > _GZIP_ADVICE_BYTES:
        lines.append(f"  add --gzip to make files like these about 10x smaller "
                     f"({human_size(result.bytes_written)} now)")
    lines.append("  load the day files into ThinkingData with LogBus2 or the receiver API "
                  "(upload commands are coming)")
    err.print("next:\n" + "\n".join(lines), markup=False, highlight=False)
