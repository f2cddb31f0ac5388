"""The prompt: a versioned template (``data/prompts/rules_v1.md``) filled from the plan.

What is sent is the plan (events with their tags, descriptions and properties; properties
with types, scopes, update methods and declared ranges or values) and the product info,
never generated data. A plan too large for one call is split into parts of whole events,
each with the properties its events carry plus the common and user properties, so every
part reads on its own; each part also lists the other events' names, so a funnel may span
parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib.resources import files
from string import Template

from demogen.analysis.ai._cost import estimate_tokens
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property

__all__ = ["PROMPT_VERSION", "REVIEW_VERSION", "PromptPart", "build_prompts", "review_prompt",
           "template"]

#: The template in use; part of the cache key, so a new prompt means a new analysis.
PROMPT_VERSION = "rules_v1"
#: The template of ``generate --ai-review`` (a sample run's measurements, never records).
REVIEW_VERSION = "review_v1"


@cache
def template(version: str = PROMPT_VERSION) -> Template:
    text = files("demogen").joinpath("data", "prompts", f"{version}.md").read_text(
        encoding="utf-8")
    return Template(text)


@dataclass(frozen=True, slots=True)
class PromptPart:
    """One call's prompt and the plan events it covers."""

    text: str
    events: tuple[str, ...]
    index: int = 1
    total: int = 1


def build_prompts(taxonomy: EventTaxonomy, product: ProductInfo, *,
                  token_budget: int) -> list[PromptPart]:
    """The prompts for the plan: one, or as many parts as the budget needs (an event
    too large for the budget alone still gets a part of its own)."""
    shared = [*taxonomy.common_properties, *taxonomy.user_properties]
    by_name = {p.name: p for p in taxonomy.properties}
    whole = _render(taxonomy.events, shared, by_name, product, None)
    if estimate_tokens(whole) <= token_budget or len(taxonomy.events) <= 1:
        return [PromptPart(whole, tuple(e.name for e in taxonomy.events))]
    all_names = [e.name for e in taxonomy.events]
    # The fixed part: template, product, shared properties and the list of every event.
    fixed = estimate_tokens(_render((), shared, by_name, product, (1, 1, all_names)))
    groups: list[list[Event]] = [[]]
    used, seen = fixed, {p.name for p in shared}
    for event in taxonomy.events:
        cost, new_props = _cost(event, by_name, seen)
        if groups[-1] and used + cost > token_budget:
            groups.append([])
            used, seen = fixed, {p.name for p in shared}
            cost, new_props = _cost(event, by_name, seen)
        groups[-1].append(event)
        seen.update(new_props)
        used += cost
    total = len(groups)
    return [PromptPart(_render(group, shared, by_name, product, (i, total, all_names)),
                       tuple(e.name for e in group), i, total)
            for i, group in enumerate(groups, start=1)]


def _cost(event: Event, by_name: dict[str, Property], seen: set[str]) -> tuple[int, list[str]]:
    """Estimated tokens ``event`` adds to a part that already lists ``seen`` properties,
    and the properties it brings."""
    new = [n for n in dict.fromkeys(event.properties) if n in by_name and n not in seen]
    return (estimate_tokens(_event_line(event))
            + sum(estimate_tokens(_property_line(by_name[n])) for n in new), new)


def _render(events: tuple[Event, ...] | list[Event], shared: list[Property],
            by_name: dict[str, Property], product: ProductInfo,
            part: tuple[int, int, list[str]] | None) -> str:
    props: list[Property] = []
    seen: set[str] = set()
    for event in events:
        for name in event.properties:
            if name in by_name and name not in seen:
                seen.add(name)
                props.append(by_name[name])
    props += shared
    lines = [line for p in props for line in _property_lines(p, "")]
    part_text = ""
    if part is not None:
        index, total, names = part
        mine = {e.name for e in events}
        others = [n for n in names if n not in mine]
        part_text = (f"\n# Part {index} of {total}\nThe plan is large, so it is sent in "
                     f"{total} parts; this part lists {len(events)} of its events in full. "
                     "Write rules about these events; rules may also name the plan's other "
                     f"events, listed here by name only: {', '.join(others)}\n")
    return template().substitute(
        product=_product(product), part=part_text, event_count=len(events),
        events="\n".join(_event_line(e) for e in events) or "(none)",
        property_count=len(lines), properties="\n".join(lines) or "(none)")


def review_prompt(product: ProductInfo, rules_text: str, *, kpis: list[str],
                  checks: list[str], users: int, days: int) -> str:
    """The review request: the product, a sample run's KPI and check lines, the rules."""
    return template(REVIEW_VERSION).substitute(
        product=_product(product), users=users, days=days,
        kpis="\n".join(kpis) or "(none measured)", checks="\n".join(checks) or "(none)",
        rules=rules_text)


def _product(product: ProductInfo) -> str:
    lines = [f"Name: {product.product_name}", f"Industry: {product.industry}",
             f"Platform: {product.platform}"]
    if product.description:
        lines.append(f"Description: {product.description}")
    return "\n".join(lines)


def _event_line(event: Event) -> str:
    return " | ".join([event.name, event.display_name or "-", event.tag or "-",
                       _flat(event.description) or "-", ", ".join(event.properties) or "-"])


def _property_line(prop: Property) -> str:
    return "\n".join(_property_lines(prop, ""))


def _property_lines(prop: Property, prefix: str) -> list[str]:
    facts = [prop.type.value, prop.scope.value]
    if prop.update_method is not None:
        facts.append(f"update {prop.update_method.value}")
    if prop.value_range is not None:
        facts.append(f"range {prop.value_range.min:g} to {prop.value_range.max:g}")
    if prop.enum:
        facts.append("values " + ", ".join(str(v) for v in prop.enum))
    elif prop.examples:
        facts.append("examples " + ", ".join(prop.examples))
    name = prefix + prop.name
    described = " | ".join(x for x in (prop.display_name, _flat(prop.description)) if x)
    lines = [f"{name} ({'; '.join(facts)})" + (f" | {described}" if described else "")]
    for child in prop.children:
        lines += _property_lines(child, f"{name}.")
    return lines


def _flat(text: str) -> str:
    return " ".join(text.split())
