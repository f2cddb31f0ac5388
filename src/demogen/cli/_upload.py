"""``demogen upload``: post an output to a ThinkingEngine receiver, or dry-run a sample.

Exit status: 0 everything acknowledged (or a clean dry run), 1 the receiver rejected data
or kept failing (rerun to resume), 2 bad input (an unknown APPID included), 130 Ctrl-C.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import typer
from rich.markup import escape
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from demogen.cli import _options as opt
from demogen.cli._console import EXIT_BAD_INPUT, err, out, reports_errors, warn

#: The receiver refused data, or kept failing: the command is right, the run did not finish.
EXIT_NOT_DONE = 1
EXIT_INTERRUPTED = 130

OutArg = typer.Argument(..., help="Output folder of 'demogen generate' (day files or "
                        "--layout parts files, plain or .gz).", show_default=False)
UrlOpt = typer.Option(..., "--url", help="The receiver's base URL, e.g. "
                      "https://receiver.example or http://host:8991 (a path is not used, "
                      "as in the official SDKs).", show_default=False)
AppIdOpt = typer.Option(..., "--appid", envvar="DEMOGEN_TE_APPID", show_envvar=True,
                        help="The project's APPID (shown masked).", show_default=False)


class _RateColumn(ProgressColumn):
    """Records per second (rich's own speed column counts bytes)."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:,.0f} rec/s" if speed else "– rec/s", style="cyan")


@contextmanager
def _bar(quiet: bool) -> Iterator[Callable[[int, int], None]]:
    with Progress(TextColumn("uploading"), BarColumn(),
                  TextColumn("{task.completed:,.0f}/{task.total:,.0f}"), _RateColumn(),
                  TimeElapsedColumn(), TimeRemainingColumn(), console=err, transient=True,
                  disable=quiet or not err.is_terminal) as progress:
        task = progress.add_task("upload", total=None)

        def tick(total: int, acked: int) -> None:
            progress.update(task, total=total, advance=acked)

        yield tick


@reports_errors
def upload(
    output: Path = OutArg,
    url: str = UrlOpt,
    appid: str = AppIdOpt,
    batch_size: int | None = typer.Option(
        None, "--batch-size", min=1, help="Records per request (default 200, at most 1000; "
        "a resumed upload keeps its checkpoint's).", show_default=False),
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Send a sample to /data_debug with dryRun=1 and report what "
        "ThinkingEngine would reject, property by property; nothing is stored."),
    sample: int = typer.Option(
        50, "--sample", min=1, help="With --dry-run: at most this many records, the first "
        "of each #type and event."),
    timeout: float = typer.Option(30.0, "--timeout", min=0.1,
                                  help="Seconds to wait for each answer."),
    in_flight: int = typer.Option(4, "--in-flight", min=1, max=32,
                                  help="Requests in flight at once."),
    quiet: bool = opt.QuietOpt,
) -> None:
    """Send OUTPUT's records to a ThinkingEngine receiver (/sync_server, gzip, batches),
    resumable: OUTPUT/upload.checkpoint.json keeps what the receiver acknowledged, so the
    same command after a failure, Ctrl-C or kill sends only the rest."""
    from demogen.errors import ConfigError
    from demogen.upload import Target, UploadOptions, upload_output
    from demogen.upload import dry_run as run_dry

    target = Target.parse(url, appid)
    if dry_run:
        report = run_dry(output, target, sample=sample, timeout=timeout)
        _print_dry_run(report)
        if not report.ok:
            raise typer.Exit(code=EXIT_NOT_DONE)
        return
    options = UploadOptions(batch_size=batch_size, timeout=timeout, in_flight=in_flight)
    if not quiet:
        err.print(f"uploading {escape(str(output))} to {escape(target.base_url)} "
                  f"(APPID {escape(target.masked)})", highlight=False)
    try:
        with _bar(quiet) as tick:
            summary = upload_output(output, target, options, progress=tick)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted:[/] what the receiver acknowledged is in the "
                  "checkpoint; run the same command to send the rest", highlight=False)
        raise typer.Exit(code=EXIT_INTERRUPTED) from None
    _print_summary(summary, quiet)
    if summary.error is not None:
        err.print(f"[bold red]error:[/] {escape(str(summary.error))}", highlight=False)
        # An unknown APPID or a URL that is no receiver: the command is wrong (exit 2).
        code = EXIT_BAD_INPUT if isinstance(summary.error, ConfigError) else EXIT_NOT_DONE
        raise typer.Exit(code=code)


def _print_summary(summary, quiet: bool) -> None:  # type: ignore[no-untyped-def]
    if not quiet:
        for note in summary.notes:
            warn(note)
    done = summary.already + summary.acknowledged
    out.print(f"{summary.receiver} (APPID {summary.appid}): {done:,} of {summary.records:,} "
              f"records acknowledged", highlight=False, markup=False)
    out.print(f"  read {summary.read:,} · sent {summary.sent:,} · acknowledged "
              f"{summary.acknowledged:,} this run ({summary.already:,} before) · resent "
              f"{summary.resent:,} · rejected {len(summary.rejected)} batches · "
              f"{summary.seconds:.1f} s, {summary.rate:,.0f} records/s",
              highlight=False, markup=False)
    for reason in summary.rejected:
        out.print(Text(f"  rejected: {reason}", style="red"))
    if summary.resent:
        out.print("  resent records carry their #uuid: the receiver gets identical copies",
                  highlight=False, markup=False, style="dim")
    if summary.complete:
        err.print("[green]done:[/] every record acknowledged", highlight=False)


def _print_dry_run(report) -> None:  # type: ignore[no-untyped-def]
    rejected = report.rejected
    out.print(f"{report.receiver}/data_debug (APPID {report.appid}, dryRun=1): "
              f"{len(report.results)} sample records, {len(rejected)} would be rejected",
              highlight=False, markup=False)
    for result in report.results:
        answer = result.answer
        where = f"{result.file}:{result.line} {result.label}"
        if answer.ok:
            out.print(Text(f"  ✓ {where}", style="green"))
            continue
        out.print(Text(f"  ✗ {where} (errorLevel {answer.error_level})", style="red"))
        for reason in answer.reasons:
            out.print(Text(f"      {reason}"))
        for prop in answer.properties:
            out.print(Text(f"      property {prop}"))
    if rejected:
        err.print("[red]dry run:[/] fix these before uploading (docs/upload.md: when "
                  "ThinkingEngine rejects a record)", highlight=False)
    else:
        err.print("[green]dry run:[/] the receiver would accept every sample record",
                  highlight=False)
