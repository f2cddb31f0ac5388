"""The heuristic analyzer: offline, deterministic rules from names, tags and descriptions."""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from demogen.analysis._migrate import funnel_name
from demogen.analysis.heuristic._activity_measures import activity_measure_constraints
from demogen.analysis.heuristic._balance_views import with_balance_views
from demogen.analysis.heuristic._catalogue_rules import plan_catalogues
from demogen.analysis.heuristic._chosen import with_chosen
from demogen.analysis.heuristic._context import Context
from demogen.analysis.heuristic._earned import earned_things, with_earned, with_earned_caps
from demogen.analysis.heuristic._ends import fit_ends, nest_coarser_ends, with_nested_ends
from demogen.analysis.heuristic._free_flags import free_amount_constraints, free_constraints
from demogen.analysis.heuristic._frequency import event_specs, made_thing_prerequisites
from demogen.analysis.heuristic._funnels import (
    activity_funnel,
    chain_rates,
    drop_covered,
    match_templates,
    numbered_families,
    step_funnel,
)
from demogen.analysis.heuristic._lifecycle import (
    category_of,
    event_roles,
    lifecycle_rules,
    one_time_events,
    session_events,
)
from demogen.analysis.heuristic._money import Money
from demogen.analysis.heuristic._named_amounts import named_amount_constraints
from demogen.analysis.heuristic._os_values import os_value_constraints
from demogen.analysis.heuristic._paid_spends import paid_spend_prerequisites
from demogen.analysis.heuristic._paid_ways import paid_ways
from demogen.analysis.heuristic._periods import period_constraints
from demogen.analysis.heuristic._plan_payments import (
    plan_payment_funnels,
    plan_payment_order,
    plan_payment_prerequisites,
    with_plan_renewals,
)
from demogen.analysis.heuristic._playback import playback_rules, position_formulas
from demogen.analysis.heuristic._power import power_formulas, with_power_formulas
from demogen.analysis.heuristic._properties import (
    property_constraints,
    property_relationships,
    value_ranges,
)
from demogen.analysis.heuristic._roles import with_per_role
from demogen.analysis.heuristic._segments import global_order, segment_analysis
from demogen.analysis.heuristic._sequences import Ordering, build_ordering, sequences
from demogen.analysis.heuristic._stated_plan_prices import with_stated_plan_prices
from demogen.analysis.heuristic._stated_rates import with_stated_rates
from demogen.analysis.heuristic._stays import with_stays
from demogen.analysis.heuristic._updates import update_patterns, with_currency_pools
from demogen.analysis.heuristic.market import plan_market
from demogen.analysis.heuristic.servers import with_servers
from demogen.analysis.heuristic.values.reading import read_properties
from demogen.analysis.rules import EventConstraints, Funnel, Rules
from demogen.taxonomy import EventTaxonomy, ProductInfo, plan_industry


class HeuristicAnalyzer:
    """Infers :class:`Rules` from the words of a taxonomy; no network, same input same output.

    >>> rules = HeuristicAnalyzer().analyze(taxonomy, product)   # doctest: +SKIP
    """

    name = "heuristic"
    #: No model behind it; its revision (a hash of its code and word lists) takes the place
    #: of one in the cache key.
    model = ""

    def __init__(self) -> None:
        from demogen.analysis.cache import heuristic_revision

        self.model = f"rev-{heuristic_revision()}"

    def analyze(self, taxonomy: EventTaxonomy, product: ProductInfo) -> Rules:
        ctx = Context(taxonomy=taxonomy, product=product)
        money = Money(ctx)
        templates = match_templates(ctx, money)
        graph = build_ordering(ctx, templates)
        funnels = _funnels(ctx, templates, graph)
        # A stage clear follows the fight won, not beside it as another end of the fight.
        funnels = drop_covered(with_nested_ends(ctx, funnels, nest_coarser_ends(ctx, graph)))
        seqs = sequences(graph)
        tutorial_steps = _numbered_tutorial(ctx)
        one_time = one_time_events(ctx, set(tutorial_steps))
        starts, ends = session_events(ctx)
        system = [n for n in ctx.names if category_of(ctx, n) == "system"]
        prerequisites = {
            event: [p for p in pre if p not in system]
            for event, pre in graph.prerequisites().items()
            if event not in system
        }
        patterns = update_patterns(ctx, money)
        plan_paid = plan_payment_prerequisites(patterns, ctx)
        for event, bought in [*paid_spend_prerequisites(patterns, money.revenue_events).items(),
                              *plan_paid.items()]:
            prerequisites[event] = list(dict.fromkeys([*prerequisites.get(event, []), *bought]))
        details = plan_payment_order(prerequisites,
                                     _sequence_details(ctx, seqs, set(one_time), graph),
                                     plan_paid)
        roles = event_roles(ctx, money, tutorial_steps)
        # The story refunds with the first refund event only, at the rate of this pair.
        refunds = {(a, roles.refund[0]) for a in roles.revenue} if roles.refund else set()
        # A start ends once: the conversions into its ends add up to at most 1.
        fitted = fit_ends(ctx, funnels + _sequence_funnels(
            ctx, details, funnels, set(one_time), refunds, {*starts, *ends}),
            details, set(roles.revenue))
        # Segments and the global order read the flows' funnels only (as before the
        # sequences' funnels existed).
        funnels = fitted[:len(funnels)]
        constraints = EventConstraints(
            sequences=seqs,
            funnels=plan_payment_funnels(fitted, plan_paid),
            prerequisites={e: p for e, p in prerequisites.items() if p},
            one_time_events=one_time,
            session_start_events=starts,
            session_end_events=ends,
            sequence_details=details,
            system_events=system,
        )
        # A progress event sent once per threshold is a playback's milestone, no heartbeat.
        playback, roles = playback_rules(ctx, roles, fitted)
        order = global_order(ctx, graph, funnels)
        ranges = value_ranges(ctx)
        earned = earned_things(ctx)     # a badge earned once, a first_5k after 5 km
        events = with_earned_caps(with_plan_renewals(with_stays(
            event_specs(ctx, set(system), roles, constraints), ctx, constraints),
            plan_paid, ctx), earned)
        # A message in a match needs the match made before it (the creator of what it names).
        made = made_thing_prerequisites(ctx, events, constraints.prerequisites)
        if made != constraints.prerequisites:
            constraints = constraints.model_copy(update={"prerequisites": made})
        return Rules(
            property_constraints=property_constraints(ctx) | period_constraints(ctx)
            | named_amount_constraints(ctx) | free_constraints(ctx)
            | free_amount_constraints(ctx)
            | activity_measure_constraints(ctx)
            | os_value_constraints(ctx),
            paid_ways=paid_ways(ctx, patterns),   # an owned episode comes after its coin_use
            # The playhead on a milestone: the threshold's share of the title's length.
            # A role's power grows with its level (issue 11): from the ranges just read.
            property_relationships=with_power_formulas(
                position_formulas(ctx, playback) | property_relationships(ctx),
                power_formulas(ctx, ranges)),
            value_ranges=ranges,
            event_constraints=constraints,
            monetary_properties=money.monetary_rules(),
            money=money.money_rules(),
            segment_analysis=segment_analysis(
                ctx, order, funnels, set(one_time), (starts, ends), constraints.prerequisites
            ),
            update_patterns=patterns,
            lifecycle_rules=lifecycle_rules(ctx),
            market=(market := plan_market(taxonomy, product)),
            catalogues=with_servers(with_stated_plan_prices(with_stated_rates(
                plan_catalogues(taxonomy, money.monetary_rules(),
                                plan_industry(taxonomy, product.industry)), taxonomy, product),
                taxonomy, product), taxonomy, market),
            event_roles=roles,
            playback=playback,
            events=events,
            properties=with_earned(with_per_role(with_chosen(with_balance_views(
                with_currency_pools(read_properties(
                    taxonomy, frozenset(n for n, r in ranges.items() if r.mean is not None),
                    plan_industry(taxonomy, product.industry), patterns),
                    patterns, ctx), patterns, ctx), patterns, ctx), taxonomy, roles), earned),
        )


def _numbered_tutorial(ctx: Context) -> list[str]:
    for family in numbered_families(ctx):
        if any(ctx.index.has(m.name, "tutorial_any") for m in family):
            return [m.name for m in family]
    return []


def _funnels(ctx: Context, templates: list[Any], graph: Ordering) -> list[Funnel]:
    funnels: list[Funnel] = [m.funnel for m in templates if m.funnel is not None]
    used = {s for f in funnels for s in f.steps}
    for family in numbered_families(ctx):
        names = [m.name for m in family]
        if not set(names) <= used:
            funnels.append(step_funnel(names))
    for (before, after), edge in graph.edges.items():
        if edge.seq and (funnel := activity_funnel(ctx, before, after)) is not None:
            funnels.append(funnel)
    return drop_covered(funnels)


def _sequence_details(
    ctx: Context, seqs: list[list[str]], one_time: set[str], graph: Ordering
) -> list[dict[str, Any]]:
    """Per sequence: scope (user/session/account) and whether the order is required."""
    details = []
    for seq in seqs:
        strict = True
        for a, b in pairwise(seq):
            edge = graph.edges.get((a, b))
            strict &= bool(edge and edge.prereq)
        user_scope = any(s in one_time for s in seq) or any(
            category_of(ctx, s) in ("post_purchase", "uninstall", "update", "trial") for s in seq
        )
        scope = "user" if user_scope else "session"
        if seq in graph.account_chains:
            scope = "account"
        details.append({
            "events": list(seq),
            "scope": scope,
            "strict": strict,
        })
    return details


def _sequence_funnels(ctx: Context, details: list[dict[str, Any]], funnels: list[Funnel],
                      one_time: set[str], refunds: set[tuple[str, str]],
                      brackets: set[str]) -> list[Funnel]:
    """A funnel for each run of steps whose conversion drives the data but that no flow's
    funnel states: session chains (gold_earn → gold_spend), onboarding steps and refunds.
    Session start and end are not steps of a chain: every session has both.
    The rules state each step's conversion once, in a funnel, where a person edits it."""
    covered = {pair for f in funnels for pair in pairwise(f.steps)}
    out: list[Funnel] = []
    taken = {f.name for f in funnels}
    for detail in details:
        runs: list[list[str]] = []
        for a, b in pairwise(detail["events"]):
            played = detail["scope"] == "session" or (detail["scope"] == "user" and (
                {a, b} <= one_time or (a, b) in refunds))
            if (a, b) in covered or not played or {a, b} & brackets:
                continue
            covered.add((a, b))
            if runs and runs[-1][-1] == a:
                runs[-1].append(b)
            else:
                runs.append([a, b])
        for steps in runs:
            name = funnel_name(steps, taken)
            taken.add(name)
            out.append(Funnel(
                name=name, steps=steps, kind="chain",
                conversion=chain_rates(ctx, steps),
                per_session=detail["scope"] == "session",
                window="session" if detail["scope"] == "session" else "user's lifetime",
                source="assumption (how often the next step follows)",
            ))
    return out


__all__ = ["HeuristicAnalyzer"]
