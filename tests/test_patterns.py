"""No regular expression in the package takes more than linear time on a long line.

Every pattern is collected: the compiled ones each module holds, and every pattern written as a
literal in a call to `re` anywhere in the package. Each is run over long lines made of one repeated
unit (a letter, a capitalised word, digits, spaces, punctuation) that keep a backtracking matcher
busy. A linear pattern takes a millisecond or two on them; the bound is a second a line, so only
super-linear behaviour (seconds to minutes at this length) can exceed it.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
import time
from pathlib import Path

import pytest

import sendkg

LENGTH = 30_000
BOUND_S = 1.0
UNITS = ["a", "A", "1", " ", "\n", "a ", "Aa ", "Ab Cd ", "a.", "A. ", "1 ", "1.", "1,", "a-", "a,", "’", "(", "- ", "and ", "next ", "Mr A ", "a\n", "\t"]
FLAGS = {"I": re.I, "IGNORECASE": re.I, "M": re.M, "MULTILINE": re.M, "S": re.S, "DOTALL": re.S, "X": re.X, "VERBOSE": re.X}


def compiled_in_modules() -> dict[str, tuple[re.Pattern, str]]:
    """Each module's compiled patterns, tried as a search (the widest use)."""
    found = {}
    for module in pkgutil.walk_packages(sendkg.__path__, "sendkg."):
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, re.Pattern) and value.pattern:
                found[f"{module.name}.{name}"] = (value, "search")
    return found


def literal_flags(call: ast.Call) -> int:
    """The flags a call writes (`re.I`, `flags=re.I | re.M`), wherever among its arguments."""
    flags = 0
    for node in call.args[1:] + [k.value for k in call.keywords]:
        for leaf in ast.walk(node):
            if isinstance(leaf, ast.Attribute) and isinstance(leaf.value, ast.Name) and leaf.value.id == "re" and leaf.attr in FLAGS:
                flags |= FLAGS[leaf.attr]
    return flags


def written_in_calls() -> dict[str, tuple[re.Pattern, str]]:
    """Patterns given as string literals to `re.compile`, `re.search`, `re.sub` and the rest, each
    tried as the call uses it: anchored for `re.match` and `re.fullmatch`, else as a search."""
    found = {}
    for path in sorted(Path(sendkg.__file__).parent.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "re"
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                how = node.func.attr if node.func.attr in ("match", "fullmatch") else "search"
                found[f"{path.name}:{node.lineno}"] = (re.compile(node.args[0].value, literal_flags(node)), how)
    return found


PATTERNS = {**compiled_in_modules(), **written_in_calls()}


def test_every_pattern_of_the_package_is_collected():
    assert len(PATTERNS) > 80
    assert any(p.pattern.startswith(r"\bnext\s+steps") for p, _ in PATTERNS.values())


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_pattern_runs_in_linear_time_on_long_adversarial_lines(name):
    pattern, how = PATTERNS[name]
    for unit in UNITS:
        line = (unit * (LENGTH // len(unit) + 1))[:LENGTH]
        started = time.perf_counter()
        if how == "search":
            for _ in zip(range(1000), pattern.finditer(line)):
                pass
        else:
            getattr(pattern, how)(line)
        took = time.perf_counter() - started
        assert took < BOUND_S, f"{name} took {took:.1f} s on {LENGTH:,} × {unit!r}: super-linear"
