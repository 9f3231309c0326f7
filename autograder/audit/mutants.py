"""Mutants of a reference solution: the same function with one small change.

Each operator looks at one kind of syntax node and proposes replacements; a
mutant is the function's source with exactly one of them applied.  The
operators are the classic ones of mutation testing (arithmetic, comparison and
boolean operators, constants, statements, returns), plus those that matter to
this course: a NumPy reduction's axis or keyword, arguments in another order,
a NumPy function or regulariser swapped for its sibling, and a Keras layer's
class, activation, rate or place in the model.

Maintained mutation-testing libraries (mutmut, cosmic-ray) mutate files on
disk and run a project's own test command per mutant; neither hands back a
mutated function as source, and neither knows Keras layers, so the operators
are written here, on Python's own ast module.
"""
from __future__ import annotations

import ast
import copy
import difflib
import enum
from dataclasses import dataclass


class Operator(str, enum.Enum):
    ARITHMETIC = "arithmetic operator"
    COMPARISON = "comparison operator"
    BOOLEAN = "boolean operator"
    CONSTANT = "constant"
    KEYWORD = "keyword argument"
    ARGUMENTS = "arguments swapped"
    STATEMENT = "statement removed"
    RETURN = "return value"
    FUNCTION = "function swapped"
    VARIABLE = "variable swapped"
    LAYER = "Keras layer"


@dataclass(frozen=True)
class Mutant:
    function: str
    operator: Operator
    code: str  # the whole mutated function, ready to replace the reference in a notebook
    diff: str  # unified diff against the reference, as ast.unparse writes both

    @property
    def id(self) -> str:
        import hashlib

        return hashlib.sha256(self.code.encode()).hexdigest()[:12]


_ARITHMETIC = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult],
               ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult], ast.FloorDiv: [ast.Div], ast.Mod: [ast.FloorDiv]}
_COMPARISON = {ast.Lt: [ast.LtE, ast.Gt], ast.LtE: [ast.Lt, ast.GtE], ast.Gt: [ast.GtE, ast.Lt],
               ast.GtE: [ast.Gt, ast.LtE], ast.Eq: [ast.NotEq], ast.NotEq: [ast.Eq], ast.Is: [ast.IsNot],
               ast.IsNot: [ast.Is], ast.In: [ast.NotIn], ast.NotIn: [ast.In]}
_BOOLEAN = {ast.And: ast.Or, ast.Or: ast.And}
# Siblings a student could confuse: NumPy functions, generators, regularisers.
_FUNCTIONS = {"mean": ["sum", "median"], "sum": ["mean"], "max": ["min"], "min": ["max"],
              "maximum": ["minimum"], "minimum": ["maximum"], "argmin": ["argmax"], "argmax": ["argmin"],
              "sqrt": ["square"], "square": ["abs"], "abs": ["square"], "var": ["std"], "std": ["var"],
              "exp": ["expm1"], "randn": ["rand"], "normal": ["uniform"], "l1": ["l2"], "l2": ["l1"],
              "L1": ["L2"], "L2": ["L1"], "tanh": ["sigmoid"], "polyfit": ["lstsq"], "vander": ["ones_like"]}
_ACTIVATIONS = {"relu": ["sigmoid", "linear"], "sigmoid": ["relu", "linear"], "softmax": ["sigmoid", "linear"],
                "linear": ["relu"], "tanh": ["relu"]}
_LAYER_CLASSES = {"Dropout": ["GaussianDropout"], "BatchNormalization": ["LayerNormalization"],
                  "ReLU": ["Softmax"], "Dense": []}
_LAYERS = {"Dense", "Dropout", "BatchNormalization", "Activation", "ReLU", "LayerNormalization", "Softmax",
           "GaussianDropout"}


def _layer_name(call: ast.AST) -> str | None:
    """'Dense' for keras.layers.Dense(...), layers.Dense(...) or Dense(...)."""
    if not isinstance(call, ast.Call):
        return None
    f = call.func
    name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else None
    return name if name in _LAYERS else None


def _docstring(fn: ast.FunctionDef):
    first = fn.body[0] if fn.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
        return first
    return None


def _numbers(v) -> list:
    """0/1 swapped, +-1, x2, half, negated: each distinct from v."""
    out = []
    for c in ([1] if v == 0 else []) + ([0] if v == 1 else []) + [v + 1, v - 1, v * 2, v / 2, -v]:
        c = int(c) if isinstance(v, int) and float(c).is_integer() else c
        if isinstance(v, int) and not isinstance(c, int):
            continue
        if c != v and c not in out:
            out.append(c)
    return out


def _sites(fn: ast.FunctionDef):
    """(node, operator, make) for every change the operators propose; make(node) mutates a copy in place,
    or returns a replacement node."""
    doc = _docstring(fn)
    params = [a.arg for a in fn.args.args]
    for node in ast.walk(fn):
        if isinstance(node, (ast.BinOp, ast.AugAssign)):
            for new in _ARITHMETIC.get(type(node.op), []):
                yield node, Operator.ARITHMETIC, lambda n, new=new: setattr(n, "op", new())
        if isinstance(node, ast.BinOp):  # one operand deleted: a * b -> a, and -> b
            yield node, Operator.ARITHMETIC, lambda n: n.left
            yield node, Operator.ARITHMETIC, lambda n: n.right
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.Not)):
            yield node, (Operator.ARITHMETIC if isinstance(node.op, ast.USub) else Operator.BOOLEAN), \
                lambda n: n.operand
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                for new in _COMPARISON.get(type(op), []):
                    yield node, Operator.COMPARISON, lambda n, i=i, new=new: n.ops.__setitem__(i, new())
        elif isinstance(node, ast.BoolOp):
            yield node, Operator.BOOLEAN, lambda n: setattr(n, "op", _BOOLEAN[type(n.op)]())
        elif isinstance(node, ast.Constant) and node is not getattr(doc, "value", None):
            v = node.value
            if isinstance(v, bool):
                yield node, Operator.BOOLEAN, lambda n: setattr(n, "value", not n.value)
            elif isinstance(v, (int, float)):
                for c in _numbers(v):
                    yield node, Operator.CONSTANT, lambda n, c=c: setattr(n, "value", c)
            elif isinstance(v, str) and v in _ACTIVATIONS:
                for c in _ACTIVATIONS[v]:
                    yield node, Operator.LAYER, lambda n, c=c: setattr(n, "value", c)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load) and node.id in params:
            for other in params:
                if other != node.id:
                    yield node, Operator.VARIABLE, lambda n, other=other: setattr(n, "id", other)
        elif isinstance(node, ast.Attribute) and node.attr in _FUNCTIONS:
            for c in _FUNCTIONS[node.attr]:
                yield node, Operator.FUNCTION, lambda n, c=c: setattr(n, "attr", c)
        if isinstance(node, ast.Call):
            yield from _call_sites(node)
        if isinstance(node, ast.List) and sum(_layer_name(e) is not None for e in node.elts) >= 2:
            for i, e in enumerate(node.elts):
                if _layer_name(e):
                    yield node, Operator.LAYER, lambda n, i=i: _drop(n.elts, i)
                    if i + 1 < len(node.elts) and _layer_name(node.elts[i + 1]):
                        yield node, Operator.LAYER, lambda n, i=i: n.elts.__setitem__(
                            slice(i, i + 2), [n.elts[i + 1], n.elts[i]])
        for field in ("body", "orelse"):
            body = getattr(node, field, None)
            if not isinstance(body, list) or not body or not isinstance(body[0], ast.stmt):
                continue
            for i, stmt in enumerate(body):
                if stmt is doc or isinstance(stmt, (ast.Return, ast.FunctionDef, ast.Pass)):
                    continue
                yield node, Operator.STATEMENT, lambda n, i=i, field=field: getattr(n, field).__setitem__(
                    i, ast.Pass())
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                yield node, Operator.RETURN, lambda n: setattr(n, "value", ast.Constant(None))
            if params and not (isinstance(node.value, ast.Name) and node.value.id == params[0]):
                yield node, Operator.RETURN, lambda n: setattr(n, "value", ast.Name(params[0], ast.Load()))


def _call_sites(call: ast.Call):
    for i, kw in enumerate(call.keywords):
        if kw.arg is None:
            continue
        yield call, Operator.KEYWORD, lambda n, i=i: _drop(n.keywords, i)
        if kw.arg == "axis" and isinstance(kw.value, ast.Constant) and isinstance(kw.value.value, int):
            for c in (kw.value.value + 1, kw.value.value - 1):
                yield call, Operator.KEYWORD, lambda n, i=i, c=c: setattr(n.keywords[i], "value", ast.Constant(c))
            yield call, Operator.KEYWORD, lambda n, i=i: setattr(n.keywords[i], "value", ast.Constant(None))
    positional = [a for a in call.args if not isinstance(a, ast.Starred)]
    if len(positional) == len(call.args):
        for i in range(len(call.args) - 1):
            yield call, Operator.ARGUMENTS, lambda n, i=i: n.args.__setitem__(slice(i, i + 2),
                                                                               [n.args[i + 1], n.args[i]])
    layer = _layer_name(call)
    if layer:
        for other in _LAYER_CLASSES.get(layer, []):
            yield call, Operator.LAYER, lambda n, other=other: (
                setattr(n.func, "attr", other) if isinstance(n.func, ast.Attribute) else setattr(n.func, "id", other))
        if layer in ("Dropout", "GaussianDropout") and call.args and isinstance(call.args[0], ast.Name):
            yield call, Operator.LAYER, lambda n: n.args.__setitem__(0, ast.Constant(0.5))


def mutants_of(function: str, code: str) -> list[Mutant]:
    """Every distinct mutant of `function` (defined in `code`, which may hold helpers too)."""
    tree = ast.parse(code)
    target = next((i for i, n in enumerate(tree.body) if isinstance(n, ast.FunctionDef) and n.name == function),
                  None)
    if target is None:
        raise ValueError(f"the reference code defines no function {function}")
    original = ast.unparse(tree)
    seen, out = {original}, []
    count = sum(1 for _ in _sites(tree.body[target]))
    for k in range(count):
        mutated = copy.deepcopy(tree)
        node, operator, make = next(s for i, s in enumerate(_sites(mutated.body[target])) if i == k)
        replacement = make(node)
        if isinstance(replacement, ast.AST):
            _replace(mutated.body[target], node, replacement)
        ast.fix_missing_locations(mutated)
        try:
            text = ast.unparse(mutated)
            compile(text, f"<mutant of {function}>", "exec")
        except (SyntaxError, ValueError, TypeError):
            continue
        if text in seen:
            continue
        seen.add(text)
        diff = "".join(difflib.unified_diff((original + "\n").splitlines(True), (text + "\n").splitlines(True),
                                            "reference", "mutant", n=1))
        out.append(Mutant(function, operator, text + "\n", diff))
    return out


def _drop(items: list, i: int):
    del items[i]


def _replace(root: ast.AST, old: ast.AST, new: ast.AST):
    for parent in ast.walk(root):
        for field, value in ast.iter_fields(parent):
            if value is old:
                setattr(parent, field, new)
                return
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if item is old:
                        value[i] = new
                        return
