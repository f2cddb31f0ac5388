"""KPIs against their vertical's band (the preset's ``bands``), and the summary rows the
report shows, labelled with the window each KPI covers."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, NamedTuple

from demogen.validate.kpis import MAU_DAYS

__all__ = ["BAND_OF", "KPI_ROWS", "SummaryRow", "band_source", "kpi_rows", "mark",
           "summary_rows"]

#: KPI summary rows: (kpis.json key, label, unit: "%", "$", "int" or "" for a number).
#: ``{mau}``, ``{window}`` and ``{partial}`` name the MAU window (:func:`kpi_rows`).
_ROWS: tuple[tuple[str, str, str], ...] = (
    ("d1_retention", "D1 retention", "%"),
    ("d7_retention", "D7 retention", "%"),
    ("d30_retention", "D30 retention", "%"),
    ("dau_mean", "DAU (mean)", "int"),
    ("wau_mean", "WAU (mean)", "int"),
    ("mau", "{mau} ({window})", "int"),
    ("dau_mau", "DAU/MAU (stickiness{partial})", "%"),
    ("new_users", "new users", "int"),
    ("payer_rate", "payer conversion (payers / {mau}{short})", "%"),
    ("arpdau", "ARPDAU (USD)", "$"),
    ("arppu", "ARPPU (USD, {window})", "$"),
    ("top10_payer_revenue_share", "revenue share of top 10% payers", "%"),
    ("sessions_per_active_day", "sessions per active user per day", ""),
    ("median_session_minutes", "median session length (min)", ""),
    ("events_per_session_median", "events per session (median)", ""),
)
#: kpis.json key → the preset band it is checked against.
BAND_OF: dict[str, str] = {
    "d1_retention": "d1",
    "d7_retention": "d7",
    "d30_retention": "d30",
    "dau_mau": "dau_mau",
    "payer_rate": "payer_rate",
    "sessions_per_active_day": "sessions_per_active_day",
    "median_session_minutes": "median_session_minutes",
}
#: Bands that hold only for a full 30-day MAU: a shorter window has fewer actives to divide
#: by, so its stickiness is higher than any month's and is not checked.
_NEEDS_FULL_MAU = frozenset({"dau_mau"})


class SummaryRow(NamedTuple):
    """One KPI as the summary shows it; ``status`` is ``"in"``, ``"out"``, ``"partial"``
    (a MAU-based KPI over a window shorter than 30 days: not checked) or ``""``."""

    key: str
    label: str
    unit: str
    value: Any
    status: str
    band: str


def kpi_rows(kpis: Mapping[str, Any] | None = None) -> list[tuple[str, str, str]]:
    """(key, label, unit) of the summary; the labels of MAU-based KPIs name the window the
    report's ``kpis`` cover: "MAU (last 30 days)", or "active users (all 14 days)" and a
    partial stickiness on a shorter window. Without ``kpis``: a window of 30 days or more."""
    days = int((kpis or {}).get("mau_days") or MAU_DAYS)
    if days >= MAU_DAYS:
        words = {"mau": "MAU", "window": f"last {MAU_DAYS} days", "partial": "", "short": ""}
    else:
        window = f"all {days} day{'' if days == 1 else 's'}"
        words = {"mau": "active users", "window": window, "short": f", {window}",
                 "partial": f", partial: {days} of {MAU_DAYS} days"}
    return [(key, label.format(**words), unit) for key, label, unit in _ROWS]


#: The summary rows of a window of 30 days or more (:func:`kpi_rows` adapts them).
KPI_ROWS: tuple[tuple[str, str, str], ...] = tuple(kpi_rows())


def mark(key: str, value: Any, bands: dict[str, tuple[float, float]], unit: str
         ) -> tuple[str, str]:
    """(``"in"``, ``"out"`` or ``""``, the band as text) for one KPI."""
    band = bands.get(BAND_OF.get(key, ""))
    if band is None:
        return "", ""
    low, high = band
    text = (f"{low * 100:.3g}%–{high * 100:.3g}%" if unit == "%" else f"{low:g}–{high:g}")
    if value is None:
        return "", text
    return ("in" if low <= value <= high else "out"), text


def summary_rows(kpis: Mapping[str, Any], bands: dict[str, tuple[float, float]]
                 ) -> list[SummaryRow]:
    """The KPI summary of a report (HTML and terminal alike): labels from :func:`kpi_rows`,
    each value marked against its band, except that a stickiness over fewer than 30 days
    is ``"partial"`` and left unmarked."""
    partial = bool(kpis.get("mau_partial"))
    rows = []
    for key, label, unit in kpi_rows(kpis):
        value = kpis.get(key)
        status, band = mark(key, value, bands, unit)
        if partial and key in _NEEDS_FULL_MAU and value is not None:
            status = "partial"
        rows.append(SummaryRow(key, label, unit, value, status, band))
    return rows


def band_source(preset: str) -> str:
    """Where the bands of ``preset`` come from, in a user's words."""
    if preset == "generic":
        return ("wide ranges spanning published industry benchmarks of all verticals, "
                "for products no vertical fits")
    if preset == "mobility":
        return ("the generic bands (no published ride-hailing figures); its sessions are "
                "shorter by assumption")
    if preset == "education":
        return ("estimates from published fitness and SaaS app benchmarks (no published "
                "education figures)")
    return f"published industry benchmarks for {_VERTICAL_WORDS.get(preset, preset)} products"


_VERTICAL_WORDS = {"saas": "SaaS", "ecommerce": "e-commerce"}
