"""``corpus.remember``: sentence-sized texts remembered, longer ones computed each time, and forgotten on demand."""

from __future__ import annotations

from corpus.remember import SENTENCE_CHARS, remembered


def test_sentence_sized_texts_are_remembered_and_longer_ones_are_not() -> None:
    calls: list[str] = []

    @remembered(8)
    def words(text: str) -> tuple[str, ...]:
        calls.append(text)
        return tuple(text.split())

    short, long = "trade rose", "x " * SENTENCE_CHARS
    assert words(short) == words(short) == ("trade", "rose") and calls == [short]
    words(long)
    words(long)
    assert calls == [short, long, long]  # never kept: an entry holds at most a long sentence
    words.cache_clear()
    words(short)
    assert calls == [short, long, long, short]
    assert words.__name__ == "words"
