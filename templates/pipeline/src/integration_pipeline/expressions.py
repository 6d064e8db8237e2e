"""A safe evaluator for the design's mapping formulas and conditionals.

Expressions come from a document, so they are data: parsed with ``ast`` and checked
against a whitelist when the configuration loads (a bad formula fails at start-up,
not on record 90,000), then interpreted node by node. ``eval``/``exec`` are never used.

Allowed: literals, record field names (``customer.email`` reads nested dicts),
``+ - * / // %``, unary ``- + not``, comparisons, ``and``/``or``,
``a if cond else b``, ``d["key"]`` on dicts, and the functions in FUNCTIONS.
No ``**`` (``9**9**9`` would never finish), no dunder or private names, no other calls,
lambdas or comprehensions. Cost is bounded: expression length, node count, and the
size of any string or number produced.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable, Mapping
from typing import Any

MAX_LENGTH = 500
MAX_NODES = 200
MAX_STRING = 10_000
MAX_INT_DIGITS = 100
_INT_LIMIT = 10**MAX_INT_DIGITS


class ExpressionError(ValueError):
    """The expression is not allowed (at load time) or cannot be evaluated (per record)."""


def _concat(*parts: Any) -> str:
    return "".join("" if p is None else str(p) for p in parts)


def _coalesce(*values: Any) -> Any:
    return next((v for v in values if v is not None and v != ""), None)


FUNCTIONS: dict[str, Callable[..., Any]] = {
    "upper": lambda s: None if s is None else str(s).upper(),
    "lower": lambda s: None if s is None else str(s).lower(),
    "trim": lambda s: None if s is None else str(s).strip(),
    "concat": _concat,
    "round": lambda x, n=0: round(float(x), int(n)) if n else round(float(x)),
    "coalesce": _coalesce,
    "int": lambda x: int(float(x)) if isinstance(x, str) and "." in x else int(x),
    "float": float,
    "str": lambda x: "" if x is None else str(x),
    "len": len,
}

BINARY: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
}
COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.In: lambda a, b: a in b,
    ast.NotIn: lambda a, b: a not in b,
}
ALLOWED_NODES: tuple[type[ast.AST], ...] = (
    ast.Expression,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Attribute,
    ast.Subscript,
    ast.BinOp,
    ast.UnaryOp,
    ast.BoolOp,
    ast.Compare,
    ast.IfExp,
    ast.Call,
    ast.And,
    ast.Or,
    ast.Not,
    ast.USub,
    ast.UAdd,
    ast.List,
    ast.Tuple,
    *BINARY,
    *COMPARE,
)


def _check(tree: ast.AST, source: str) -> None:
    nodes = list(ast.walk(tree))
    if len(nodes) > MAX_NODES:
        raise ExpressionError(f"expression too complex ({len(nodes)} nodes): {source!r}")
    for node in nodes:
        if not isinstance(node, ALLOWED_NODES):
            raise ExpressionError(f"{type(node).__name__} is not allowed in {source!r}")
        if isinstance(node, ast.Name) and node.id.startswith("_"):
            raise ExpressionError(f"name {node.id!r} is not allowed in {source!r}")
        if isinstance(node, ast.Attribute) and node.attr.startswith("_"):
            raise ExpressionError(f"attribute {node.attr!r} is not allowed in {source!r}")
        if isinstance(node, ast.Call):
            if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
                raise ExpressionError(f"only {sorted(FUNCTIONS)} may be called in {source!r}")
            if node.keywords:
                raise ExpressionError(f"keyword arguments are not allowed in {source!r}")
        if isinstance(node, ast.Subscript):
            key = node.slice
            if not (isinstance(key, ast.Constant) and isinstance(key.value, str | int)):
                raise ExpressionError(f"only d['key'] subscripts are allowed in {source!r}")
        if isinstance(node, ast.Constant) and not (
            node.value is None or isinstance(node.value, str | int | float | bool)
        ):
            raise ExpressionError(f"literal {node.value!r} is not allowed in {source!r}")


def _bounded(value: Any) -> Any:
    if isinstance(value, str) and len(value) > MAX_STRING:
        raise ExpressionError(f"string result longer than {MAX_STRING} characters")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= _INT_LIMIT:
        raise ExpressionError(f"number result larger than 10**{MAX_INT_DIGITS}")
    if isinstance(value, list | tuple) and len(value) > MAX_STRING:
        raise ExpressionError("list result too long")
    return value


class Expression:
    """A compiled, checked expression; ``evaluate(record)`` runs it on one record."""

    def __init__(self, source: str) -> None:
        if not isinstance(source, str) or not source.strip():
            raise ExpressionError("expression is empty")
        if len(source) > MAX_LENGTH:
            raise ExpressionError(f"expression longer than {MAX_LENGTH} characters")
        try:
            tree = ast.parse(source.strip(), mode="eval")
        except SyntaxError as error:
            raise ExpressionError(f"invalid expression {source!r}: {error.msg}") from None
        _check(tree, source)
        self.source = source
        self._tree = tree.body

    def evaluate(self, record: Mapping[str, Any]) -> Any:
        try:
            return self._eval(self._tree, record)
        except ExpressionError:
            raise
        except (ArithmeticError, TypeError, ValueError) as error:
            raise ExpressionError(f"{self.source!r} failed: {error}") from None

    def _eval(self, node: ast.expr, record: Mapping[str, Any]) -> Any:
        if isinstance(node, ast.Constant):
            return node.value
        if isinstance(node, ast.Name):
            if node.id in ("true", "True"):
                return True
            if node.id in ("false", "False"):
                return False
            if node.id in ("null", "None"):
                return None
            return record.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self._eval(node.value, record)
            return base.get(node.attr) if isinstance(base, Mapping) else None
        if isinstance(node, ast.Subscript):
            base = self._eval(node.value, record)
            if not isinstance(base, Mapping):
                raise ExpressionError(f"only records can be subscripted in {self.source!r}")
            return base.get(node.slice.value)  # type: ignore[attr-defined]
        if isinstance(node, ast.BinOp):
            left, right = self._eval(node.left, record), self._eval(node.right, record)
            if isinstance(node.op, ast.Mult):
                for seq, n in ((left, right), (right, left)):
                    sized = isinstance(seq, str | list | tuple) and isinstance(n, int)
                    if sized and len(seq) * n > MAX_STRING:
                        raise ExpressionError("repetition result too long")
            return _bounded(BINARY[type(node.op)](left, right))
        if isinstance(node, ast.UnaryOp):
            operand = self._eval(node.operand, record)
            if isinstance(node.op, ast.Not):
                return not operand
            return -operand if isinstance(node.op, ast.USub) else +operand
        if isinstance(node, ast.BoolOp):
            if isinstance(node.op, ast.And):
                result: Any = True
                for value in node.values:
                    result = self._eval(value, record)
                    if not result:
                        return result
                return result
            result = False
            for value in node.values:
                result = self._eval(value, record)
                if result:
                    return result
            return result
        if isinstance(node, ast.Compare):
            left = self._eval(node.left, record)
            for op, comparator in zip(node.ops, node.comparators, strict=True):
                right = self._eval(comparator, record)
                if not COMPARE[type(op)](left, right):
                    return False
                left = right
            return True
        if isinstance(node, ast.IfExp):
            test = self._eval(node.test, record)
            return self._eval(node.body if test else node.orelse, record)
        if isinstance(node, ast.Call):
            args = [self._eval(arg, record) for arg in node.args]
            return _bounded(FUNCTIONS[node.func.id](*args))  # type: ignore[attr-defined]
        if isinstance(node, ast.List | ast.Tuple):
            return [self._eval(item, record) for item in node.elts]
        raise ExpressionError(f"{type(node).__name__} is not allowed")  # pragma: no cover


def compile_expression(source: str) -> Expression:
    return Expression(source)
