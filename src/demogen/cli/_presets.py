"""``demogen presets [NAME]``: the vertical presets, their parameters and KPI bands."""

from __future__ import annotations

import typer
from rich.table import Table
from rich.text import Text

from demogen.cli._console import out, reports_errors

NameArg = typer.Argument(None, help="Show this preset in detail (default: list all).",
                         show_default=False)

#: Band keys in display order, with their label and unit.
_BANDS: tuple[tuple[str, str, str], ...] = (
    ("d1", "D1 retention", "%"),
    ("d7", "D7 retention", "%"),
    ("d30", "D30 retention", "%"),
    ("dau_mau", "DAU/MAU", "%"),
    ("payer_rate", "payer rate", "%"),
    ("sessions_per_active_day", "sessions per active day", ""),
    ("median_session_minutes", "median session (min)", ""),
)
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _num(value: float, unit: str) -> str:
    if unit == "%":
        return f"{value * 100:.3g}%"
    return f"{value:g}"


def _band(preset, key: str, unit: str) -> str:  # type: ignore[no-untyped-def]
    band = preset.bands.get(key)
    return f"{_num(band[0], unit)}–{_num(band[1], unit)}" if band else "—"


@reports_errors
def presets(name: str | None = NameArg) -> None:
    """List the generator's vertical presets (for generate --preset / report --preset) with
    their targets and expected KPI bands, or show one in detail."""
    from demogen.simulation.presets import load_preset, preset_names

    if name is not None:
        _detail(load_preset(name))
        return
    table = Table(title="demogen vertical presets (targets, band in brackets)", box=None,
                  pad_edge=False, title_justify="left")
    for column in ("preset", "D1", "D7", "D30", "DAU/MAU", "payers", "sessions/day",
                   "session min", "events/session", "median order"):
        table.add_column(column, justify="left" if column == "preset" else "right")
    for preset in map(load_preset, preset_names()):
        r = preset.retention
        table.add_row(
            Text(preset.name, style="bold"),
            _cell(r.d1, preset, "d1", "%"),
            _cell(r.d7, preset, "d7", "%"),
            _cell(r.d30, preset, "d30", "%"),
            _cell(preset.dau_mau, preset, "dau_mau", "%"),
            _cell(preset.payer_rate, preset, "payer_rate", "%"),
            _cell(preset.sessions_per_active_day.mean, preset, "sessions_per_active_day", ""),
            _cell(preset.session_minutes.median, preset, "median_session_minutes", ""),
            f"{preset.events_per_session.median:g}",
            f"{preset.spend.median_order:g} {preset.spend.currency}",
        )
    out.print(table)
    out.print(Text("Show one with: demogen presets NAME", style="dim"))


def _cell(value: float, preset, key: str, unit: str) -> Text:  # type: ignore[no-untyped-def]
    text = Text(_num(value, unit))
    if key in preset.bands:
        text.append(f" [{_band(preset, key, unit)}]", style="dim")
    return text


def _detail(preset) -> None:  # type: ignore[no-untyped-def]
    out.print(Text(f"preset {preset.name}", style="bold"))
    if preset.description:
        out.print(preset.description, highlight=False, markup=False)
    params = Table(title="parameters", box=None, pad_edge=False, show_header=False,
                   title_justify="left")
    params.add_column(style="bold")
    params.add_column()
    r = preset.retention
    rows = [
        ("retention targets", f"D1 {_num(r.d1, '%')}, D7 {_num(r.d7, '%')}, "
                              f"D30 {_num(r.d30, '%')} (classic N-day)"),
        ("DAU/MAU", _num(preset.dau_mau, "%")),
        ("payer rate", _num(preset.payer_rate, "%")),
        ("first purchase on day 0", _num(preset.first_purchase_day0_share, "%")),
        ("sessions per active day", f"mean {preset.sessions_per_active_day.mean:g}, "
                                    f"max {preset.sessions_per_active_day.max}"),
        ("session length", f"median {preset.session_minutes.median:g} min, lognormal "
                           f"sigma {preset.session_minutes.sigma:g}"),
        ("events per session", f"median {preset.events_per_session.median:g}"),
        ("order value", f"median {preset.spend.median_order:g} {preset.spend.currency}, "
                        f"lognormal sigma {preset.spend.sigma:g}"),
        ("engagement sigma", f"{preset.engagement_sigma:g}"),
        ("existing users at start", _num(preset.growth.existing_base_share, "%")),
        ("churned after", f"{preset.returning.churn_after_days} inactive days; return "
                          f"probability {_num(preset.returning.return_probability, '%')}"),
        ("weekday activity", ", ".join(
            f"{d} {m:g}" for d, m in zip(_WEEKDAYS, preset.weekday_multipliers, strict=True))),
        ("weekday installs", ", ".join(
            f"{d} {m:g}" for d, m in zip(_WEEKDAYS, preset.growth.weekly_multipliers,
                                         strict=False))),
        ("peak hour", f"{max(range(24), key=lambda h: preset.hourly_weights[h]):02d} h "
                      f"(lowest {min(range(24), key=lambda h: preset.hourly_weights[h]):02d} h)"),
    ]
    for key, value in rows:
        params.add_row(key, value)
    out.print(params)
    from demogen.report import band_source

    bands = Table(title=f"expected KPI bands ({band_source(preset.name)})", box=None,
                  pad_edge=False, title_justify="left")
    bands.add_column("KPI", style="bold")
    bands.add_column("target", justify="right")
    bands.add_column("band", justify="right")
    targets = {
        "d1": r.d1, "d7": r.d7, "d30": r.d30, "dau_mau": preset.dau_mau,
        "payer_rate": preset.payer_rate,
        "sessions_per_active_day": preset.sessions_per_active_day.mean,
        "median_session_minutes": preset.session_minutes.median,
    }
    for key, label, unit in _BANDS:
        bands.add_row(label, _num(targets[key], unit), _band(preset, key, unit))
    for key in sorted(set(preset.bands) - {k for k, _, _ in _BANDS}):
        low, high = preset.bands[key]
        bands.add_row(key, "", f"{low:g}–{high:g}")
    out.print(bands)
    hourly = " ".join(f"{w:.2f}" for w in preset.hourly_weights)
    out.print(Text(f"hourly weights 00..23 h: {hourly}", style="dim"))
