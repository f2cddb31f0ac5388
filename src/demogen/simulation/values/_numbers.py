"""Number properties: enums and 0/1 flags, money, ranges (per segment), name priors, ids.

:func:`number_property` picks one sampler per property at compile time; the shapes
themselves are in ``_number_shapes``.
"""

from __future__ import annotations

import math
from typing import Any

from demogen.analysis.heuristic.values import names, priors
from demogen.analysis.heuristic.values.kinds import boolean_probability
from demogen.analysis.rules import NumberRange
from demogen.simulation._context import UserContext
from demogen.simulation.values._codegen import Writer, indent, with_source
from demogen.simulation.values._convert import coerce_enum
from demogen.simulation.values._draw import Sampler, choice_sampler
from demogen.simulation.values._ids import id_sampler
from demogen.simulation.values._money import currency_in_name, known_currencies
from demogen.simulation.values._number_shapes import NumberSpec, number_sampler
from demogen.simulation.values._tables import Bounds, Tables
from demogen.simulation.values._times import epoch_sampler
from demogen.taxonomy import Property
from demogen.vocab import Segment

ENUM_SKEW = 0.6          # mild Zipf over enumerations: first values commoner, all appear
_FLAG_P = 0.15           # 0/1 flags with no telling name ("system_app"): mostly 0


def number_property(tables: Tables, prop: Property, event: str | None,
                    present: frozenset[str], deps: set[str]) -> Sampler:
    """The sampler of a number property of ``event`` (None: a user property)."""
    bounds = tables.bounds(prop, event)
    if prop.enum:
        enum = _enum_number(tables, prop, bounds)
        if enum is not None:
            return enum
    prior = tables.number_prior(prop)
    money = _money_sampler(tables, prop, event, present, deps, bounds)
    default = money or _number_default(tables, prop, prior, bounds)
    if money is not None:
        return default
    segments: dict[Segment, Sampler] = {}
    for segment, profile in tables.rules.segment_analysis.items():
        rng = profile.property_ranges.get(f"{prop.name}@{event}") if event is not None else None
        rng = rng or profile.property_ranges.get(prop.name)
        if rng is not None:
            segments[segment] = range_sampler(prop, prior, rng, bounds)
    if not segments:
        return default
    get = segments.get

    def by_segment(u: UserContext, v: dict[str, Any], t: str) -> Any:
        return (get(u.segment) or default)(u, v, t)

    def source(w: Writer, out: str) -> list[str]:
        lines = []
        segment_now = w.shared("u.segment")
        for i, (segment, fn) in enumerate(segments.items()):
            lines += [f"{'el' if i else ''}if {segment_now} == {w.ref(segment)}:",
                      *indent(w.value(fn, out))]
        return [*lines, "else:", *indent(w.value(default, out))]

    return with_source(by_segment, source)


def _enum_number(tables: Tables, prop: Property, bounds: Bounds | None) -> Sampler | None:
    values = [x for x in coerce_enum(prop) if isinstance(x, int | float)]
    if bounds is not None:
        values = [x for x in values if bounds[0] <= x <= bounds[1]] or values
    if sorted(values) == [0, 1]:  # a 0/1 flag: as rare or common as its name says
        p = boolean_probability(prop.name, default=_FLAG_P)
        return with_source(lambda u, v, t: 1 if u.rnd.random() < p else 0,
                           lambda w, out: [f"{out} = 1 if rnd() < {w.ref(p)} else 0"])
    if not values:
        return None
    if tables.number_prior(prop).kind == "rating":  # ratings skew high
        values = sorted(values, reverse=True)
    return choice_sampler(values, ENUM_SKEW)


def _money_sampler(tables: Tables, prop: Property, event: str | None,
                   present: frozenset[str], deps: set[str],
                   bounds: Bounds | None) -> Sampler | None:
    rule = tables.rules.monetary_properties.get(prop.name)
    if rule is None:
        return None
    # ``events``: where the property is money (a field of newer rules, an extra before).
    only = getattr(rule, "events", None) or (rule.model_extra or {}).get("events")
    if event is not None and isinstance(only, list) and only and event not in only:
        return None
    cp = rule.currency_property
    if cp and cp not in present:
        # The event has no currency to agree with: the name is money elsewhere but an
        # amount of something else here (GA4 `value` on earn_virtual_currency).
        return None
    if not cp:
        fixed = currency_in_name(prop.name)
        cp = None if fixed else next(
            (n for n in sorted(present) if n in tables.currency_props
             or tables.device(n) == "currency"), None)
    else:
        fixed = None
    if cp:
        deps.add(cp)

    known = known_currencies()

    def currency_of(u: UserContext, v: dict[str, Any]) -> str:
        code = v.get(cp) if cp else None
        if isinstance(code, str) and code.upper() in known:
            return code.upper()
        return fixed or u.device.currency

    lo, hi = (bounds[0], bounds[1]) if bounds else (None, None)
    return tables.money.amount_sampler(prop.name, currency_of, lo, hi)


def _number_default(tables: Tables, prop: Property, prior: priors.NumberPrior,
                    bounds: Bounds | None) -> Sampler:
    if bounds is not None:
        lo, hi, mean, integer = bounds
        return number_sampler(number_spec(prop, prior, lo, hi, mean, integer))
    spec = tables.id_shape(prop)
    if spec is not None:
        return id_sampler(tables.pools, spec, prop.name, numeric=True)
    if prior.shape == "epoch":
        return epoch_sampler(millis=prior.kind == "epoch_ms")
    return prior_sampler(prior)


def prior_sampler(prior: priors.NumberPrior) -> Sampler:
    """Draws from the name's default distribution."""
    return number_sampler(NumberSpec(prior.lo, prior.hi, prior.shape, prior.integer,
                                     prior.decimals, prior.center))


def range_sampler(prop: Property, prior: priors.NumberPrior, rng: NumberRange,
                  bounds: Bounds | None) -> Sampler:
    """A segment's range, kept inside the property's own range."""
    integer = bool(bounds and bounds[3])
    lo, hi = float(rng.min), float(rng.max)
    if bounds is not None:
        lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
        if lo > hi:
            lo, hi = float(rng.min), float(rng.max)
    mean = rng.mean if rng.mean is not None and lo <= rng.mean <= hi else None
    return number_sampler(number_spec(prop, prior, lo, hi, mean, integer))


def number_spec(prop: Property, prior: priors.NumberPrior, lo: float, hi: float,
                mean: float | None, integer: bool) -> NumberSpec:
    """Shape, integer flag and decimals for a range, from what the name says."""
    # an average rating the plan writes "(4.0~5.0)" has decimals, whole ends or not
    written = prior.kind in priors.WRITTEN_KINDS and \
        not priors.whole_kind(prior.kind, prop.value_range)
    if not integer and not written:
        integer = priors.whole_kind(prior.kind, prop.value_range) or (
            prior.kind == "total" and not priors.MONEY_WORDS.search(names.normalize(prop.name))
        ) or (prior.kind not in priors.FLOAT_KINDS and float(lo).is_integer()
              and float(hi).is_integer())
        integer = integer and math.ceil(lo) <= math.floor(hi)
    decimals = prior.decimals if prior.kind in priors.FLOAT_KINDS else 2
    if mean is not None:
        return NumberSpec(lo, hi, "mean", integer, decimals, mean)
    shape = prior.shape
    wide = hi - lo > 1000 and hi / max(abs(lo), 1.0) >= 100
    if prior is priors.DEFAULT_NUMBER or shape in ("epoch", "uniform") or prior.kind == "value":
        shape = "log" if wide else "low"
    center = prior.center if prior.center is not None and lo < prior.center < hi else None
    if shape == "log" and not wide:
        shape = "low"
    return NumberSpec(lo, hi, shape, integer, decimals, center)
