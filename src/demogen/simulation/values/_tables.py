"""What every compile step reads: the taxonomy's property tables, the rules and the pools.

One :class:`Tables` is built per :class:`~demogen.simulation.values.ValueFactory`; the
compile functions in the other modules take it as their first argument. Nothing here runs
per event.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any, cast

from demogen import gazetteer
from demogen.analysis.formula import Formula, FormulaEvaluator
from demogen.analysis.heuristic.values import names
from demogen.analysis.heuristic.values.held_freezes import held_counts
from demogen.analysis.heuristic.values.priors import NumberPrior, fraction_of_one, prior_of_kind
from demogen.analysis.heuristic.values.reading import complete_specs, field_spec
from demogen.analysis.rules import PropertySource, PropertySpec, Rules
from demogen.errors import FormulaError
from demogen.simulation.values._catalogue import Catalogues, Link
from demogen.simulation.values._money import Money, RecordMoney
from demogen.simulation.values._places import Places, Servers
from demogen.simulation.values._pools import Pools
from demogen.taxonomy import EventTaxonomy, ProductInfo, Property, plan_industry

#: (lo, hi, mean or None, integer flag) of a number property.
Bounds = tuple[float, float, float | None, bool]



class RandomBridge:
    """The numpy-Generator methods FormulaEvaluator calls, served by the current user's
    ``random.Random`` (set before each evaluation), so formulas draw from the user's stream."""

    __slots__ = ("rnd",)

    def __init__(self) -> None:
        self.rnd: Any = None

    def integers(self, low: int, high: int, endpoint: bool = False) -> int:
        # One uniform draw (``randint`` would cost several): the same distribution.
        lo, hi = int(low), int(high) if endpoint else int(high) - 1
        if hi < lo:
            raise ValueError(f"empty range {low}..{high}")
        return lo + int(self.rnd.random() * (hi - lo + 1))

    def uniform(self, low: float, high: float) -> float:
        return self.rnd.uniform(low, high)

    def random(self) -> float:
        return self.rnd.random()


class Tables:
    """The taxonomy and rules indexed for compiling, plus the shared pools and warnings."""

    def __init__(self, taxonomy: EventTaxonomy, rules: Rules, product: ProductInfo, *,
                 seed: int, pool_size: int):
        self.taxonomy = taxonomy
        self.rules = rules
        self.seed = seed
        self.warnings: list[str] = []
        # The pipeline has inferred it already; rules and plans given straight to the
        # factory (the Python API, tests) are read the same way.
        self.industry = industry = plan_industry(taxonomy, product.industry)
        self.pools = Pools(seed=seed, size=pool_size, industry=industry,
                           product_name=product.product_name)
        self.money = Money(industry, rules.money)
        #: Each event's money, drawn together per record (``_money.record_money``).
        self.record_money: dict[str, RecordMoney | None] = {}
        self.catalogues = Catalogues(seed, rules.catalogues, gaming=self.pools.gaming,
                                     commerce=self.pools.commerce, plan=taxonomy.properties,
                                     vocab=self.pools.vocab_list)
        self._catalogue_links: dict[frozenset[str], dict[str, Link]] = {}
        self.props: dict[str, Property] = {}
        for prop in (*taxonomy.properties, *taxonomy.common_properties):
            self.props.setdefault(prop.name, prop)
        self.common = tuple(p.name for p in taxonomy.common_properties if not p.is_preset)
        self.user_props = {p.name: p for p in taxonomy.user_properties}
        #: What each property means (Rules.properties, completed by the analyzer's
        #: reading for rules that leave a property out).
        self.specs = complete_specs(taxonomy, rules.properties, industry)
        self.currency_props = {
            mp.currency_property for mp in rules.monetary_properties.values()
            if mp.currency_property
        }
        self.places = Places(seed, (*self.props.values(), *self.user_props.values()),
                             lambda p: self.kind(p, gazetteer.LEVELS, ""), rules.market,
                             self._entry_place)
        self.servers = Servers(seed, rules, taxonomy)
        self.formulas = self._compile_formulas()
        #: Per freeze event, the properties showing the freezes the user holds.
        self.held_freezes = held_counts(taxonomy, rules.progression)
        self.bridge = RandomBridge()
        self.evaluator = FormulaEvaluator(cast(Any, self.bridge))
        #: "formula of 'xp' reads power" → the events where that made it fall back.
        self.skipped_formulas: dict[str, list[str]] = {}

    def warn(self, message: str) -> None:
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
                self.warn(f"property '{prop_name}': {exc}; the formula is ignored")
        return out

    def _entry_place(self, stem: str, ident: Any, level: str) -> str | None:
        """The place (``city``/``province``) Rules' catalogue entry gives a thing, if any."""
        return self.catalogues.get(stem).entry(ident).attributes.get(level)

    def catalogue_links(self, names: frozenset[str]) -> dict[str, Link]:
        """How the properties of one record show their catalogue entries (``_catalogue``)."""
        found = self._catalogue_links.get(names)
        if found is None:
            props = [self.props[n] for n in sorted(names) if n in self.props]
            found = self._catalogue_links[names] = {**self.places.links(props),
                                                    **self.catalogues.links(props)}
        return found

    def bounds(self, prop: Property, event: str | None) -> Bounds | None:
        """(lo, hi, mean, integer-flag) from value_ranges (per event first) or the taxonomy."""
        vr = None
        if event is not None:
            vr = self.rules.value_ranges.get(f"{prop.name}@{event}")
        vr = vr or self.rules.value_ranges.get(prop.name)
        own = prop.value_range
        # A share written 0-1 reads as whole ends; it is a ratio, never "0 or 1".
        whole = bool(own and own.integer) and not fraction_of_one(
            self.spec(prop).kind, float(vr.max if vr is not None else own.max if own else 0))
        if vr is not None:
            return float(vr.min), float(vr.max), vr.mean, whole
        if own is not None:
            return float(own.min), float(own.max), None, whole
        return None

    def spec(self, prop: Property) -> PropertySpec:
        """What Rules says of the property; a field inside an object or list (not in
        Rules) is read from its name here."""
        spec = self.specs.get(prop.name)
        if spec is None:
            spec = self.specs[prop.name] = field_spec(prop, self.industry)
        return spec

    def source(self, prop: Property, kind: str) -> PropertySource | None:
        """The property's source when it is of type ``kind`` (``mirror``, ``pool`` …)."""
        source = self.spec(prop).source
        return source if source is not None and source.type == kind else None

    def chosen(self, prop: Property, event: str | None) -> bool:
        """Whether ``event`` names the value the user picks (Rules' ``chosen_on``)."""
        return event is not None and event in (self.spec(prop).chosen_on or ())

    def mirror_target(self, prop: Property) -> Property | None:
        """The user property an event property shows (``cur_level`` → ``level``), if any."""
        return self._user_source(prop, "mirror")

    def before_target(self, prop: Property) -> Property | None:
        """The user property whose value *before* the event a property shows
        (``previous_level``, ``level_before`` → ``level``; ``previous_plan`` → ``plan``),
        if any."""
        return self._user_source(prop, "before")

    def _user_source(self, prop: Property, kind: str) -> Property | None:
        source = self.source(prop, kind)
        # A list of balances is the engine's to choose from (the one the event moves).
        of = source.of if source is not None and isinstance(source.of, str) else ""
        target = self.user_props.get(of)
        if prop.is_preset or target is None or target.is_preset:
            return None
        return target

    def id_shape(self, prop: Property) -> names.IdSpec | None:
        """How an id-like property behaves (Rules' ``id``), or None."""
        shape = self.spec(prop).id
        return None if shape is None else names.IdSpec(stem=shape.stem, mode=shape.mode)

    def device(self, name: str) -> str | None:
        """The device field property ``name`` reports (Rules' ``device``), or None."""
        spec = self.specs.get(name)
        if spec is None:    # a name the plan lacks (#country, a constraint's "country"):
            return names.device_attribute(name)     # the device's field it names
        return spec.device

    def flag_probability(self, prop: Property, default: float = 0.5) -> float:
        """The chance of true of a boolean."""
        source = self.spec(prop).source    # a mirror's p is its draw before any value
        return source.p if source is not None and source.p is not None else default

    def number_prior(self, prop: Property) -> NumberPrior:
        """The default distribution of a number: its kind's, with the source's shape."""
        prior = prior_of_kind(self.spec(prop).kind)
        source = self.spec(prop).source
        if source is None or source.shape is None or (
                source.shape == prior.shape and source.center == prior.center):
            return prior
        return replace(prior, shape=source.shape,
                       center=source.center if source.center is not None else prior.center)

    def kind(self, prop: Property, allowed: frozenset[str], fallback: str) -> str:
        """The property's kind when it is one of ``allowed`` (a name shared by properties
        of different types has the first one's kind), else ``fallback``."""
        kind = self.spec(prop).kind
        return kind if kind in allowed else fallback
