"""Typed models the taxonomy stage hands to analysis and simulation."""

from __future__ import annotations

import hashlib
from typing import Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field

from demogen.vocab import PRESET_PROPERTIES, PropertyType, Scope, UpdateMethod

Scalar = str | int | float | bool


class SourceRef(BaseModel):
    """Where a definition was read from, for messages later in the pipeline."""

    model_config = ConfigDict(frozen=True)

    file: str
    sheet: str | None = None
    row: int | None = None


class ValueRange(BaseModel):
    """A numeric range from a constraint or description: ``1-150``, ``[60,7200]``, ``{1,10}``."""

    model_config = ConfigDict(frozen=True)

    min: float
    max: float
    integer: bool = False


class Property(BaseModel):
    """One property definition. Object and object-group properties hold ``children``."""

    model_config = ConfigDict(frozen=True)

    name: str
    type: PropertyType
    scope: Scope = Scope.EVENT
    display_name: str = ""
    description: str = ""
    tag: str = ""
    value_range: ValueRange | None = None
    enum: tuple[Scalar, ...] | None = None
    examples: tuple[str, ...] = ()
    list_length: ValueRange | None = None
    update_method: UpdateMethod | None = None
    children: tuple[Property, ...] = ()
    source: SourceRef | None = None

    @property
    def is_preset(self) -> bool:
        """A ThinkingData preset property (``#os``, ``#device_id``: format doc §12). Another
        ``#`` name (``#appsflyer_campaign``) is the plan's own property: TE stores no
        unknown ``#`` name, so it is written under a safe name (``analysis.naming``)."""
        return self.name in PRESET_PROPERTIES

    def row_count(self) -> int:
        """Rows this property takes in a workbook: itself plus its ``parent.child`` rows."""
        return 1 + sum(child.row_count() for child in self.children)


class Event(BaseModel):
    """One event with the names of the properties it carries (in taxonomy order)."""

    model_config = ConfigDict(frozen=True)

    name: str
    display_name: str = ""
    description: str = ""
    tag: str = ""
    properties: tuple[str, ...] = ()
    #: A property's own range on this event where its row here gives another than the
    #: plan's one definition (``coin_amount`` 1~10 on ``coin_use``, 100~10000 on
    #: ``coin_charge``, where it is first defined): property name → range.
    ranges: tuple[tuple[str, ValueRange], ...] = ()
    source: SourceRef | None = None


class ReadStats(BaseModel):
    """What the reader saw, for the summary line and for tests against real workbooks."""

    model_config = ConfigDict(frozen=True)

    layout: Literal["seed", "thinkingdata", "tracking_plan"] = "seed"
    event_property_rows: int = 0


class EventTaxonomy(BaseModel):
    """The whole tracking plan: events, event properties, common and user properties."""

    model_config = ConfigDict(frozen=True)

    events: tuple[Event, ...]
    properties: tuple[Property, ...] = ()
    common_properties: tuple[Property, ...] = ()
    user_properties: tuple[Property, ...] = ()
    stats: ReadStats = Field(default_factory=ReadStats)
    warnings: tuple[str, ...] = ()

    def event(self, name: str) -> Event | None:
        return next((e for e in self.events if e.name == name), None)

    def property(self, name: str) -> Property | None:
        """The event- or common-scope property with this name."""
        for prop in (*self.properties, *self.common_properties):
            if prop.name == name:
                return prop
        return None

    def user_property(self, name: str) -> Property | None:
        return next((p for p in self.user_properties if p.name == name), None)

    def content_hash(self) -> str:
        """A stable hash of the plan's content (not of where it was read from)."""
        payload = self.model_dump(mode="json", exclude={"stats", "warnings"})
        _strip_sources(payload)
        return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _strip_sources(node: object) -> None:
    if isinstance(node, dict):
        node.pop("source", None)
        for value in node.values():
            _strip_sources(value)
    elif isinstance(node, list):
        for value in node:
            _strip_sources(value)


class ProductInfo(BaseModel):
    """What the product is; picks the vertical preset and guides the analyzers."""

    model_config = ConfigDict(frozen=True)

    industry: str = "generic"
    platform: str = "mobile_app"
    product_name: str = "Demo product"
    description: str = ""
    #: Where the product sells (``KR``, ``SEA``, ``{KR: 0.8, US: 0.2}``): the analyzer's
    #: default market (Rules' ``market``); None: read from the plan's language and enums.
    market: str | dict[str, float] | None = None
    #: How the industry was inferred from the plan ("21 events speak of it (battle, 길드 …)")
    #: when product.json and --industry said nothing; empty when it was given.
    industry_inferred: str = ""
