"""``demogen analyze --explain NAME`` and ``analyze -v``'s per-event listing.

The facts come from :mod:`demogen.analysis.explain`; this module only adds what the
generator decides (whether an event is ever generated) and prints them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table
from rich.text import Text
from rich.tree import Tree

from demogen.cli._console import out

if TYPE_CHECKING:
    from demogen.analysis.explain import Explanation, Fact
    from demogen.pipeline import Prepared

__all__ = ["print_event_listing", "print_explanation"]

#: How each source looks: the plan's columns, the analyzer's reading, the person's edit.
_SOURCE_STYLE = {"plan": "bold cyan", "analysis": "bold", "your rules file": "bold green"}


def print_explanation(name: str, prepared: Prepared) -> None:
    """Everything the rules say about ``name`` (an event or property of the plan), with
    where each fact comes from; an unknown name is a ConfigError with a did-you-mean."""
    from dataclasses import replace

    from demogen.analysis.explain import Fact, explain
    from demogen.analysis.rules import Rules
    from demogen.simulation.unreached import never_generated

    edit = Rules.load(prepared.rules_path) if prepared.rules_path is not None else None
    found = explain(name, prepared.taxonomy, prepared.rules, edit=edit,
                    analysis=prepared.analysis.rules, ai=prepared.analysis.origin)
    skipped = never_generated(prepared.taxonomy, prepared.rules)
    for i, explanation in enumerate(found):
        if explanation.kind == "event" and explanation.name in skipped:
            reason = Fact("not generated", skipped[explanation.name], "analysis")
            explanation = replace(explanation, facts=(*explanation.facts, reason))
        if i:
            out.print()
        _print_one(explanation)


def _print_one(explanation: Explanation) -> None:
    """A tree: the name, then its facts grouped by where they come from, each rules fact
    with the key that holds it (to edit in a rules file)."""
    plan_row = next((f.where for f in explanation.facts if f.source == "plan" and f.where), "")
    heading = Text.assemble((explanation.name, "bold"), f" ({explanation.kind})")
    if plan_row:
        heading.append(f"  {plan_row}", style="dim")
    tree = Tree(heading)
    # The plan, the person's file, an AI's answer (its label names it), the heuristic.
    sources = ["plan", "your rules file",
               *dict.fromkeys(f.source for f in explanation.facts
                              if f.source not in _SOURCE_STYLE), "analysis"]
    for source in sources:
        facts = [f for f in explanation.facts if f.source == source]
        if facts:
            branch = tree.add(Text(f"from {source}",
                                   style=_SOURCE_STYLE.get(source, "bold magenta")))
            for fact in facts:
                branch.add(_fact_text(fact))
    if explanation.replaced:
        branch = tree.add(Text("replaced by your rules file (the analysis said)", style="bold"))
        for fact in explanation.replaced:
            branch.add(_fact_text(fact, style="dim strike"))
    out.print(tree, soft_wrap=False)


def _fact_text(fact: Fact, style: str = "") -> Text:
    text = Text.assemble((f"{fact.topic}: ", "bold"), (fact.text, style))
    if fact.source != "plan" and fact.where:
        text.append(f"  ({fact.where})", style="dim")
    return text


def print_event_listing(taxonomy: Path, rules: dict[str, Any], *, industry: str | None,
                        platform: str | None, product_name: str | None) -> None:
    """One line per plan event (roles, one-time, funnel steps) and per property (kind,
    lifetime, source): ``analyze -v``."""
    from demogen.analysis.explain import event_lines, property_lines
    from demogen.analysis.rules import Rules
    from demogen.taxonomy import load_taxonomy

    plan = load_taxonomy(taxonomy, industry=industry, platform=platform,
                         product_name=product_name).taxonomy
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    table.add_column("event", no_wrap=True)     # names stay whole: people grep them
    for column in ("roles", "one-time", "frequency"):
        table.add_column(column, overflow="fold")
    table.add_column("funnel steps", overflow="fold", min_width=24)
    for line in event_lines(plan, Rules.from_data(rules)):
        table.add_row(Text(line.name), Text(", ".join(line.roles) or "-"),
                      "yes" if line.one_time else "", Text(line.frequency),
                      Text(", ".join(line.funnels) or "-"))
    out.print(table)
    table = Table(show_header=True, header_style="bold", box=None, pad_edge=False)
    for column in ("property", "kind", "lifetime", "source"):
        table.add_column(column, overflow="fold")
    for row in property_lines(plan, Rules.from_data(rules)):
        table.add_row(*(Text(cell) for cell in row))
    out.print(table)
