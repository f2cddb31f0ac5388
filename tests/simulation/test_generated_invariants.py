"""Invariants over generated data, on every taxonomy demogen must handle.

Each test reads one shared run per taxonomy (150 users × 10 days, seed 0; see conftest):
the bundled examples, the tests' own plans (tests/data), and, when the shared corpus is
there, every folder in ``shared/taxonomies`` and every workbook in ``shared/kr-xlsx``. A
test checks one invariant and fails with the users and records that break it. Known
generator bugs are marked ``xfail`` (not strict) with the bug in the reason.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from demogen.analysis.rules import Funnel
from tests.simulation.generated_outputs import (
    KNOWN_BUGS,
    Generated,
    app_version_violations,
    assert_clean,
    chain_dropoff_violations,
    constraint_violations,
    duplicate_uuids,
    fresh_state_violations,
    identity_violations,
    install_order_violations,
    level_violations,
    lifecycle_violations,
    object_property_violations,
    one_time_violations,
    prerequisite_violations,
    preset_violations,
    record_violations,
    session_bracket_violations,
    session_sequence_violations,
    source_params,
    state_violations,
    unknown_event_violations,
    version_key,
)

Small = Callable[[str], Generated]


def params(check: str) -> list:
    """Every source, xfail where ``KNOWN_BUGS`` names a generator bug for ``check``."""
    return source_params(check, KNOWN_BUGS)


@pytest.mark.parametrize("source", params("records"))
def test_every_record_is_valid_with_stable_types_and_on_its_day(small_output: Small,
                                                                source: str) -> None:
    """§14 per record (``check_record``: header keys, ``#type``, ``#time``, ids, valid
    names, values, limits), one type per property name (``TypeTracker``), ``#time`` inside the
    accepted window and in the file of its day (``logs_YYYYMMDD`` = date of ``#time``)."""
    assert_clean(record_violations(small_output(source)), "records")


@pytest.mark.parametrize("source", params("uuid"))
def test_uuid_is_unique_across_the_output(small_output: Small, source: str) -> None:
    assert_clean(duplicate_uuids(small_output(source)), "#uuid not unique")


@pytest.mark.parametrize("source", params("events"))
def test_events_are_those_of_the_taxonomy(small_output: Small, source: str) -> None:
    assert_clean(unknown_event_violations(small_output(source)), "unknown events")


@pytest.mark.parametrize("source", params("objects"))
def test_object_properties_are_filled_with_their_children(small_output: Small,
                                                          source: str) -> None:
    messages, _ = object_property_violations(small_output(source))
    assert_clean(messages, "object / object-group properties")


@pytest.mark.parametrize("source", params("one_time"))
def test_one_time_events_at_most_once_per_user(small_output: Small, source: str) -> None:
    assert_clean(one_time_violations(small_output(source)), "one-time events repeated")


@pytest.mark.parametrize("source", params("install"))
def test_nothing_before_the_install_event(small_output: Small, source: str) -> None:
    g = small_output(source)
    if not g.roles("install"):
        pytest.skip("the taxonomy has no install event")
    assert_clean(install_order_violations(g), "records before the install")


@pytest.mark.parametrize("source", params("prerequisites"))
def test_prerequisites_happen_earlier(small_output: Small, source: str) -> None:
    assert_clean(prerequisite_violations(small_output(source)), "prerequisites")


@pytest.mark.parametrize("source", params("lifecycle"))
def test_post_onboarding_events_come_after_onboarding(small_output: Small, source: str) -> None:
    assert_clean(lifecycle_violations(small_output(source)), "lifecycle")


@pytest.mark.parametrize("source", params("session_sequences"))
def test_strict_session_sequences_keep_their_order_inside_a_session(small_output: Small,
                                                                    source: str) -> None:
    assert_clean(session_sequence_violations(small_output(source)), "session sequences")


@pytest.mark.parametrize("source", params("chains"))
def test_session_chains_drop_off_at_every_step(small_output: Small, source: str) -> None:
    assert_clean(chain_dropoff_violations(small_output(source)), "chain drop-off")


@pytest.mark.parametrize(("leaders", "flagged"), [(34, False), (300, True)])
def test_chain_check_flags_a_tie_only_when_chance_cannot_explain_it(
        small_output: Small, leaders: int, flagged: bool) -> None:
    """0.9 conversion over 34 leaders ties 2.8 % of the time; over 300, never in practice."""
    real = small_output("game")
    chain = next(d for d in real.rules.event_constraints.sequence_details
                 if d.scope == "session" and d.strict and len(d.events) == 2)
    rules = real.rules.model_copy(deep=True)
    rules.event_constraints.sequence_details = [chain]
    rules.event_constraints.funnels = [Funnel(name="chain", steps=chain.events,
                                              conversion=[1.0, 0.9])]
    records = [{"#type": "track", "#event_name": name}
               for name in chain.events for _ in range(leaders)]
    g = Generated.in_memory(records, real.taxonomy, real.product, rules, real.start,
                            real.days, real.users, real.seed)
    assert bool(chain_dropoff_violations(g)) is flagged


@pytest.mark.parametrize("source", params("sessions"))
def test_session_events_bracket_every_session(small_output: Small, source: str) -> None:
    messages, sessions = session_bracket_violations(small_output(source))
    if not sessions and not messages:
        pytest.skip("the taxonomy has no session start and end events")
    assert_clean(messages, "session brackets")


@pytest.mark.parametrize("source", params("state"))
def test_user_state_follows_the_update_patterns(small_output: Small, source: str) -> None:
    assert_clean(state_violations(small_output(source)), "user state vs events")


@pytest.mark.parametrize("source", params("fresh_state"))
def test_a_new_device_starts_with_an_empty_history(small_output: Small, source: str) -> None:
    g = small_output(source)
    if not g.roles("install"):
        pytest.skip("the taxonomy has no install event: new devices cannot be told apart")
    assert_clean(fresh_state_violations(g), "state of new devices")


@pytest.mark.parametrize("source", params("levels"))
def test_levels_never_go_down(small_output: Small, source: str) -> None:
    messages, _ = level_violations(small_output(source))
    assert_clean(messages, "levels")


@pytest.mark.parametrize("source", params("constraints"))
def test_property_constraints_are_honoured(small_output: Small, source: str) -> None:
    messages, _ = constraint_violations(small_output(source))
    assert_clean(messages, "property constraints")


@pytest.mark.parametrize("source", params("presets"))
def test_device_presets_are_stable_and_consistent(small_output: Small, source: str) -> None:
    assert_clean(preset_violations(small_output(source)), "device presets")


@pytest.mark.parametrize("source", params("app_version"))
def test_app_version_never_goes_backwards_and_a_newer_one_ships(small_output: Small,
                                                                source: str) -> None:
    g = small_output(source)
    messages, day0, seen = app_version_violations(g)
    if not seen:
        pytest.skip("no #app_version in this output (web)")
    assert_clean(messages, "#app_version goes backwards")
    assert max(map(version_key, seen)) > max(map(version_key, day0), default=()), (
        f"no version newer than the first day's {sorted(day0)} in {g.days} days: {sorted(seen)}")


@pytest.mark.parametrize("source", params("identity"))
def test_identity_device_account_and_signup(small_output: Small, source: str) -> None:
    assert_clean(identity_violations(small_output(source)), "identity")


@pytest.mark.parametrize("source", params("validate"))
def test_demogen_validate_finds_nothing(small_output: Small, source: str) -> None:
    """``demogen validate``'s own checks (``validate_output`` with the run's rules: format,
    types, time, identity, one-time, prerequisites, session order, lifecycle, install order,
    constraints, state, formula, update_method, progress, mirror) find no violation in
    generated data."""
    import demogen.validate

    validate_output = getattr(demogen.validate, "validate_output", None)
    if validate_output is None:
        pytest.skip("demogen.validate has no validate_output yet")
    g = small_output(source)
    from demogen.analysis.naming import NameMap, rename_rules

    rules = rename_rules(g.rules, NameMap.build(g.taxonomy))   # as `demogen validate` does
    # the KPI runs use the other core; the plan tells the meaning checks its user properties
    report = validate_output(g.out, rules=rules, workers=1, plan=g.taxonomy)
    found = {check: [str(e) for e in report.examples(check)][:3]
             for check in report.checks if report.count(check)}
    assert report.ok, f"{report.violations} violation(s): " + "; ".join(
        f"{check} ×{report.count(check)}: {examples}" for check, examples in found.items())
