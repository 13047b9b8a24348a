"""``python -m reliability``: run every case group, print the table, write out/reliability/, exit 1 on any failure."""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from reliability import browser, crash, files, load, questions, report
from reliability import planted as planted_group
from reliability.bulletins import XSS, xss
from reliability.results import Group
from reliability.server import Server
from reliability.worker import IngestWorker

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    """The suite's own settings: offline model, embedded store, no admin password."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CUSTOMS_ASSISTANT_", "CHROMA_"))}
    env.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false", PYTHONPATH=str(ROOT))
    return env


def _guard(groups: list[Group], name: str, step: Callable[[], list[Group] | Group]) -> None:
    """Run one step; a crash of the suite itself is a failed group, so the table is always written."""
    print(f"[reliability] {name}…", file=sys.stderr, flush=True)
    t0 = time.perf_counter()
    try:
        got = step()
        groups.extend(got if isinstance(got, list) else [got])
    except Exception as exc:  # noqa: BLE001 - reported in the table
        import traceback

        g = Group(name, cases=1, seconds=time.perf_counter() - t0)
        g.fail(f"the step itself failed: {exc!r} {traceback.format_exc()[-600:]}")
        groups.append(g)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m reliability", description=__doc__)
    parser.add_argument("--out", type=Path, default=ROOT / "out" / "reliability")
    parser.add_argument("--work", type=Path, help="keep the generated files and data folders here")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--full", action="store_true", help="all ten files at the size limit (adds ~2 minutes)")
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--clients", type=int, default=50)
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="reliability-"))
    if args.work and work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True, exist_ok=True)
    env = _env()
    os.environ.update(HF_HUB_OFFLINE="1", TOKENIZERS_PARALLELISM="false")
    t0 = time.perf_counter()
    load_before = os.getloadavg()
    groups: list[Group] = []
    home = work / "home"
    worker = IngestWorker(home, work / "worker.log")
    roots: list[Path] = []

    def hostile() -> list[Group]:
        g, made = files.hostile_batches(work, worker, args.seed)
        roots.extend(made)
        return [g, files.at_limit(work, worker, args.full)]

    _guard(groups, "hostile files", hostile)
    worker.close()

    def cli_files() -> Group:
        g = Group("hostile files (CLI)")
        files.cli_pass(g, roots, home, env)
        return g

    _guard(groups, "hostile files (CLI)", cli_files)

    from assistant import Assistant, Settings

    # Questions go to a small index (the bundled bulletins, then the planted ones): what they test is the input,
    # and the server later runs on the same folder with the payload bulletins added.
    qhome = work / "questions-home"
    assistant = Assistant(Settings.from_env(env={}, home=qhome))
    assistant.ingest([ROOT / "corpus" / "bulletins"], progress=False)
    _guard(groups, "hostile questions", lambda: questions.through_service(assistant, args.seed))
    _guard(groups, "planted instructions", lambda: planted_group.run(assistant, work))
    partners: list[str] = []
    folder = work / "xss"
    folder.mkdir(exist_ok=True)
    for i in range(3):
        partner, text = xss(i)
        partners.append(partner)
        (folder / f"payload-{i}.txt").write_text(text)
    assistant.ingest([folder], progress=False)
    assistant.close()
    _guard(groups, "hostile questions (CLI)", lambda: questions.through_cli(qhome, env, args.seed))
    _guard(groups, "kill -9 during ingest", lambda: crash.run(work, env, args.seed, runs=args.kills))

    def server_groups() -> list[Group]:
        server = Server(qhome, env, work / "serve.log")
        try:
            got = [load.run(server, clients=args.clients), load.run(server, clients=args.clients, api=True),
                   load.cors(server)]
            got.append(browser.run(server, partners, [m.split(">")[0] for m in XSS]))
        finally:
            server.stop()
        return got

    _guard(groups, "server", server_groups)
    seconds = time.perf_counter() - t0
    meta = {"seed": args.seed, "seconds": seconds, "cpus": os.cpu_count(), "python": platform.python_version(),
            "machine": f"{os.cpu_count()} cores, {platform.machine()}, load average {load_before[0]:.1f} → "
                       f"{os.getloadavg()[0]:.1f}", "work": str(work)}
    report.write(args.out, groups, meta)
    print(report.text_table(groups))
    problems = report.failures_text(groups)
    if problems:
        print("\n" + problems)
    print(f"\n{meta['machine']}; {seconds:.0f} s; JSON and Markdown in {args.out}")
    if not args.work:
        shutil.rmtree(work, ignore_errors=True)
    failed = [g.name for g in groups if g.failures or g.inconsistent or g.data_lost]
    if failed:
        print(f"FAILED: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
