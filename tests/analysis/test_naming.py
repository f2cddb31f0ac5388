"""Plan names ThinkingData would reject are written as unique snake_case names."""

from __future__ import annotations

from demogen.analysis.naming import NameMap, thinkingdata_name
from demogen.taxonomy import Event, EventTaxonomy, Property
from demogen.vocab import PropertyType


def test_spec_style_names_become_snake_case() -> None:
    assert thinkingdata_name("Order Completed") == "order_completed"
    assert thinkingdata_name("context.page.path") == "context_page_path"
    assert thinkingdata_name("context.groupId") == "context_group_id"
    assert thinkingdata_name("9lives") == "p_9lives"
    assert len(thinkingdata_name("x" * 80)) == 50


def test_only_invalid_names_are_renamed_and_renames_stay_unique() -> None:
    taxonomy = EventTaxonomy(
        events=(Event(name="Order Completed"), Event(name="order_completed"),
                Event(name="login")),
        properties=(Property(name="context.locale", type=PropertyType.STRING),
                    Property(name="#os", type=PropertyType.STRING)),
    )
    names = NameMap.build(taxonomy)
    assert names.events == {"Order Completed": "order_completed_2"}
    assert names.event("login") == "login"
    assert names.properties == {"context.locale": "context_locale"}


def test_rules_are_renamed_in_every_name_position() -> None:
    from demogen.analysis.naming import rename_rules
    from demogen.analysis.rules import Rules

    taxonomy = EventTaxonomy(
        events=(Event(name="Order Completed", properties=("order total", "Sub Total")),
                Event(name="Order Refunded"), Event(name="login")),
        properties=(Property(name="order total", type=PropertyType.NUMBER),
                    Property(name="Sub Total", type=PropertyType.NUMBER)),
    )
    rules = Rules.from_data({
        "property_relationships": {"order total": {
            "depends_on": ["Sub Total"], "affects": ["Sub Total"],
            "events": ["Order Completed"]}},
        "value_ranges": {"order total@Order Completed": {"min": 1, "max": 9}},
        "properties": {"order total": {"lifetime_on": {"Order Completed": "user"},
                                       "source": {"type": "mirror", "of": "Sub Total"}}},
        "events": {"Order Completed": {"per_session": 1},
                   "Order Refunded": {"follows": "Order Completed", "rate": 0.1}},
        "progression": {"stage_clear_events": ["Order Completed"]},
    })
    renamed = rename_rules(rules, NameMap.build(taxonomy))
    rel = renamed.property_relationships["order_total"]
    assert (rel.depends_on, rel.affects, rel.events) == (["sub_total"], ["sub_total"],
                                                          ["order_completed"])
    assert list(renamed.value_ranges) == ["order_total@order_completed"]
    spec = renamed.properties["order_total"]
    assert spec.lifetime_on == {"order_completed": "user"} and spec.source.of == "sub_total"
    assert list(renamed.events) == ["order_completed", "order_refunded"]
    assert renamed.events["order_refunded"].follows == "order_completed"
    assert renamed.progression.stage_clear_events == ["order_completed"]
