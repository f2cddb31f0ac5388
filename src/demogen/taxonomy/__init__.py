"""Read tracking plans (xlsx, csv, json, yaml) into an :class:`EventTaxonomy`.

``load_taxonomy(path)`` is the entry point; every problem in the input is reported at once
in one :class:`demogen.errors.TaxonomyError`, with file, sheet, row and column.
"""

from demogen.taxonomy._loader import LoadedTaxonomy, load_taxonomy
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
    "LoadedTaxonomy",
    "ProductInfo",
    "Property",
    "ReadStats",
    "SourceRef",
    "ValueRange",
    "load_taxonomy",
]

for _name in ("LoadedTaxonomy", "load_taxonomy"):
    globals()[_name].__module__ = __name__
