"""Places: a record's province and city describe one place of the user's country.

The properties of one address (``receiver_province`` + ``receiver_city``; ``province`` +
``city``) are linked like a catalogue's (``_catalogue.Link``): the city is the anchor,
drawn from the gazetteer's places in the user's country (an enum keeps its values: those
the gazetteer places there, else all of them); the province is read from the city. Names
are written in the script the plan's enums and samples use (Hangul samples → 서울특별시).
A user's own place (not a receiver's or a friend's) is one place per user, whichever
property shows it, so the profile's ``province`` and ``city`` agree without a record.
A venue's place (``hotel_city`` beside ``hotel_id``; any catalogue thing's id beside an
address named after it) is an attribute of the thing: its Rules entry's ``city``, else one
gazetteer place of the run's market picked by the id, the same for every user.

Servers: a user plays on one server of Rules' ``catalogues.server`` (else the analyzer's
list for the plan) whose region serves their country, the most specific first (a Korean
user: a ``kr_`` server, else an ``asia_`` one, else a global one); every server property
(``server_id``, ``server_name``, a number ``server_id``) shows that one server. A few users
(the catalogue's ``move_share``) move once, at a session drawn from the user's index, to a
newer server of the same region (one listed after theirs): from then on every server
property shows the new one (the engine marks the move: :data:`MOVED`).
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from demogen import gazetteer, regions
from demogen.analysis.heuristic import servers
from demogen.analysis.heuristic._catalogues import ID, catalogue_role
from demogen.analysis.heuristic.values.names import OTHER_PERSON_WORDS, normalize, singular
from demogen.analysis.rules import CatalogueEntry, Rules
from demogen.gazetteer import CITY, PROVINCE, Place
from demogen.simulation._context import UserContext
from demogen.simulation.values._catalogue import Link, Reader
from demogen.simulation.values._convert import coerce_enum
from demogen.simulation.values._draw import Sampler, mix64, salt
from demogen.taxonomy import EventTaxonomy, Property
from demogen.vocab import PropertyType


def _samples(prop: Property) -> list[str]:
    # _strings reads Tables, which holds the places: imported when first compiling
    from demogen.simulation.values._strings import plan_examples

    enum = [str(x) for x in coerce_enum(prop) if x is not None] if prop.enum else []
    return enum or plan_examples(prop)


def _local(samples: Sequence[str]) -> bool | None:
    """Whether samples are mostly in a local script (None: no samples)."""
    if not samples:
        return None
    return sum(gazetteer.is_local(s) for s in samples) * 2 >= len(samples)


class Places:
    """The place links of one factory's records."""

    def __init__(self, seed: int, plan: Sequence[Property], level_of: Callable[[Property], str],
                 market: Mapping[str, float] | None = None,
                 own_place: Callable[[str, Any, str], str | None] | None = None):
        self._seed = seed
        self._level_of = level_of
        #: The run's countries (Rules ``market``; None: every country of the gazetteer).
        self._market = market
        #: (stem, id, level) → the place a Rules catalogue entry gives the thing, if any.
        self._own_place = own_place
        votes = [s for p in plan if level_of(p) in gazetteer.LEVELS for s in _samples(p)]
        #: The plan's script for place properties without samples of their own.
        self._local = bool(_local(votes))
        #: The places a plain ``city`` / ``province`` enum allows (where a service runs:
        #: "San Francisco, London, Berlin, Paris"), None: any. Every property of the user's
        #: own place draws from these, so ``home_city`` names the city the rides show.
        self._own = _allowed([p for p in plan if level_of(p) in gazetteer.LEVELS
                              and p.enum and not gazetteer.address_of(p.name)], level_of)

    def links(self, props: Sequence[Property]) -> dict[str, Link]:
        """Property name → how it shows its address's place, for ``props`` of one record."""
        groups: dict[str, dict[str, Property]] = {}
        for prop in props:
            level = self._level_of(prop)
            if level in gazetteer.LEVELS:
                groups.setdefault(gazetteer.address_of(prop.name), {})[level] = prop
        ids = {role.stem: p.name for p in props
               if (role := catalogue_role(p.name)) is not None and role.field == ID}
        out: dict[str, Link] = {}
        for address, group in groups.items():
            anchor = group.get(CITY) or group[PROVINCE]
            local = self._script(group.values())
            venue = ids.get(singular(normalize(address))) if address else None
            if venue is not None:   # the thing's own place, read from its id
                read = self._venue_reader(singular(normalize(address)), anchor, group, local)
                if read is None:
                    continue
                out[anchor.name] = Link(venue, read)
            else:
                fn = self.sampler(anchor, group, local)
                if fn is None:
                    continue
                out[anchor.name] = Link(None, fn)
            province = group.get(PROVINCE)
            if province is not None and province is not anchor:
                out[province.name] = Link(anchor.name, _province_reader(province, local))
        return out

    def sampler(self, prop: Property, group: dict[str, Property] | None = None,
                local: bool | None = None) -> Sampler | None:
        """``prop``'s place drawn in the user's country (None: its enum names no place)."""
        group = group or {self._level_of(prop): prop}
        level = self._level_of(prop)
        script = self._script(group.values()) if local is None else local
        every = tuple(p for found in gazetteer.places().values() for p in found
                      if all(_shown(member, lvl, p, script) is not None
                             for lvl, member in group.items()))
        if not every:
            return None
        by_country: dict[str, tuple[Place, ...]] = {}
        norm = normalize(prop.name)
        key = None if any(w in norm for w in OTHER_PERSON_WORDS) else salt(self._seed, "place")
        if key is not None and self._own is not None:
            every = tuple(p for p in every if p in self._own) or every

        def pick(u: UserContext, v: dict[str, Any], t: str) -> Any:
            found = by_country.get(u.device.country)
            if found is None:
                found = by_country[u.device.country] = tuple(
                    p for p in every if p.country == u.device.country) or every
            index = int(u.rnd.random() * len(found)) if key is None else \
                mix64(u.index ^ key) % len(found)
            return _shown(prop, level, found[index], script)

        return pick

    def _venue_reader(self, stem: str, prop: Property, group: dict[str, Property],
                      local: bool) -> Reader | None:
        """The place of a thing of ``stem`` (a hotel) given its id: its Rules entry's, else
        a place of the market picked by a hash of the id (a country by the market's
        weights, then a city of it), the same for every user and record."""
        level = self._level_of(prop)
        every = [p for found in gazetteer.places().values() for p in found
                 if all(_shown(member, lvl, p, local) is not None
                        for lvl, member in group.items())]
        weights = self._market or {c: 1.0 for c in gazetteer.places()}
        countries = sorted(c for c in weights if weights[c] > 0 and
                           any(p.country == c for p in every))
        if not countries:
            return None
        by_country = {c: tuple(p for p in every if p.country == c) for c in countries}
        cum = list(itertools.accumulate(weights[c] for c in countries))
        key = salt(self._seed, "venue place", stem)
        own = self._own_place

        @functools.lru_cache(maxsize=4096)
        def read(ident: Any) -> Any:
            given = own(stem, ident, level) if own is not None else None
            if given is not None:
                return given
            draw = salt(key, str(ident))
            country = countries[min(bisect.bisect_right(
                cum, (draw & 0xFFFFFFFF) / 2**32 * cum[-1]), len(countries) - 1)]
            found = by_country[country]
            return _shown(prop, level, found[(draw >> 32) % len(found)], local)

        return read

    def _script(self, group: Any) -> bool:
        for prop in group:
            own = _local(_samples(prop))
            if own is not None:
                return own
        return self._local


def _allowed(props: Sequence[Property], level_of: Callable[[Property], str]
             ) -> frozenset[Place] | None:
    """The gazetteer's places every one of ``props`` (enums) shows (None: no such props)."""
    if not props:
        return None
    return frozenset(p for found in gazetteer.places().values() for p in found
                     if all(_shown(q, level_of(q), p, False) is not None for q in props))


def _shown(prop: Property, level: str, place: Place, local: bool) -> str | None:
    """``place`` at ``level`` as ``prop`` writes it: its enum's spelling (None: not in the
    enum), else the script's."""
    if prop.enum:
        names = {place.name(level, False).casefold(), place.name(level, True).casefold()}
        return next((str(x) for x in coerce_enum(prop)
                     if x is not None and str(x).casefold() in names), None)
    return place.name(level, local)


def _province_reader(prop: Property, local: bool) -> Callable[[Any], Any]:
    """The province of the city the anchor shows."""

    def read(city: Any) -> Any:
        for place in gazetteer.find(CITY, city):
            shown = _shown(prop, PROVINCE, place, local)
            if shown is not None:
                return shown
        return None

    return read


#: ``user.sticky`` key set when the user has moved to their second server.
MOVED = "server\x1fmoved"
#: ``user.sticky`` key of a possible mover's first session number in the window.
FIRST_SESSION = "server\x1ffirst session"


class Servers:
    """The user's game server, one per user, in the region that serves their country;
    a few users move once to a newer one."""

    def __init__(self, seed: int, rules: Rules, taxonomy: EventTaxonomy):
        own = rules.catalogues.get(servers.STEM)
        listed = own if own is not None and own.entries else \
            servers.plan_servers(taxonomy, rules.market)
        self._entries: tuple[CatalogueEntry, ...] = tuple(listed.entries) if listed else ()
        #: The share of users who move (0: nobody does).
        self.move_share = listed.move_share if listed else 0.0
        self._key = salt(seed, "server")
        self._move_key = salt(seed, "server move")
        self._by_country: dict[str, tuple[CatalogueEntry, ...]] = {}

    def sampler(self, prop: Property) -> Sampler | None:
        """How ``prop`` shows the user's server (None: it is no server property)."""
        field = servers.server_field(prop.name)
        if field is None or not self._entries:
            return None
        show = self._shown(field, prop)

        def server(u: UserContext, v: dict[str, Any], t: str) -> Any:
            found = self._of(u.device.country)
            first = found[mix64(u.index ^ self._key) % len(found)]
            newer = self._newer(u.device.country, first) if MOVED in u.sticky else None
            return show(newer or first)

        return server

    def move_due(self, u: UserContext) -> bool:
        """Whether the user moves to their second server at the session they are in (once,
        at the first session from the one drawn for them)."""
        if not self.move_share or MOVED in u.sticky or not self._entries:
            return False
        draw = mix64(u.index ^ self._move_key)
        if (draw & 0xFFFFFFFF) / 2**32 >= self.move_share:
            return False
        found = self._of(u.device.country)
        if self._newer(u.device.country, found[mix64(u.index ^ self._key) % len(found)]) \
                is None:
            return False
        # Counted from the user's first session in the window (an established user's
        # numbers count their history: a move before the window would show no change).
        seen = u.sticky.setdefault(FIRST_SESSION, u.session_number)
        low, high = servers.MOVE_SESSIONS
        return u.session_number - seen + 1 >= low + (draw >> 32) % (high - low + 1)

    def _newer(self, country: str, first: CatalogueEntry) -> CatalogueEntry | None:
        """The server a mover moves to: the next one listed after theirs among the servers
        of their region (the list wraps round), else among every server serving their
        country; None: no other server serves it."""
        for found in (self._of(country), self._serving(country)):
            if len(found) > 1:
                return found[(found.index(first) + 1) % len(found)]
        return None

    def _serving(self, country: str) -> tuple[CatalogueEntry, ...]:
        """Every server whose region serves ``country`` (a country's, a region's, global),
        the user's own region's first."""
        own = self._of(country)
        return own + tuple(e for e in self._entries if e not in own
                           and regions.serves(servers.entry_region(e), country))

    def _of(self, country: str) -> tuple[CatalogueEntry, ...]:
        """The servers of ``country``'s users: those whose region serves it, the most
        specific region first (a country, a region, everyone); none: every server."""
        found = self._by_country.get(country)
        if found is None:
            serving = [(len(regions.region_countries(r) or regions.countries()), e)
                       for e in self._entries
                       if regions.serves(r := servers.entry_region(e), country)]
            best = min((size for size, _ in serving), default=None)
            found = self._by_country[country] = tuple(
                e for size, e in serving if size == best) or self._entries
        return found

    def _shown(self, field: str, prop: Property) -> Callable[[CatalogueEntry], Any]:
        if field == servers.NAME:
            return servers.server_name
        if prop.type == PropertyType.NUMBER:   # the id's number, else its place in the list
            place = {e.id: i + 1 for i, e in enumerate(self._entries)}
            return lambda e: int(e.id) if e.id.isdigit() else place[e.id]
        return lambda e: e.id
