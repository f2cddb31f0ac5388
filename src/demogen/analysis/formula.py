"""Sandboxed formulas for derived properties (``level * 100 + randint(0, 50)``).

Formulas come from rules files and AI answers, so they are untrusted. They are parsed
once with simpleeval's parser and checked against a small whitelist of syntax (numbers,
names, arithmetic, comparisons, ``a if c else b`` and calls to the functions below).
A checked tree is then compiled once into a Python function of the names it reads:
``+``, ``*`` and ``**`` go through simpleeval's bounded operators (no huge powers or
strings), names become the function's parameters, and its globals hold only the
whitelisted functions (no builtins). There is no attribute access, no subscripts, no
comprehensions, no imports, and the only source of randomness is the generator passed in.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import CodeType
from typing import Any

import numpy as np
from simpleeval import InvalidExpression, SimpleEval, safe_add, safe_mult, safe_power

from demogen.errors import FormulaError

MAX_FORMULA_LENGTH = 500
MAX_NODES = 200

#: The seed writes ``random(0-50)`` for "a random integer from 0 to 50".
_SEED_RANDOM = re.compile(r"random\(\s*(-?\d+(?:\.\d+)?)\s*-\s*(-?\d+(?:\.\d+)?)\s*\)")

_ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression, ast.Expr, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp,
    ast.BoolOp, ast.Compare, ast.IfExp, ast.Call,
    ast.Add, ast.Sub, ast.Mult, ast.Div, ast.FloorDiv, ast.Mod, ast.Pow, ast.USub, ast.UAdd,
    ast.Not, ast.And, ast.Or, ast.Eq, ast.NotEq, ast.Lt, ast.LtE, ast.Gt, ast.GtE,
)

FUNCTION_NAMES: frozenset[str] = frozenset(
    {"min", "max", "round", "clamp", "abs", "int", "float", "randint", "uniform", "random"}
)

#: What evaluating a compiled formula may raise (bad operands, bounds, division by zero).
EVALUATION_ERRORS: tuple[type[Exception], ...] = (
    InvalidExpression, ArithmeticError, TypeError, ValueError, OverflowError, NameError)

#: simpleeval's bounded operators, by the names the compiled code calls them.
_BOUNDED = {ast.Add: "_add", ast.Mult: "_mul", ast.Pow: "_pow"}
_HELPERS: dict[str, Callable[..., Any]] = {"_add": safe_add, "_mul": safe_mult,
                                           "_pow": safe_power}


def _clamp(value: float, low: float, high: float) -> float:
    return max(low, min(high, value))


@dataclass(frozen=True, slots=True)
class Formula:
    """A parsed, checked formula and the property names it reads."""

    text: str
    names: tuple[str, ...]
    _tree: ast.AST
    #: ``lambda v0, v1, …: <formula>`` (the names in :attr:`names` order), compiled.
    _code: CodeType

    @classmethod
    def compile(cls, text: str) -> Formula:
        source = _SEED_RANDOM.sub(r"randint(\1, \2)", text.strip())
        if not source:
            raise FormulaError("empty formula")
        if len(source) > MAX_FORMULA_LENGTH:
            raise FormulaError(
                f"formula is {len(source)} characters long; the limit is {MAX_FORMULA_LENGTH}"
            )
        try:
            tree = SimpleEval.parse(source)
        except SyntaxError as exc:
            raise FormulaError(f"formula '{text}' is not valid: {exc.msg}") from None
        names = _check(tree, text)
        return cls(text=text, names=names, _tree=tree, _code=_compile(tree, names))


def _check(tree: ast.AST, text: str) -> tuple[str, ...]:
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise FormulaError(f"formula '{text}' is too complex ({len(nodes)} > {MAX_NODES} nodes)")
    names: list[str] = []
    for node in nodes:
        if not isinstance(node, _ALLOWED_NODES):
            raise FormulaError(
                f"formula '{text}' uses {type(node).__name__}, which is not allowed; use "
                "numbers, property names, arithmetic, comparisons and "
                f"{', '.join(sorted(FUNCTION_NAMES))}"
            )
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTION_NAMES:
                raise FormulaError(f"formula '{text}' calls an unknown function")
            if node.keywords:
                raise FormulaError(f"formula '{text}' uses keyword arguments; pass them in order")
        elif isinstance(node, ast.Name) and node.id not in FUNCTION_NAMES and node.id not in names:
            names.append(node.id)
    return tuple(names)


class _Compiler(ast.NodeTransformer):
    """Names become parameters ``v0``, ``v1`` …; ``+ * **`` become bounded calls."""

    def __init__(self, names: tuple[str, ...]):
        self._params = {name: f"v{i}" for i, name in enumerate(names)}

    def visit_Name(self, node: ast.Name) -> ast.AST:
        param = self._params.get(node.id)
        return node if param is None else ast.copy_location(ast.Name(param, ast.Load()), node)

    def visit_BinOp(self, node: ast.BinOp) -> ast.AST:
        self.generic_visit(node)
        helper = _BOUNDED.get(type(node.op))
        if helper is None:
            return node
        call = ast.Call(ast.Name(helper, ast.Load()), [node.left, node.right], [])
        return ast.copy_location(call, node)


def _compile(tree: ast.AST, names: tuple[str, ...]) -> CodeType:
    # simpleeval's parser gives the statement (``Expr``) around the expression.
    body = tree.value if isinstance(tree, ast.Expr) else \
        tree.body if isinstance(tree, ast.Expression) else tree
    assert isinstance(body, ast.expr)
    params = ast.arguments(posonlyargs=[], args=[ast.arg(f"v{i}") for i in range(len(names))],
                           kwonlyargs=[], kw_defaults=[], defaults=[])
    lam = ast.Expression(ast.Lambda(params, _Compiler(names).visit(body)))
    return compile(ast.fix_missing_locations(lam), "<formula>", "eval")


class FormulaEvaluator:
    """Evaluates formulas with random draws from one generator.

    Build one per random stream (per user or shard) and reuse it: the simpleeval
    instance and its function table are made once here, not per evaluation.
    """

    def __init__(self, rng: np.random.Generator):
        self._rng = rng
        functions: dict[str, Callable[..., Any]] = {
            "min": min, "max": max, "round": round, "clamp": _clamp, "abs": abs,
            "int": int, "float": float,
            "randint": self._randint, "uniform": self._uniform, "random": self._random,
        }
        # The compiled formulas' globals: the whitelist and the bounded operators only.
        self._globals: dict[str, Any] = {"__builtins__": {}, **functions, **_HELPERS}
        self._functions: dict[CodeType, Callable[..., Any]] = {}

    def _randint(self, low: float, high: float) -> int | float:
        if float(low).is_integer() and float(high).is_integer():
            return int(self._rng.integers(int(low), int(high), endpoint=True))
        return self._uniform(low, high)

    def _uniform(self, low: float, high: float) -> float:
        return float(self._rng.uniform(low, high))

    def _random(self, *bounds: float) -> float:
        return self._uniform(*bounds) if len(bounds) == 2 else float(self._rng.random())

    def function(self, formula: Formula) -> Callable[..., Any]:
        """``formula`` as a function of its names' values, in :attr:`Formula.names` order,
        drawing from this evaluator's generator. It raises what :data:`EVALUATION_ERRORS`
        lists (the hot path catches them itself; :meth:`evaluate` wraps them)."""
        fn = self._functions.get(formula._code)
        if fn is None:
            fn = self._functions[formula._code] = eval(formula._code, self._globals)
        return fn

    def evaluate(self, formula: Formula, names: Mapping[str, Any]) -> Any:
        missing = [n for n in formula.names if n not in names]
        if missing:
            raise FormulaError(
                f"formula '{formula.text}' needs {', '.join(missing)}, which has no value"
            )
        try:
            return self.function(formula)(*(names[n] for n in formula.names))
        except EVALUATION_ERRORS as exc:
            raise FormulaError(f"formula '{formula.text}' failed: {exc}") from None


__all__ = ["EVALUATION_ERRORS", "FUNCTION_NAMES", "Formula", "FormulaEvaluator"]
