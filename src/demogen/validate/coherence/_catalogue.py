"""The catalogue check: one id has one name and one type in the whole output, and one row
of a list (``commodity_list[]`` names each commodity once: a quantity says how many).

Properties of one stem (``product_id`` + ``product_name``; ``item_id`` + ``item_type`` in a
row of ``reward_items``; a bare ``id`` + ``name`` inside ``currencies_spent_info``) name
one thing; so do a bare top-level ``name``/``brand``/``category`` beside the one priced id
of a record (Segment's flat Product Viewed: ``record_fields``; a sku beside the id:
``code_fields``), and a venue's city (``hotel_city`` beside ``hotel_id``: one city per
hotel). ``analysis.heuristic._catalogues`` says which, for the generator and for this
check alike. A name is the thing's wherever it appears; a type is compared per property
(two type properties may list different enums). An entry Rules name
(``catalogues.<stem>.entries[].name``: the user's, or a name the plan lists in an enum)
shows that name.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from demogen import gazetteer
from demogen.analysis.heuristic._catalogues import (
    ID,
    NAME,
    TYPE,
    catalogue_role,
    fields_stem,
    group_roles,
)
from demogen.analysis.heuristic.values.names import normalize, singular
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


class CatalogueChecker(Checker):
    name: ClassVar[str] = "catalogue"
    description: ClassVar[str] = ("one catalogue id keeps one name, one type and one value "
                                  "of each attribute (hero_rarity, product_brand) across the "
                                  "output (event properties, object fields, object rows, "
                                  "a bare name/brand/category/sku beside one product id), "
                                  "one city per venue id (hotel_city beside hotel_id), "
                                  "the name Rules give it, the count a pack's entry "
                                  "gives (coin_amount 100 on coin_100); a list names it "
                                  "in one row")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: (stem, field, where the type is shown or "") → id → (value, first place seen)
        self._seen: dict[tuple[str, str, str], dict[str, tuple[Any, Where]]] = {}
        #: (stem, id) → the name Rules give the entry
        self._named = {(stem, e.id): e.name for stem, c in given.rules.catalogues.items()
                       for e in c.entries if e.name is not None}
        #: stem → id → {number property: the count the entry gives} (coin_amount on coin_100)
        self._counts: dict[str, dict[str, dict[str, float]]] = {}
        for stem, c in sorted(given.rules.catalogues.items()):
            for e in c.entries:
                counts = {k: float(v) for k, v in e.attributes.items() if _is_number(v)}
                if counts:
                    self._counts.setdefault(stem, {})[e.id] = counts

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        if isinstance(props, Mapping):
            self._walk(props, None, "", where, report)
            if self._counts:
                self._pack_counts(props, where, report)

    def _pack_counts(self, props: Mapping[str, Any], where: Where, report: Report) -> None:
        """A record naming a pack shows the count its entry gives (``coin_100``:
        ``coin_amount`` 100), a number property only."""
        for name, ident in props.items():
            role = catalogue_role(name)
            if role is None or role.field != ID:
                continue
            for prop, count in self._counts.get(role.stem, {}).get(str(ident), {}).items():
                shown = props.get(prop)
                if isinstance(shown, int | float) and not isinstance(shown, bool) \
                        and shown != count:
                    report(where, f"{role.stem} '{ident}': {prop} {shown:g}, but the entry "
                                  f"gives {count:g} (catalogues attributes)")

    def _walk(self, values: Mapping[str, Any], parent: str | None, path: str, where: Where,
              report: Report) -> None:
        for key, value in values.items():
            rows = value if isinstance(value, list) else [value]
            for row in rows:
                if isinstance(row, Mapping):
                    self._walk(row, key, f"{path}{key}.", where, report)
            if isinstance(value, list):
                _repeated(value, f"{path}{key}", where, report)
        stem_of_object = fields_stem(parent, values) if parent is not None else None
        self._venue_cities(values, stem_of_object, path, where, report)
        for stem, roles in group_roles(values, stem_of_object).items():
            anchor = next((n for n, r in roles.items() if r.field == ID), None)
            ident = values.get(anchor) if anchor is not None else None
            if ident is None or isinstance(ident, list | dict):
                continue
            for name, role in roles.items():
                if role.field == ID or values.get(name) is None:
                    continue
                named = self._named.get((stem, str(ident)))
                if role.field == NAME and named is not None:
                    if values[name] != named:
                        report(where, f"{stem} '{ident}': {path}{name} {values[name]!r}, but "
                                      f"Rules name it {named!r}")
                    continue
                scope = f"{path}{name}" if role.field == TYPE else ""
                self._compare((stem, role.field, scope), str(ident), values[name],
                              f"{path}{name}", where, report)

    def _venue_cities(self, values: Mapping[str, Any], stem_of_object: str | None, path: str,
                      where: Where, report: Report) -> None:
        """A venue's city (``hotel_city`` beside ``hotel_id``) is the venue's: one city per
        id, as the generator reads it from the id (simulation ``_places``)."""
        ids = {role.stem: name for name in values
               if (role := catalogue_role(name, stem_of_object)) is not None
               and role.field == ID}
        for name, city in values.items():
            if gazetteer.level_of(name) != gazetteer.CITY or not isinstance(city, str):
                continue
            address = gazetteer.address_of(name)
            anchor = ids.get(singular(normalize(address))) if address else None
            ident = values.get(anchor) if anchor is not None else None
            if ident is not None and not isinstance(ident, list | dict):
                self._compare((singular(normalize(address)), "city", ""), str(ident), city,
                              f"{path}{name}", where, report)

    def _compare(self, key: tuple[str, str, str], ident: str, value: Any, shown: str,
                 where: Where, report: Report) -> None:
        seen = self._seen.setdefault(key, {})
        first = seen.get(ident)
        if first is None:
            seen[ident] = (value, where)
            return
        if first[0] != value:
            report(where, f"{key[0]} '{ident}': {shown} {value!r}, but {key[1]} {first[0]!r} "
                          f"at {first[1].file}:{first[1].line}")


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _repeated(rows: list[Any], shown: str, where: Where, report: Report) -> None:
    """One list names a thing once (``commodity_list`` rows of one ``commodity_id``: a
    quantity says how many): report an id its rows repeat."""
    dicts = [r for r in rows if isinstance(r, Mapping)]
    if len(dicts) < 2:
        return
    keys = list(dict.fromkeys(k for r in dicts for k in r))
    stem = fields_stem(shown.rsplit(".", 1)[-1], keys)
    key = next((k for k in keys if (role := catalogue_role(k, stem)) is not None
                and role.field == ID), None)
    if key is None:
        return
    idents = [r.get(key) for r in dicts if isinstance(r.get(key), str | int)]
    twice = sorted({str(i) for i in idents if idents.count(i) > 1})
    if twice:
        report(where, f"{shown}[] lists {stem} '{twice[0]}' in {len(dicts)} rows more than "
                      f"once (one row per thing; a quantity says how many)")
