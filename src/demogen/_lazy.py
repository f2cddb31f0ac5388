"""Package exports imported on first use (PEP 562), so that light commands stay fast.

A cached ``demogen analyze`` must not pay for pydantic, openpyxl or the engine just
because ``demogen.taxonomy`` or ``demogen.analysis`` was imported.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from importlib import import_module
from typing import Any


def lazy_exports(package: str, exports: dict[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: ``exports`` maps a public name to the
    submodule (relative to ``package``) that defines it. A name is imported once, then
    kept in the package's namespace."""
    namespace = sys.modules[package].__dict__

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(import_module(f"{package}.{module}"), name)
        namespace[name] = value
        return value

    return __getattr__
