"""``demogen live``: stream a plan's users at wall-clock pace until stopped."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import typer
from rich.markup import escape

from demogen.cli import _options as opt
from demogen.cli._console import err, reports_errors
from demogen.cli._load import load_plan

TARGETS = ("stdout", "file", "receiver")


@reports_errors
def live(
    taxonomy: Path = opt.TaxonomyArg,
    to: str = typer.Option("stdout", "--to", metavar="stdout|file|receiver",
                           help="Where records go: stdout (JSON lines), OUT/logs_YYYYMMDD"
                           ".jsonl appended (for LogBus2; a new file each midnight), or a "
                           "receiver (--url, --appid)."),
    output: Path | None = typer.Option(None, "-o", "--output",
                                       help="With --to file: the folder of the day files."),
    url: str | None = typer.Option(None, "--url", help="With --to receiver: its base URL."),
    appid: str | None = typer.Option(None, "--appid", envvar="DEMOGEN_TE_APPID",
                                     show_envvar=True, help="With --to receiver: the APPID."),
    users: int = typer.Option(200, "--users", min=1, help="Users of the session."),
    days: int = typer.Option(7, "--days", min=1, max=365,
                             help="Days the session runs at --speed 1 before it ends."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same records)."),
    speed: float = typer.Option(1.0, "--speed", min=0.001,
                                help="How much faster than the wall clock (1: real time)."),
    state: Path = typer.Option(Path("demogen-live"), "--state",
                               help="The session's folder: run it again to continue."),
    preset: str | None = typer.Option(None, "--preset", help="Behaviour preset."),
    rules_path: Path | None = typer.Option(None, "--rules", help="Rules merged over the "
                                           "analysis, as with generate."),
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
) -> None:
    """Stream TAXONOMY's users as they act, now: the behaviour of 'generate', stamped with
    today's times and delivered in time order at wall-clock pace (--speed multiplies it).
    Ctrl-C or SIGTERM delivers what was taken and stops; the same command continues the
    same users from where they stopped."""
    from demogen.errors import ConfigError
    from demogen.pipeline._live import LiveOptions, run_live
    from demogen.upload import ReceiverClient, Target
    from demogen.upload._live import FileSink, ReceiverSink, StreamSink

    if to not in TARGETS:
        raise ConfigError(f"--to {to!r} is not one of {', '.join(TARGETS)}")
    stop = threading.Event()
    if to == "file":
        if output is None:
            raise ConfigError("--to file needs -o OUT, the folder LogBus2 tails")
        sink = FileSink(output)
    elif to == "receiver":
        if url is None:
            raise ConfigError("--to receiver needs --url URL and --appid APPID")
        target = Target.parse(url, appid)
        sink = ReceiverSink(ReceiverClient(target), stop=stop)
    else:
        sink = StreamSink()
    prepared = load_plan(taxonomy, rules_path=rules_path, industry=None, platform=None,
                         product_name=None, refresh=refresh_analysis, cache_dir=cache_dir,
                         quiet=quiet)
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    if not quiet:
        err.print(f"live: {users} users, {days} days at ×{speed:g}, to {to}; state in "
                  f"{escape(str(state))} (Ctrl-C stops; run again to continue)",
                  highlight=False)
    try:
        summary = run_live(prepared, LiveOptions(state_dir=state, users=users, days=days,
                                                 seed=seed, speed=speed, preset=preset),
                           sink, stop=stop)
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    if not quiet:
        how = "every day of the session delivered" if summary.finished else "stopped"
        err.print(f"live: {summary.delivered:,} records this time, {summary.total:,} since "
                  f"{summary.first_day} ({how})", highlight=False)
