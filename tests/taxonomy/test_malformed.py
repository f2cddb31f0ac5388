"""Malformed taxonomies: every problem is reported, all at once, with its exact text and place."""

from __future__ import annotations

from pathlib import Path

import pytest

from demogen.errors import TaxonomyError
from demogen.taxonomy import load_taxonomy
from tests.taxonomy.malformed_cases import CASES, EXPECTED


def test_every_case_has_expected_problems() -> None:
    assert CASES.keys() == EXPECTED.keys()
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", sorted(CASES))
def test_malformed_taxonomy_reports_exact_problems(make_files, case: str) -> None:
    files, target = CASES[case]
    folder: Path = make_files(files)
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(folder / target)
    expected = [text.replace("{dir}", str(folder)) for text in EXPECTED[case]]
    assert [str(problem) for problem in raised.value.problems] == expected
    assert str(raised.value).startswith(f"{len(expected)} problem")


def test_error_message_lists_all_problems(make_files) -> None:
    files, target = CASES["multiple_problems_at_once"]
    folder = make_files(files)
    with pytest.raises(TaxonomyError) as raised:
        load_taxonomy(folder / target)
    lines = str(raised.value).splitlines()
    assert lines[0] == "4 problems in the taxonomy:"
    assert lines[1:] == [f"  - {text}" for text in EXPECTED["multiple_problems_at_once"]]
    assert isinstance(raised.value, ValueError)
