"""Check output records (thinkingdata-format.md §14) and compute KPIs (realism-bands.md §0).

``compute_kpis`` needs DuckDB, which is imported only when it runs.
"""

from demogen.validate._check import CheckResult, Issue, check_output
from demogen.validate._format import (
    LIMITS,
    TypeTracker,
    check_record,
    check_time_window,
    parse_time,
    property_type,
)
from demogen.validate._reader import OutputReadError, iter_lines, iter_records, output_files
from demogen.validate.kpis import Kpis, Retention, compute_kpis

__all__ = [
    "LIMITS",
    "CheckResult",
    "Issue",
    "Kpis",
    "OutputReadError",
    "Retention",
    "TypeTracker",
    "check_output",
    "check_record",
    "check_time_window",
    "compute_kpis",
    "iter_lines",
    "iter_records",
    "output_files",
    "parse_time",
    "property_type",
]
