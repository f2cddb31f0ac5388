"""Identity and market: values that must agree with the record's ids and device.

- the account-id property (Rules' ``device: account_id``) equals the record's
  ``#account_id``, and is absent while the record has none; an id naming another person
  (``target_role_id``, ``opponent_uid``: ``identity.someone_elses_id``) never equals it;
- an app-store property (``device: store``) names a store of the record's ``#os``
  (user records are judged by the OS their user's events show);
- a language property (``device: language``) agrees with ``#system_language``, unless the
  plan's enum lacks that language (the app then falls back to English or its first);
- an event property showing a name-like user property (``tmp_name`` → ``nick_name``)
  shows the name the profile holds;
- one address's province holds its city (``receiver_province`` / ``receiver_city``), when
  the gazetteer (``data/locale/gazetteer.yaml``) knows both names;
- a server property (``server_id``, ``server_name``) names a server whose region serves the
  user's country (``#ip``'s, as ThinkingData derives ``#country``; else the run's market
  when it is one country), unless none of the run's servers (Rules' ``catalogues.server``)
  serves it; a user's server property changes at most forward (a move to a newer server,
  ``catalogues.server.move_share``), never back to a server the user left (flapping;
  ``user_setOnce`` records keep the first server and are not a change).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from demogen import gazetteer, regions
from demogen.analysis.heuristic import servers
from demogen.analysis.heuristic.values import identity
from demogen.analysis.rules import CatalogueEntry
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where

__all__ = ["MarketChecker"]

_PHONE_OS = {"ios": "ios", "android": "android"}


class MarketChecker(Checker):
    name = "market"
    description = ("account-id properties equal #account_id, another person's id (target_role_id) "
                   "never does; stores fit #os; languages fit "
                   "#system_language; name mirrors show the profile's name; a province "
                   "holds its city; servers are in the user's region")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        specs = given.rules.properties
        by_device: dict[str, set[str]] = {}
        for name, spec in specs.items():
            if spec.device is not None:
                by_device.setdefault(spec.device, set()).add(name)
        self.accounts = frozenset(by_device.get(identity.ACCOUNT, ()))
        #: Ids of another person (an attack's target): never the user's own account.
        self.others = frozenset(name for name in specs if identity.someone_elses_id(name))
        self.stores = frozenset(by_device.get(identity.STORE, ()))
        self.languages = frozenset(by_device.get("language", set()) - {"#system_language"})
        #: event property → the name-like user property it shows.
        self.names = {name: spec.source.of for name, spec in specs.items()
                      if spec.source is not None and spec.source.type == "mirror"
                      and spec.source.of and spec.kind in identity.NAME_KINDS}
        self._offered = self._plan_languages()
        #: address → (its province property, its city property), from the plan's names.
        self.places = _addresses(given)
        self.servers = _Servers(given)
        self._os: dict[str, str] = {}                    # user → phone OS seen
        self._profile: dict[tuple[str, str], Any] = {}   # (user, user property) → name
        self._pending: list[tuple[str, str, Any, Where]] = []   # user stores before an OS
        #: Name mismatches an update at the same time may still explain.
        self._renames: dict[tuple[str, str, str, str], tuple[Where, str]] = {}

    @property
    def active(self) -> bool:
        return bool(self.accounts or self.others or self.stores or self.languages or self.names
                    or self.places or self.servers.fields)

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        if not isinstance(props, Mapping):
            return
        user = str(record.get("#distinct_id") or record.get("#account_id") or "")
        time = str(record.get("#time", ""))
        self._account(record, props, where, report)
        self._places(props, where, report)
        self.servers.record(user, record, props, where, report)
        if record.get("#type") == "track":
            self._track(user, time, props, where, report)
        else:
            self._profile_record(user, time, props, where)

    def finish(self, report: Report) -> None:
        for where, message in self._renames.values():
            report(where, message)
        for user, name, value, where in self._pending:
            self._store(self._os.get(user), name, value, where, report)
        self.servers.finish(report)

    # -- parts ------------------------------------------------------------------------

    def _account(self, record: Mapping[str, Any], props: Mapping[str, Any], where: Where,
                 report: Report) -> None:
        account = record.get("#account_id")
        for name in self.accounts & props.keys():
            if account is None:
                report(where, f"{name} {props[name]!r} on a record without #account_id")
            elif str(props[name]) != str(account):
                report(where, f"{name} {props[name]!r} is not the #account_id {account!r}")
        for name in sorted(self.others & props.keys()) if account is not None else ():
            if str(props[name]) == str(account):
                report(where, f"{name} {props[name]!r} is the user's own #account_id")

    def _track(self, user: str, time: str, props: Mapping[str, Any], where: Where,
               report: Report) -> None:
        os_ = _PHONE_OS.get(str(props.get("#os", "")).lower())
        if os_ is not None:
            self._os.setdefault(user, os_)
        for name in self.stores & props.keys():
            self._store(os_, name, props[name], where, report)
        system = _base(props.get("#system_language"))
        for name in self.languages & props.keys():
            shown = _base(props[name])
            if system and shown != system and system in self._offered.get(name, {system}):
                report(where, f"{name} {props[name]!r} but #system_language "
                              f"{props.get('#system_language')!r}")
        for name in self.names.keys() & props.keys():
            held = self._profile.get((user, self.names[name]))
            if held is not None and props[name] != held:
                # A rename shows the new name on its event, the profile's record follows.
                self._renames[(user, self.names[name], str(props[name]), time)] = (
                    where, f"{name} {props[name]!r} but the profile's {self.names[name]} "
                           f"is {held!r}")

    def _profile_record(self, user: str, time: str, props: Mapping[str, Any],
                        where: Where) -> None:
        for user_prop in set(self.names.values()) & props.keys():
            self._profile[(user, user_prop)] = props[user_prop]
            self._renames.pop((user, user_prop, str(props[user_prop]), time), None)
        for name in self.stores & props.keys():
            self._pending.append((user, name, props[name], where))

    def _places(self, props: Mapping[str, Any], where: Where, report: Report) -> None:
        for province, city in self.places:
            if province in props and city in props \
                    and gazetteer.contains(props[province], props[city]) is False:
                report(where, f"{province} {props[province]!r} does not hold {city} "
                              f"{props[city]!r}")

    @staticmethod
    def _store(os_: str | None, name: str, value: Any, where: Where, report: Report) -> None:
        shown = identity.store_os(value)
        if os_ is not None and shown is not None and shown != os_:
            report(where, f"{name} {value!r} is a store of {shown}, the device runs {os_}")

    def _plan_languages(self) -> dict[str, set[str]]:
        """Per language property, the languages its enum offers (no plan: not known, so
        any language must match)."""
        plan = self.given.plan
        if plan is None:
            return {}
        out: dict[str, set[str]] = {}
        for prop in (*plan.properties, *plan.common_properties, *plan.user_properties):
            if prop.name in self.languages and prop.enum:
                out[prop.name] = {_base(v) for v in prop.enum}
        return out


def _base(value: Any) -> str:
    """``"ko-KR"`` → ``"ko"``; ``"zh_TW"`` → ``"zh"``; None → ``""``."""
    return str(value).strip().lower().replace("_", "-").split("-")[0] if value else ""


def _addresses(given: CoherenceInput) -> tuple[tuple[str, str], ...]:
    """(province property, city property) pairs of one address each, by name (the rules
    hold one entry per property of the plan)."""
    levels: dict[str, dict[str, str]] = {}
    for name in sorted(given.rules.properties):
        level = gazetteer.level_of(name)
        if level is not None:
            levels.setdefault(gazetteer.address_of(name), {}).setdefault(level, name)
    return tuple((found[gazetteer.PROVINCE], found[gazetteer.CITY])
                 for found in levels.values() if len(found) == 2)


class _Servers:
    """Servers in the user's region: the user's country from the first ``#ip`` that names
    one (records before it wait for it), each server read through Rules' server entries."""

    def __init__(self, given: CoherenceInput) -> None:
        #: Server property (as the files write it) → ``id`` or ``name``.
        self.fields = {name: field for name in given.rules.properties
                       if (field := servers.server_field(name)) is not None}
        own = given.rules.catalogues.get(servers.STEM)
        self._entries: tuple[CatalogueEntry, ...] = tuple(own.entries) if own else ()
        self._by_id = {e.id: e for e in self._entries}
        self._by_name = {servers.server_name(e): e for e in self._entries}
        market = list(given.rules.market or ())
        self._market = market[0] if len(market) == 1 else None
        self._country: dict[str, str] = {}
        self._waiting: dict[str, list[tuple[str, Any, Where]]] = {}
        #: (user, server property) → the servers it showed, in order, the current last.
        self._shown: dict[tuple[str, str], list[str]] = {}

    def record(self, user: str, record: Mapping[str, Any], props: Mapping[str, Any],
               where: Where, report: Report) -> None:
        if not self.fields:
            return
        if record.get("#type") != "user_setOnce":
            self._moves(user, props, where, report)
        if user not in self._country:
            country = regions.country_of_ip(record.get("#ip")) or self._market
            if country is not None:
                self._country[user] = country
                for name, value, seen in self._waiting.pop(user, ()):
                    self._judge(country, name, value, seen, report)
        for name in self.fields.keys() & props.keys():
            country = self._country.get(user)
            if country is None:
                self._waiting.setdefault(user, []).append((name, props[name], where))
            else:
                self._judge(country, name, props[name], where, report)

    def finish(self, report: Report) -> None:
        self._waiting.clear()   # users whose country no record shows: nothing to judge

    def _moves(self, user: str, props: Mapping[str, Any], where: Where,
               report: Report) -> None:
        """A server shown again after the user moved away from it is a flap."""
        for name in self.fields.keys() & props.keys():
            value = str(props[name])
            shown = self._shown.setdefault((user, name), [])
            if shown and shown[-1] == value:
                continue
            if value in shown:
                report(where, f"{name} {props[name]!r} again after the user moved from it "
                              f"to {shown[-1]!r} (servers change back and forth)")
            shown.append(value)

    def _judge(self, country: str, name: str, value: Any, where: Where,
               report: Report) -> None:
        entry = self._entry(name, value)
        region = servers.entry_region(entry) if entry is not None else \
            regions.region_of(value)
        if regions.serves(region, country):
            return
        if self._entries and not any(regions.serves(servers.entry_region(e), country)
                                     for e in self._entries):
            return      # the plan's list has no server for this country
        report(where, f"{name} {value!r} is a server of {region}, the user is in {country}")

    def _entry(self, name: str, value: Any) -> CatalogueEntry | None:
        if self.fields[name] == servers.NAME:
            return self._by_name.get(str(value))
        entry = self._by_id.get(str(value))
        if entry is None and isinstance(value, int) and 1 <= value <= len(self._entries):
            entry = self._entries[value - 1]    # a number shows its place in the list
        return entry
