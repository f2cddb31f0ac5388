"""``demogen generate``: simulate users and write ThinkingData JSONL per day."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime
from pathlib import Path

import typer
from rich.table import Table

from demogen.cli import _options as opt
from demogen.cli._console import err, out, reports_errors
from demogen.cli._load import load_inputs
from demogen.cli._progress import progress_bar


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
    users: int = typer.Option(2_000, "--users", min=1, help="Distinct users simulated."),
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
    overwrite: bool = typer.Option(False, "--overwrite", help="Replace a previous output."),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
) -> None:
    """Generate users, sessions, events and user updates from TAXONOMY."""
    from demogen.output import Manifest, staged_output, write_manifest
    from demogen.simulation import SimulationConfig, preset_for_industry
    from demogen.simulation.config import default_start
    from demogen.simulation.parallel import SimulationSpec, run_parallel

    inputs = load_inputs(taxonomy, rules_path=rules_path, industry=industry, platform=platform,
                         product_name=product_name, refresh=refresh_analysis,
                         cache_dir=cache_dir, quiet=quiet)
    tax, product, rules = inputs.loaded.taxonomy, inputs.loaded.product, inputs.rules
    first_day = start.date() if start else default_start(days, date.today())
    config = SimulationConfig(users=users, start=first_day, days=days, seed=seed,
                              preset=preset or preset_for_industry(product.industry))
    _check_window(config)
    began = time.perf_counter()
    started_at = datetime.now(UTC)
    announce = None if quiet else (lambda url: err.print(f"uploading to {url} …"))
    with staged_output(output, overwrite=overwrite, on_upload=announce) as (folder, replace):
        with progress_bar("simulating users", users, quiet=quiet) as advance:
            counts, summary = run_parallel(
                SimulationSpec(tax, rules, product, config), folder, workers=workers,
                engine=engine, scheduler=scheduler, gzip=gzip, overwrite=replace,
                progress=advance)
        seconds = time.perf_counter() - began
        manifest = Manifest(
            seed=seed,
            options={"users": users, "start": first_day.isoformat(), "days": days,
                     "preset": config.preset, "gzip": gzip, "taxonomy": str(taxonomy),
                     "workers": workers, "engine": engine,
                     "shard_size": config.shard_size,
                     "rules": str(rules_path) if rules_path else None},
            taxonomy_hash=tax.content_hash(),
            rules_hash=hashlib.sha256(rules.to_json().encode()).hexdigest(),
            files=summary.files, records_by_type=counts, users=users,
            started_at=started_at, finished_at=datetime.now(UTC),
        )
        write_manifest(folder, manifest)
    if not quiet:
        _print_summary(output, config, counts, summary, seconds)


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
