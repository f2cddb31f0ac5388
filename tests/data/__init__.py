"""The project's own small tracking plans, so that the core paths are tested in any clone.

- ``seed_plan/``: demogen's CSV layout (``events.csv``, ``properties.csv``, ``product.json``):
  Stridewell, a fitness app, with common and user properties and update methods.
- ``segment_shop/taxonomy.json``: a Segment-spec-like plan in JSON with its product block:
  Pinecrate, a shopping app whose event names have spaces ("Order Completed",
  "Product Viewed") and whose orders carry ``revenue``.
- ``first_visit_web/``: Fernleaf, a GA4-style web shop whose install is ``first_visit`` (listed
  last, after ``session_start`` and ``sign_up``).
- ``opaque_names/``: Opal Dash, a game whose events are named ``ev_a`` … ``ev_i`` and say what
  they are only in their descriptions ("App installed (first launch only)", "Tutorial step 1").
- ``build_te_workbook.write_te_plan(folder)``: Jelly Harbor, a ThinkingData-layout workbook
  written with openpyxl when a test needs it (no binary in the repository).

These are written for the tests, not copied from the shared corpus.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent
SEED_PLAN = DATA / "seed_plan"
SEGMENT_PLAN = DATA / "segment_shop"
FIRST_VISIT_PLAN = DATA / "first_visit_web"
OPAQUE_PLAN = DATA / "opaque_names"
