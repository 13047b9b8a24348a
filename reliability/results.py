"""One row of the suite's table: a group of cases, how many failed and why, data lost, latency."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MAX_EXAMPLES = 8  # failure reasons kept per group in the report


@dataclass
class Group:
    """Results of one case group; ``fail`` records a failed case with a one-line reason."""

    name: str
    cases: int = 0
    failures: int = 0
    tracebacks: int = 0
    inconsistent: int = 0  # store-consistency checks that found a problem
    data_lost: int = 0  # bulletins that should be indexed and are not
    p50_ms: float | None = None
    p95_ms: float | None = None
    max_s: float | None = None  # slowest single case, where the target is per case
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    examples: list[str] = field(default_factory=list)

    def case(self, ok: bool, reason: str = "") -> bool:
        self.cases += 1
        if not ok:
            self.fail(reason)
        return ok

    def fail(self, reason: str) -> None:
        self.failures += 1
        if "Traceback" in reason or "traceback" in reason:
            self.tracebacks += 1
        if len(self.examples) < MAX_EXAMPLES:
            self.examples.append(reason.replace("\n", " ")[:300])

    def to_json(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("name", "cases", "failures", "tracebacks", "inconsistent", "data_lost",
                                              "p50_ms", "p95_ms", "max_s", "seconds", "notes", "examples")}


def percentile(values: list[float], q: float) -> float | None:
    """Linear-interpolation percentile (q in 0..100); None for no values."""
    xs = sorted(values)
    if not xs:
        return None
    pos = (len(xs) - 1) * q / 100
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)
