"""Everything the rules say about one event or property, and where each fact came from.

``demogen analyze PLAN --explain NAME`` prints this. A fact comes from the plan (its
columns: description, type, scope, update method, declared range), from the analysis (the
analyzer's reading of the plan) or from the person's rules file (``--rules``): a fact is the
file's when the file sets the key the merge takes it from (``analysis/merge.py``: mappings
key by key, lists whole), and likewise an AI's ("AI (openai/gpt-4.1-mini)") when the model
wrote the key its answer was merged from over the heuristic's. What the analysis said and
the file replaced is kept apart, so a person sees what the edit changed.

Pure: plan + rules in, a typed :class:`Explanation` out; the CLI renders it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any, Literal

from pydantic import BaseModel

from demogen.analysis.base import RuleOrigin
from demogen.analysis.rules import EventRoles, PropertySource, Rules
from demogen.errors import ConfigError
from demogen.taxonomy import Event, EventTaxonomy, Property, SourceRef
from demogen.vocab import Scope

__all__ = ["EventLine", "Explanation", "Fact", "Source", "event_lines", "explain"]

#: "plan", "analysis", "your rules file", or an AI's label ("AI (openai/gpt-4.1-mini)").
Source = str
Kind = Literal["event", "event property", "common property", "user property"]

#: What each role means to the generator, in a person's words (EventRoles' fields).
_ROLE_WORDS = {
    "install": "install: the first event of a new device",
    "signup": "signup: creates the account (#account_id from then on)",
    "login": "login",
    "revenue": "revenue: a real-money purchase (payer rate, ARPDAU)",
    "refund": "refund: reverses a purchase",
    "onboarding": "onboarding: a tutorial or onboarding step",
    "onboarding_complete": "onboarding complete: ends onboarding",
    "view": "view: one item's page, viewed in runs (the browse loop)",
    "cart": "cart: puts the viewed item in a cart (a rate per view)",
    "progress": "progress: a tick while something plays, in runs",
    "search": "search: opens a loop of result views (sometimes refined, sometimes none)",
    "remove": "remove: takes a carted item out of the cart",
    "cart_view": "cart view: shows what is in the cart (its list is the cart)",
    "configure": "configure: changes a setting or the profile, several in a row",
    "consume": "consume: opens one content item (a play, a read, a lesson), several in a row",
}


@dataclass(frozen=True, slots=True)
class Fact:
    """One thing known about the name: ``topic`` (funnel, value range …), what it says,
    where it came from, and ``where``: the plan row or the rules key to edit it."""

    topic: str
    text: str
    source: Source
    where: str = ""


@dataclass(frozen=True, slots=True)
class Explanation:
    """One event or property of the plan and every fact about it.

    ``replaced`` holds what the analysis said that the person's rules file replaced.
    """

    name: str
    kind: Kind
    facts: tuple[Fact, ...]
    replaced: tuple[Fact, ...] = ()


@dataclass(frozen=True, slots=True)
class EventLine:
    """One event in ``analyze -v``'s listing: its roles, one-time, and funnel steps."""

    name: str
    roles: tuple[str, ...] = ()
    one_time: bool = False
    funnels: tuple[str, ...] = ()     # "ftue_tutorial 2/7 (87%)"
    frequency: str = ""               # "core", "rare, ≤1/session"


def explain(name: str, taxonomy: EventTaxonomy, rules: Rules, *, edit: Rules | None = None,
            analysis: Rules | None = None, ai: RuleOrigin | None = None) -> list[Explanation]:
    """Every event and property of the plan named ``name`` (case-insensitive), explained.

    ``rules`` are the rules in force (the analysis with ``edit`` merged over it); ``edit``
    is the person's rules file and ``analysis`` the rules before it, to tell the file's facts
    and the ones it replaced; ``ai`` the part of the analysis a model wrote. An unknown
    name is a ConfigError with the plan's closest names.
    """
    wanted = name.casefold()
    found: list[Explanation] = []
    for event in taxonomy.events:
        if event.name.casefold() == wanted:
            found.append(_explained(event.name, "event", taxonomy, rules, edit, analysis, ai,
                                    lambda r, e, ev=event: _event_facts(ev, taxonomy, r, e)))
    for kind, prop in _plan_properties(taxonomy):
        if prop.name.casefold() == wanted:
            found.append(_explained(prop.name, kind, taxonomy, rules, edit, analysis, ai,
                                    lambda r, e, p=prop: _property_facts(p, taxonomy, r, e)))
    if not found:
        names = [e.name for e in taxonomy.events] + [p.name for _, p in
                                                     _plan_properties(taxonomy)]
        close = difflib.get_close_matches(name, names, n=3, cutoff=0.6)
        if not close:   # case and separators differ more often than spelling
            folded = {n.casefold(): n for n in names}
            close = [folded[c] for c in difflib.get_close_matches(wanted, list(folded), n=3,
                                                                   cutoff=0.6)]
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise ConfigError(f"'{name}' is neither an event nor a property of the plan{hint}")
    return found


def event_lines(taxonomy: EventTaxonomy, rules: Rules) -> list[EventLine]:
    """One line per plan event, in plan order: roles, one-time, funnel steps."""
    ec = rules.event_constraints
    one_time = set(ec.one_time_events)
    lines = []
    for event in taxonomy.events:
        roles = [role for role in EventRoles.model_fields
                 if event.name in getattr(rules.event_roles, role)]
        roles += [word for word, names in (("session start", ec.session_start_events),
                                           ("session end", ec.session_end_events),
                                           ("system", ec.system_events)) if event.name in names]
        steps = [f"{f.name} {i + 1}/{len(f.steps)}"
                 + (f" ({f.conversion[i]:.0%})" if f.conversion else "")
                 for f in ec.funnels for i, step in enumerate(f.steps) if step == event.name]
        spec = rules.events.get(event.name)
        frequency = ", ".join(filter(None, (
            spec.frequency if spec else None,
            f"≤{spec.per_session}/session" if spec and spec.per_session else None)))
        lines.append(EventLine(event.name, tuple(roles), event.name in one_time, tuple(steps),
                               frequency))
    return lines


def property_lines(taxonomy: EventTaxonomy, rules: Rules) -> list[tuple[str, str, str, str]]:
    """(name, kind, lifetime, source) per property of the plan, from ``Rules.properties``;
    a lifetime's exceptions follow it (``event; user on login``)."""
    rows, seen = [], set()
    for _, prop in _plan_properties(taxonomy):
        spec = rules.properties.get(prop.name)
        if spec is None or prop.is_preset or prop.name in seen:
            continue
        seen.add(prop.name)
        lifetime = "; ".join([spec.lifetime or "-", *(
            f"{life} on {event}" for event, life in (spec.lifetime_on or {}).items())])
        rows.append((prop.name, spec.kind or "-", lifetime,
                     source_text(spec.source) if spec.source else "-"))
    return rows


# -- sources ----------------------------------------------------------------------------------


class _Facts:
    """Collects facts, each attributed to the rules file when it sets the fact's key."""

    def __init__(self, edit: Rules | None, ai: RuleOrigin | None = None) -> None:
        self.edit = edit
        self.ai = ai
        self.facts: list[Fact] = []

    def plan(self, topic: str, text: str, where: str = "") -> None:
        self.facts.append(Fact(topic, text, "plan", where))

    def rules(self, topic: str, text: str, *path: str) -> None:
        self.facts.append(Fact(topic, text, self.source_of(path), ".".join(path)))

    def source_of(self, path: tuple[str, ...]) -> Source:
        """The rules file when it sets ``path``, else the AI when it wrote it, else the
        analysis (the heuristic)."""
        if _sets(self.edit, path):
            return "your rules file"
        if self.ai is not None and _sets(self.ai.rules, path):
            return self.ai.label
        return "analysis"


def _sets(edit: Rules | None, path: tuple[str, ...]) -> bool:
    """Whether the rules file sets ``path`` (merged over the analysis: its value wins)."""
    node: Any = edit
    for part in path:
        if isinstance(node, BaseModel):
            if part not in node.model_fields_set:
                return False
            node = getattr(node, part)
        elif isinstance(node, dict):
            keys = {str(k): k for k in node}    # enum keys (segments, stages) by their value
            if part not in keys:
                return False
            node = node[keys[part]]
        else:
            return node is not None             # a list or value: set whole
    return node is not None


def _explained(name: str, kind: Kind, taxonomy: EventTaxonomy, rules: Rules,
               edit: Rules | None, analysis: Rules | None, ai: RuleOrigin | None,
               facts_of: Callable[[Rules, _Facts], list[Fact]]) -> Explanation:
    facts = facts_of(rules, _Facts(edit, ai))
    replaced: list[Fact] = []
    if edit is not None and analysis is not None:
        now = {(f.topic, f.text) for f in facts}
        replaced = [f for f in facts_of(analysis, _Facts(None, ai))
                    if f.source != "plan" and (f.topic, f.text) not in now]
    return Explanation(name, kind, tuple(facts), tuple(replaced))


# -- events -----------------------------------------------------------------------------------


def _event_facts(event: Event, taxonomy: EventTaxonomy, rules: Rules,
                 out: _Facts) -> list[Fact]:
    name, ec = event.name, rules.event_constraints
    where = _where(event.source)
    for label, value in (("display name", event.display_name), ("description", event.description),
                         ("tag", event.tag)):
        if value:
            out.plan(label, value, where)
    out.plan("properties", ", ".join(event.properties) or "none", where)

    for role in EventRoles.model_fields:
        if name in getattr(rules.event_roles, role):
            out.rules("role", _ROLE_WORDS.get(role, role), "event_roles", role)
    for key, topic, text in (
            ("one_time_events", "one-time", "at most once per user"),
            ("session_start_events", "session", "opens each session"),
            ("session_end_events", "session", "closes each session"),
            ("system_events", "system", "server-side (a snapshot or feed, not a user action)")):
        if name in getattr(ec, key):
            out.rules(topic, text, "event_constraints", key)
    spec = rules.events.get(name)
    if spec is not None and spec.frequency:
        out.rules("frequency", _FREQUENCY_WORDS[spec.frequency], "events", name, "frequency")
    if spec is not None and spec.per_session:
        out.rules("per session", f"at most {spec.per_session} per session",
                  "events", name, "per_session")
    if spec is not None and spec.max_per_user:
        out.rules("per user", f"at most {spec.max_per_user} per user",
                  "events", name, "max_per_user")
    if spec is not None and spec.follows:
        rate = "" if spec.rate is None else f" ({spec.rate:.0%} of them)"
        out.rules("follows", f"only after {spec.follows}{rate}", "events", name, "follows")

    for funnel in ec.funnels:
        for i, step in enumerate(funnel.steps):
            if step != name:
                continue
            text = f"step {i + 1} of {len(funnel.steps)} in '{funnel.name}'"
            if funnel.conversion:
                into = "entry" if i == 0 else f"from {funnel.steps[i - 1]}"
                text += f", conversion {funnel.conversion[i]:.0%} ({into})"
            text += f": {' → '.join(funnel.steps)}"
            window = "" if funnel.per_session and funnel.window == "session" else funnel.window
            notes = [n for n in ("within a session" if funnel.per_session else "",
                                 window or "", funnel.source or "") if n]
            if notes:
                text += f" [{'; '.join(notes)}]"
            out.rules("funnel", text, "event_constraints", "funnels")
    details = {tuple(d.events): d for d in ec.sequence_details}
    for sequence in ec.sequences:
        if name in sequence:
            detail = details.get(tuple(sequence))
            text = f"{' → '.join(sequence)}"
            if detail is not None:
                text += f" (scope {detail.scope}{'' if detail.strict else ', any order'}"
                text += f", paired by {detail.key})" if detail.key else ")"
            out.rules("sequence", text, "event_constraints", "sequences")

    needs = ec.prerequisites.get(name, [])
    if needs:
        out.rules("needs first", ", ".join(needs), "event_constraints", "prerequisites", name)
    for other, before in ec.prerequisites.items():
        if name in before:
            out.rules("needed by", other, "event_constraints", "prerequisites", other)

    _lifecycle_facts(name, rules, out)
    _segment_facts(name, rules, out)

    for prop, change in rules.update_patterns.get(name, {}).items():
        value = "" if change.value is None else f" {change.value}"
        out.rules("updates", f"{prop}: {change.type.value}{value}", "update_patterns", name)
    for prop, money in rules.monetary_properties.items():
        on_it = name in money.events if money.events else prop in event.properties
        if on_it:
            currency = money.currency_property or "no currency property"
            out.rules("money", f"{prop} is an amount of money ({currency})",
                      "monetary_properties", prop)
    for target, rel in rules.property_relationships.items():
        if rel.formula and name in rel.events:
            out.rules("formula", f"{target} = {rel.formula}", "property_relationships", target)
    return out.facts


_FREQUENCY_WORDS = {"core": "core (drawn about 3× as often as common events)",
                    "common": "common", "occasional": "occasional (about 0.3× common)",
                    "rare": "rare (about 0.08× common)",
                    "lifecycle": "lifecycle (a few times in a user's life)"}


def _lifecycle_facts(name: str, rules: Rules, out: _Facts) -> None:
    """The lifecycle stages that allow the event (a stage without patterns allows all)."""
    allowed: dict[Source, list[str]] = {}
    refused: dict[Source, list[str]] = {}
    for stage, patterns in rules.lifecycle_rules.items():
        source = out.source_of(("lifecycle_rules", stage.value))
        hits = [p for p in patterns if fnmatchcase(name.lower(), p.lower())]
        if hits:
            allowed.setdefault(source, []).append(f"{stage.value} ({', '.join(hits)})")
        else:
            refused.setdefault(source, []).append(stage.value)
    for topic, groups in (("lifecycle allows", allowed), ("lifecycle refuses", refused)):
        for source, stages in groups.items():
            out.facts.append(Fact(topic, ", ".join(stages), source, "lifecycle_rules"))


def _segment_facts(name: str, rules: Rules, out: _Facts) -> None:
    """Each segment's probability of the event and its place in the segment's typical flow,
    on one line per source (six segments would otherwise fill the screen)."""
    parts: list[tuple[str, str]] = []
    for segment, profile in rules.segment_analysis.items():
        flow = (f" (flow step {profile.event_sequence.index(name) + 1}/"
                f"{len(profile.event_sequence)})" if name in profile.event_sequence else "")
        if name in profile.event_probabilities:
            parts.append((segment.value, f"{segment.value} "
                                         f"{profile.event_probabilities[name]:g}{flow}"))
        elif flow:
            parts.append((segment.value, f"{segment.value}{flow}"))
    _by_source(out, "segments", parts)


def _by_source(out: _Facts, topic: str, parts: list[tuple[str, str]]) -> None:
    """One fact per source from ``(segment, text)`` parts of ``segment_analysis``."""
    groups: dict[Source, list[str]] = {}
    for segment, text in parts:
        source = out.source_of(("segment_analysis", segment))
        groups.setdefault(source, []).append(text)
    for source, texts in groups.items():
        out.facts.append(Fact(topic, "; ".join(texts), source, "segment_analysis"))


# -- properties -------------------------------------------------------------------------------


def _plan_properties(taxonomy: EventTaxonomy) -> Iterator[tuple[Kind, Property]]:
    """Every property of the plan with its kind; an object's children as ``parent.child``
    (the names the rules use for them)."""
    for kind, props in (("event property", taxonomy.properties),
                        ("common property", taxonomy.common_properties),
                        ("user property", taxonomy.user_properties)):
        for prop in props:
            yield from _with_children(kind, prop, "")  # type: ignore[arg-type]


def _with_children(kind: Kind, prop: Property, prefix: str) -> Iterator[tuple[Kind, Property]]:
    named = prop if not prefix else prop.model_copy(update={"name": f"{prefix}.{prop.name}"})
    yield kind, named
    for child in prop.children:
        yield from _with_children(kind, child, named.name)


def _property_facts(prop: Property, taxonomy: EventTaxonomy, rules: Rules,
                    out: _Facts) -> list[Fact]:
    name = prop.name
    where = _where(prop.source)
    out.plan("type", prop.type.value, where)
    out.plan("scope", _SCOPE_WORDS[prop.scope], where)
    if prop.update_method is not None:
        out.plan("update method", prop.update_method.value, where)
    for label, value in (("display name", prop.display_name), ("description", prop.description),
                         ("tag", prop.tag)):
        if value:
            out.plan(label, value, where)
    if prop.value_range is not None:
        out.plan("declared range", f"{_num(prop.value_range.min)} – "
                                   f"{_num(prop.value_range.max)}", where)
    if prop.enum:
        out.plan("declared values", ", ".join(str(v) for v in prop.enum), where)
    if prop.examples:
        out.plan("examples", ", ".join(prop.examples), where)
    out.plan("carried by", _carriers(prop, taxonomy), where)

    _spec_facts(name, rules, out)
    if name in rules.value_ranges:
        r = rules.value_ranges[name]
        mean = "" if r.mean is None else f", mean {_num(r.mean)}"
        out.rules("value range", f"{_num(r.min)} – {_num(r.max)}{mean}", "value_ranges", name)
    if name in rules.monetary_properties:
        money = rules.monetary_properties[name]
        text = f"an amount of money, currency in {money.currency_property or '(none)'}"
        if money.events:
            text += f", on {', '.join(money.events)}"
        out.rules("money", text, "monetary_properties", name)
    for prop_name, money in rules.monetary_properties.items():
        if money.currency_property == name:
            out.rules("currency of", prop_name, "monetary_properties", prop_name)

    constraint = rules.property_constraints.get(name)
    if constraint is not None:
        mapping = "; ".join([*(f"{k} → {', '.join(str(v) for v in vs)}"
                               for k, vs in constraint.mapping.items()),
                             *(f"{k} → {r[0]:g} to {r[1]:g}"
                               for k, r in constraint.ranges.items() if len(r) == 2)])
        out.rules("depends on", f"{', '.join(constraint.depends_on)}"
                                + (f": {mapping}" if mapping else ""),
                  "property_constraints", name)
    for other, c in rules.property_constraints.items():
        if name in c.depends_on:
            out.rules("decides", other, "property_constraints", other)

    relationship = rules.property_relationships.get(name)
    if relationship is not None:
        if relationship.formula:
            on = f" (on {', '.join(relationship.events)})" if relationship.events else ""
            out.rules("formula", f"{name} = {relationship.formula}{on}",
                      "property_relationships", name)
        elif relationship.depends_on:
            out.rules("derived from", ", ".join(relationship.depends_on),
                      "property_relationships", name)
        if relationship.affects:
            out.rules("affects", ", ".join(relationship.affects), "property_relationships", name)
    for other, rel in rules.property_relationships.items():
        if other != name and name in rel.depends_on:
            formula = f": {other} = {rel.formula}" if rel.formula else f": {other}"
            out.rules("input of", f"formula{formula}", "property_relationships", other)

    for event, changes in rules.update_patterns.items():
        if name in changes:
            change = changes[name]
            value = "" if change.value is None else f" {change.value}"
            out.rules("updated by", f"{event}: {change.type.value}{value}",
                      "update_patterns", event)
        for target, change in changes.items():
            if target != name and _references(change.value, name):
                out.rules("feeds update", f"{event}: {target} {change.type.value} {change.value}",
                          "update_patterns", event)

    ranges = [(segment.value, f"{segment.value} {_num(r.min)} – {_num(r.max)}")
              for segment, profile in rules.segment_analysis.items()
              if (r := profile.property_ranges.get(name)) is not None]
    _by_source(out, "segment ranges", ranges)
    return out.facts


def _spec_facts(name: str, rules: Rules, out: _Facts) -> None:
    """What ``properties.NAME`` says: kind, lifetime (and its exceptions), source, unit."""
    spec = rules.properties.get(name)
    if spec is None:
        return
    if spec.kind:
        out.rules("kind", spec.kind, "properties", name, "kind")
    if spec.lifetime:
        out.rules("lifetime", _LIFETIME_WORDS[spec.lifetime], "properties", name, "lifetime")
    for event, lifetime in (spec.lifetime_on or {}).items():
        out.rules("lifetime on", f"{event}: {_LIFETIME_WORDS[lifetime]}",
                  "properties", name, "lifetime_on")
    if spec.source is not None:
        out.rules("source", source_text(spec.source), "properties", name, "source")
    if spec.device:
        out.rules("device", f"the device's {spec.device}", "properties", name, "device")
    if spec.id is not None:
        out.rules("identifier", f"{spec.id.mode} ({spec.id.stem}_…)", "properties", name, "id")
    if spec.start:
        out.rules("starts", _START_WORDS[spec.start], "properties", name, "start")
    if spec.unit:
        out.rules("unit", spec.unit, "properties", name, "unit")


_START_WORDS = {"counter": "at the bottom of its range, for everyone (a counter)",
                "level": "at the first level for new users, anywhere for existing ones",
                "first": "at the first value of its list", "drawn": "drawn for everyone",
                "install": "at the install time", "unset": "absent until an event sets it"}
_LIFETIME_WORDS = {"event": "drawn for every event", "session": "one value per session",
                   "user": "one value per user, kept"}


def source_text(source: PropertySource) -> str:
    """A source in a few words: ``mirror of player_level``, ``true 15 %`` …"""
    if source.type in ("mirror", "before", "after"):
        when = {"mirror": "current", "before": "previous", "after": "resulting"}[source.type]
        return f"{when} value of {' or '.join(source.targets)}"
    if source.type == "latest":
        return f"the last {source.of} the user sent"
    if source.type == "session":
        return f"the session's {source.of}"
    if source.type == "probability":
        return f"true {source.p:.0%} of the time"
    if source.type == "pool":
        weights = source.weights or [1.0] * len(source.values or [])
        total = sum(weights)
        return ", ".join(f"{v} {w / total:.0%}" for v, w in zip(source.values or [], weights,
                                                                strict=True))
    center = f", centred on {_num(source.center)}" if source.center is not None else ""
    return f"{source.shape} distribution{center}"


_SCOPE_WORDS = {Scope.EVENT: "event property", Scope.COMMON: "common (on every event)",
                Scope.USER: "user property (on the user's profile)"}


def _carriers(prop: Property, taxonomy: EventTaxonomy) -> str:
    if prop.scope is Scope.COMMON:
        return "every event"
    top = prop.name.split(".", 1)[0]
    events = [e.name for e in taxonomy.events if top in e.properties]
    if events:
        return ", ".join(events)
    return "no event (set on the profile)" if prop.scope is Scope.USER else "no event"


def _references(value: Any, name: str) -> bool:
    """Whether an update's value reads the property: ``{{price}}``."""
    return isinstance(value, str) and "{{" in value and (
        value.replace(" ", "").find("{{" + name + "}}") >= 0)


def _where(source: SourceRef | None) -> str:
    if source is None:
        return ""
    parts = [str(source.file).rsplit("/", 1)[-1]]
    if source.sheet:
        parts.append(f"sheet '{source.sheet}'")
    if source.row is not None:
        parts.append(f"row {source.row}")
    return ", ".join(parts)


def _num(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))
