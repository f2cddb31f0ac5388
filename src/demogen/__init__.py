"""demogen: realistic product-analytics data from an event taxonomy.

The commands as functions (:mod:`demogen.api`), imported on first use so that
``import demogen`` stays cheap::

    import demogen

    run = demogen.generate("examples/game", output="out/game", users=500, days=14)
    assert demogen.validate(run.output).ok
"""

from __future__ import annotations

import sys
from importlib import import_module
from types import ModuleType
from typing import Any

from demogen._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "Analysis": "api",
    "Generated": "api",
    "Report": "api",
    "Validation": "api",
    "analyze": "api",
    "generate": "api",
}
#: API functions named like a subpackage: ``demogen.report`` is the package *and* calls
#: ``demogen.api.report``. Importing a subpackage sets it as an attribute of its parent,
#: which would hide a plain function of that name, so the package itself is made callable.
_CALLABLE_PACKAGES = ("report", "validate")

__all__ = ["__version__", *sorted((*_EXPORTS, *_CALLABLE_PACKAGES))]

_lazy = lazy_exports(__name__, _EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _CALLABLE_PACKAGES:
        return import_module(f"{__name__}.{name}")   # set as an attribute, callable (below)
    return _lazy(name)


class _CallablePackage(ModuleType):
    """A subpackage that, called, runs the API function of its name."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        api = import_module(f"{__package__ or 'demogen'}.api")
        return getattr(api, self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


class _Package(ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _CALLABLE_PACKAGES and type(value) is ModuleType:
            value.__class__ = _CallablePackage
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
