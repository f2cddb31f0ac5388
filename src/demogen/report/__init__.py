"""The HTML report of an output folder: KPIs (DuckDB), marked against the vertical's bands,
with Plotly charts, in one self-contained page; ``kpis.json`` beside it.

Usage::

    data = compute_report("out", rules=rules, product="Trackwise", preset=load_preset("saas"))
    Path("report.html").write_text(render_html(data), encoding="utf-8")
"""

from demogen.report._bands import (
    BAND_OF,
    KPI_ROWS,
    SummaryRow,
    band_source,
    kpi_rows,
    mark,
    summary_rows,
)
from demogen.report._data import (
    Funnel,
    ReportData,
    UsdRates,
    bin_labels,
    compute_report,
    revenue_amounts,
    usd_rates,
)
from demogen.report._html import render_html

__all__ = [
    "BAND_OF",
    "KPI_ROWS",
    "Funnel",
    "ReportData",
    "SummaryRow",
    "UsdRates",
    "band_source",
    "bin_labels",
    "compute_report",
    "kpi_rows",
    "mark",
    "render_html",
    "revenue_amounts",
    "summary_rows",
    "usd_rates",
]
