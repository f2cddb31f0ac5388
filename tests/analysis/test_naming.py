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
