"""The formula sandbox: arithmetic and seeded draws work, everything else is refused."""

from __future__ import annotations

import numpy as np
import pytest

from demogen.analysis.formula import Formula, FormulaEvaluator
from demogen.errors import FormulaError


def _evaluate(text: str, seed: int = 0, **names: object) -> object:
    return FormulaEvaluator(np.random.default_rng(seed)).evaluate(Formula.compile(text), names)


def test_seed_random_syntax_is_an_integer_draw_in_range() -> None:
    formula = Formula.compile("level * 100 + random(0-50)")
    assert formula.names == ("level",)
    evaluator = FormulaEvaluator(np.random.default_rng(1))
    values = {evaluator.evaluate(formula, {"level": 3}) for _ in range(300)}
    assert values <= set(range(300, 351))
    assert len(values) > 30


@pytest.mark.parametrize(
    ("text", "names", "expected"),
    [
        ("level * 100 + 5", {"level": 2}, 205),
        ("min(hp, 100)", {"hp": 140}, 100),
        ("clamp(x, 0, 10)", {"x": -3}, 0),
        ("round(price * 1.1, 2)", {"price": 9.99}, 10.99),
        ("1 if level > 10 else 0", {"level": 11}, 1),
        ("abs(a - b) // 2", {"a": 3, "b": 10}, 3),
    ],
)
def test_arithmetic(text: str, names: dict, expected: object) -> None:
    assert _evaluate(text, **names) == expected


def test_same_seed_same_draws() -> None:
    assert _evaluate("randint(0, 1000) + uniform(0, 1)", seed=5) == _evaluate(
        "randint(0, 1000) + uniform(0, 1)", seed=5
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('true')", "calls an unknown function"),
        ("level.__class__", "Attribute, which is not allowed"),
        ("[x for x in range(9)]", "ListComp, which is not allowed"),
        ("items[0]", "Subscript, which is not allowed"),
        ("lambda: 1", "Lambda, which is not allowed"),
        ("open('x')", "calls an unknown function"),
        ("x +", "is not valid"),
        ("", "empty formula"),
        ("1+" * 300 + "1", "characters long"),
        ("max(a=1)", "keyword arguments"),
    ],
)
def test_unsafe_or_broken_formulas_are_refused(text: str, message: str) -> None:
    with pytest.raises(FormulaError, match=message):
        Formula.compile(text)


def test_bounded_work_and_missing_names() -> None:
    with pytest.raises(FormulaError, match="failed"):
        _evaluate("10 ** 10 ** 10")
    with pytest.raises(FormulaError, match="needs level"):
        _evaluate("level + 1")


def test_compiled_formulas_keep_the_sandbox() -> None:
    with pytest.raises(FormulaError, match="failed"):
        _evaluate("'a' * 1000000")                  # bounded like simpleeval
    with pytest.raises(FormulaError, match="failed"):
        _evaluate("level / 0", level=3)
    # Names that look like builtins are only property names: no builtins are reachable.
    assert Formula.compile("open + 1").names == ("open",)
    assert _evaluate("open + 1", open=2) == 3
    with pytest.raises(FormulaError, match="needs open"):
        _evaluate("open + 1")


def test_draws_happen_left_to_right_from_the_generator() -> None:
    formula = Formula.compile("randint(0, 9) * 10 + randint(0, 9)")
    got = FormulaEvaluator(np.random.default_rng(3)).evaluate(formula, {})
    rng = np.random.default_rng(3)
    tens, ones = (int(rng.integers(0, 9, endpoint=True)) for _ in range(2))
    assert got == tens * 10 + ones


def test_function_takes_the_names_in_order() -> None:
    formula = Formula.compile("b * 100 + a")
    values = {"a": 5, "b": 2}
    run = FormulaEvaluator(np.random.default_rng(0)).function(formula)
    assert run(*(values[n] for n in formula.names)) == 205
