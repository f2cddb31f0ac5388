"""KPIs against their vertical's band (the preset's ``bands``, realism-bands.md §8)."""

from __future__ import annotations

from typing import Any

__all__ = ["BAND_OF", "KPI_ROWS", "mark"]

#: KPI summary rows: (kpis.json key, label, unit: "%", "$", "int" or "" for a number).
KPI_ROWS: tuple[tuple[str, str, str], ...] = (
    ("d1_retention", "D1 retention", "%"),
    ("d7_retention", "D7 retention", "%"),
    ("d30_retention", "D30 retention", "%"),
    ("dau_mean", "DAU (mean)", "int"),
    ("wau_mean", "WAU (mean)", "int"),
    ("mau", "MAU (last 30 days)", "int"),
    ("dau_mau", "DAU/MAU (stickiness)", "%"),
    ("new_users", "new users", "int"),
    ("payer_rate", "payer conversion (payers / MAU)", "%"),
    ("arpdau", "ARPDAU (USD)", "$"),
    ("arppu", "ARPPU (USD, last 30 days)", "$"),
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
