"""Property rules: country-dependent values, derived formulas and numeric ranges.

- ``property_constraints``: carrier, currency, time zone and locale (a language or a
  place is the device's and the gazetteer's, see simulation/values)
  follow the country (or the locale's region), with values from ``heuristic_locales.yaml``
  for the countries in the taxonomy's enumeration (KR/US/JP by default), narrowed to the
  dependent property's own enumeration when it has one.
- ``property_relationships``: a few formulas that are clearly true where every input travels
  with the target (``total = subtotal + shipping + tax``, ``xp = level * 100 + randint(0, 50)``).
- ``value_ranges``: min/max from the constraint column, else the number kind the name's words
  give (level, age, duration, price, quantity, score, count …; the kinds' ranges and means
  are in ``heuristic_values_numbers.yaml``, shared with the simulation's priors); the mean
  from the kind, or a skewed point.
"""

from __future__ import annotations

import re
from typing import Any

from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._data import load
from demogen.analysis.heuristic._text import contains_any, norm, split_words
from demogen.analysis.heuristic._total_units import total_unit
from demogen.analysis.heuristic.values.priors import (
    DEFAULT_NUMBER,
    NumberPrior,
    fraction_of_one,
    prior_of_kind,
)
from demogen.analysis.rules import NumberRange, PropertyConstraint, PropertyRelationship
from demogen.taxonomy import Property
from demogen.vocab import PropertyType, UpdateMethod

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# -- constraints -------------------------------------------------------------------------------

def _all_props(ctx: Context) -> list[Property]:
    seen: dict[str, Property] = {}
    for prop in (*ctx.taxonomy.common_properties, *ctx.taxonomy.properties,
                 *ctx.taxonomy.user_properties):
        seen.setdefault(prop.name, prop)
    return list(seen.values())


def _named(prop: Property, words: list[str]) -> bool:
    mine = split_words(prop.name)
    joined = "_".join(mine)
    latin = [w for w in words if w.isascii()]
    if any(joined == w or joined.endswith("_" + w) for w in latin):
        return True
    return bool(prop.display_name) and contains_any(norm(prop.display_name),
                                                    [w for w in words if not w.isascii()])


def _country_table() -> tuple[dict[str, dict[str, Any]], dict[str, str]]:
    data = load("locales")
    countries = data["countries"]
    alias = {}
    for code, spec in countries.items():
        for name in [code, *spec["names"]]:
            alias[str(name).lower()] = code
    return countries, alias


def property_constraints(ctx: Context) -> dict[str, PropertyConstraint]:
    spec = load("properties")
    countries, alias = _country_table()
    props = _all_props(ctx)
    parent = next((p for p in props if p.type == PropertyType.STRING
                   and _named(p, spec["country_words"])), None)
    parent_kind = "country"
    if parent is None:
        parent = next((p for p in props if p.type == PropertyType.STRING
                       and _named(p, spec["locale_words"])), None)
        parent_kind = "locale"
    values: dict[str, str] = {}  # parent value -> ISO country
    if parent is not None and parent.enum:
        for value in parent.enum:
            text = str(value)
            if parent_kind == "locale":
                region = re.split(r"[-_]", text)[-1].lower()
                code = alias.get(region)
            else:
                code = alias.get(text.lower())
            if code:
                values[text] = code
    elif parent is None or parent_kind == "country":
        values = {code: code for code in load("locales")["defaults"]}
    if not values:
        return {}
    parent_name = parent.name if parent is not None else "#country"
    out: dict[str, PropertyConstraint] = {}
    for kind, words in spec["country_dependent"].items():
        for prop in props:
            # Carriers, currencies, cities are names: a number (price_local) is not one;
            # presets (#carrier, #system_language) come from the device, already consistent.
            if (prop is parent or prop.type != PropertyType.STRING or prop.is_preset
                    or not _named(prop, words)):
                continue
            if kind == "locale" and parent_kind == "locale":
                continue
            mapping = _mapping(kind, prop, values, countries)
            if mapping:
                out[prop.name] = PropertyConstraint(depends_on=[parent_name], mapping=mapping)
    return out


def _mapping(kind: str, prop: Property, values: dict[str, str],
             countries: dict[str, dict[str, Any]]) -> dict[str, list[Any]]:
    field = {"currency": "currency", "carrier": "carriers", "timezone": "timezones",
             "locale": "locales"}[kind]
    allowed = {str(v).lower(): v for v in prop.enum} if prop.enum else None
    mapping: dict[str, list[Any]] = {}
    for value, code in values.items():
        facts = countries[code]
        if kind == "timezone" and prop.type == PropertyType.NUMBER:
            options: list[Any] = [facts["zone_offset"]]
        else:
            raw = facts[field]
            options = list(raw) if isinstance(raw, list) else [raw]
        if allowed is not None:
            options = [allowed[str(o).lower()] for o in options if str(o).lower() in allowed]
        if options:
            mapping[value] = options
    return mapping


# -- relationships -----------------------------------------------------------------------------

def _ends_with(name: str, words: list[str]) -> bool:
    low = name.lower()
    return any(low == w or low.endswith("_" + w) for w in words)


def _scale(prop: Property | None) -> dict[str, Any]:
    """A ratio formula's ``{scale}`` and ``{digits}``: a share written 0-1 (range ending at
    1) or as a percent (0-100)."""
    ratio = prop is not None and prop.value_range is not None and prop.value_range.max <= 1
    return {"scale": 1, "digits": 3} if ratio else {"scale": 100, "digits": 1}


def _on_its_events(ctx: Context, event: str, spec: dict[str, Any]) -> bool:
    """Whether a formula holds on ``event`` (``""``: the user's properties): a formula
    naming ``event_words`` holds only on events whose name has one (a trip's minutes follow
    its distance at city speeds on a ride, not on a run)."""
    words = spec.get("event_words")
    if not words:
        return True
    return bool(event) and bool(ctx.index.info(event).keys & set(words))


def _own_range(prop: Property | None) -> dict[str, str] | None:
    """A formula's ``{target_min}`` and ``{target_max}``: the target's range in the plan
    (a fare of 3~250 in the rider's currency), or None."""
    if prop is None or prop.value_range is None or prop.value_range.max <= 0:
        return None
    found = prop.value_range
    return {"target_min": f"{_num(found.min):g}", "target_max": f"{_num(found.max):g}"}


def _tops(ctx: Context, sources: dict[str, str]) -> dict[str, str] | None:
    """A formula's ``{<source>_max}`` and ``{<source>_min}``: each source's range in the
    plan (the mistakes a lesson allows: 15), or None when one has no range."""
    tops = {}
    for key, name in sources.items():
        prop = ctx.prop(name)
        if prop is None or prop.value_range is None or prop.value_range.max <= 0:
            return None
        tops[f"{key}_max"] = f"{_num(prop.value_range.max):g}"
        tops[f"{key}_min"] = f"{_num(prop.value_range.min):g}"
    return tops


def property_relationships(ctx: Context) -> dict[str, PropertyRelationship]:
    out: dict[str, PropertyRelationship] = {}
    affects: dict[str, list[str]] = {}
    groups = [(info.name, list(ctx.props_of(info.name))) for info in ctx.infos]
    user = [p.name for p in ctx.taxonomy.user_properties]
    numeric = {p.name for p in ctx.numeric_props}
    for spec in load("properties")["formulas"]:
        for group_name, names in [*groups, ("", user)]:
            if not _on_its_events(ctx, group_name, spec):
                continue
            for target in names:
                if (target not in numeric or not _IDENT.match(target)
                        or not _ends_with(target, spec["target"])):
                    continue
                sources = {}
                for key, words in spec["sources"].items():
                    src = next((n for n in names if n != target and n in numeric
                                and _IDENT.match(n) and _ends_with(n, words)), None)
                    if src is None:
                        break
                    sources[key] = src
                else:
                    tops = _tops(ctx, sources)
                    if tops is None and ("_max}" in spec["formula"]
                                         or "_min}" in spec["formula"]):
                        continue    # the formula needs a source's range the plan lacks
                    own = _own_range(ctx.prop(target))
                    if own is None and "{target_" in spec["formula"]:
                        continue    # ... or the target's own range
                    formula = spec["formula"].format(**sources, **(tops or {}), **(own or {}),
                                                     **_scale(ctx.prop(target)))
                    rel = out.get(target)
                    if rel is None or rel.formula == formula:
                        events = list(rel.events) if rel else []
                        if group_name and group_name not in events:
                            events.append(group_name)
                        out[target] = PropertyRelationship(
                            type="number", depends_on=list(sources.values()), formula=formula,
                            events=events,
                        )
                        for src in sources.values():
                            affects.setdefault(src, [])
                            if target not in affects[src]:
                                affects[src].append(target)
    for target, rel in out.items():
        carriers = ctx.events_with.get(target, [])
        if rel.events and set(rel.events) >= set(carriers):
            rel.events = []  # true wherever the target travels
    for src, targets in affects.items():
        if src not in out:
            out[src] = PropertyRelationship(type="number", depends_on=[], affects=targets)
        else:
            out[src].affects = targets
    return out


# -- ranges ------------------------------------------------------------------------------------

def _prior(prop: Property) -> NumberPrior | None:
    """The number kind the name's (or display name's) words give, if any."""
    leaf = split_words(prop.name.rsplit(".", 1)[-1])
    words = set(leaf)
    display = norm(prop.display_name)
    entries = load("properties")["range_priors"]
    if _total_of_things(leaf, entries):
        return prior_of_kind("count")
    for entry in entries:
        latin = {w for w in entry["words"] if w.isascii()}
        cjk = [w for w in entry["words"] if not w.isascii()]
        if words & latin or (display and contains_any(display, cjk)):
            counted = entry["kind"] == "money" and _counted_total(prop)   # never money
            return prior_of_kind("count" if counted else entry["kind"])
    return prior_of_kind("count") if _counted_total(prop) else None


def _counted_total(prop: Property) -> bool:
    """A user_add total of things with no range of its own (누적 열람 회차 수, "1 증가";
    ``total_iap_count``): whole counts from 0, not the default's money-like 0.99-500."""
    return (prop.update_method is UpdateMethod.USER_ADD and prop.value_range is None
            and total_unit(prop) == "count")


def _total_of_things(words: list[str], entries: list[dict[str, Any]]) -> bool:
    """``total_workouts``: a total of a plural thing no kind names is a count of them, not
    money (``total_spent``, ``total_coins`` and ``total_distance_km`` keep their kind)."""
    if len(words) != 2 or words[0] not in ("total", "cumulative", "lifetime"):
        return False
    thing = words[1]
    named = {w for entry in entries for w in entry["words"]}
    plural = thing.endswith("s") and not thing.endswith(("ss", "us", "is"))
    return plural and not {thing, thing[:-1], thing.removesuffix("es")} & named


def value_range(prop: Property) -> NumberRange:
    prior = _prior(prop)
    basis = prior or DEFAULT_NUMBER
    integer = False
    if prop.value_range is not None:
        lo, hi = prop.value_range.min, prop.value_range.max
        integer = prop.value_range.integer or (float(lo).is_integer() and float(hi).is_integer()
                                               and prior is not None and _integer_prior(basis))
        integer = integer and not (prior is not None and fraction_of_one(prior.kind, hi))
    elif prop.enum and all(
        isinstance(v, int | float) and not isinstance(v, bool) for v in prop.enum
    ):
        nums = [float(v) for v in prop.enum]
        lo, hi = min(nums), max(nums)
        return NumberRange(min=lo, max=hi, mean=round(sum(nums) / len(nums), 4))
    else:
        lo, hi = float(basis.lo), float(basis.hi)
        integer = _integer_prior(basis)
    if lo > hi:
        lo, hi = hi, lo
    mean = float(basis.mean if basis.mean is not None else lo + basis.skew * (hi - lo))
    if not lo <= mean <= hi or (prior is None and prop.value_range is not None):
        mean = lo + float(basis.skew) * (hi - lo)
    if integer:
        mean = float(round(mean))
    mean = min(max(mean, lo), hi)
    return NumberRange(min=_num(lo), max=_num(hi), mean=round(mean, 4))


def _integer_prior(prior: NumberPrior) -> bool:
    return float(prior.lo).is_integer() and float(prior.hi).is_integer()


def _num(x: float) -> float:
    return float(int(x)) if float(x).is_integer() else float(x)


def value_ranges(ctx: Context) -> dict[str, NumberRange]:
    ranges = {prop.name: value_range(prop) for prop in ctx.numeric_props
              if not prop.is_preset}
    return {**ranges, **_own_ranges(ctx), **_run_out(ctx)}


def _own_ranges(ctx: Context) -> dict[str, NumberRange]:
    """``coin_amount@coin_use`` 1~10: the range an event's own row gives a property whose
    name the plan also uses elsewhere with another (coins charged 100~10000)."""
    out: dict[str, NumberRange] = {}
    for event in ctx.taxonomy.events:
        for name, own in event.ranges:
            prop = ctx.event_props.get(name)
            if prop is not None and prop.type == PropertyType.NUMBER and not prop.is_preset:
                out[f"{name}@{event.name}"] = value_range(
                    prop.model_copy(update={"value_range": own}))
    return out


def _run_out(ctx: Context) -> dict[str, NumberRange]:
    """``hearts_left@lesson_fail`` is 0: the event says the user ran out of the thing the
    property counts ("ran out of hearts"), so none of it is left (``out_of_phrases``)."""
    spec = load("properties")
    phrases = "|".join(re.escape(p) for p in spec["out_of_phrases"])
    pattern = re.compile(rf"\b(?:{phrases}) (\w+)")
    left = set(spec["left_words"])
    numeric = {p.name for p in ctx.numeric_props}
    out: dict[str, NumberRange] = {}
    for info in ctx.infos:
        text = f"{info.desc} {' '.join(split_words(info.name))}"
        things = {_singular(m) for m in pattern.findall(text)}
        for name in ctx.props_of(info.name):
            words = {_singular(w) for w in split_words(name)}
            if name in numeric and words & things and words & left:
                out[f"{name}@{info.name}"] = NumberRange(min=0, max=0, mean=0)
    return out


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and len(word) > 3 else word


__all__ = ["property_constraints", "property_relationships", "value_range", "value_ranges"]
