"""Word tables from ``demogen/data`` (header aliases, type words), loaded once.

Header, sheet and type words come in English, Korean and Chinese and in many spellings.
They live in YAML data files so that adding a language is a data change, not a code change;
this module owns the one normalisation rule every lookup uses.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from importlib import resources
from typing import Any

import yaml

__all__ = ["load_data", "normalize"]

_REQUIRED_MARK = re.compile(r"(?:\((?:필수|必填|必须|必須|required|mandatory)\)|\*)$")
_IGNORED = re.compile(r"[\s_\-]+")


def normalize(text: str) -> str:
    """Fold a header, sheet name or type word to the form the alias tables are keyed by.

    Case, spaces, ``_``, ``-``, full-width forms, a leading ``#`` and a trailing "required"
    mark do not count: "이벤트 이름 (필수)" and "이벤트이름" are the same header.
    """
    folded = _IGNORED.sub("", unicodedata.normalize("NFKC", text).casefold())
    return _REQUIRED_MARK.sub("", folded).lstrip("#")


@cache
def load_data(name: str) -> dict[str, Any]:
    """Read ``demogen/data/<name>`` once per process."""
    text = resources.files("demogen").joinpath("data", name).read_text(encoding="utf-8")
    return yaml.safe_load(text)
