"""Check output records (thinkingdata-format.md §14) and compute KPIs (realism-bands.md §0).

``validate_output`` runs every check of ``demogen validate`` (records, identity, and with
rules the per-user rule checks). ``compute_kpis`` and ``validate_output`` need DuckDB, which
is imported only when they run.
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
from demogen.validate._progress import STEP_RECORDS, STEP_USERS, Progress, progress_text
from demogen.validate._reader import (
    OutputReadError,
    iter_lines,
    iter_records,
    output_files,
    unreadable_output,
)
from demogen.validate._scan import Finding
from demogen.validate._validate import (
    BASIC_CHECKS,
    CHECKS,
    RULE_CHECKS,
    ValidationReport,
    validate_output,
)
from demogen.validate.kpis import Kpis, Retention, compute_kpis

__all__ = [
    "BASIC_CHECKS",
    "CHECKS",
    "LIMITS",
    "RULE_CHECKS",
    "STEP_RECORDS",
    "STEP_USERS",
    "CheckResult",
    "Finding",
    "Issue",
    "Kpis",
    "OutputReadError",
    "Progress",
    "Retention",
    "TypeTracker",
    "ValidationReport",
    "check_output",
    "check_record",
    "check_time_window",
    "compute_kpis",
    "iter_lines",
    "iter_records",
    "output_files",
    "parse_time",
    "progress_text",
    "property_type",
    "unreadable_output",
    "validate_output",
]
