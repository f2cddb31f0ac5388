"""The catalogue check: one id has one name and one type in the whole output.

Properties of one stem (``product_id`` + ``product_name``; ``item_id`` + ``item_type`` in a
row of ``reward_items``; a bare ``id`` + ``name`` inside ``currencies_spent_info``) name
one thing; ``analysis.heuristic._catalogues`` says which, for the generator and for this
check alike. A name is the thing's wherever it appears; a type is compared per property
(two type properties may list different enums).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from demogen.analysis.heuristic._catalogues import ID, TYPE, fields_stem, group_roles
from demogen.validate.coherence._base import Checker, CoherenceInput, Report, Where


class CatalogueChecker(Checker):
    name: ClassVar[str] = "catalogue"
    description: ClassVar[str] = ("one catalogue id keeps one name and one type across the "
                                  "output (event properties, object fields, object rows)")

    def __init__(self, given: CoherenceInput) -> None:
        super().__init__(given)
        #: (stem, field, where the type is shown or "") → id → (value, first place seen)
        self._seen: dict[tuple[str, str, str], dict[str, tuple[Any, Where]]] = {}

    def record(self, record: Mapping[str, Any], where: Where, report: Report) -> None:
        props = record.get("properties")
        if isinstance(props, Mapping):
            self._walk(props, None, "", where, report)

    def _walk(self, values: Mapping[str, Any], parent: str | None, path: str, where: Where,
              report: Report) -> None:
        for key, value in values.items():
            rows = value if isinstance(value, list) else [value]
            for row in rows:
                if isinstance(row, Mapping):
                    self._walk(row, key, f"{path}{key}.", where, report)
        stem_of_object = fields_stem(parent, values) if parent is not None else None
        for stem, roles in group_roles(values, stem_of_object).items():
            anchor = next((n for n, r in roles.items() if r.field == ID), None)
            ident = values.get(anchor) if anchor is not None else None
            if ident is None or isinstance(ident, list | dict):
                continue
            for name, role in roles.items():
                if role.field == ID or values.get(name) is None:
                    continue
                scope = f"{path}{name}" if role.field == TYPE else ""
                self._compare((stem, role.field, scope), str(ident), values[name],
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
