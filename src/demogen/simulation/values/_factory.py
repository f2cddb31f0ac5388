"""ValueFactory: compiles the taxonomy and rules into per-event property samplers.

Everything is decided once, here: for each property of each event a chain of small
closures is built, most specific first (the brief's order)::

    state mirror ─► device ─► constraint ─► formula ─► money ─► enum / ranges / name priors

Each link returns its value or hands over to the next one. Per event,
:meth:`EventSampler.sample` only calls the closures in dependency order; the only
randomness is ``user.rnd``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any, cast

from demogen.analysis.formula import Formula, FormulaEvaluator
from demogen.analysis.rules import NumberRange, Rules
from demogen.errors import FormulaError
from demogen.simulation._context import UserContext
from demogen.simulation.devices import load_countries
from demogen.simulation.values import _names as names
from demogen.simulation.values._money import Money, currency_in_name, known_currency
from demogen.simulation.values._numeric import NumberSpec, number_sampler
from demogen.simulation.values._pools import (
    OTHER_PERSON_WORDS,
    Pools,
    Sampler,
    choice_sampler,
    mix64,
    salt,
    stable_sampler,
)
from demogen.taxonomy import Event, EventTaxonomy, ProductInfo, Property, ValueRange
from demogen.vocab import PropertyType, Segment, UpdateMethod

_MISS = object()
#: (lo, hi, mean or None, integer flag) of a number property.
_Bounds = tuple[float, float, float | None, bool]
_ENUM_SKEW = 0.6          # mild Zipf over enumerations: first values commoner, all appear
_FLAG_P = 0.15            # 0/1 flags with no telling name ("system_app"): mostly 0
MAX_LIST = 500
MAX_OBJECT_KEYS = 100
MAX_GROUP_ROWS = 500
_INDEX_CHILD = re.compile(r"^(index|idx|seq|sequence|no|order|rank|row|position)$")


class _RandomBridge:
    """The numpy-Generator methods FormulaEvaluator calls, served by the current user's
    ``random.Random`` (set before each evaluation), so formulas draw from the user's stream."""

    __slots__ = ("rnd",)

    def __init__(self) -> None:
        self.rnd: Any = None

    def integers(self, low: int, high: int, endpoint: bool = False) -> int:
        return self.rnd.randint(int(low), int(high) if endpoint else int(high) - 1)

    def uniform(self, low: float, high: float) -> float:
        return self.rnd.uniform(low, high)

    def random(self) -> float:
        return self.rnd.random()


class EventSampler:
    """Samples the custom properties of one event (its own, then the common ones).

    ``sample(user, time_str)`` returns a new dict in taxonomy order. ``time_str`` is
    the event's ``#time`` (``yyyy-MM-dd HH:mm:ss.SSS``, local).
    """

    __slots__ = ("_order", "_reorder", "_steps", "event_name", "properties")

    def __init__(self, event_name: str, steps: Sequence[tuple[str, Sampler]],
                 order: Sequence[str]):
        self.event_name = event_name
        self._steps = tuple(steps)
        self._order = tuple(order)
        self.properties: tuple[str, ...] = self._order
        self._reorder = tuple(n for n, _ in self._steps) != self._order

    def sample(self, user: UserContext, time_str: str) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for name, fn in self._steps:
            values[name] = fn(user, values, time_str)
        if self._reorder:
            return {name: values[name] for name in self._order}
        return values


class ValueFactory:
    """Compiles property samplers once per shard; hands out :class:`EventSampler` s.

    >>> factory = ValueFactory(taxonomy, rules, product, seed=42)   # doctest: +SKIP
    >>> props = factory.event_sampler("purchase").sample(user, "2024-05-01 12:30:45.123")
    ... # doctest: +SKIP

    ``pool_size`` is the number of Faker values drawn per kind and locale (pools are
    filled the first time a user of that locale needs them, from a seed that does not
    depend on that user). Problems found while compiling (a formula that names unknown
    properties …) are collected in :attr:`warnings`; the affected property falls back
    to its plain sampler.
    """

    def __init__(self, taxonomy: EventTaxonomy, rules: Rules | None = None,
                 product: ProductInfo | None = None, *, seed: int, pool_size: int = 500):
        self.taxonomy = taxonomy
        self.rules = rules if rules is not None else Rules()
        self.product = product if product is not None else ProductInfo()
        self.seed = seed
        self.warnings: list[str] = []
        industry = self.product.industry.lower()
        if industry in ("", "generic", "other", "unknown"):
            industry = _guess_industry(taxonomy)
        self._industry = industry
        self._pools = Pools(seed=seed, size=pool_size, industry=industry,
                            product_name=self.product.product_name)
        self._money = Money(industry)
        self._bridge = _RandomBridge()
        self._evaluator = FormulaEvaluator(cast(Any, self._bridge))

        self._props: dict[str, Property] = {}
        for prop in (*taxonomy.properties, *taxonomy.common_properties):
            self._props.setdefault(prop.name, prop)
        self._common = tuple(p.name for p in taxonomy.common_properties if not p.is_preset)
        self._user_props = {p.name: p for p in taxonomy.user_properties}
        self._user_by_key: dict[str, Property] = {}
        for prop in taxonomy.user_properties:
            if not prop.is_preset:
                self._user_by_key.setdefault(names.mirror_key(prop.name), prop)
        self._currency_props = {
            mp.currency_property for mp in self.rules.monetary_properties.values()
            if mp.currency_property
        }
        self._formulas = self._compile_formulas()

        self._skipped_formulas: dict[str, list[str]] = {}
        self._events: dict[str, EventSampler] = {}
        for event in taxonomy.events:
            self._events[event.name] = self._compile_event(event)
        for what, where in self._skipped_formulas.items():
            self.warnings.append(f"{what}, which {', '.join(where)} lack(s); there the plain "
                                 "sampler is used")
        self._user_samplers: dict[str, Sampler] = {}
        self._initial = [
            (p.name, self._compile_initial(p)) for p in taxonomy.user_properties
            if not p.is_preset
        ]

    # -- public -----------------------------------------------------------------------------

    def event_sampler(self, event_name: str) -> EventSampler:
        """The compiled sampler of ``event_name`` (KeyError if the taxonomy lacks it)."""
        try:
            return self._events[event_name]
        except KeyError:
            raise KeyError(f"event '{event_name}' is not in the taxonomy") from None

    @property
    def event_names(self) -> tuple[str, ...]:
        return tuple(self._events)

    def mirrors(self) -> dict[str, str]:
        """Event property → the user property it shows (``level`` → ``player_level``).

        The state applier uses it: an update ``set player_level = {{level}}`` on an event
        whose ``level`` mirrors ``player_level`` means "one level up".
        """
        out: dict[str, str] = {}
        for name, prop in self._props.items():
            if prop.is_preset:
                continue
            target = self._mirror_target(prop)
            if target is not None:
                out[name] = target.name
        return out

    def country_weights(self) -> dict[str, float] | None:
        """A country mix for :class:`~demogen.simulation.devices.DeviceFactory` from the plan.

        Country enums (``country: US,KR,JP``) and locale enums (``ko-KR, ja-JP``) name the
        product's markets; each known one keeps its default weight from
        ``countries.yaml``. None when the plan names no market (the default mix applies).
        """
        table = load_countries()
        found: list[str] = []
        for prop in (*self._props.values(), *self._user_props.values()):
            attr = names.device_attribute(prop.name)
            if attr not in ("country", "locale") or not prop.enum:
                continue
            for value in prop.enum:
                code = str(value).strip().replace("_", "-").split("-")[-1].upper()
                if code in table and code not in found:
                    found.append(code)
        return {code: table[code].weight for code in found} or None

    def initial_user_state(self, user: UserContext, time_str: str | None = None) -> dict[str, Any]:
        """Start values of the user properties, in taxonomy order.

        Numbers come from the segment's ``property_ranges`` first, then ``value_ranges``
        and the property's own range; counters start at 0, levels at 1 (for new users),
        booleans at false, status-like enumerations (``plan``, ``vip_level``) at their
        first value. Time properties are left out, except install-time ones when
        ``time_str`` (the install time) is given; lists and objects start empty.
        """
        state: dict[str, Any] = {}
        for name, fn in self._initial:
            value = fn(user, state, time_str or "")
            if value is not _MISS:
                state[name] = value
        return state

    def user_value(self, name: str, user: UserContext, time_str: str) -> Any:
        """A fresh value for user property ``name`` (for ``user_set`` of a new nickname …)."""
        fn = self._user_samplers.get(name)
        if fn is None:
            prop = self._user_props.get(name)
            if prop is None:
                raise KeyError(f"user property '{name}' is not in the taxonomy")
            fn = self._user_samplers[name] = self._compile_property(
                self._borrowed_enum(prop), None, frozenset(), mirror=False)[0]
        return fn(user, {}, time_str)

    # -- compile: events --------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    def _compile_formulas(self) -> dict[str, Formula]:
        out: dict[str, Formula] = {}
        for prop_name, rel in self.rules.property_relationships.items():
            if not rel.formula:
                continue
            try:
                out[prop_name] = Formula.compile(rel.formula)
            except FormulaError as exc:
                self._warn(f"property '{prop_name}': {exc}; the formula is ignored")
        return out

    def _event_property_names(self, event: Event) -> list[str]:
        listed = [n for n in event.properties if not n.startswith("#")]
        own = set(listed)
        out: list[str] = []
        for name in (*listed, *self._common):
            if name in out:
                continue
            head = name.split(".", 1)[0]
            parent = self._props.get(head)
            if "." in name and head in own and parent is not None and \
                    parent.type in (PropertyType.OBJECT, PropertyType.OBJECT_GROUP):
                continue  # a child row of an object listed separately
            out.append(name)
        return out

    def _compile_event(self, event: Event) -> EventSampler:
        order = self._event_property_names(event)
        present = frozenset(order)
        compiled: dict[str, tuple[Sampler, frozenset[str]]] = {}
        for name in order:
            prop = self._props.get(name)
            if prop is None:
                self._warn(
                    f"event '{event.name}' lists property '{name}', which is not defined; "
                    "it is generated as a string"
                )
                prop = Property(name=name, type=PropertyType.STRING)
            compiled[name] = self._compile_property(prop, event.name, present)
        steps = [(n, compiled[n][0]) for n in _dependency_order(order, compiled)]
        return EventSampler(event.name, steps, order)

    def _compile_property(self, prop: Property, event: str | None, present: frozenset[str],
                          *, mirror: bool = True) -> tuple[Sampler, frozenset[str]]:
        """The chain of samplers of one top-level property and the names it reads."""
        deps: set[str] = set()
        fn = self._core(prop, event, present, deps)
        attr = names.device_attribute(prop.name)
        if prop.name in self._currency_props:
            attr = "currency"
        constraint = self.rules.property_constraints.get(prop.name)
        formula = self._formulas.get(prop.name)
        if formula is not None:
            fn = self._formula(prop, formula, fn, present, deps, event)
        if attr is not None:
            fn = self._device(prop, attr, fn)
        if constraint is not None and constraint.depends_on and constraint.mapping:
            fn = self._constraint(prop, constraint.depends_on[0], constraint.mapping, fn,
                                  present, deps, attr)
        if mirror:
            target = self._mirror_target(prop)
            if target is not None:
                fn = self._mirror(prop, target.name, fn)
        return fn, frozenset(deps)

    # -- the chain, most specific first ------------------------------------------------------

    def _mirror_target(self, prop: Property) -> Property | None:
        target = self._user_props.get(prop.name)
        if target is None and prop.type not in (PropertyType.LIST, PropertyType.OBJECT,
                                                 PropertyType.OBJECT_GROUP):
            target = self._user_by_key.get(names.mirror_key(prop.name))
        if target is None or target.is_preset:
            return None
        if target.type == prop.type or (prop.type == PropertyType.STRING
                                        and target.type == PropertyType.NUMBER):
            return target
        return None

    def _mirror(self, prop: Property, state_name: str, fallback: Sampler) -> Sampler:
        """Event properties that mirror a user property show the user's current value."""
        convert = _converter(prop.type)
        allowed = frozenset(_coerce_enum(prop)) if prop.enum else None

        def mirror(u: UserContext, v: dict[str, Any], t: str) -> Any:
            x = u.state.get(state_name, _MISS)
            if x is _MISS or x is None:
                return fallback(u, v, t)
            x = convert(x)
            if x is _MISS or (allowed is not None and x not in allowed):
                return fallback(u, v, t)
            return x

        return mirror

    def _device(self, prop: Property, attr: str, fallback: Sampler) -> Sampler:
        """Properties that report the device (os, country, language, currency …)."""
        getter = _device_getter(attr)
        if getter is None:
            return fallback
        convert = _converter(prop.type)
        enum = _coerce_enum(prop) if prop.enum else None
        if enum:
            index = {_loose(e): e for e in enum}
            # The brief: a currency property takes the device currency when its enum has
            # it, else its first value (so amounts still agree with it).
            # Other devices get one enum value for good (a Thai device in a KR/JP/US
            # plan reports the same country on every event).
            key = salt(self.seed, "device-miss", prop.name)
            first = enum[0]
            count = len(enum)
            currency = attr == "currency"

            def mapped(u: UserContext, v: dict[str, Any], t: str) -> Any:
                for candidate in getter(u):
                    hit = index.get(_loose(candidate))
                    if hit is not None:
                        return hit
                return first if currency else enum[mix64(u.index ^ key) % count]

            return mapped

        if attr == "app_version":  # until the engine sets #app_version: one per user
            pool = self._pools.built("version")
            key = salt(self.seed, "app-version")  # every app-version property agrees
            fallback = lambda u, v, t: pool[mix64(u.index ^ key) % len(pool)]  # noqa: E731

        def direct(u: UserContext, v: dict[str, Any], t: str) -> Any:
            for candidate in getter(u):
                x = convert(candidate)
                if x is not _MISS:
                    return x
            return fallback(u, v, t)

        return direct

    def _constraint(self, prop: Property, parent: str, mapping: dict[str, list[Any]],
                    fallback: Sampler, present: frozenset[str], deps: set[str],
                    attr: str | None) -> Sampler:
        """``carrier`` ∈ mapping[country]: the parent's value picks the allowed values."""
        convert = _converter(prop.type)
        enum = frozenset(_coerce_enum(prop)) if prop.enum else None
        table: dict[str, tuple[Any, ...]] = {}
        for key, values in mapping.items():
            allowed = [x for x in (convert(v) for v in values) if x is not _MISS]
            if enum is not None and any(x in enum for x in allowed):
                allowed = [x for x in allowed if x in enum]
            if allowed:
                table[_loose(key)] = tuple(allowed)
        if not table:
            self._warn(f"constraint of '{prop.name}' has no usable values; ignored")
            return fallback
        in_event = parent in present
        if in_event:
            deps.add(parent)
        parent_attr = names.device_attribute(parent)
        parent_device = _device_getter(parent_attr) if parent_attr else None
        own_device = _device_getter(attr) if attr else None

        def constrained(u: UserContext, v: dict[str, Any], t: str) -> Any:
            pv = v.get(parent, _MISS) if in_event else _MISS
            if pv is _MISS:
                pv = u.state.get(parent, _MISS)
            if pv is _MISS and parent_device is not None:
                pv = next(iter(parent_device(u)), _MISS)
            if pv is _MISS:
                return fallback(u, v, t)
            allowed = table.get(_loose(pv))
            if not allowed:
                return fallback(u, v, t)
            if own_device is not None:  # prefer the device's own value when it is allowed
                for candidate in own_device(u):
                    x = convert(candidate)
                    if x in allowed:
                        return x
            return allowed[int(u.rnd.random() * len(allowed))]

        return constrained

    def _formula(self, prop: Property, formula: Formula, fallback: Sampler,
                 present: frozenset[str], deps: set[str], event: str | None) -> Sampler:
        """Derived properties: ``xp = level * 100 + randint(0, 50)``."""
        if prop.type not in (PropertyType.NUMBER, PropertyType.STRING, PropertyType.BOOLEAN):
            self._warn(f"formula of '{prop.name}' ignored: {prop.type} properties "
                       "cannot be computed")
            return fallback
        unknown = [n for n in formula.names if n not in present and n not in self._user_props]
        if unknown:
            key = f"formula of '{prop.name}' reads {', '.join(unknown)}"
            self._skipped_formulas.setdefault(key, []).append(event or "(user)")
            return fallback
        deps.update(n for n in formula.names if n in present and n != prop.name)
        evaluate = self._evaluator.evaluate
        bridge = self._bridge
        needs = formula.names
        finish = _formula_result(prop, self._number_bounds(prop, None))

        def derived(u: UserContext, v: dict[str, Any], t: str) -> Any:
            env: dict[str, Any] = {}
            state = u.state
            for n in needs:
                x = v.get(n, _MISS)
                if x is _MISS:
                    x = state.get(n, _MISS)
                if x is _MISS or x is None:
                    return fallback(u, v, t)
                env[n] = x
            bridge.rnd = u.rnd
            try:
                result = finish(evaluate(formula, env))
            except FormulaError:
                return fallback(u, v, t)
            return fallback(u, v, t) if result is _MISS else result

        return derived

    # -- the core: by type --------------------------------------------------------------------

    def _core(self, prop: Property, event: str | None, present: frozenset[str],
              deps: set[str]) -> Sampler:
        ptype = prop.type
        if ptype == PropertyType.NUMBER:
            return self._number(prop, event, present, deps)
        if ptype == PropertyType.BOOLEAN:
            p = names.boolean_probability(prop.name)
            return lambda u, v, t: u.rnd.random() < p
        if ptype == PropertyType.TIME:
            if event is not None and _names_event(prop.name, event):
                return lambda u, v, t: t   # register_time on the register event: now
            return _time_sampler(prop.name, self.seed)
        if ptype == PropertyType.LIST:
            return self._list(prop)
        if ptype == PropertyType.OBJECT:
            return self._object(prop)
        if ptype == PropertyType.OBJECT_GROUP:
            return self._object_group(prop)
        return self._string(prop)

    def _string(self, prop: Property, parent: str | None = None) -> Sampler:
        norm = names.normalize(names.leaf(prop.name))
        if prop.enum:
            values = _coerce_enum(prop)
            if values:
                if names.number_prior(norm).kind == "rating" and all(
                        x.isdigit() for x in values):  # "1".."5" stars: most reviews are good
                    values = sorted(values, key=int, reverse=True)
                return choice_sampler(values, _ENUM_SKEW)
        examples = _examples(prop)
        spec = names.id_spec(prop.name, parent=parent, industry=self._industry)
        if norm in ("account", "uid", "userid", "member", "player"):
            spec = names.IdSpec(stem="account", mode="stable")
        if spec is not None and spec.mode != "unique" and examples:
            pool = self._pools.example_pool(examples, prop.name, 60)
            if spec.mode == "stable":
                return stable_sampler(pool, salt(self.seed, "stable", prop.name))
            return choice_sampler(pool, 0.7)
        if spec is None and (len(examples) >= 2 or (
                examples and names.string_kind(names.leaf(prop.name)) in ("generic",
                                                                           "category_code"))):
            return choice_sampler(self._pools.example_pool(examples, prop.name, 12), _ENUM_SKEW)
        if (names.time_kind(prop.name) != "now" and norm.endswith(("_date", "_day"))) or \
                norm in ("date", "dt"):
            time_fn = _time_sampler(prop.name, self.seed)
            return lambda u, v, t: time_fn(u, v, t)[:10]
        if spec is not None:
            if any(w in norm for w in OTHER_PERSON_WORDS):
                spec = names.IdSpec(stem=spec.stem, mode="catalogue")
            return self._pools.id_sampler(spec, prop.name, numeric=False)
        kind = names.string_kind(names.leaf(prop.name), prop.description)
        if kind == "birthday":
            time_fn = _time_sampler("birthday", self.seed)
            return lambda u, v, t: time_fn(u, v, t)[:10]
        if kind == "date":
            return lambda u, v, t: t[:10]
        if kind == "os_version":  # previous_os_version: one step below the device's
            return _previous_os_version
        return self._pools.string_sampler(kind, names.leaf(prop.name))

    def _number_bounds(self, prop: Property, event: str | None) -> _Bounds | None:
        """(lo, hi, mean, integer-flag) from value_ranges (per event first) or the taxonomy."""
        vr = None
        if event is not None:
            vr = self.rules.value_ranges.get(f"{prop.name}@{event}")
        vr = vr or self.rules.value_ranges.get(prop.name)
        own = prop.value_range
        if vr is not None:
            integer = bool(own and own.integer)
            return float(vr.min), float(vr.max), vr.mean, integer
        if own is not None:
            return float(own.min), float(own.max), None, own.integer
        return None

    def _number(self, prop: Property, event: str | None, present: frozenset[str],
                deps: set[str]) -> Sampler:
        prior = names.number_prior(prop.name)
        bounds = self._number_bounds(prop, event)
        if prop.enum:
            values = [x for x in _coerce_enum(prop) if isinstance(x, int | float)]
            if bounds is not None:
                inside = [x for x in values if bounds[0] <= x <= bounds[1]]
                values = inside or values
            if sorted(values) == [0, 1]:  # a 0/1 flag: as rare or common as its name says
                p = names.boolean_probability(prop.name, default=_FLAG_P)
                return lambda u, v, t: 1 if u.rnd.random() < p else 0
            if values:
                if names.number_prior(prop.name).kind == "rating":  # ratings skew high
                    values = sorted(values, reverse=True)
                return choice_sampler(values, _ENUM_SKEW)
        money = self._money_sampler(prop, event, present, deps, bounds)
        default = money or self._number_default(prop, prior, bounds)
        segments: dict[Segment, Sampler] = {}
        for segment, profile in self.rules.segment_analysis.items():
            rng = None
            if event is not None:
                rng = profile.property_ranges.get(f"{prop.name}@{event}")
            rng = rng or profile.property_ranges.get(prop.name)
            if rng is not None and money is None:
                segments[segment] = self._range_sampler(prop, prior, rng, bounds)
        if not segments:
            return default
        get = segments.get

        def by_segment(u: UserContext, v: dict[str, Any], t: str) -> Any:
            return (get(u.segment) or default)(u, v, t)

        return by_segment

    def _money_sampler(self, prop: Property, event: str | None, present: frozenset[str],
                       deps: set[str],
                       bounds: _Bounds | None) -> Sampler | None:
        rule = self.rules.monetary_properties.get(prop.name)
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
        if cp:
            deps.add(cp)

            def currency_of(u: UserContext, v: dict[str, Any]) -> str:
                code = v.get(cp)
                return code.upper() if isinstance(code, str) and known_currency(code) \
                    else u.device.currency

        else:
            fixed = currency_in_name(prop.name)
            sibling = None if fixed else next(
                (n for n in sorted(present) if n in self._currency_props
                 or names.device_attribute(n) == "currency"), None)
            if sibling is not None:  # the event's own currency property (currency_local)
                deps.add(sibling)

            def currency_of(u: UserContext, v: dict[str, Any]) -> str:
                if sibling is not None:
                    code = v.get(sibling)
                    if isinstance(code, str) and known_currency(code):
                        return code.upper()
                return fixed or u.device.currency

        lo, hi = (bounds[0], bounds[1]) if bounds else (None, None)
        return self._money.amount_sampler(prop.name, currency_of, lo, hi)

    def _number_default(self, prop: Property, prior: names.NumberPrior,
                        bounds: _Bounds | None) -> Sampler:
        if bounds is not None:
            lo, hi, mean, integer = bounds
            return number_sampler(self._spec(prop, prior, lo, hi, mean, integer))
        spec = names.id_spec(prop.name, industry=self._industry)
        if spec is not None:
            if any(w in names.normalize(prop.name) for w in OTHER_PERSON_WORDS):
                spec = names.IdSpec(stem=spec.stem, mode="catalogue")
            return self._pools.id_sampler(spec, prop.name, numeric=True)
        if prior.shape == "epoch":
            return _epoch_sampler(millis=prior.kind == "epoch_ms")
        return number_sampler(NumberSpec(prior.lo, prior.hi, prior.shape, prior.integer,
                                         prior.decimals, prior.center))

    def _range_sampler(self, prop: Property, prior: names.NumberPrior, rng: NumberRange,
                       bounds: _Bounds | None) -> Sampler:
        integer = bool(bounds and bounds[3])
        lo, hi = float(rng.min), float(rng.max)
        if bounds is not None:  # a segment range never leaves the property's own range
            lo, hi = max(lo, bounds[0]), min(hi, bounds[1])
            if lo > hi:
                lo, hi = float(rng.min), float(rng.max)
        mean = rng.mean if rng.mean is not None and lo <= rng.mean <= hi else None
        return number_sampler(self._spec(prop, prior, lo, hi, mean, integer))

    def _spec(self, prop: Property, prior: names.NumberPrior, lo: float, hi: float,
              mean: float | None, integer: bool) -> NumberSpec:
        if not integer:
            integer = prior.kind in names.INTEGER_KINDS or (
                prior.kind == "total" and not names.MONEY_WORDS.search(names.normalize(prop.name))
            ) or (prior.kind not in names.FLOAT_KINDS and float(lo).is_integer()
                  and float(hi).is_integer())
            integer = integer and math.ceil(lo) <= math.floor(hi)
        decimals = prior.decimals if prior.kind in names.FLOAT_KINDS else 2
        if mean is not None:
            return NumberSpec(lo, hi, "mean", integer, decimals, mean)
        shape = prior.shape
        wide = hi - lo > 1000 and hi / max(abs(lo), 1.0) >= 100
        if prior is names.DEFAULT_NUMBER or shape in ("epoch", "uniform") or prior.kind == "value":
            shape = "log" if wide else "low"
        center = prior.center if prior.center is not None and lo < prior.center < hi else None
        if shape == "log" and not wide:
            shape = "low"
        return NumberSpec(lo, hi, shape, integer, decimals, center)

    # -- lists and objects -------------------------------------------------------------------

    def _list(self, prop: Property) -> Sampler:
        lo, hi = _length_bounds(prop.list_length or prop.value_range, default=(1, 3),
                                cap=MAX_LIST)
        if prop.enum:
            values = tuple(str(x) for x in _coerce_enum(prop) if x is not None)
            element = choice_sampler(values, _ENUM_SKEW) if values else None
        else:
            values = ()
            element = None
        examples = _examples(prop)
        if element is None and examples:
            element = choice_sampler(self._pools.example_pool(examples, prop.name, 40), 0.5)
        if element is None:
            element = self._list_element(prop)

        def make_list(u: UserContext, v: dict[str, Any], t: str) -> list[str]:
            n = lo if lo == hi else u.rnd.randint(lo, hi)
            out: list[str] = []
            seen: set[str] = set()
            for _ in range(n * 3):
                if len(out) >= n:
                    break
                x = element(u, v, t)
                x = x if isinstance(x, str) else _to_str(x)
                if x not in seen:
                    seen.add(x)
                    out.append(x)
            return out

        return make_list

    def _list_element(self, prop: Property) -> Sampler:
        norm = names.normalize(names.leaf(prop.name))
        for suffix in ("_list", "_array", "_arr", "_set"):
            if norm.endswith(suffix):
                norm = norm[: -len(suffix)]
        if re.search(r"time|date|timestamp", norm):
            return _time_sampler("last_" + norm, self.seed)
        elem = names.singular(norm) if not norm.endswith(("_ids", "_id")) else norm
        if elem.endswith("_ids"):
            elem = elem[:-1]
        pseudo = Property(name=elem, type=PropertyType.STRING)
        spec = names.id_spec(elem, industry=self._industry)
        kind = names.string_kind(elem)
        if spec is None and kind in ("generic", "category_code"):
            for noise in ("tmp_", "current_", "cur_", "my_"):
                if elem.startswith(noise):
                    elem = elem[len(noise):]
            spec = names.IdSpec(stem=elem, mode="catalogue")
        if spec is not None:
            if any(w in norm for w in OTHER_PERSON_WORDS):
                spec = names.IdSpec(stem=spec.stem, mode="catalogue")
            return self._pools.id_sampler(spec, elem, numeric=False)
        return self._string(pseudo)

    def _children(self, prop: Property) -> list[Property]:
        children = list(prop.children)
        if not children:
            children = _children_from_example(prop)
        seen = _example_fields(prop)
        if seen:  # the plan's JSON sample shows values: use them as the children's examples
            children = [
                c.model_copy(update={"examples": tuple(seen[names.leaf(c.name)])})
                if not c.examples and not c.enum and c.type == PropertyType.STRING
                and seen.get(names.leaf(c.name)) else c
                for c in children
            ]
        return children[:MAX_OBJECT_KEYS]

    def _child_sampler(self, child: Property, parent: Property) -> Sampler:
        """A child of an object: enum, ranges (by ``parent.child`` then by the child's own
        name), name priors; no state mirrors or rules formulas inside objects."""
        name = child.name if "." in child.name else f"{parent.name}.{child.name}"
        key = names.leaf(name)
        if child.type == PropertyType.NUMBER:
            vr = self.rules.value_ranges.get(name) or self.rules.value_ranges.get(key)
            prior = names.number_prior(key)
            if child.enum:
                values = [x for x in _coerce_enum(child) if isinstance(x, int | float)]
                if values:
                    return choice_sampler(values, _ENUM_SKEW)
            if vr is not None:
                integer = bool(child.value_range and child.value_range.integer)
                return number_sampler(self._spec(child, prior, vr.min, vr.max, vr.mean, integer))
            if child.value_range is not None:
                r = child.value_range
                return number_sampler(self._spec(child, prior, r.min, r.max, None, r.integer))
            spec = names.id_spec(key, parent=parent.name, industry=self._industry)
            if spec is not None:
                return self._pools.id_sampler(spec, name, numeric=True)
            return number_sampler(NumberSpec(prior.lo, prior.hi, prior.shape, prior.integer,
                                             prior.decimals, prior.center)) \
                if prior.shape != "epoch" else _epoch_sampler(millis=False)
        if child.type == PropertyType.STRING:
            return self._string(child, parent=parent.name)
        return self._core(child, None, frozenset(), set())

    def _object_fields(self, prop: Property) -> list[tuple[str, Sampler, bool, bool]]:
        fields = []
        for child in self._children(prop):
            key = names.leaf(child.name)
            index = bool(_INDEX_CHILD.match(names.normalize(key))) and \
                child.type in (PropertyType.NUMBER, PropertyType.STRING) and not child.enum
            fields.append((key, self._child_sampler(child, prop), index,
                           child.type == PropertyType.STRING))
        return fields

    def _object(self, prop: Property) -> Sampler:
        fields = self._object_fields(prop)

        def make_object(u: UserContext, v: dict[str, Any], t: str) -> dict[str, Any]:
            return {key: (1 if not as_str else "1") if index else fn(u, v, t)
                    for key, fn, index, as_str in fields}

        return make_object

    def _object_group(self, prop: Property) -> Sampler:
        fields = self._object_fields(prop)
        lo, hi = _length_bounds(prop.list_length or prop.value_range, default=(1, 3),
                                cap=MAX_GROUP_ROWS)

        def make_rows(u: UserContext, v: dict[str, Any], t: str) -> list[dict[str, Any]]:
            n = lo if lo == hi else u.rnd.randint(lo, hi)
            return [
                {key: (i + 1 if not as_str else str(i + 1)) if index else fn(u, v, t)
                 for key, fn, index, as_str in fields}
                for i in range(n)
            ]

        return make_rows

    # -- compile: initial user state ---------------------------------------------------------

    def _borrowed_enum(self, prop: Property) -> Property:
        """A user property without an enum takes the enum of an event property that shows
        it (``vip_level`` common ``lv1,lv2``), so state and events agree."""
        if prop.enum:
            return prop
        for event_prop in self._props.values():
            if event_prop.enum and event_prop.type == prop.type and not event_prop.is_preset:
                target = self._mirror_target(event_prop)
                if target is not None and target.name == prop.name:
                    return prop.model_copy(update={"enum": event_prop.enum})
        return prop

    def _compile_initial(self, prop: Property) -> Sampler:
        prop = self._borrowed_enum(prop)
        norm = names.normalize(prop.name)
        ptype = prop.type
        attr = names.device_attribute(prop.name)
        fresh = self._compile_property(prop, None, frozenset(), mirror=False)[0]
        segment_ranges = {
            seg: rng for seg, profile in self.rules.segment_analysis.items()
            if (rng := profile.property_ranges.get(prop.name)) is not None
        }
        prior = names.number_prior(prop.name)
        bounds = self._number_bounds(prop, None)
        by_segment = {seg: self._range_sampler(prop, prior, rng, bounds)
                      for seg, rng in segment_ranges.items()} \
            if ptype == PropertyType.NUMBER else {}

        if attr is not None and ptype in (PropertyType.STRING, PropertyType.NUMBER):
            return fresh
        if ptype == PropertyType.NUMBER:
            counter = prop.update_method == UpdateMethod.USER_ADD or \
                bool(names.COUNTER.search(norm))
            progress = bool(names.PROGRESS.search(norm))
            lo = bounds[0] if bounds else 0.0
            start = _number_value(max(lo, 1.0) if progress else max(lo, 0.0))
            ranged = number_sampler(self._spec(prop, prior, bounds[0], bounds[1], bounds[2],
                                               bounds[3])) if bounds else None

            def number_start(u: UserContext, s: dict[str, Any], t: str) -> Any:
                seg = by_segment.get(u.segment)
                if seg is not None:
                    return seg(u, s, t)
                if counter or ranged is None or u.segment == Segment.NEW_USER:
                    return start
                return ranged(u, s, t)

            return number_start
        if ptype == PropertyType.BOOLEAN:
            p = names.boolean_probability(prop.name)
            if p >= 0.6 and re.search(r"opt_in|optin|push|consent|agree|notification|allow", norm):
                return lambda u, s, t: u.rnd.random() < p
            return lambda u, s, t: False
        if ptype == PropertyType.STRING:
            if prop.enum and names.STATUS.search(norm):
                first = _coerce_enum(prop)[0]
                return lambda u, s, t: first
            return fresh
        if ptype == PropertyType.TIME:
            install_like = re.search(r"install|first_seen|first_open|first_active|first_launch",
                                     norm)
            if install_like:
                return lambda u, s, t: t if t else _MISS
            return lambda u, s, t: _MISS
        if ptype == PropertyType.LIST or ptype == PropertyType.OBJECT_GROUP:
            return lambda u, s, t: []
        return lambda u, s, t: {}


# -- helpers ----------------------------------------------------------------------------------


_INDUSTRY_WORDS = {
    "gaming": re.compile(r"level|stage|gacha|guild|quest|hero|battle|combat|summon|tutorial|"
                         r"pvp|dungeon|character|arena|reward|clan|tower|mission"),
    "ecommerce": re.compile(r"cart|checkout|order|product|commodity|coupon|wishlist|shipping|"
                            r"refund|return"),
    "saas": re.compile(r"workspace|project|invite|trial|seat|subscription|integration|"
                       r"report|document|team"),
}


def _guess_industry(taxonomy: EventTaxonomy) -> str:
    """The product's industry from its event names, when the product info says nothing."""
    counts = {k: sum(bool(p.search(e.name.lower())) for e in taxonomy.events)
              for k, p in _INDUSTRY_WORDS.items()}
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] >= 2 else "generic"


def _dependency_order(order: Sequence[str],
                      compiled: dict[str, tuple[Sampler, frozenset[str]]]) -> list[str]:
    """Taxonomy order, except that a property comes after the ones it reads.
    Cycles are broken by taxonomy order (the reader then falls back to state or device)."""
    done: list[str] = []
    placed: set[str] = set()
    pending = list(order)
    while pending:
        ready = next((name for name in pending
                      if all(d in placed or d not in compiled
                             for d in compiled[name][1] if d != name)), pending[0])
        pending.remove(ready)
        done.append(ready)
        placed.add(ready)
    return done


def _loose(value: Any) -> str:
    """A forgiving key for matching enum values: ``ko-KR`` ~ ``ko_kr``; ``True`` ~ ``true``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return re.sub(r"[^0-9a-z+]+", "", str(value).lower())


def _to_str(x: Any) -> str:
    if isinstance(x, bool):
        return "true" if x else "false"
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    text = str(x)
    if len(text) > 512 and len(text.encode()) > 2048:  # ThinkingData's 2 KB string limit
        text = text.encode()[:2048].decode("utf-8", "ignore")
    return text


def _number_value(x: float) -> int | float:
    return int(x) if float(x).is_integer() else x


def _converter(ptype: PropertyType) -> Callable[[Any], Any]:
    """Turns a value into the property's type, or ``_MISS`` when it cannot be."""
    if ptype == PropertyType.STRING:
        return lambda x: _MISS if x is None or isinstance(x, dict | list) else _to_str(x)
    if ptype == PropertyType.NUMBER:
        def number(x: Any) -> Any:
            if isinstance(x, bool) or x is None:
                return _MISS
            if isinstance(x, int | float):
                return x if math.isfinite(x) else _MISS
            try:
                f = float(str(x).replace(",", ""))
            except ValueError:
                return _MISS
            return _number_value(f) if math.isfinite(f) else _MISS
        return number
    if ptype == PropertyType.BOOLEAN:
        def boolean(x: Any) -> Any:
            if isinstance(x, bool):
                return x
            s = str(x).strip().lower()
            if s in ("true", "1", "y", "yes"):
                return True
            if s in ("false", "0", "n", "no"):
                return False
            return _MISS
        return boolean
    if ptype == PropertyType.TIME:
        return lambda x: x if isinstance(x, str) and len(x) >= 19 else _MISS
    if ptype == PropertyType.LIST:
        return lambda x: [_to_str(e) for e in x][:MAX_LIST] if isinstance(x, list) else _MISS
    if ptype == PropertyType.OBJECT:
        return lambda x: x if isinstance(x, dict) else _MISS
    return lambda x: x if isinstance(x, list) else _MISS


def _coerce_enum(prop: Property) -> list[Any]:
    """The enum's values in the property's type (numbers parsed, strings stringified)."""
    convert = _converter(prop.type)
    out: list[Any] = []
    for raw in prop.enum or ():
        x = convert(raw)
        if x is not _MISS and x not in out:
            out.append(x)
    return out


def _formula_result(prop: Property,
                    bounds: _Bounds | None) -> Callable[[Any], Any]:
    convert = _converter(prop.type)
    if prop.type != PropertyType.NUMBER:
        return convert
    lo, hi = (bounds[0], bounds[1]) if bounds else (-1e13, 1e13)
    integer = bool(bounds and bounds[3])

    def number(x: Any) -> Any:
        x = convert(x)
        if x is _MISS:
            return _MISS
        x = min(max(x, lo), hi)
        if integer or float(x).is_integer():
            return round(x)
        return round(x, 2)

    return number


def _device_getter(attr: str | None) -> Callable[[UserContext], Iterable[Any]] | None:
    """Candidates (most specific first) of a device attribute, for enum matching."""
    presets_key = {
        "os_version": "#os_version", "device_type": "#device_type", "device_model": "#device_model",
        "manufacturer": "#manufacturer", "carrier": "#carrier", "app_version": "#app_version",
        "device_id": "#device_id", "screen_width": "#screen_width",
        "screen_height": "#screen_height", "browser": "#browser",
        "browser_version": "#browser_version",
    }
    if attr in presets_key:
        key = presets_key[attr]
        if attr == "device_type":  # context.device.type: ios/android, or Phone/Tablet
            return lambda u: tuple(x for x in (u.device.presets.get(key),
                                               u.device.presets.get("#os")) if x is not None)
        return lambda u: (u.device.presets[key],) if key in u.device.presets else ()
    if attr == "os":
        return lambda u: (u.device.presets.get("#os", ""),
                          "web" if "#browser" in u.device.presets else "app")
    if attr == "country":
        return lambda u: (u.device.country,)
    if attr == "language":
        return lambda u: (u.device.language, f"{u.device.language}-{u.device.country}")
    if attr == "locale":
        return lambda u: (f"{u.device.language}-{u.device.country}", u.device.language)
    if attr == "currency":
        return lambda u: (u.device.currency,)
    if attr == "ip":
        return lambda u: (u.device.ip,)
    if attr == "zone_offset":
        return lambda u: (u.device.zone_offset,)
    if attr == "distinct_id":
        return lambda u: (u.device.distinct_id,)
    return None


def _length_bounds(rng: ValueRange | None, *, default: tuple[int, int],
                   cap: int) -> tuple[int, int]:
    if rng is None:
        return default
    lo = max(0, math.ceil(rng.min))
    hi = min(cap, math.floor(rng.max))
    return (lo, hi) if lo <= hi else default


def _previous_os_version(u: UserContext, v: dict[str, Any], t: str) -> str:
    parts = [p for p in str(u.device.presets.get("#os_version", "")).split(".") if p.isdigit()]
    if not parts:
        return "13"
    major = int(parts[0])
    if len(parts) == 1:
        return str(max(major - 1, 1))
    minor = int(parts[1])
    return f"{major}.{minor - 1}" if minor > 0 else f"{max(major - 1, 1)}.7"


# -- time ---------------------------------------------------------------------------------


def format_time(dt: datetime) -> str:
    """``yyyy-MM-dd HH:mm:ss.SSS`` (format doc §4)."""
    return f"{dt:%Y-%m-%d %H:%M:%S}.{dt.microsecond // 1000:03d}"


def _names_event(prop_name: str, event: str) -> bool:
    """``signup_time`` on ``sign_up``: the property is the time of this very event."""
    stem = re.sub(r"_(time|at|date|timestamp|ts|datetime)$", "", names.normalize(prop_name))
    stem = stem.replace("_", "")
    ev = names.normalize(event).replace("_", "")
    return len(stem) >= 4 and len(ev) >= 4 and (stem in ev or ev in stem)


def _time_sampler(name: str, seed: int) -> Sampler:
    kind = names.time_kind(name)
    if kind == "now":
        return lambda u, v, t: t
    parse = datetime.fromisoformat
    if kind == "birthday":
        key = salt(seed, "birthday", names.normalize(name))

        def birthday(u: UserContext, v: dict[str, Any], t: str) -> str:
            h = mix64(u.index ^ key)
            year = int(t[:4]) - 18 - h % 38
            day = (h >> 8) % 365
            return format_time(datetime(year, 1, 1) + timedelta(days=day))

        return birthday
    if kind == "future":
        fixed = 14.0 if "trial" in names.normalize(name) else None

        def future(u: UserContext, v: dict[str, Any], t: str) -> str:
            days = fixed if fixed is not None else 1.0 + 29.0 * u.rnd.random()
            return format_time(parse(t) + timedelta(days=days))

        return future
    median_days = 30.0 if kind == "long_past" else 3.0
    mu = math.log(median_days * 86400.0)

    def past(u: UserContext, v: dict[str, Any], t: str) -> str:
        seconds = min(u.rnd.lognormvariate(mu, 1.0), 365 * 86400.0)
        return format_time(parse(t) - timedelta(seconds=seconds))

    return past


def _epoch_sampler(*, millis: bool) -> Sampler:
    parse = datetime.fromisoformat

    def epoch(u: UserContext, v: dict[str, Any], t: str) -> int:
        local = parse(t)
        seconds = (local - _EPOCH).total_seconds() - u.device.zone_offset * 3600.0
        return int(seconds * 1000) if millis else int(seconds)

    return epoch


_EPOCH = datetime(1970, 1, 1)


# -- examples --------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"^(uuid|guid|xxx+|null|none|n/?a|-|string|text|id|value|\.\.\.)$|"
                          r"또는|업데이트|예시|예:|등$|xxx", re.IGNORECASE)


def _examples(prop: Property) -> list[str]:
    """The plan's example values that look like values (not "UUID" or instructions)."""
    out = []
    for e in prop.examples:
        text = str(e).strip()
        if text and len(text) <= 60 and not _PLACEHOLDER.search(text) and \
                not text.startswith(("{", "[")):
            out.append(text)
    return out


def _example_fields(prop: Property) -> dict[str, list[str]]:
    """String values per key in the JSON sample of an object (group)."""
    fields: dict[str, list[str]] = {}
    for text in (*prop.examples, prop.description):
        sample = _first_json(text, want_list=prop.type == PropertyType.OBJECT_GROUP)
        rows = sample if isinstance(sample, list) else [sample] if isinstance(sample, dict) else []
        for row in rows:
            if isinstance(row, dict):
                for key, value in row.items():
                    if isinstance(value, str) and value not in fields.setdefault(key, []):
                        fields[key].append(value)
        if fields:
            break
    return fields


# -- objects without children: read the example in the description ------------------------


def _children_from_example(prop: Property) -> list[Property]:
    """Fields of an object (group) whose plan gives only a JSON example, as properties."""
    texts = [*prop.examples, prop.description]
    for text in texts:
        sample = _first_json(text, want_list=prop.type == PropertyType.OBJECT_GROUP)
        if sample is None:
            continue
        row = sample[0] if isinstance(sample, list) and sample else sample
        if not isinstance(row, dict):
            continue
        out = []
        for key, value in list(row.items())[:MAX_OBJECT_KEYS]:
            if not isinstance(key, str) or not key:
                continue
            out.append(Property(name=f"{prop.name}.{key}", type=_json_type(value)))
        return out
    return []


def _first_json(text: str, *, want_list: bool) -> Any:
    if not text:
        return None
    opener = "[" if want_list else "{"
    start = text.find(opener)
    if start < 0 and want_list:
        start = text.find("{")
    while start >= 0:
        depth = 0
        for end in range(start, len(text)):
            ch = text[end]
            if ch in "[{":
                depth += 1
            elif ch in "]}":
                depth -= 1
                if depth == 0:
                    try:
                        return json.loads(text[start:end + 1])
                    except ValueError:
                        break
        start = text.find(opener, start + 1)
    return None


def _json_type(value: Any) -> PropertyType:
    if isinstance(value, bool):
        return PropertyType.BOOLEAN
    if isinstance(value, int | float):
        return PropertyType.NUMBER
    if isinstance(value, list):
        return PropertyType.LIST
    if isinstance(value, dict):
        return PropertyType.OBJECT
    return PropertyType.STRING
