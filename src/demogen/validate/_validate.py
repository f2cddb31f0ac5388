"""``validate_output``: every check of ``demogen validate`` over an output folder.

Two passes. The record pass (:mod:`demogen.validate._scan`) streams each line through the
§14 record checks, the time checks and the type tracker. The per-user pass
(:mod:`demogen.validate._consistency`) loads ids, times, names and the few properties the
rules name into DuckDB and runs the identity and rule checks there. Without rules only
:data:`BASIC_CHECKS` run.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.taxonomy import EventTaxonomy
from demogen.validate._check import Issue
from demogen.validate._consistency import check_consistency
from demogen.validate._format import LIMITS
from demogen.validate._funnels import FUNNEL_CHECK, MIN_USERS, compile_funnels
from demogen.validate._meaning import MEANING_CHECKS
from demogen.validate._meaning_rules import compile_meaning
from demogen.validate._progress import Progress
from demogen.validate._reader import output_files
from demogen.validate._rules_view import compile_rules
from demogen.validate._scan import Finding, scan_files
from demogen.validate.coherence import COHERENCE_CHECKS, CoherenceInput, check_coherence

__all__ = ["BASIC_CHECKS", "CHECKS", "RULE_CHECKS", "ValidationReport", "validate_output"]

#: Every check, in report order, with what it verifies.
CHECKS: dict[str, str] = {
    "format": "records are what ThinkingData accepts: JSON lines, header keys, #type, #time, "
              "ids, names, values, limits",
    "types": "every property keeps the type of its first value",
    "time": "#time is not in the future, at most ~3 years back, and on the file's day",
    "identity": "a device keeps the one #account_id it sent first; no account on two devices",
    "one_time": "one-time events at most once per user",
    "prerequisite": "prerequisites happen before the events that need them",
    "session_order": "session end events close an open session",
    "lifecycle": "events allowed only after onboarding do not come before it",
    "install_order": "no event before the user's install",
    "constraint": "constrained properties take the values allowed for their parent's value",
    "state": "user_set/user_add values agree with the events that change them",
    **MEANING_CHECKS,
    **FUNNEL_CHECK,
    **COHERENCE_CHECKS,
}
#: The checks that need no rules.
BASIC_CHECKS: tuple[str, ...] = ("format", "types", "time", "identity")
#: The checks that read the rules.
RULE_CHECKS: tuple[str, ...] = tuple(k for k in CHECKS if k not in BASIC_CHECKS)


@dataclass
class ValidationReport:
    """The outcome: per check, the number of violations and up to 5 examples."""

    out_dir: str
    files: int = 0
    records: int = 0
    users: int = 0
    checks: tuple[str, ...] = BASIC_CHECKS
    findings: dict[str, Finding] = field(default_factory=dict)
    #: What was not checked and why.
    notes: list[str] = field(default_factory=list)
    #: What some checks measured and each thing they left out, for a closer look
    #: (``validate -v``): each funnel step's declared and measured conversion.
    details: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def violations(self) -> int:
        return sum(f.count for f in self.findings.values())

    @property
    def ok(self) -> bool:
        return self.violations == 0

    def count(self, check: str) -> int:
        found = self.findings.get(check)
        return found.count if found else 0

    def examples(self, check: str) -> list[Issue]:
        found = self.findings.get(check)
        return list(found.examples) if found else []


def validate_output(
    out_dir: str | os.PathLike[str],
    *,
    rules: Rules | None = None,
    now: datetime | None = None,
    workers: int | None = None,
    memory_limit: str = "2GB",
    prefix: str = "logs_",
    max_past_days: float = LIMITS["past_days"],
    progress: Progress | None = None,
    plan: EventTaxonomy | None = None,
) -> ValidationReport:
    """Check the day files in ``out_dir``; the rule checks run only with ``rules``.

    ``plan`` (the run's taxonomy) tells the meaning checks the user properties and their
    update methods (:mod:`demogen.validate._meaning_rules`); without it they read the
    rules alone.

    Raises :class:`~demogen.errors.ConfigError` when the folder or its day files are
    missing and :class:`~demogen.validate.OutputReadError` for an unreadable file (broken
    gzip, a line that is not JSON); violations are returned, not raised. Every reported
    line is the 1-based line in its file (blank lines count), in both passes.

    ``progress(step, done, total)`` is called as the work goes: step ``"records"`` counts
    bytes of the day files read, then step ``"users"`` counts the per-user pass's stages
    (loading, then one per check); each step goes from 0 to its total
    (:mod:`demogen.validate._progress`).

    Usage::

        report = validate_output("out", rules=Rules.load("rules.yaml"),
                                 progress=lambda step, done, total: ...)
        report.ok, report.count("one_time"), report.examples("identity")
    """
    began = time.perf_counter()
    folder = Path(out_dir)
    if not folder.is_dir():
        raise ConfigError(f"{folder} does not exist or is not a folder; pass the output folder "
                          "of 'demogen generate'")
    files = output_files(folder, prefix=prefix)
    if not files:
        raise ConfigError(f"{folder} holds no {prefix}YYYYMMDD.jsonl(.gz) day files")
    scans, findings = scan_files(files, prefix=prefix, now=now, max_past_days=max_past_days,
                                 workers=workers, progress=progress)
    compiled = compile_rules(rules) if rules is not None else None
    meaning = compile_meaning(rules, plan) if rules is not None else None
    funnels = compile_funnels(rules) if rules is not None else None
    consistency = check_consistency(files, scans, compiled, memory_limit=memory_limit,
                                    progress=progress, meaning=meaning, funnels=funnels)
    findings.update(consistency.findings)
    coherence = check_coherence(files, CoherenceInput(rules, plan)) if rules is not None \
        else None
    if coherence is not None:
        findings.update(coherence.findings)
    report = ValidationReport(
        out_dir=str(folder),
        files=len(files),
        records=sum(scan.records for scan in scans),
        users=consistency.users,
        checks=tuple(CHECKS) if compiled is not None else BASIC_CHECKS,
        findings={k: findings.get(k, Finding()) for k in CHECKS if k in findings},
    )
    if compiled is None:
        report.notes.append(
            "no rules given: only the format, types, time and identity checks ran; pass "
            "--taxonomy (and/or --rules) for one-time, prerequisite, session, lifecycle, "
            "install, constraint and state checks"
        )
    else:
        report.notes += _not_applicable(compiled, consistency.event_names)
        report.notes += list(compiled.skipped)
        if meaning is not None:
            report.notes += _meaning_notes(meaning, plan is not None)
        if funnels is not None:
            note, report.details = _funnel_notes(funnels, consistency.funnel_steps)
            report.notes += note
        if coherence is not None:
            report.notes += coherence.notes
    report.seconds = time.perf_counter() - began
    return report


def _not_applicable(rules, event_names: list[str]) -> list[str]:
    notes = []
    if not rules.one_time:
        notes.append("one_time: the rules name no one-time events")
    if not rules.prerequisites:
        notes.append("prerequisite: the rules name no prerequisites")
    elif not rules.anchor:
        notes.append("prerequisite: without install events in the rules, only one-time "
                     "prerequisites that come too late are found (missing ones need the "
                     "user's history from the install on)")
    if not (rules.session_start and rules.session_end):
        notes.append("session_order: the rules name no session start and end events")
    if not rules.post_onboarding_events(event_names):
        notes.append("lifecycle: no event is restricted to after onboarding (no lifecycle "
                     "rules, no onboarding_complete event, or every stage allows everything)")
    if not rules.install:
        notes.append("install_order: the rules name no install event")
    if not rules.constraints:
        notes.append("constraint: the rules have no property constraints")
    if not rules.state_rules:
        notes.append("state: the rules have no checkable update patterns")
    return notes


def _meaning_notes(meaning, with_plan: bool) -> list[str]:
    notes = [f"formula: {note}" for note in meaning.skipped]
    if not meaning.formulas:
        notes.append("formula: the rules declare no formulas")
    if not with_plan:
        notes.append("update_method, mirror: without the plan only the rules' update "
                     "patterns say which user properties there are and how they are written")
    return notes



def _funnel_notes(funnels, measured) -> tuple[list[str], list[str]]:  # type: ignore[no-untyped-def]
    """A one-line note of what the funnel check judged, and per step the details."""
    judged = [m for m in measured if m.judged]
    details = [f"funnel: {m.describe()}" for m in judged]
    details += [f"funnel: {m.step.label} not judged: {m.users} users reached {m.step.a} "
                f"(fewer than {MIN_USERS})" for m in measured if not m.judged]
    details += [f"funnel: {reason}; not checked" for reason in funnels.skipped]
    total = len(measured) + len(funnels.skipped)
    if not total:
        return ["funnel: the rules declare no funnel step conversions"], details
    left = total - len(judged)
    note = f"funnel: {len(judged)} of {total} funnel steps judged"
    if left:
        note += f"; {left} left out (too few users, or not measurable; -v says why)"
    return [note], details
