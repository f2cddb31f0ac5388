"""The plan and its rules as the commands that need them load them, with what to say."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import TYPE_CHECKING

from demogen.cli._console import err, warn

if TYPE_CHECKING:     # a cached `demogen analyze` must not pay for importing the pipeline
    from demogen.analysis.ai import AIOptions
    from demogen.pipeline import Prepared, RunInputs


def load_plan(taxonomy: Path, *, rules_path: Path | None, industry: str | None,
              platform: str | None, product_name: str | None, refresh: bool,
              cache_dir: Path | None, quiet: bool, verbose: bool = False,
              full_warnings: bool = False, ai: AIOptions | None = None) -> Prepared:
    """:func:`demogen.pipeline.prepare`, then the plan's warnings: in full when the plan was
    just analysed, with ``--verbose`` or when ``full_warnings`` (``analyze``); otherwise one
    line that says how to see them. ``--quiet`` prints nothing."""
    from demogen.pipeline import prepare

    prepared = prepare(taxonomy, rules_path=rules_path, industry=industry, platform=platform,
                       product_name=product_name, refresh=refresh, cache_dir=cache_dir,
                       ai=ai)
    if not quiet:
        for note in prepared.analysis_notes:
            err.print(note, style="dim", markup=False, highlight=False)
        show_plan_warnings(taxonomy, list(prepared.taxonomy.warnings),
                           full=full_warnings or verbose or not prepared.analysis.cache_hit)
        where = "cache hit" if prepared.analysis.cache_hit else "analysed"
        merged = f", merged with {rules_path}" if rules_path else ""
        key = f" ({prepared.analysis.cache_key})" if verbose else ""
        err.print(f"[dim]rules: {where}{key}{merged}[/]", highlight=False)
        if prepared.ai_usage is not None:
            err.print(f"AI usage: {prepared.ai_usage.describe()}", style="dim", markup=False,
                      highlight=False)
        for notice in prepared.rules.notices:
            warn(notice)
        for message in prepared.analysis_warnings:
            warn(message)
    return prepared


def show_plan_warnings(taxonomy: Path, warnings: list[str], *, full: bool) -> None:
    """Every warning, or a one-line count with the command that shows them."""
    if full:
        for warning in warnings:
            warn(warning)
    elif warnings:
        count = len(warnings)
        err.print(f"[yellow]{count} warning{'s' if count != 1 else ''} about the plan[/] "
                  f"(see them with: demogen analyze {shlex.quote(str(taxonomy))})",
                  highlight=False)


def run_inputs_for(output: Path, *, taxonomy: Path | None, rules_path: Path | None,
                   industry: str | None, platform: str | None, product_name: str | None,
                   refresh: bool, cache_dir: Path | None, quiet: bool,
                   verbose: bool) -> RunInputs:
    """What ``report`` and ``validate`` check ``output`` against (its own saved plan and
    rules unless ``--taxonomy`` names one), saying where they come from and any mismatch."""
    from demogen.pipeline import run_inputs

    prepared = None
    if taxonomy is not None:
        prepared = load_plan(taxonomy, rules_path=rules_path, industry=industry,
                             platform=platform, product_name=product_name, refresh=refresh,
                             cache_dir=cache_dir, quiet=quiet, verbose=verbose)
    inputs = run_inputs(output, prepared=prepared, rules_path=rules_path, industry=industry,
                        platform=platform, product_name=product_name)
    if not quiet:
        for note in inputs.notes:
            warn(note)
        if verbose and inputs.source:
            err.print(f"[dim]plan and rules: {inputs.source}[/]", highlight=False)
    return inputs
