"""validate times: a time ahead of its event (an expiry, a next time) is after the event.

The Korean webtoon plan (tests/data/unseen/build_kr_webtoon.py): a ``rental`` shows
``rental_expire_at`` and a ``wait_free_use`` its ``next_free_at`` (Rules kind ``future``).
Was: ``rental_expire_at`` named its event (``rental``), so it was drawn as the rental's own
time (9,815 of 9,815 rentals at 1,000 × 14 seed 3).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.validate.coherence._times import TimesChecker
from tests.data.unseen.build_kr_webtoon import write_kr_webtoon
from tests.simulation.generated_outputs import generate
from tests.validate.coherence.checking import findings, saved_input
from tests.validate.generated import Output


@pytest.fixture(scope="module")
def webtoon(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("times")
    return generate(write_kr_webtoon(tmp / "plan"), tmp / "out", users=60, days=4, seed=3).out


def test_expiries_and_next_times_are_after_their_events(webtoon: Path) -> None:
    given = saved_input(webtoon)
    assert set(TimesChecker(given).ahead) >= {"rental_expire_at", "next_free_at"}
    rentals = [r for _, _, r in Output(webtoon).records() if r.get("#event_name") == "rental"]
    assert len(rentals) > 5
    assert all(r["properties"]["rental_expire_at"] > r["#time"] for r in rentals)
    assert findings(webtoon, TimesChecker, given) == []


def test_a_rental_expiring_at_its_own_time_is_reported(webtoon: Path, tmp_path: Path) -> None:
    broken = Output(webtoon).copy()
    _, _, rental = broken.find(lambda r: r.get("#event_name") == "rental")
    rental["properties"]["rental_expire_at"] = rental["#time"]
    problems = findings(broken.write(tmp_path / "broken"), TimesChecker, saved_input(webtoon))
    assert len(problems) == 1, problems
    assert f"rental: rental_expire_at '{rental['#time']}' is not after" in problems[0], problems
