"""The ``customs-assistant`` command line. It parses, calls the Assistant service, and prints."""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from datetime import date
from pathlib import Path
from typing import Any, TextIO

from assistant.retrieve import resolve_partner
from assistant.service import Assistant, EmptyIndexError
from assistant.settings import Settings


class UsageError(Exception):
    """A bad argument: printed as one line, exit code 2."""


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date in YYYY-MM-DD form: {value!r}") from None


def _emit(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def _lines(source: str) -> Iterator[str]:
    """Non-empty lines of a batch file, or of stdin for '-'."""
    handle = sys.stdin if source == "-" else open(source, encoding="utf-8", errors="replace")  # noqa: SIM115
    try:
        for line in handle:
            if line.strip():
                yield line.strip()
    finally:
        if handle is not sys.stdin:
            handle.close()


def _batch(source: str, run: Callable[[str], dict[str, Any]], out: TextIO) -> int:
    """One JSON object per input line; a bad line gets an error object and the batch goes on."""
    failed = 0
    for line in _lines(source):
        try:
            _emit(run(line), out)
        except ValueError as exc:
            failed += 1
            _emit({"input": line, "error": str(exc)}, out)
    return 1 if failed else 0


# -- commands -------------------------------------------------------------------------------------
def cmd_ingest(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    report = a.ingest(args.paths, prune=args.prune, progress=not args.json and not args.quiet)
    if args.json:
        _emit(report.to_json(), out)
    else:
        for label, items in (("added", report.added), ("updated", report.updated),
                             ("unchanged", report.unchanged), ("removed", report.removed)):
            for source in items:
                out.write(f"{label:9}  {source}\n")
        for r in report.rejected:
            out.write(f"rejected   {r.source}: {r.reason}\n")
        out.write(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                  f"{len(report.removed)} removed, {len(report.rejected)} rejected; "
                  f"{a.catalog.count()} bulletins indexed in {a.settings.home}\n")
    return 0 if (report.added or report.updated or report.unchanged or report.removed or not report.rejected) else 1


def cmd_search(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    partner = resolve_partner(args.partner) if args.partner else None
    result = a.search_grouped(args.query, partner=partner, since=args.since, until=args.until, k=args.k)
    if args.json:
        _emit(result, out)
        return 0
    if not result["results"]:
        out.write("No matching passages.\n")
    for group in result["groups"]:
        out.write(f"\n{group['title']}\n  {group['source']} · {group['date_text'] or 'undated'}\n")
        for hit in group["passages"]:
            out.write(f"  [{hit['score']:.4f}] …{hit['highlighted']}…\n")
    return 0


def _print_answer(result: dict[str, Any], out: TextIO) -> None:
    out.write(result["answer"] + "\n")
    for c in result["citations"]:
        out.write(f"  [{c['n']}] {c['source']} ({c.get('date_text') or c['date'] or 'undated'}), chars {c['start']}-{c['end']}: "
                  f"\"{c['quote']}\"\n")
    for claim in _claims(result):
        out.write(f"  check: {claim['claim']!r} is {claim['verdict']}" + (f" — {claim['note']}" if claim.get("note") else "") + "\n")


def _claims(result: dict[str, Any]) -> list[dict[str, Any]]:
    claims: list[dict[str, Any]] = []
    for check in result.get("checks", []):
        claims.extend(check.get("claims", [check]) if isinstance(check, dict) else [])
    return claims


def cmd_ask(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    if args.batch:
        a.warm()
        return _batch(args.batch, lambda q: a.ask(q).to_json(), out)
    if not args.question:
        raise UsageError("give a question, or --batch FILE")
    result = a.ask(" ".join(args.question)).to_json()
    if args.json:
        _emit(result, out)
    else:
        _print_answer(result, out)
    return 0


def cmd_chat(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    conversation = a.conversation()
    interactive = sys.stdin.isatty() and not args.json
    if interactive:
        out.write("Ask about customs arrangements; an empty line or Ctrl-D ends the session.\n")
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = sys.stdin.readline()
        if not line or (interactive and not line.strip()):
            return 0
        if not line.strip():
            continue
        result = conversation.ask(line.strip()).to_json()
        if args.json:
            _emit(result, out)
        else:
            _print_answer(result, out)


def cmd_bulletins(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    rows = [a.bulletin_json(d) for d in a.bulletins()]
    if args.json:
        _emit({"bulletins": rows}, out)
    else:
        for r in rows:
            out.write(f"{r['source']}  {r['date_text'] or 'date not given'}  partners: {', '.join(r['partners']) or '-'}\n"
                      f"    {r['title']}\n")
    return 0


def cmd_facts(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    partner = resolve_partner(args.partner) if args.partner else None
    rows = a.facts_json(partner=partner, subject=args.subject)
    if args.json:
        _emit({"facts": rows}, out)
    elif args.csv:
        import csv

        fields = ["value", "unit", "kind", "qualifier", "subject", "as_of", "partners", "source", "expr", "start",
                  "end", "quote"]
        writer = csv.DictWriter(out, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        for r in rows:
            writer.writerow(dict(r, partners="; ".join(r["partners"])))
    else:
        for r in rows:
            q = f" ({r['qualifier']})" if r["qualifier"] else ""
            out.write(f"{r['expr']!r:28} {r['kind']:9} {r['value']}{q} {r['unit']}  subject: {r['subject']}"
                      f"  as of: {r['as_of'] or '-'}  [{r['source']} {r['start']}-{r['end']}]\n")
        out.write(f"{len(rows)} facts\n")
    return 0


def cmd_arrangements(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    rows = a.arrangements_json()
    if args.json:
        _emit({"arrangements": rows}, out)
        return 0
    for r in rows:
        out.write(f"{r['partner']}  (sources: {', '.join(r['sources'])})\n")
        for key in ("signed", "announced", "published", "in_force"):
            v = r[key]
            out.write(f"  {key:10} {v if v == 'unknown' else v['value'] + ' — ' + repr(v['text'])}\n")
        for key in ("administrations", "measures", "identifiers"):
            if r[key]:
                out.write(f"  {key:10} " + "; ".join(x["value"] for x in r[key]) + "\n")
    return 0


def cmd_check(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    if args.batch:
        return _batch(args.batch, lambda t: a.check(t).to_json(), out)
    if not args.text:
        raise UsageError("give a text to check, or --batch FILE")
    result = a.check(" ".join(args.text)).to_json()
    if args.json:
        _emit(result, out)
        return 0
    out.write(f"verdict: {result['verdict']}\n")
    for c in result["claims"]:
        fact = c["fact"]
        src = f" — {fact['source']}: \"{fact['quote']}\"" if fact else ""
        out.write(f"  {c['claim']!r}: {c['verdict']}" + (f" ({c['note']})" if c["note"] else "") + src + "\n")
    return 0


def cmd_eval(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    from evals.command import execute

    def ask_fn(turns: list[str]) -> dict[str, Any]:
        conversation = a.conversation()
        for turn in turns[:-1]:
            conversation.ask(turn)
        return conversation.ask(turns[-1]).to_json()

    def check_fn(text: str) -> dict[str, Any]:
        return a.check(text).to_json()

    a.catalog  # noqa: B018 — fail early with the ingest hint rather than per item
    if a.catalog.count() == 0:
        raise EmptyIndexError(f"the index at {a.settings.home} is empty: run `customs-assistant ingest corpus/bulletins` first")
    a.warm()  # latency is measured with the model loaded, as a running server has it
    return execute(args, ask_fn, check_fn)


def cmd_serve(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    from ui.app import serve

    if a.catalog.count():
        a.warm()
    serve(a, host=args.host, port=args.port)
    return 0


COMMANDS: dict[str, Callable[[Assistant, argparse.Namespace, TextIO], int]] = {
    "ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "chat": cmd_chat,
    "bulletins": cmd_bulletins, "serve": cmd_serve, "facts": cmd_facts, "arrangements": cmd_arrangements,
    "check": cmd_check, "eval": cmd_eval,
}


def _common(default: Any) -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--home", default=default,
                        help="data folder (default: $CUSTOMS_ASSISTANT_HOME or ~/.local/share/customs-assistant)")
    common.add_argument("--json", action="store_true", default=default, help="print JSON for other tools")
    common.add_argument("-q", "--quiet", action="store_true", default=default, help="no progress bars")
    return common


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="customs-assistant", parents=[_common(argparse.SUPPRESS)],
        description="Answer questions about customs arrangements from the bulletins that announce them.",
    )
    parser.set_defaults(home=None, json=False, quiet=False)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    # Options may come before or after the command; SUPPRESS keeps a later default from erasing them.
    common = _common(argparse.SUPPRESS)

    p = sub.add_parser("ingest", parents=[common], help="index bulletin files or folders (.txt, .md, .html)")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--prune", action="store_true", help="remove indexed bulletins that are not among PATHS")

    p = sub.add_parser("search", parents=[common], help="ranked passages for a query")
    p.add_argument("query")
    p.add_argument("--partner", help="only bulletins naming this economy")
    p.add_argument("--since", type=_date, help="bulletins dated on or after YYYY-MM-DD")
    p.add_argument("--until", type=_date, help="bulletins dated on or before YYYY-MM-DD")
    p.add_argument("-k", type=int, default=5, help="how many passages (default 5)")

    p = sub.add_parser("ask", parents=[common], help="a cited answer to a question")
    p.add_argument("question", nargs="*")
    p.add_argument("--batch", metavar="FILE", help="one question per line ('-' for stdin); JSON lines out")

    sub.add_parser("chat", parents=[common], help="an interactive conversation with follow-up questions")
    sub.add_parser("bulletins", parents=[common], help="list the indexed bulletins")

    p = sub.add_parser("facts", parents=[common], help="the fact table: every figure and date, with its source")
    p.add_argument("--partner", help="only facts involving this economy")
    p.add_argument("--subject", help="only facts whose subject covers these words")
    p.add_argument("--csv", action="store_true", help="print CSV")

    sub.add_parser("arrangements", parents=[common], help="arrangement records: partners, dates, measures, codes")

    p = sub.add_parser("check", parents=[common], help="check the figures and dates of a text against the fact table")
    p.add_argument("text", nargs="*")
    p.add_argument("--batch", metavar="FILE", help="one text per line ('-' for stdin); JSON lines out")

    from evals.command import add_arguments

    p = sub.add_parser("eval", parents=[common], help="run an answer-accuracy test set; gate on thresholds")
    add_arguments(p)

    p = sub.add_parser("serve", parents=[common], help="start the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command in ("ask", "check") and args.batch:
        args.json = True
    settings = Settings.from_env(home=args.home)
    assistant = Assistant(settings)
    try:
        return COMMANDS[args.command](assistant, args, sys.stdout)
    except EmptyIndexError as exc:
        print(f"customs-assistant: {exc}", file=sys.stderr)
        return 1
    except (UsageError, ValueError, FileNotFoundError) as exc:
        print(f"customs-assistant: {exc}", file=sys.stderr)
        return 2
    except sqlite3.DatabaseError as exc:
        print(f"customs-assistant: the catalog in {settings.home} cannot be read ({exc}); "
              "point --home at another folder or move that one away", file=sys.stderr)
        return 1
    except OSError as exc:
        print(f"customs-assistant: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # output piped into `head` and closed early: not an error
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    finally:
        assistant.close()


if __name__ == "__main__":
    raise SystemExit(main())
