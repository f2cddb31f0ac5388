"""``demogen logbus-config``: a LogBus2 ``daemon.json`` for an output, and how to run it."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape

from demogen.cli._console import err, out, reports_errors
from demogen.cli._upload import AppIdOpt, UrlOpt

#: ``logbus`` answered a step with a non-zero status.
EXIT_LOGBUS_FAILED = 1


@reports_errors
def logbus_config(
    output: Path = typer.Argument(..., help="Output folder of 'demogen generate' (plain "
                                  "logs_*.jsonl: LogBus2 skips .gz).", show_default=False),
    url: str = UrlOpt,
    appid: str = AppIdOpt,
    logbus_dir: Path | None = typer.Option(
        None, "--logbus-dir", help="LogBus2's folder (holding the logbus binary); "
        "daemon.json goes to its conf/. Default: the folder of 'logbus' on PATH, else "
        "./logbus.", show_default=False),
    overwrite: bool = typer.Option(False, "--overwrite",
                                   help="Replace a different daemon.json."),
    run: bool = typer.Option(False, "--run", help="Then run 'logbus env', 'logbus start' "
                             "and 'logbus progress' (needs the logbus binary)."),
) -> None:
    """Write a LogBus2 daemon.json that ships OUTPUT to the receiver (absolute glob of the
    day files, push_url without /logbus, gzip), and say how to start LogBus2 and watch it."""
    from demogen.upload import Target
    from demogen.upload._logbus import (
        LOGBUS_STEPS,
        daemon_config,
        find_logbus,
        run_logbus,
        write_daemon_config,
    )

    target = Target.parse(url, appid)
    config = daemon_config(output, target)
    binary = find_logbus(logbus_dir)
    home = logbus_dir or (binary.resolve().parent if binary else Path("logbus"))
    setup = write_daemon_config(home.absolute() / "conf" / "daemon.json", config,
                                overwrite=overwrite)
    pattern = config["datasource"][0]["file_patterns"][0]
    out.print(f"wrote {setup.config_path}" + (" (replaced the previous one)" if setup.replaced
                                              else ""), highlight=False, markup=False)
    out.print(f"  files    {pattern}\n  push_url {target.base_url} (LogBus2 adds /logbus)\n"
              f"  app_id   {target.masked}, http_compress gzip", highlight=False, markup=False)
    if not run:
        out.print(f"\nthen, in {home.absolute()}:", highlight=False, markup=False)
        for step, what in LOGBUS_STEPS:
            out.print(f"  ./logbus {step:<9} # {what}", highlight=False, markup=False)
        out.print("keep the files where they are and never rename one: LogBus2 would send "
                  "a renamed file again", highlight=False, markup=False)
        return
    if binary is None:
        where = f"in {logbus_dir}" if logbus_dir else "on PATH"
        err.print(f"[bold red]error:[/] no logbus binary {escape(where)}: install LogBus2 "
                  "(ThinkingData's guide) or pass --logbus-dir", highlight=False)
        raise typer.Exit(code=2)
    for step in ("env", "start", "progress"):
        done = run_logbus(binary, step)
        out.print(f"$ logbus {step}", highlight=False, markup=False, style="bold")
        text = (done.stdout + done.stderr).rstrip()
        if text:
            out.print(text, highlight=False, markup=False)
        if done.returncode != 0:
            err.print(f"[bold red]error:[/] 'logbus {step}' exited {done.returncode}; see "
                      f"its log in {escape(str(binary.parent / 'log'))}", highlight=False)
            raise typer.Exit(code=EXIT_LOGBUS_FAILED)
    err.print(f"[green]LogBus2 is running:[/] watch it with '{escape(str(binary))} progress', "
              "stop it with 'logbus stop' when every file is sent", highlight=False)
