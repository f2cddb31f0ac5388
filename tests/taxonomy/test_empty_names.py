"""An empty name, or an empty part of a dotted property name, is reported in plain words."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.errors import TaxonomyError
from demogen.taxonomy import load_taxonomy
from demogen.taxonomy._names import name_error

EVENTS = "event_name,event_tag,description,properties\nlogin,a,x,method\n"


def test_an_empty_name_is_called_empty() -> None:
    assert name_error("") == "the name is empty"


@pytest.mark.parametrize("name", ["obj.", ".x", "a..b"])
def test_an_empty_part_of_a_dotted_name(tmp_path: Path, name: str) -> None:
    (tmp_path / "events.csv").write_text(EVENTS, encoding="utf-8")
    (tmp_path / "properties.csv").write_text(
        f"name,type,description,constraint,scope\nmethod,string,,,event\n{name},string,,,event\n",
        encoding="utf-8")
    with pytest.raises(TaxonomyError) as caught:
        load_taxonomy(tmp_path)
    message = str(caught.value)
    assert f"property name '{name}' is not valid in ThinkingData: a part of it is empty" in message
    assert "starts with ''" not in message and "'' in" not in message
