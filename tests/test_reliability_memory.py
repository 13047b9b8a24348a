"""The memory probe of ``python -m reliability.memory``: it sees a child's memory, and a growth it made."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from reliability.memory import Peak, family, pss


def test_the_family_holds_a_child_and_pss_counts_its_pages() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(64 << 20); time.sleep(30)"])
    try:
        for _ in range(100):
            if child.pid in family(os.getpid()) and pss(child.pid) > 48 << 20:
                break
            time.sleep(0.1)
        assert child.pid in family(os.getpid()) and pss(child.pid) > 48 << 20  # 64 MB touched
    finally:
        child.kill()
        child.wait()
    assert pss(child.pid) == 0  # gone


def test_the_peak_is_what_the_block_added() -> None:
    with Peak(every_s=0.01) as peak:
        grown = bytearray(80 << 20)
        time.sleep(0.1)
        del grown
    assert 60 << 20 < peak.extra < 200 << 20
