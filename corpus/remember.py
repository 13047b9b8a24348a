"""Remembering a pure function of a sentence-sized text: the one bound and cache every reader shares.

Reading a bulletin asks the same sentence's economies and key terms once for each figure in it, and every
question reads the words of the same bulletin sentences again; those texts are remembered. A longer text (a
whole bulletin, a draft) is computed each time, so a cache entry never holds more than a long sentence.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache, wraps
from typing import Generic, TypeVar

T = TypeVar("T")

SENTENCE_CHARS = 2_000  # a long sentence (the longest in the sample bulletins is ~600 characters)


class Remembered(Generic[T]):
    """``fn`` with its results for texts up to ``SENTENCE_CHARS`` remembered (the ``maxsize`` latest);
    ``cache_clear`` forgets them (when what ``fn`` reads changed, e.g. economies registered at run time)."""

    def __init__(self, fn: Callable[[str], T], maxsize: int) -> None:
        self._fn = fn
        self._cached = lru_cache(maxsize=maxsize)(fn)
        wraps(fn)(self)

    def __call__(self, text: str) -> T:
        return self._cached(text) if len(text) <= SENTENCE_CHARS else self._fn(text)

    def cache_clear(self) -> None:
        self._cached.cache_clear()


def remembered(maxsize: int) -> Callable[[Callable[[str], T]], Remembered[T]]:
    """Decorator form of ``Remembered``; the function must return an immutable value (a tuple, a frozenset)."""
    return lambda fn: Remembered(fn, maxsize)
