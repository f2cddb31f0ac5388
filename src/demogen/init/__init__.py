"""``demogen init``: a starter project — a ThinkingData-layout plan workbook with example
rows for an industry, ``product.json`` and ``demogen.yaml`` — ready for ``analyze`` and
``generate`` unchanged."""

from demogen.init._starter import STARTER_FILES, init_industries, write_starter

__all__ = ["STARTER_FILES", "init_industries", "write_starter"]
