"""``demogen report``: KPIs of an output folder as a self-contained HTML page (+ JSON)."""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table
from rich.text import Text

from demogen.cli import _options as opt
from demogen.cli._console import err, out, reports_errors
from demogen.cli._load import run_inputs_for
from demogen.cli._progress import step_spinner


@reports_errors
def report(
    output: Path = typer.Argument(..., help="Output folder of 'demogen generate'.",
                                  show_default=False),
    html_path: Path = typer.Option(Path("report.html"), "--output", "-o",
                                   help="HTML file to write."),
    json_path: Path | None = typer.Option(None, "--json", help="Also write the KPIs as JSON."),
    taxonomy: Path | None = typer.Option(
        None, "--taxonomy", help="Report against this plan instead of the copy saved in "
        "OUTPUT (rules.yaml, plan.json): revenue events, funnels, sessions, product name."),
    rules_path: Path | None = typer.Option(
        None, "--rules", help="Rules (.yaml/.json): merged over the analysis with "
        "--taxonomy, else used instead of OUTPUT's rules.yaml."),
    preset: str | None = typer.Option(
        None, "--preset", help="Vertical whose KPI bands mark the report (default: the run's "
        "preset, else the product's industry). See 'demogen presets'."),
    industry: str | None = opt.IndustryOpt,
    platform: str | None = opt.PlatformOpt,
    product_name: str | None = opt.ProductNameOpt,
    refresh_analysis: bool = opt.RefreshOpt,
    cache_dir: Path | None = opt.CacheDirOpt,
    quiet: bool = opt.QuietOpt,
    verbose: bool = opt.VerboseOpt,
) -> None:
    """Compute KPIs of OUTPUT with DuckDB and write an HTML report with charts, each KPI
    marked against its vertical's band."""
    from demogen.errors import ConfigError
    from demogen.output._writable import check_writable_file
    from demogen.report import compute_report, render_html
    from demogen.simulation.presets import load_preset, preset_for_industry

    for path, option in ((html_path, "-o"), (json_path, "--json")):
        if path is not None:
            check_writable_file(path, what="report file", how=f"choose another with {option}")
    inputs = run_inputs_for(output, taxonomy=taxonomy, rules_path=rules_path,
                            industry=industry, platform=platform, product_name=product_name,
                            refresh=refresh_analysis, cache_dir=cache_dir, quiet=quiet,
                            verbose=verbose)
    product = inputs.product.product_name if inputs.product else output.resolve().name
    industry_name = inputs.product.industry if inputs.product else None
    name = preset or inputs.preset or (
        preset_for_industry(industry_name) if industry_name else None)
    vertical = load_preset(str(name)) if name else None

    with step_spinner("computing the report", quiet=quiet) as step:
        data = compute_report(output, rules=inputs.written_rules(), product=product,
                              preset=vertical, listed=inputs.listed(), progress=step)
    page = render_html(data)
    _write(html_path, page.encode("utf-8"))
    if json_path is not None:
        import orjson

        try:
            payload = orjson.dumps(data.kpis, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS)
        except TypeError as exc:  # pragma: no cover - every KPI is a JSON value
            raise ConfigError(f"KPIs cannot be written as JSON: {exc}") from None
        _write(json_path, payload + b"\n")
    _print(data)
    if not quiet:
        err.print(f"[green]report written to[/] {html_path}"
                  + (f" and {json_path}" if json_path else ""), highlight=False)


def _write(path: Path, data: bytes) -> None:
    """Atomically: a temp file beside the target, then rename; on failure nothing stays."""
    from demogen.output._writable import removed_on_failure

    temp = path.with_name(f".{path.name}.tmp")
    with removed_on_failure(path.parent):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            temp.write_bytes(data)
            os.replace(temp, path)
        finally:
            temp.unlink(missing_ok=True)


def _print(data) -> None:  # type: ignore[no-untyped-def]
    from demogen.report import summary_rows

    k = data.kpis
    title = (f"{data.product}: {k['first_day']} … {k['last_day']} ({k['days']} days), "
             f"preset {data.preset or '—'}")
    table = Table(title=title, box=None, pad_edge=False, title_justify="left")
    table.add_column("KPI", style="bold")
    table.add_column("value", justify="right")
    table.add_column("band", justify="right")
    table.add_column("")
    marks = {"in": Text("✓", style="green"), "out": Text("✗", style="red"),
             "partial": Text("not checked (under 30 days)", style="dim")}
    for row in summary_rows(k, data.bands):
        table.add_row(row.label, _value(row.value, row.unit), row.band,
                      marks.get(row.status, Text("")))
    out.print(table)


def _value(value, unit: str) -> str:  # type: ignore[no-untyped-def]
    if value is None:
        return "—"
    if unit == "%":
        return f"{value * 100:.1f}%"
    if unit == "$":
        return f"${value:,.4f}" if abs(value) < 1 else f"${value:,.2f}"
    if unit == "int":
        return f"{value:,.0f}"
    return f"{value:.2f}"
