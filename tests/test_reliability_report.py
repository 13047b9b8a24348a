"""The reliability suite's report ends with its failures: CI keeps only a log's tail."""

from __future__ import annotations

from reliability.report import failures_text
from reliability.results import Group


def test_failures_come_after_every_note() -> None:
    first, second = Group("first"), Group("second")
    first.case(False, "a file was lost")
    first.notes.append("run 0: killed")
    second.notes.append("p95 900 ms")
    lines = failures_text([first, second]).splitlines()
    assert lines == ["  (first) run 0: killed", "  (second) p95 900 ms", "- first: a file was lost"]
