"""Score the claim checker on a claims set: ``{"id", "text", "verdict"}`` lines against ``check --batch --json`` output.

Kept apart from the question eval because a claims set has no questions: it measures only the verdicts that
``customs-assistant check`` gives, through the same JSON contract other tools read.

    python -m evals.claims CLAIMS.jsonl CHECK_OUTPUT.jsonl [--min 0.6] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

VERDICTS = ("supported", "contradicted", "stale", "unsupported")


class ClaimsError(ValueError):
    """A claims set or a check output that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class ClaimItem:
    id: str
    text: str
    verdict: str


def load_claims(path: Path) -> list[ClaimItem]:
    """Read a claims set; every line must carry text and one of the four verdicts."""
    items: list[ClaimItem] = []
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ClaimsError(f"{path}: {exc.strerror or exc}") from None
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ClaimsError(f"{path}:{n}: not JSON ({exc.msg})") from None
        if not isinstance(row, dict) or not str(row.get("text") or "").strip():
            raise ClaimsError(f"{path}:{n}: needs a non-empty \"text\"")
        verdict = str(row.get("verdict") or "").strip().lower()
        if verdict not in VERDICTS:
            raise ClaimsError(f"{path}:{n}: \"verdict\" must be one of {', '.join(VERDICTS)}")
        items.append(ClaimItem(str(row.get("id") or f"line-{n}"), " ".join(str(row["text"]).split()), verdict))
    if not items:
        raise ClaimsError(f"{path}: no claims")
    return items


def score(items: Sequence[ClaimItem], outputs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Accuracy overall and per expected verdict, plus the confusion pairs and the misjudged claims."""
    if len(outputs) != len(items):
        raise ClaimsError(f"{len(items)} claims but {len(outputs)} check results")
    confusion: Counter[tuple[str, str]] = Counter()
    wrong = []
    for item, out in zip(items, outputs, strict=True):
        got = str(out.get("verdict") or out.get("error") or "error")
        confusion[(item.verdict, got)] += 1
        if got != item.verdict:
            wrong.append({"id": item.id, "expected": item.verdict, "got": got, "text": item.text})
    correct = sum(n for (e, g), n in confusion.items() if e == g)
    by_verdict = {}
    for v in VERDICTS:
        total = sum(n for (e, _), n in confusion.items() if e == v)
        if total:
            by_verdict[v] = {"n": total, "correct": confusion[(v, v)], "accuracy": round(confusion[(v, v)] / total, 3)}
    return {"n": len(items), "correct": correct, "accuracy": round(correct / len(items), 3),
            "by_verdict": by_verdict, "confusion": {f"{e}->{g}": n for (e, g), n in sorted(confusion.items())},
            "wrong": wrong}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m evals.claims", description=__doc__.split("\n\n")[0])
    parser.add_argument("claims", type=Path, help="claims set (JSONL: id, text, verdict)")
    parser.add_argument("outputs", type=Path, help="output of `customs-assistant check --batch TEXTS --json`")
    parser.add_argument("--min", type=float, default=None, help="exit 1 unless accuracy >= this")
    parser.add_argument("--json", action="store_true", help="print the score as JSON")
    args = parser.parse_args(argv)
    try:
        items = load_claims(args.claims)
        outputs = [json.loads(line) for line in args.outputs.read_text(encoding="utf-8").splitlines() if line.strip()]
        result = score(items, outputs)
    except (ClaimsError, OSError, json.JSONDecodeError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(f"claims: {result['correct']}/{result['n']} ({result['accuracy']:.3f})")
        for v, s in result["by_verdict"].items():
            print(f"  {v:13} {s['correct']}/{s['n']}")
        for w in result["wrong"]:
            print(f"  - {w['id']}: expected {w['expected']}, got {w['got']}: {w['text']}")
    if args.min is not None and result["accuracy"] < args.min:
        print(f"Gate: FAIL (claims accuracy {result['accuracy']:.3f} < {args.min})", file=sys.stderr)
        return 1
    return 0


def texts(path: Path) -> list[str]:
    """The claim texts of a claims set, one per line, for ``check --batch``."""
    return [item.text for item in load_claims(path)]


if __name__ == "__main__":
    sys.exit(main())
