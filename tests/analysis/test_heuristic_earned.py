"""A pace or speed beside an activity falls in its kind's range, and a thing earned (a
badge, an achievement) comes once and after the distance it names: what the analyzer
writes for plans shaped like Stridely's (tests/data/unseen/build_fitness.py) in other
words and units."""

from __future__ import annotations

from tests.analysis.test_heuristic import analyze, ev, num, taxonomy, text

_KINDS = ("running", "walking", "cycling", "yoga")


def test_a_speed_in_km_an_hour_gets_each_kinds_range_inside_the_plans() -> None:
    rules = analyze(taxonomy(
        [ev("activity_end", "activity", "avg_speed_kmh", "km")],
        [text("activity", *_KINDS), num("avg_speed_kmh", 0, 30), num("km", 0, 100)]))

    ranges = rules.property_constraints["avg_speed_kmh"].ranges
    assert ranges == {"running": [7.5, 15.0], "walking": [4.0, 6.67],
                      "cycling": [15.0, 30.0]}   # a ride's 36 km/h clipped to the plan's 30
    assert rules.property_constraints["avg_speed_kmh"].mapping == {"yoga": [0]}
    assert not rules.property_constraints["km"].ranges   # a distance has no kind's range


def test_a_pace_in_minutes_per_mile_is_scaled() -> None:
    rules = analyze(taxonomy(
        [ev("run_saved", "sport", "pace_min_per_mile")],
        [text("sport", "run", "walk"), num("pace_min_per_mile", 3, 30)]))

    run, walk = (rules.property_constraints["pace_min_per_mile"].ranges[k]
                 for k in ("run", "walk"))
    assert run == [6.44, 12.87] and walk == [14.48, 24.14]


def test_an_achievement_is_earned_once_and_after_its_distance() -> None:
    rules = analyze(taxonomy(
        [ev("workout_finish", "sport", "distance_miles"),
         ev("achievement_unlock", "achievement_id"), ev("achievement_view", "achievement_id")],
        [text("sport", "run", "ride", "swim"), num("distance_miles", 0, 200),
         text("achievement_id", "first_marathon", "ride_50mi", "total_100k", "night_owl")]))

    earned = rules.properties["achievement_id"].earned
    assert earned is not None and earned.events == ["achievement_unlock"]  # not the view
    assert (earned.distance, earned.activity) == ("distance_miles", "sport")
    assert earned.needs == {"first_marathon": [26.2188, "run"], "ride_50mi": [50.0, "ride"],
                            "total_100k": [62.1371]}
    assert earned.totals == ["total_100k"]
    assert rules.events["achievement_unlock"].max_per_user == 4


def test_a_badge_without_a_distance_measure_is_still_earned_once() -> None:
    rules = analyze(taxonomy(
        [ev("badge_awarded", "badge")],
        [text("badge", "first_lesson", "streak_7", "perfect_week")]))

    earned = rules.properties["badge"].earned
    assert earned is not None and earned.needs == {} and earned.distance is None
    assert rules.events["badge_awarded"].max_per_user == 3
