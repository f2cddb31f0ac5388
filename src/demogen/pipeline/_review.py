"""``generate --ai-review``: the model revises its rules once, after a sample run.

A sample of the run (its first ``sample_users`` users, same window and seed) is simulated
into a temporary folder with the rules in force, and measured: the KPIs calibration
measures, each against the vertical's band, and the violations per check of ``validate``.
Those numbers (never records, never the checks' examples) and the rules go to the model,
which may answer the rule keys it changes. The answer is checked like an analysis' answer,
merged over the rules, and a second sample measures the revision; it is kept only if it has
no more violations and no more KPIs outside their bands than the first.
"""

from __future__ import annotations

import difflib
import tempfile
from dataclasses import dataclass, replace
from pathlib import Path

from demogen.analysis.ai import AIAnalyzer, AIOptions, Usage, resolve_ai
from demogen.analysis.ai._prompt import review_prompt
from demogen.analysis.merge import merge_rules
from demogen.analysis.rules import Rules
from demogen.errors import ConfigError
from demogen.pipeline._generate import DEFAULT_USERS, GenerateOptions, generate
from demogen.pipeline._prepare import Prepared
from demogen.pipeline.calibrate import measure_run
from demogen.simulation.presets import load_preset
from demogen.validate import CHECKS, validate_output

__all__ = ["Review", "SampleMeasure", "review"]

#: Users in each sample run: enough for retention and conversions to mean something.
SAMPLE_USERS = 500
#: calibrate's KPI names → the preset band each is checked against.
_BAND = {"d1": "d1", "d7": "d7", "d30": "d30", "payer": "payer_rate",
         "session_minutes": "median_session_minutes"}


@dataclass(frozen=True)
class SampleMeasure:
    """What one sample run measured."""

    users: int
    days: int
    kpis: dict[str, float | None]
    bands: dict[str, tuple[float, float]]
    violations: dict[str, int]

    @property
    def out_of_band(self) -> tuple[str, ...]:
        return tuple(key for key, value in self.kpis.items()
                     if value is not None and (band := self.bands.get(_BAND.get(key, "")))
                     and not band[0] <= value <= band[1])

    @property
    def total_violations(self) -> int:
        return sum(self.violations.values())

    def kpi_lines(self) -> list[str]:
        lines = []
        for key, value in self.kpis.items():
            if value is None:
                continue
            band = self.bands.get(_BAND.get(key, ""))
            where = ""
            if band is not None:
                inside = band[0] <= value <= band[1]
                where = f" (band {band[0]:g} to {band[1]:g}: {'inside' if inside else 'OUTSIDE'})"
            lines.append(f"- {key}: {value:.4g}{where}")
        return lines

    def check_lines(self) -> list[str]:
        return [f"- {check}: {count} ({CHECKS.get(check, '')})"
                for check, count in self.violations.items()]

    def summary(self) -> str:
        return (f"{self.total_violations} violations, {len(self.out_of_band)} KPIs outside "
                f"their band{' (' + ', '.join(self.out_of_band) + ')' if self.out_of_band else ''}")


@dataclass(frozen=True)
class Review:
    """The outcome: the rules to run with (the revision when kept), and why."""

    rules: Rules
    kept: bool
    reason: str
    #: The revision as a unified diff of rules.yaml ("" when the model changed nothing).
    diff: str
    before: SampleMeasure
    after: SampleMeasure | None
    usage: Usage
    warnings: tuple[str, ...] = ()


def review(prepared: Prepared, options: GenerateOptions, ai: AIOptions, *,
           sample_users: int = SAMPLE_USERS) -> Review:
    """One review round (see the module's docstring). Raises AIError when the provider
    fails and ConfigError when no AI provider is chosen."""
    choice = resolve_ai(ai)
    if choice.provider == "heuristic":
        raise ConfigError("--ai-review needs an AI provider: set OPENAI_API_KEY or "
                          "ANTHROPIC_API_KEY (or --base-url), or leave out --ai-review")
    users = min(options.users or DEFAULT_USERS, sample_users)
    analyzer = AIAnalyzer(choice, ai)
    with tempfile.TemporaryDirectory(prefix="demogen-review-") as tmp:
        before = _measure(prepared, prepared.rules, options, Path(tmp) / "before", users)
        prompt = review_prompt(prepared.product, prepared.rules.to_yaml(),
                               kpis=before.kpi_lines(), checks=before.check_lines(),
                               users=users, days=options.days)
        change = analyzer.revise(prepared.taxonomy, prompt)
        warnings = tuple(analyzer.warnings)
        if not change.model_fields_set - {"schema_version"}:
            return Review(prepared.rules, False, "the model changed nothing", "", before,
                          None, analyzer.usage, warnings)
        revised = merge_rules(prepared.rules, change)
        diff = "".join(difflib.unified_diff(
            prepared.rules.to_yaml().splitlines(keepends=True),
            revised.to_yaml().splitlines(keepends=True), "rules.yaml", "rules.yaml (revised)"))
        if not diff:
            return Review(prepared.rules, False, "the revision repeats the rules", "",
                          before, None, analyzer.usage, warnings)
        after = _measure(prepared, revised, options, Path(tmp) / "after", users)
    worse = [what for what, now, then in (
        ("violations", after.total_violations, before.total_violations),
        ("KPIs outside their band", len(after.out_of_band), len(before.out_of_band)))
        if now > then]
    if worse:
        return Review(prepared.rules, False, f"not kept: more {' and more '.join(worse)} "
                      f"({after.summary()}, before: {before.summary()})", diff, before,
                      after, analyzer.usage, warnings)
    return Review(revised, True, f"kept: {after.summary()} (before: {before.summary()})",
                  diff, before, after, analyzer.usage, warnings)


def _measure(prepared: Prepared, rules: Rules, options: GenerateOptions, folder: Path,
             users: int) -> SampleMeasure:
    """A sample run of ``users`` with ``rules``, written to ``folder`` and measured."""
    sample = replace(options, output=str(folder), users=users, overwrite=True, targets=None,
                     debug_users=None, workers=1, engine="local", scheduler=None,
                     layout="days", gzip=False)
    run = replace(prepared, rules=rules)
    result = generate(run, sample)
    checked = validate_output(folder, rules=rules, plan=prepared.taxonomy)
    return SampleMeasure(
        users=users, days=options.days, kpis=measure_run(folder, prepared.taxonomy, rules),
        bands=dict(load_preset(result.config.preset).bands),
        violations={check: checked.count(check) for check in checked.checks})
