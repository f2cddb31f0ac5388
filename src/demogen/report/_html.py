"""The HTML page: one self-contained file with Plotly charts.

Plotly was chosen because the ``plotly`` package ships plotly.js inside it
(``plotly.offline.get_plotlyjs()``): the page embeds it inline and works offline, with no
CDN, no browser download at build time and no Node tool chain. Charts are SVG, zoomable
and show values on hover, which is how people read product dashboards.
"""

from __future__ import annotations

import html
from typing import Any

from demogen.report._bands import band_source, kpi_rows, summary_rows
from demogen.report._data import ReportData
from demogen.validate.kpis import MAU_DAYS

__all__ = ["render_html"]

_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_CONFIG = {"displaylogo": False, "responsive": True}

_CSS = """
body { font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
       margin: 0; color: #1f2933; background: #f5f7fa; }
header { background: #1f2933; color: #fff; padding: 20px 32px; }
header h1 { margin: 0 0 6px 0; font-size: 24px; }
header p { margin: 2px 0; color: #cbd2d9; }
main { padding: 16px 32px 48px 32px; max-width: 1400px; }
section { background: #fff; border-radius: 8px; padding: 12px 20px; margin: 16px 0;
          box-shadow: 0 1px 3px rgba(0,0,0,.08); }
h2 { font-size: 18px; margin: 8px 0 12px 0; }
table { border-collapse: collapse; font-size: 14px; }
th, td { padding: 4px 12px; border-bottom: 1px solid #e4e7eb; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f5f7fa; }
.ok { color: #1a7f37; font-weight: 600; }
.bad { color: #cf222e; font-weight: 600; }
.muted { color: #7b8794; }
.grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr));
        gap: 12px; }
.chart { min-height: 340px; }
.cohort td { font-variant-numeric: tabular-nums; font-size: 12px; padding: 2px 6px; }
ul.notes { font-size: 13px; color: #52606d; }
"""


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "%":
        return _pct(value)
    if unit == "$":
        return f"${value:,.2f}" if abs(value) >= 1 else f"${value:,.4f}"
    if unit == "int":
        return f"{value:,.0f}"
    return f"{value:,.2f}"


class _Charts:
    def __init__(self) -> None:
        self.count = 0

    def html(self, fig, height: int = 340, *, days: bool = False) -> str:
        import plotly.io as pio

        self.count += 1
        if days:   # one tick per day, not a time axis with hours
            fig.update_xaxes(type="category")
        fig.update_layout(template="plotly_white", height=height,
                          margin={"l": 50, "r": 20, "t": 50, "b": 40},
                          legend={"orientation": "h", "y": -0.2})
        return ('<div class="chart">'
                + pio.to_html(fig, include_plotlyjs=False, full_html=False,
                              div_id=f"chart-{self.count}", config=_CONFIG)
                + "</div>")


def render_html(data: ReportData) -> str:
    """The whole page as text (plotly.js inline, no network access)."""
    import plotly.graph_objects as go
    from plotly.offline import get_plotlyjs

    charts = _Charts()
    k = data.kpis
    days = [d.isoformat() for d in data.days]
    sections: list[str] = [_summary(data)]

    sections.append(_section("Activity", [charts.html(_activity(data), days=True),
                                          charts.html(_new_returning(data), days=True),
                                          charts.html(_mix(data), days=True)]))

    curve = go.Figure()
    curve.add_scatter(x=[f"D{n}" for n in range(len(data.retention_curve))],
                      y=data.retention_curve, mode="lines+markers", name="retention")
    observed = (f"observed up to D{len(data.retention_curve) - 1}" if data.retention_curve
                else "no install cohort in the window")
    curve.update_layout(title=f"Retention curve (classic N-day, all install cohorts; "
                              f"{observed})",
                        yaxis={"tickformat": ".0%", "rangemode": "tozero"})
    heat = go.Figure(go.Heatmap(
        z=[c["rates"] for c in data.cohorts],
        x=[f"D{n}" for n in range(len(data.retention_curve))],
        y=[f"{c['day']} ({c['size']})" for c in data.cohorts], colorscale="Blues",
        zmin=0, zmax=1, hovertemplate="cohort %{y}<br>%{x}: %{z:.1%}<extra></extra>"))
    heat.update_layout(title="Cohort retention by install day (cohort size)",
                       yaxis={"autorange": "reversed", "type": "category"})
    sections.append(_section("Retention", [charts.html(curve), charts.html(heat, 380)],
                             _cohort_table(data)))


    funnel_charts = []
    for funnel in data.funnels:
        fig = go.Figure(go.Funnel(
            y=[s.event for s in funnel.steps], x=[s.users for s in funnel.steps],
            textinfo="value+percent previous+percent initial"))
        scope = " (defined per session; counted per user)" if funnel.per_session else ""
        fig.update_layout(title=f"Funnel {funnel.name}: {_pct(funnel.overall)} overall{scope}")
        funnel_charts.append(charts.html(fig, 300 + 30 * len(funnel.steps)))
    if funnel_charts:
        sections.append(_section("Funnels", funnel_charts, _funnel_table(data)))

    revenue = go.Figure()
    revenue.add_bar(x=days, y=data.revenue_per_day, name="revenue (USD)")
    revenue.update_layout(title=f"Revenue per day (USD) — total ${k['revenue_usd']:,.2f}",
                          yaxis={"tickprefix": "$"})
    sections.append(_section("Monetization", [charts.html(revenue, days=True)],
                             _money_table(data)))

    per_user = go.Figure()
    per_user.add_scatter(x=days, y=data.sessions_per_user, mode="lines+markers",
                         name="sessions per active user")
    per_user.update_layout(title="Sessions per active user per day",
                           yaxis={"rangemode": "tozero"})
    lengths = go.Figure()
    lengths.add_bar(x=data.session_minutes_bins, y=data.session_minutes_counts,
                    name="sessions")
    lengths.update_layout(title=f"Session length (minutes), median "
                                f"{_fmt(k['median_session_minutes'], '')} min",
                          xaxis={"type": "category"})
    hourly = go.Figure()
    hourly.add_bar(x=[f"{h:02d}" for h in range(24)], y=data.hourly, name="events")
    hourly.update_layout(title="Events by local hour", yaxis={"tickformat": ".0%"},
                         xaxis={"type": "category"})
    weekday = go.Figure()
    weekday.add_bar(x=list(_WEEKDAYS), y=data.weekday, name="events")
    weekday.update_layout(title="Events by weekday", yaxis={"tickformat": ".0%"})
    heat = go.Figure()
    heat.add_heatmap(z=data.hour_weekday, x=[f"{h:02d}" for h in range(24)], y=list(_WEEKDAYS),
                     colorscale="Blues", name="events")
    heat.update_layout(title="Events by weekday and local hour",
                       xaxis={"type": "category"}, yaxis={"autorange": "reversed"})
    sections.append(_section("Sessions and timing", [charts.html(per_user, days=True),
                                                     charts.html(lengths),
                                                     charts.html(hourly),
                                                     charts.html(weekday),
                                                     charts.html(heat)],
                             _depth_table(data)))

    top = go.Figure()
    top.add_bar(y=[e["event"] for e in data.top_events][::-1],
                x=[e["count"] for e in data.top_events][::-1], orientation="h",
                name="events")
    top.update_layout(title=f"Top {len(data.top_events)} events", yaxis={"type": "category"})
    dist_charts = [charts.html(top, 120 + 22 * max(len(data.top_events), 1))]
    for dist in data.distributions:
        fig = go.Figure()
        fig.add_bar(x=dist.labels, y=dist.counts, name=dist.name)
        kind = "histogram" if dist.kind == "numeric" else "top values"
        fig.update_layout(title=f"{dist.name} ({kind}, {dist.events:,} events)",
                          xaxis={"type": "category"})
        dist_charts.append(charts.html(fig, 320))
    sections.append(_section("Events and properties", dist_charts))
    sections.append(_notes(data))

    window = (f"{k['first_day']} … {k['last_day']} ({k['days']} days)" if k["first_day"]
              else "no events")
    preset = (f"vertical preset <b>{html.escape(data.preset)}</b> (bands: "
              f"{html.escape(band_source(data.preset))})" if data.preset
              else "no vertical preset: KPIs unmarked")
    title = f"{data.product} — demogen report"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>{_CSS}</style>
<script type="text/javascript">{get_plotlyjs()}</script>
</head>
<body data-charts="{charts.count}">
<header><h1>{html.escape(title)}</h1>
<p>Window {html.escape(window)} · {k['users']:,} users · {k['events']:,} events ·
{k['records']:,} records</p>
<p>Output {html.escape(data.out_dir)} · {preset}</p></header>
<main>
{"".join(sections)}
</main></body></html>
"""


def _depth_table(data: ReportData) -> str:
    """p50/p90/p99 of session depth and length: where heavy tails show (or don't)."""
    if not data.depth:
        return ""
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td>"
        + "".join(f"<td>{_fmt(q.get(p), '')}</td>" for p in ("p50", "p90", "p99")) + "</tr>"
        for name, q in data.depth.items())
    return ("<table class=\"depth\"><tr><th></th><th>p50</th><th>p90</th><th>p99</th></tr>"
            f"{rows}</table>")


def _section(title: str, charts: list[str], extra: str = "") -> str:
    return (f"<section><h2>{html.escape(title)}</h2>{extra}"
            f"<div class=\"grid\">{''.join(charts)}</div></section>")


def _activity(data: ReportData):  # type: ignore[no-untyped-def]
    """DAU, plus WAU, MAU and stickiness from the first day their window is full."""
    import plotly.graph_objects as go

    days = [d.isoformat() for d in data.days]
    fig = go.Figure()
    fig.add_scatter(x=days, y=data.dau, name="DAU", mode="lines+markers")
    if any(n is not None for n in data.wau):
        fig.add_scatter(x=days, y=data.wau, name="WAU (7 days)", mode="lines")
    if any(n is not None for n in data.mau):
        fig.add_scatter(x=days, y=data.mau, name="MAU (30 days)", mode="lines")
        fig.add_scatter(x=days, y=[d / m if m else None for d, m in
                                   zip(data.dau, data.mau, strict=True)],
                        name="stickiness DAU/MAU", yaxis="y2", line={"dash": "dot"})
        title = "Active users per day (WAU and MAU from their first full window)"
    else:
        title = (f"Active users per day (MAU and stickiness need {MAU_DAYS} days; this "
                 f"window has {len(days)})")
    fig.update_layout(title=title, yaxis={"title": "users", "rangemode": "tozero"},
                      yaxis2={"title": "DAU/MAU", "overlaying": "y", "side": "right",
                              "tickformat": ".0%", "rangemode": "tozero"})
    return fig


def _new_returning(data: ReportData):  # type: ignore[no-untyped-def]
    import plotly.graph_objects as go

    days = [d.isoformat() for d in data.days]
    fig = go.Figure()
    fig.add_bar(x=days, y=data.new_users, name="new (installed that day)")
    fig.add_bar(x=days, y=data.returning_users, name="returning")
    fig.update_layout(title="New and returning users per day", barmode="stack")
    return fig


def _mix(data: ReportData):  # type: ignore[no-untyped-def]
    import plotly.graph_objects as go

    days = [d.isoformat() for d in data.days]
    fig = go.Figure()
    for value, shares in data.mix.items():
        fig.add_scatter(x=days, y=shares, name=value, stackgroup="mix", mode="lines")
    title = (f"Mix of active users by {data.mix_property}" if data.mix_property
             else "Share of new vs returning users among daily actives")
    fig.update_layout(title=title, yaxis={"tickformat": ".0%", "range": [0, 1]})
    return fig


def _summary(data: ReportData) -> str:
    rows = []
    for row in summary_rows(data.kpis, data.bands):
        css = {"in": "ok", "out": "bad"}.get(row.status, "muted")
        symbol = {"in": "✓ in band", "out": "✗ out of band",
                  "partial": f"not checked: the band is for a {MAU_DAYS}-day MAU"
                  }.get(row.status, "")
        rows.append(f"<tr><td>{html.escape(row.label)}</td><td>{_fmt(row.value, row.unit)}"
                    f"</td><td class=\"muted\">{html.escape(row.band)}</td>"
                    f"<td class=\"{css}\">{symbol}</td></tr>")
    return ("<section><h2>KPI summary</h2><table id=\"kpi-summary\">"
            "<tr><th>KPI</th><th>value</th><th>band</th><th></th></tr>"
            + "".join(rows) + "</table></section>")


def _cohort_table(data: ReportData) -> str:
    shown = [n for n in (0, 1, 2, 3, 7, 14, 30) if n < len(data.retention_curve)]
    head = "".join(f"<th>D{n}</th>" for n in shown)
    rows = []
    for c in data.cohorts:
        cells = "".join(f"<td>{_pct(c['rates'][n])}</td>" for n in shown)
        rows.append(f"<tr><td>{c['day']}</td><td>{c['size']:,}</td>{cells}</tr>")
    curve = "".join(f"<td><b>{_pct(data.retention_curve[n])}</b></td>" for n in shown)
    rows.append(f"<tr><td><b>all cohorts</b></td><td></td>{curve}</tr>")
    return (f"<table class=\"cohort\"><tr><th>install day</th><th>users</th>{head}</tr>"
            + "".join(rows) + "</table>")


def _funnel_table(data: ReportData) -> str:
    rows = []
    for f in data.funnels:
        steps = " → ".join(
            f"{html.escape(s.event)} {s.users:,}"
            + (f" ({_pct(s.conversion)})" if s.conversion is not None else "")
            for s in f.steps)
        rows.append(f"<tr><td>{html.escape(f.name)}</td><td style=\"text-align:left\">"
                    f"{steps}</td><td>{_pct(f.overall)}</td></tr>")
    return ("<table><tr><th>funnel</th><th style=\"text-align:left\">users per step "
            "(conversion from the previous step)</th><th>overall</th></tr>"
            + "".join(rows) + "</table>")


def _money_table(data: ReportData) -> str:
    k = data.kpis
    labels = {key: label for key, label, _ in kpi_rows(k)}
    window = labels["arppu"].removeprefix("ARPPU (USD, ").removesuffix(")")
    items = [
        (f"payers ({window})", f"{k['payers']:,}"),
        (labels["payer_rate"], _pct(k["payer_rate"])),
        ("revenue (USD)", _fmt(k["revenue_usd"], "$")),
        ("ARPDAU", _fmt(k["arpdau"], "$")),
        (labels["arppu"], _fmt(k["arppu"], "$")),
        ("revenue share of the top 1% of payers", _pct(k["top1_payer_revenue_share"])),
        ("revenue share of the top 10% of payers", _pct(k["top10_payer_revenue_share"])),
    ]
    return "<table>" + "".join(f"<tr><td>{a}</td><td>{b}</td></tr>" for a, b in items) + \
        "</table>"


def _notes(data: ReportData) -> str:
    k = data.kpis
    rule = ("the rules' session start events" if k["session_rule"] == "start_events"
            else "30 minutes of inactivity")
    notes = [
        "Definitions, as in mobile analytics benchmarks: classic N-day retention by install "
        "cohort (the share of a day's installs active exactly N days later); DAU/MAU = mean "
        f"DAU of the last {MAU_DAYS} days / users active in them; payer rate = payers / MAU "
        f"over the last {MAU_DAYS} days; days and hours are the users' local time (#time).",
        f"WAU and MAU per day count the users active in the 7 or {MAU_DAYS} days ending that "
        "day, so they are drawn only from the first day whose whole window is in the data "
        "(before it they would count only the days so far, and stickiness would start near "
        f"100%). A window shorter than {MAU_DAYS} days has no MAU: the summary shows the "
        "users active over the whole window instead, labelled so, and the stickiness over "
        "them is marked partial and not checked against its band.",
        f"Sessions: {rule}; session length is #duration of the end event when present, "
        "else last − first event time.",
        "Revenue is shown in US dollars: a USD amount property is used when the rules have "
        "one, otherwise amounts are converted with a small static rate table "
        f"(the rules' money.fx, as of {k['currency_rates_as_of']}); amounts without a currency "
        "count as USD.",
        "Funnels are classic: users who did each step after the previous one, anywhere in "
        "the window.",
        *data.notes,
    ]
    return ("<section><h2>Notes</h2><ul class=\"notes\">"
            + "".join(f"<li>{html.escape(n)}</li>" for n in notes) + "</ul></section>")
