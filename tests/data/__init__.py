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
- ``weight_log/`` and ``seed_layout/``: plan shapes people write (an event listing a user
  property; the seed's 4-column sheets), without product.json.
- ``order_quest/``: Ember Keep, a game whose orders are created then paid
  (``create_order`` → ``payment_success`` | ``payment_failed``) and whose quests and stages
  end in a win or a fail (``quest_start`` → ``quest_complete`` | ``quest_fail``).
- ``media_player/taxonomy.json``: Reelhouse, a video streaming app in the Segment style: the
  Video Spec's playback, content and ad events (a "Video Content Playing" heartbeat every
  10 s, buffering, an error), browsing and a Premium subscription.
- ``video_milestones/taxonomy.json``: Clipwise, a GA4-style video site whose progress event is
  a milestone (``video_progress`` with ``video_percent`` 10/25/50/75) between
  ``video_start`` and ``video_complete``.
- ``build_te_workbook.write_te_plan(folder)``: Jelly Harbor, a ThinkingData-layout workbook
  written with openpyxl when a test needs it (no binary in the repository).

These are written for the tests, not copied from the shared corpus.
"""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).resolve().parent
SEED_PLAN = DATA / "seed_plan"
SEGMENT_PLAN = DATA / "segment_shop"
#: ``sku_shop/``: a sku beside ``product_id`` as ``sku``, ``item_sku``, ``variant_sku``,
#: ``product_sku`` and in the order's ``products`` rows (issue 11).
SKU_PLAN = DATA / "sku_shop"
FIRST_VISIT_PLAN = DATA / "first_visit_web"
OPAQUE_PLAN = DATA / "opaque_names"
#: ``weight_log/``: a CSV plan whose ``weight_record`` lists the user property ``weight_kg``
#: (the event carries the user's weight and updates it); no product.json (fitness inferred).
WEIGHT_PLAN = DATA / "weight_log"
#: ``seed_layout/``: the seed document's own 4-column sheets (no scope column), a game whose
#: ``level`` is described as "유저 레벨" (user level) and listed by events; no product.json.
SEED_LAYOUT_PLAN = DATA / "seed_layout"
#: ``order_quest/``: attempts and their alternative ends under names of its own.
ORDER_QUEST_PLAN = DATA / "order_quest"
#: ``media_player/``: a Segment-style video app whose playback sends a heartbeat.
MEDIA_PLAN = DATA / "media_player"
#: ``video_milestones/``: Clipwise, a GA4-style video site: ``video_start``, ``video_progress``
#: with ``video_percent`` 10/25/50/75 (a milestone: once per threshold), ``video_complete``.
MILESTONE_PLAN = DATA / "video_milestones"
