"""The project's own small tracking plans, so that the core paths are tested in any clone.

- ``seed_plan/``: demogen's CSV layout (``events.csv``, ``properties.csv``, ``product.json``):
  Stridewell, a fitness app, with common and user properties and update methods.
- ``segment_shop/taxonomy.json``: a Segment-spec-like plan in JSON with its product block:
  Pinecrate, a shopping app whose event names have spaces ("Order Completed",
  "Product Viewed") and whose orders carry ``revenue``.
- ``build_te_workbook.write_te_plan(folder)``: Jelly Harbor, a ThinkingData-layout workbook
  written with openpyxl when a test needs it (no binary in the repository).

These are written for the tests, not copied from the shared corpus.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent
SEED_PLAN = DATA / "seed_plan"
SEGMENT_PLAN = DATA / "segment_shop"
