"""A sku beside a catalogue id (issue 11): Segment's Product Viewed carries ``sku`` beside
``product_id``; other plans say ``product_sku``, ``item_sku`` or ``variant_sku``. It is the
entry's own code (one per id, the same everywhere), not a second id nor a free value;
alone (``dish_sku``, no ``dish_id``) the word still names the thing's id."""

from __future__ import annotations

import pytest

from demogen.analysis.heuristic._catalogues import ID, Role, catalogue_role, group_roles


@pytest.mark.parametrize("sku", ["sku", "product_sku", "item_sku", "variant_sku"])
def test_a_sku_beside_a_product_id_is_the_products(sku: str) -> None:
    roles = group_roles(["product_id", sku, "name", "price"])
    assert roles["product"][sku] == Role("product", "sku")
    assert roles["product"]["product_id"] == Role("product", ID)
    assert list(roles) == ["product"]


def test_a_sku_in_a_products_row_is_the_products() -> None:
    roles = group_roles(["product_id", "sku", "name"], "product")
    assert roles["product"]["sku"] == Role("product", "sku")


def test_a_sku_alone_still_names_the_thing() -> None:
    assert catalogue_role("dish_sku") == Role("dish", ID)
    roles = group_roles(["item_sku", "item_name"])
    assert roles["item"]["item_sku"] == Role("item", ID)
