"""Read tracking plans (xlsx, csv, json, yaml) into an :class:`EventTaxonomy`."""

from demogen.taxonomy._models import (
    Event,
    EventTaxonomy,
    ProductInfo,
    Property,
    ReadStats,
    SourceRef,
    ValueRange,
)

__all__ = [
    "Event",
    "EventTaxonomy",
    "ProductInfo",
    "Property",
    "ReadStats",
    "SourceRef",
    "ValueRange",
]
