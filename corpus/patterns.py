"""Compiled regular expressions kept in a cache of our own, so a busy server never recompiles its patterns.

``re.search(pattern, text)`` compiles through the ``re`` module's cache: 512 patterns shared by every
library in the process, and in Python 3.11 full means first in, first out: each new pattern (an asked
year, another library's) pushes out the oldest, however often that one is used. In a server that had met
a few hundred patterns, the ones every answer uses were pushed out and compiled again and again: a tenth
of the CPU under 50 users went to recompiling one noun-phrase pattern. Here patterns live in a
least-recently-used cache, so the ones in use every question stay compiled, and patterns built from data
(an asked year, an economy's name) take a bounded share. Every pattern in the answering and reading code
is compiled through ``rx`` (``tests/test_patterns.py`` holds the code to that).
"""

from __future__ import annotations

import re
from functools import lru_cache

KEPT = 4096  # patterns; the code's own are a few hundred, the rest are built from data


@lru_cache(maxsize=KEPT)
def rx(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``pattern`` compiled with ``flags``, compiled once while it is in use."""
    return re.compile(pattern, flags)
