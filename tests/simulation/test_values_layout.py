"""The values package stays in small modules with one job and functions that fit a screen."""

from __future__ import annotations

import ast
from pathlib import Path

import demogen.simulation.values as values

PACKAGE = Path(values.__file__).parent
MAX_MODULE_LINES = 320
MAX_FUNCTION_LINES = 50


def test_public_api() -> None:
    assert values.__all__ == ["EventSampler", "ValueFactory", "format_time"]
    for name in ("event_sampler", "initial_user_state", "user_value", "mirrors",
                 "country_weights"):
        assert callable(getattr(values.ValueFactory, name)), name


def test_modules_and_functions_are_small() -> None:
    too_long = []
    for path in sorted(PACKAGE.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > MAX_MODULE_LINES:
            too_long.append(f"{path.name}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = (node.end_lineno or node.lineno) - node.lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{path.name}: {node.name} has {length} lines")
    assert not too_long, too_long
