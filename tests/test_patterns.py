"""``corpus.patterns.rx``: the code's regular expressions stay compiled however many others the process meets.

Python 3.11's ``re`` cache keeps 512 patterns, first in first out, shared by every library: a server that
met enough new patterns recompiled the ones every answer uses, again and again.
"""

from __future__ import annotations

import ast
import re
import re._parser as sre_parse
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT
from corpus.patterns import KEPT, rx

PACKAGES = ("assistant", "corpus", "index", "ui")  # the code that reads bulletins and answers questions
THROUGH_RE_CACHE = {"search", "match", "fullmatch", "sub", "subn", "findall", "finditer", "split"}
QUESTIONS = ["When was the arrangement with Korea signed?", "What benefits do AEO enterprises get?",
             "How many AEO enterprises are there in Korea?", "Is the arrangement with Thailand in force?"]


def test_a_pattern_in_use_stays_compiled_while_thousands_of_others_come_and_go() -> None:
    hot = rx(r"\bmutual recognition\b", re.I)
    assert rx(r"\bmutual recognition\b", re.I) is hot
    for i in range(KEPT * 2):
        rx(rf"\bphrase number {i}\b")
        if i % 100 == 0:
            assert rx(r"\bmutual recognition\b", re.I) is hot  # used meanwhile: kept
    assert rx(r"\bphrase number 0\b") is not None and rx.cache_info().currsize == KEPT


def test_the_code_compiles_its_patterns_through_rx_not_the_re_module_cache() -> None:
    """``re.search(pattern, …)`` and its kin go through the shared first-in-first-out cache; in these packages
    every pattern is a compiled constant or comes from ``rx``."""
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                        and node.func.attr in THROUGH_RE_CACHE and isinstance(node.func.value, ast.Name)
                        and node.func.value.id == "re"):
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno} re.{node.func.attr}")
    assert not found, found


@pytest.fixture
def compiles() -> Iterator[list[str]]:
    """Where in our packages a pattern was compiled while the fixture was active."""
    seen: list[str] = []
    parse = sre_parse.parse

    def counting(*args: Any, **kwargs: Any) -> Any:
        ours = [f for f in traceback.extract_stack() if Path(f.filename).is_relative_to(ROOT)
                and Path(f.filename).relative_to(ROOT).parts[0] in PACKAGES]
        if ours:
            seen.append(f"{Path(ours[-1].filename).relative_to(ROOT)}:{ours[-1].lineno}")
        return parse(*args, **kwargs)

    sre_parse.parse = counting
    try:
        yield seen
    finally:
        sre_parse.parse = parse


def test_answering_compiles_nothing_after_other_code_filled_the_re_cache(seeded: Any, compiles: list[str]) -> None:
    for q in QUESTIONS:
        seeded.ask(q)
    compiles.clear()
    for i in range(600):  # another library's patterns: every one of ours is pushed out of re's own cache
        re.compile(f"another library's pattern {i}")
    for q in QUESTIONS:
        seeded.ask(q + " Please answer briefly.")  # new texts too: phrases to mark are built from data
    assert compiles == []
