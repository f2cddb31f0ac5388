"""What every inference step reads: the taxonomy, its events' concepts, property lookups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from demogen.analysis.heuristic._events import EventIndex, EventInfo
from demogen.analysis.heuristic._text import split_words
from demogen.taxonomy import EventTaxonomy, ProductInfo, Property
from demogen.vocab import PropertyType


@dataclass
class Context:
    taxonomy: EventTaxonomy
    product: ProductInfo

    @cached_property
    def index(self) -> EventIndex:
        return EventIndex.build(self.taxonomy.events)

    @property
    def infos(self) -> list[EventInfo]:
        return self.index.infos

    @cached_property
    def names(self) -> list[str]:
        return [e.name for e in self.taxonomy.events]

    @cached_property
    def order(self) -> dict[str, int]:
        return {name: i for i, name in enumerate(self.names)}

    @cached_property
    def industry(self) -> frozenset[str]:
        return frozenset(split_words(self.product.industry))

    # -- properties ----------------------------------------------------------------------

    @cached_property
    def event_props(self) -> dict[str, Property]:
        """Event- and common-scope properties by name (first definition wins)."""
        out: dict[str, Property] = {}
        for prop in (*self.taxonomy.properties, *self.taxonomy.common_properties):
            out.setdefault(prop.name, prop)
        return out

    @cached_property
    def common_names(self) -> frozenset[str]:
        return frozenset(p.name for p in self.taxonomy.common_properties)

    @cached_property
    def user_props(self) -> dict[str, Property]:
        out: dict[str, Property] = {}
        for prop in self.taxonomy.user_properties:
            out.setdefault(prop.name, prop)
        return out

    def props_of(self, event: str) -> tuple[str, ...]:
        """The event's own properties, then the common ones."""
        info = self.index.info(event)
        own = tuple(p for p in info.props if p not in self.common_names)
        return own + tuple(sorted(self.common_names, key=self._prop_order))

    def _prop_order(self, name: str) -> int:
        return list(self.event_props).index(name) if name in self.event_props else 1 << 30

    @cached_property
    def events_with(self) -> dict[str, list[str]]:
        """Property name -> the events that carry it (common properties: every event)."""
        out: dict[str, list[str]] = {}
        for info in self.infos:
            for prop in info.props:
                out.setdefault(prop, []).append(info.name)
        for prop in self.common_names:
            out[prop] = list(self.names)
        return out

    def prop(self, name: str) -> Property | None:
        return self.event_props.get(name)

    @cached_property
    def numeric_props(self) -> list[Property]:
        """Every numeric property (event, common, user; children of objects included)."""
        out: list[Property] = []
        seen: set[str] = set()

        def visit(prop: Property, prefix: str = "") -> None:
            name = prop.name if not prefix or prop.name.startswith(prefix) else prefix + prop.name
            if prop.type == PropertyType.NUMBER and name not in seen:
                seen.add(name)
                out.append(prop if name == prop.name else prop.model_copy(update={"name": name}))
            for child in prop.children:
                visit(child, name + ".")

        for prop in (*self.taxonomy.properties, *self.taxonomy.common_properties,
                     *self.taxonomy.user_properties):
            visit(prop)
        return out


__all__ = ["Context"]
