"""Where the shared test corpus is, and how the tests that read it are marked.

The corpus (``../shared``: ``taxonomies/``, ``kr-xlsx/``, ``seed/``) lies beside the clone in
CI and on the maintainers' machines, not in a clone from the project's public home. Tests
that read it carry the ``corpus`` marker (those that ask for the ``shared_dir`` fixture get it
automatically; see tests/conftest.py); without the corpus they are skipped with
:data:`SKIP_REASON`. With ``DEMOGEN_REQUIRE_CORPUS=1`` (set by ``.ci/run``) a missing corpus
stops the run instead, so CI never passes by skipping them.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
PARTS = ("taxonomies", "kr-xlsx", "seed")

MARKER = "corpus"
REQUIRE_VARIABLE = "DEMOGEN_REQUIRE_CORPUS"
SKIP_REASON = "the shared test corpus (../shared) is not beside this clone; CI provides it"
#: The id of the parameter that stands for a corpus listing when there is no corpus.
PLACEHOLDER_ID = "shared-corpus"

#: Marks a test (or a parameter) that reads the corpus.
corpus = pytest.mark.corpus


def missing_parts() -> list[Path]:
    """The corpus folders that are not there (all of them when ../shared is absent)."""
    return [SHARED / part for part in PARTS if not (SHARED / part).is_dir()]


def corpus_present() -> bool:
    return not missing_parts()


def corpus_required() -> bool:
    return os.environ.get(REQUIRE_VARIABLE, "") == "1"


def taxonomy_folders() -> list[Path]:
    """The plan folders of ``shared/taxonomies``, sorted; [] without the corpus."""
    folder = SHARED / "taxonomies"
    return sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []


def kr_workbooks() -> list[Path]:
    """The workbooks of ``shared/kr-xlsx``, sorted; [] without the corpus."""
    return sorted((SHARED / "kr-xlsx").glob("*.xlsx"))


def placeholder() -> Any:
    """The parameter collected instead of a corpus listing when there is no corpus: the
    test still shows in the run, skipped with :data:`SKIP_REASON`, instead of vanishing."""
    return pytest.param(None, id=PLACEHOLDER_ID, marks=corpus)


def corpus_params(values: Iterable[Any], ids: Callable[[Any], str]) -> list[Any]:
    """``values`` listed from the corpus as parameters marked ``corpus``, or the
    placeholder without the corpus."""
    if not corpus_present():
        return [placeholder()]
    return [pytest.param(value, id=ids(value), marks=corpus) for value in values]
