"""The unseen short-video plan reads as a social app (issues 11 and 13).

tests/data/unseen/social_video (Clipo: a CSV plan folder with Korean display names, a
trailing ``notes`` column and user properties in properties.csv) at 1,000 users x 14 days,
seed 3, as measured before the fixes:

- id constraints written ``e.g. v_8f3a21`` were read as one-value enumerations: all 8,677
  ``video_watch`` records showed ``video_id: "e.g. v_8f3a21"`` (and ``creator_id``,
  ``live_id`` alike); now they are examples of the id's shape (taxonomy/_constraints.py);
- every event was drawn as often as every other (~8,600 each): ``unfollow_creator`` 8,660
  (most with nothing followed before), ``content_report`` 8,632, ``video_upload`` 8,663; now
  an unfollow follows a follow (heuristic_segments.yaml ``friend_add``: following a creator;
  lexicon: follow, unfollow, creator), reports are rare and uploads occasional.

The plan also validates clean (tests/validate/coherence/test_unseen_plans.py, ``social``).
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from demogen.api import validate
from tests.data import DATA
from tests.simulation.generated_outputs import Generated, generate, show

SOCIAL = DATA / "unseen" / "social_video"


@pytest.fixture(scope="module")
def social(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(SOCIAL, tmp_path_factory.mktemp("social") / "out", users=1000, days=14,
                    seed=3)


def test_ids_written_as_examples_are_not_the_literal_example(social: Generated) -> None:
    shown: dict[str, Counter[str]] = {}
    for record in social.records:
        for name in ("video_id", "creator_id", "live_id"):
            value = record.get("properties", {}).get(name)
            if value is not None:
                shown.setdefault(name, Counter())[value] += 1
    assert set(shown) == {"video_id", "creator_id", "live_id"}
    for name, values in shown.items():
        assert not any(v.lower().startswith("e.g.") for v in values), values.most_common(3)
        assert len(values) >= 20, (name, len(values))       # was 1: the literal example


def test_an_unfollow_follows_a_follow(social: Generated) -> None:
    assert social.rules.events["unfollow_creator"].follows == "follow_creator"
    unfollows = 0
    for timeline in social.timelines.values():
        following = 0
        for record in timeline:
            if record.get("#event_name") == "follow_creator":
                following += 1
            elif record.get("#event_name") == "unfollow_creator":
                unfollows += 1
                following -= 1
                assert following >= 0, record
    assert unfollows >= 20


def test_reports_are_rare_and_uploads_occasional_beside_watching(social: Generated) -> None:
    counts = Counter(r.get("#event_name") for r in social.records)
    assert counts["content_report"] < counts["video_watch"] / 5, counts    # were equal
    assert counts["video_upload"] < counts["video_watch"] / 2, counts      # were equal
    assert counts["unfollow_creator"] < counts["follow_creator"] / 5, counts


def test_the_social_plan_validates_clean(social: Generated, tmp_path: Path) -> None:
    found = validate(social.out, taxonomy=SOCIAL, cache_dir=tmp_path / "cache")
    problems = {check: found.examples[check] for check, count in found.violations.items()
                if count}
    assert not problems, show(problems, 3000)
