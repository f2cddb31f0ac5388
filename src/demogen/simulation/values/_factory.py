"""ValueFactory: compiles the taxonomy and rules into per-event property samplers.

Everything is decided here, once per shard: the plan (what lives per session, per user
or per event, what pairs with what; ``_plans``), then one chain of closures per property
of each event (``_compile``). Per event, :meth:`EventSampler.sample` only calls those
closures; the only randomness is ``user.rnd``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from demogen.analysis.heuristic import servers
from demogen.analysis.heuristic.values import identity
from demogen.analysis.heuristic.values.progression import counted_sums, max_current_pairs
from demogen.analysis.rules import Rules
from demogen.simulation._context import UserContext
from demogen.simulation.devices import load_countries
from demogen.simulation.state import Derivation
from demogen.simulation.values._compile import compile_event, plain
from demogen.simulation.values._convert import MISS, state_form
from demogen.simulation.values._derived import state_derivations
from demogen.simulation.values._draw import Sampler
from demogen.simulation.values._places import MOVED
from demogen.simulation.values._plans import ValuePlan
from demogen.simulation.values._progress import (
    raise_maxima,
    vip_derivations,
    zero_uncounted_sums,
)
from demogen.simulation.values._roles import Roles
from demogen.simulation.values._sampler import EventSampler
from demogen.simulation.values._state import borrowed_enum, initial_sampler, mirrors
from demogen.simulation.values._tables import Tables
from demogen.taxonomy import EventTaxonomy, ProductInfo
from demogen.vocab import UpdateMethod


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
        self._tables = tables = Tables(taxonomy, self.rules, self.product, seed=seed,
                                       pool_size=pool_size)
        self.warnings = tables.warnings
        plan = ValuePlan.build(tables)
        self._events = {e.name: compile_event(tables, plan, e) for e in taxonomy.events}
        for what, where in tables.skipped_formulas.items():
            tables.warn(f"{what}, which {', '.join(where)} lack(s); there the plain "
                        "sampler is used")
        self._user_samplers: dict[str, Sampler] = {}
        #: (max_x, current_x) pairs of user properties: the best is never below the current.
        self._maxima = max_current_pairs(tables.user_props)
        #: (sum, count) pairs one event moves together: no sum drawn without a count.
        self._counted = counted_sums(tables.rules)
        #: Server user properties a move sets (the plan's set-once ones keep the first).
        self._server_user_props = tuple(
            p.name for p in taxonomy.user_properties
            if servers.server_field(p.name) and p.update_method != UpdateMethod.USER_SET_ONCE)
        self._roles = Roles(tables, self._fresh)
        self._initial = [
            (p.name, initial_sampler(tables, p, self._fresh(p.name)))
            for p in (borrowed_enum(tables, p) for p in taxonomy.user_properties)
            if not p.is_preset
        ]

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
        """Event property → the user property it shows, for progress and non-number
        properties (``level`` → ``player_level``; not balances or measurements).

        The state applier uses it: an update ``set player_level = {{level}}`` on an event
        whose ``level`` mirrors ``player_level`` means "one level up"; a weigh-in that sets
        ``weight_kg`` from its own ``weight_kg`` reports a new value instead.
        """
        return mirrors(self._tables)

    def state_forms(self) -> dict[str, Callable[[Any], Any]]:
        """Event property → how it writes a value of the user's state it shows (the engine
        shows a state changed after the draw: a derived VIP number in a string property)."""
        return {name: state_form(prop) for name, prop in self._tables.props.items()}

    def derivations(self) -> tuple[Derivation, ...]:
        """The formulas the user state keeps (``xp`` from ``level``), for the state
        applier; they draw from the user's stream passed to them."""
        return (*state_derivations(self._tables), *vip_derivations(self._tables))

    def country_weights(self) -> dict[str, float] | None:
        """A country mix for :class:`~demogen.simulation.devices.DeviceFactory` from the plan.

        Country enums (``country: US,KR,JP``) and locale enums (``ko-KR, ja-JP``) name the
        product's markets; each known one keeps its default weight from
        ``countries.yaml``. None when the plan names no market (the default mix applies).
        """
        table = load_countries()
        found: list[str] = []
        tables = self._tables
        for prop in (*tables.props.values(), *tables.user_props.values()):
            attr = tables.device(prop.name)
            if attr not in ("country", "locale") or not prop.enum:
                continue
            for value in prop.enum:
                code = str(value).strip().replace("_", "-").split("-")[-1].upper()
                if code in table and code not in found:
                    found.append(code)
        return {code: table[code].weight for code in found} or None

    def account_values(self, user: UserContext) -> dict[str, Any]:
        """The user properties holding ``#account_id`` (Rules' ``device: account_id``),
        for the moment the user gets an account."""
        tables = self._tables
        out: dict[str, Any] = {}
        for name in tables.user_props:
            if tables.device(name) == identity.ACCOUNT:
                value = self.user_value(name, user, "")
                if value is not MISS:
                    out[name] = value
        return out

    def server_move(self, user: UserContext) -> dict[str, Any] | None:
        """The user's move to a newer server when it is due at the session they are in:
        marks it (from now on every server property shows the new server) and returns the
        server user properties and the new role's (``per_role``) to set; None: no move
        now."""
        if not self._tables.servers.move_due(user):
            return None
        user.sticky[MOVED] = True
        # The user creates a role there: the role's own values start afresh (the old
        # role's are kept with its server, 0: the first one).
        role = self._roles.switch(user, 0, 1) if self._roles.active else {}
        return {**role, **{name: value for name in self._server_user_props
                           if (value := self.user_value(name, user, "")) is not MISS}}

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
            if value is not MISS:
                state[name] = value
        raise_maxima(state, self._maxima)
        zero_uncounted_sums(state, self._counted)
        return state

    def user_value(self, name: str, user: UserContext, time_str: str) -> Any:
        """A fresh value for user property ``name`` (for ``user_set`` of a new nickname …)."""
        fn = self._user_samplers.get(name)
        if fn is None:
            if name not in self._tables.user_props:
                raise KeyError(f"user property '{name}' is not in the taxonomy")
            fn = self._user_samplers[name] = self._fresh(name)
        return fn(user, {}, time_str)

    def _fresh(self, user_prop: str) -> Sampler:
        prop = borrowed_enum(self._tables, self._tables.user_props[user_prop])
        return plain(self._tables, prop, None, frozenset())[0]
