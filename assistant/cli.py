"""The ``customs-assistant`` command line. It parses, calls the Assistant service, and prints."""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from assistant.settings import Settings

if TYPE_CHECKING:  # the service pulls in torch, Chroma and llama-index: imported only once the input is valid
    from assistant.service import Assistant


class UsageError(Exception):
    """A bad argument: printed as one line, exit code 2."""


def clean_text(text: str) -> str:
    """Command-line or stdin text made valid UTF-8: undecodable bytes and lone surrogates become U+FFFD.

    Python hands an argv byte such as ``\\xff`` over as the surrogate ``\\udcff``; printed or searched
    as is it raises UnicodeEncodeError, so it is replaced here, once, where the text comes in.
    """
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate outside the escape range, e.g. "\ud800"
        return _SURROGATE.sub("\ufffd", text)


_SURROGATE = re.compile("[\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def one_line(name: object) -> str:
    """A file name safe for the one-line-per-file ingest output: control characters escaped (``\\n``)."""
    text = clean_text(str(name))
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"port {port} is out of range: give a port between 1 and 65535")
    return port


def _emit(obj: Any, out: TextIO) -> None:
    out.write(json.dumps(obj, ensure_ascii=False) + "\n")
    out.flush()


def open_batch(source: str) -> TextIO:
    """A batch file (or stdin for '-') opened now, so a missing file fails before any model loads.

    Bytes that are not UTF-8 are replaced, never an error: every line still gets its answer.
    """
    if source == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
    try:
        return open(source, encoding="utf-8", errors="replace")  # noqa: SIM115 - closed by _lines
    except OSError as exc:
        raise UsageError(f"cannot read the batch file {source}: {exc.strerror or exc}") from None


def _lines(handle: TextIO) -> Iterator[str]:
    """Non-empty lines of an opened batch file."""
    try:
        for line in handle:
            if line.strip():
                yield clean_text(line.strip())
    finally:
        if handle is not sys.stdin:
            handle.close()


def _batch(handle: TextIO, run: Callable[[str], dict[str, Any]], out: TextIO,
           show: Callable[[dict[str, Any], TextIO], None] | None = None) -> int:
    """One result per input line (JSON lines, or ``show`` for text); a bad line gets an error and the batch goes on."""
    failed = 0
    for line in _lines(handle):
        try:
            result = run(line)
        except ValueError as exc:
            failed += 1
            if show is None:
                _emit({"input": line, "error": str(exc)}, out)
            else:
                out.write(f"error: {exc}: {line[:80]!r}\n")
            continue
        if show is None:
            _emit(result, out)
        else:
            show(result, out)
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
                out.write(f"{label:9}  {one_line(source)}\n")
        for r in report.rejected:
            out.write(f"rejected   {one_line(r.source)}: {one_line(r.reason)}\n")
        out.write(f"{len(report.added)} added, {len(report.updated)} updated, {len(report.unchanged)} unchanged, "
                  f"{len(report.removed)} removed, {len(report.rejected)} rejected; "
                  f"{a.catalog.count()} bulletins indexed in {a.settings.home}\n")
    return 0 if (report.added or report.updated or report.unchanged or report.removed or not report.rejected) else 1


def cmd_search(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    from corpus.partners import resolve_partner

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
        return _batch(args.batch_handle, lambda q: a.ask(q).to_json(), out)
    result = a.ask(args.question_text).to_json()
    if args.json:
        _emit(result, out)
    else:
        _print_answer(result, out)
    return 0


def cmd_chat(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    conversation = a.conversation()
    interactive = sys.stdin.isatty() and not args.json
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace") if not interactive else sys.stdin
    if interactive:
        out.write("Ask about customs arrangements; an empty line or Ctrl-D ends the session.\n")
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = clean_text(stdin.readline())
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
    from corpus.partners import resolve_partner

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
        return _batch(args.batch_handle, lambda t: a.check(t).to_json(), out,
                      show=None if args.json else _print_check_line)
    result = a.check(args.text_value).to_json()
    if args.json:
        _emit(result, out)
        return 0
    _print_check(result, out)
    return 0


def _print_check(result: dict[str, Any], out: TextIO) -> None:
    out.write(f"verdict: {result['verdict']}\n")
    for c in result["claims"]:
        fact = c["fact"]
        src = f" — {fact['source']}: \"{fact['quote']}\"" if fact else ""
        out.write(f"  {c['claim']!r}: {c['verdict']}" + (f" ({c['note']})" if c["note"] else "") + src + "\n")


def _print_check_line(result: dict[str, Any], out: TextIO) -> None:
    """One text of ``check --batch`` without --json: the text, then its verdicts."""
    out.write(f"{result['text']}\n")
    _print_check(result, out)


def cmd_eval(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    from evals.command import execute

    def ask_fn(turns: list[str]) -> dict[str, Any]:
        return a.ask_turns(turns).to_json()

    def check_fn(text: str, context: str = "") -> dict[str, Any]:
        return a.check_in_context(text, context.split("\n") if context else ()).to_json()

    a.require_index()  # fail early with the ingest hint rather than per item (the app's Evaluate tab does the same)
    a.warm()  # latency is measured with the model loaded, as a running server has it
    return execute(args, ask_fn, check_fn)


def cmd_feedback(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    """``feedback export``: the app's ratings as a gold-set JSONL draft (to FILE, or printed)."""
    from assistant.feedback import to_jsonl

    items = a.feedback_draft()
    up = sum(1 for i in items if "thumbs-up" in i["tags"])
    if args.out:
        Path(args.out).write_text(to_jsonl(items), encoding="utf-8")
    if args.json:
        _emit({"out": args.out, "count": len(items), "up": up, "down": len(items) - up,
               "items": items if not args.out else []}, out)
    elif args.out:
        out.write(f"{len(items)} draft items ({up} thumbs up, {len(items) - up} thumbs down) written to {args.out}\n")
    else:
        out.write(to_jsonl(items))
    return 0


def cmd_serve(a: Assistant, args: argparse.Namespace, out: TextIO) -> int:
    from ui.app import serve

    if a.catalog.count():
        a.warm()
    serve(a, host=args.host, port=args.port)
    return 0


COMMANDS: dict[str, Callable[[Assistant, argparse.Namespace, TextIO], int]] = {
    "ingest": cmd_ingest, "search": cmd_search, "ask": cmd_ask, "chat": cmd_chat,
    "bulletins": cmd_bulletins, "serve": cmd_serve, "facts": cmd_facts, "arrangements": cmd_arrangements,
    "check": cmd_check, "eval": cmd_eval, "feedback": cmd_feedback,
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
    p.add_argument("--since", help="bulletins dated on or after YYYY-MM-DD")
    p.add_argument("--until", help="bulletins dated on or before YYYY-MM-DD")
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

    p = sub.add_parser("feedback", parents=[common], help="ratings given in the app: export them as a gold-set draft")
    p.add_argument("action", choices=["export"], help="export: write the ratings as eval-set JSONL items")
    p.add_argument("--out", metavar="FILE", help="write the JSONL draft to FILE (default: print it)")

    p = sub.add_parser("serve", parents=[common], help="start the web app")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=_port, default=7860, help="TCP port, 1-65535 (default 7860)")
    return parser


def _known_metrics(items: Sequence[Any], k: int) -> set[str]:
    """Every metric name a run of ``items`` reports (the names ``--min``/``--max`` may use).

    Found by scoring one item against an empty answer, so the list is the harness's own, not a copy here.
    """
    from evals.evaluate import known_metrics

    return known_metrics(items, k)


def _preflight_eval(args: argparse.Namespace) -> None:
    """The set, the thresholds (names included) and the baseline, checked before the model loads."""
    from evals.gate import ThresholdError, parse_thresholds
    from evals.report import RunFileError, load_item_scores
    from evals.schema import SetError, load_set

    try:
        items = load_set(args.set)
        bounds = {**parse_thresholds(args.minimums), **parse_thresholds(args.maximums)}
        if args.baseline:
            load_item_scores(args.baseline)
    except (SetError, ThresholdError, RunFileError) as exc:
        raise UsageError(str(exc)) from None
    if args.k < 1 or args.resamples < 1:
        raise UsageError("-k and --resamples must be at least 1")
    if bounds:
        known = _known_metrics(items, args.k)
        unknown = [name for name in bounds if name not in known]
        if unknown:
            raise UsageError(f"unknown metric {', '.join(map(repr, unknown))} in --min/--max "
                             f"(known: {', '.join(sorted(known))})")


def preflight(args: argparse.Namespace) -> None:
    """Check what needs no index or model — texts, files, thresholds, the port — so bad input fails at once."""
    if args.command == "ask":
        if args.batch:
            args.batch_handle = open_batch(args.batch)
        else:
            args.question_text = " ".join(clean_text(" ".join(args.question)).split())
            if not args.question_text:
                raise UsageError("give a question, or --batch FILE")
    elif args.command == "check":
        if args.batch:
            args.batch_handle = open_batch(args.batch)
        else:
            args.text_value = clean_text(" ".join(args.text))
            if not args.text_value.strip():
                raise UsageError("give a text to check, or --batch FILE")
    elif args.command == "search":
        args.query = clean_text(args.query)
        if not args.query.strip():
            raise UsageError("give something to search for")
        args.partner = clean_text(args.partner) if args.partner else None
        from assistant.service import parse_day  # the app's From / To boxes read dates by the same rule

        try:
            args.since = parse_day(clean_text(args.since) if args.since else None, "--since")
            args.until = parse_day(clean_text(args.until) if args.until else None, "--until")
        except ValueError as exc:
            raise UsageError(str(exc)) from None
    elif args.command == "facts":
        args.partner = clean_text(args.partner) if args.partner else None
        args.subject = clean_text(args.subject) if args.subject else None
    elif args.command == "eval":
        _preflight_eval(args)
    elif args.command == "feedback" and args.out:
        folder = Path(args.out).expanduser().resolve().parent
        if not folder.is_dir():
            raise UsageError(f"cannot write {args.out}: no folder {folder}")
    elif args.command == "serve":
        from ui.net import check_port

        check_port(args.host, args.port)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "ask" and args.batch:
        args.json = True
    try:
        preflight(args)
    except UsageError as exc:
        print(f"customs-assistant: {exc}", file=sys.stderr)
        return 2
    except OSError as exc:
        print(f"customs-assistant: {exc}", file=sys.stderr)
        return 1
    from assistant.service import Assistant, EmptyIndexError

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
    except BrokenPipeError:  # output piped into `head` and closed early: not an error (before OSError, its base)
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115
        return 0
    except OSError as exc:
        print(f"customs-assistant: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        assistant.close()


if __name__ == "__main__":
    raise SystemExit(main())
