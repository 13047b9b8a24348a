"""The command line as users meet it: bad input fails at once with one line (no traceback, no model
loaded), and odd bytes in stdin, argv or file names never break the output."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant import Assistant
from conftest import MACAO, URUGUAY

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("torch", "chromadb", "gradio", "llama_index.core", "sentence_transformers")
# Runs main() in a fresh interpreter and reports, after it returns, which heavy libraries were imported.
PROBE = ("import json, sys; from assistant.cli import main; rc = main(sys.argv[1:]); "
         f"print(json.dumps({{'rc': rc, 'loaded': [m for m in {HEAVY!r} if m in sys.modules]}}))")


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "HF_HUB_OFFLINE": "1", "CUSTOMS_ASSISTANT_HOME": str(home), "PYTHONPATH": str(ROOT)}


def probe(args: list[str], home: Path) -> tuple[dict[str, object], str]:
    """(rc and heavy modules loaded, stderr) of ``main(args)`` in a subprocess."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], capture_output=True, text=True, env=env(home),
                          cwd=ROOT, timeout=120)
    return json.loads(proc.stdout.strip().splitlines()[-1]), proc.stderr


def cli(args: list[str], home: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    """``python -m assistant ARGS`` as a user runs it (bytes in, bytes out)."""
    return subprocess.run([sys.executable, "-m", "assistant", *args], input=stdin, capture_output=True,
                          env=env(home), cwd=ROOT, timeout=300)


@pytest.mark.parametrize(("args", "message"), [
    (["ask", "--batch", "/nonexistent"], "cannot read the batch file /nonexistent: No such file"),
    (["check", "--batch", "/nonexistent"], "cannot read the batch file"),
    (["ask", "  "], "give a question"),
    (["check", ""], "give a text to check"),
    (["eval", "nosuchset"], "no shipped set of that name"),
    (["eval", "seed", "--min", "pass_rate=abc"], "'abc' is not a number"),
    (["eval", "seed", "--min", "bogus_metric=0.5"], "unknown metric 'bogus_metric'"),
    (["eval", "seed", "--max", "latency_p95_ms=3000", "--min", "hit@3=0.5"], "unknown metric 'hit@3'"),
])
def test_bad_input_is_one_line_exit_2_before_anything_heavy_loads(args: list[str], message: str,
                                                                  tmp_path: Path) -> None:
    result, err = probe(args, tmp_path)
    assert result == {"rc": 2, "loaded": []}, err
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) <= 2, err


def test_known_metric_names_pass_the_preflight(tmp_path: Path) -> None:
    """A valid name (here with -k 3) is not refused: the run starts, and stops at the empty index."""
    result, err = probe(["eval", "seed", "-k", "3", "--min", "hit@3=0.5", "--max", "latency_p95_ms=3000"], tmp_path)
    assert result["rc"] == 1 and "index" in err and "empty" in err, err


def test_serve_refuses_a_bad_or_busy_port_at_once(tmp_path: Path) -> None:
    proc = cli(["serve", "--port", "99999"], tmp_path)
    err = proc.stderr.decode()
    assert proc.returncode == 2 and "between 1 and 65535" in err and "Traceback" not in err
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result, err = probe(["serve", "--port", str(port)], tmp_path)
    assert result == {"rc": 1, "loaded": []}, err
    assert f"127.0.0.1:{port}" in err and "already in use" in err and "--port" in err
    assert "GRADIO_SERVER_PORT" not in err and "Traceback" not in err


@pytest.fixture(scope="module")
def home(seeded: Assistant) -> Path:
    return Path(seeded.settings.home)


def test_invalid_utf8_on_stdin_is_replaced_and_every_line_answered(home: Path) -> None:
    proc = cli(["ask", "--batch", "-", "--json"], home, stdin=b"Q1\n\xff\xfe x\nQ3\n")
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    lines = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [r["question"] for r in lines] == ["Q1", "\ufffd\ufffd x", "Q3"]
    assert all(r["status"] in ("answered", "not_found") for r in lines)


def test_an_undecodable_byte_in_argv_is_searched_not_a_traceback(home: Path) -> None:
    proc = subprocess.run([sys.executable.encode(), b"-m", b"assistant", b"search", b"Macao AEO \xff", b"-k", b"1",
                           b"--json"], capture_output=True, env=env(home), cwd=ROOT, timeout=300)
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    result = json.loads(proc.stdout)
    assert result["query"] == "Macao AEO \ufffd" and result["results"][0]["source"] == MACAO


def test_check_batch_prints_text_without_json_and_json_with_it(home: Path) -> None:
    stdin = b"Trade was US$4.36 billion in 2022.\nExports rose 12%.\n"
    text = cli(["check", "--batch", "-"], home, stdin=stdin)
    out = text.stdout.decode()
    assert text.returncode == 0 and not out.lstrip().startswith("{"), out
    assert "verdict: supported" in out and "'12%': unsupported" in out
    as_json = cli(["check", "--batch", "-", "--json"], home, stdin=stdin)
    rows = [json.loads(line) for line in as_json.stdout.decode().splitlines()]
    assert [r["verdict"] for r in rows] == ["supported", "unsupported"]


def test_a_newline_in_a_file_name_stays_on_one_output_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "china\nuruguay.txt").write_text(URUGUAY, encoding="utf-8")
    proc = cli(["ingest", str(folder), "-q"], tmp_path / "home")
    out = proc.stdout.decode()
    assert proc.returncode == 0, proc.stderr.decode()
    assert out.splitlines()[0] == "added      china\\nuruguay.txt", out
    assert len(out.splitlines()) == 2


def test_serve_starts_and_stays_up_even_behind_an_http_proxy(home: Path, tmp_path: Path) -> None:
    """Gradio's start-up self-requests would go to the (dead) proxy and stop the server; they must not."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    dead = "http://127.0.0.1:9"
    proxied = {**env(home), "HTTP_PROXY": dead, "HTTPS_PROXY": dead, "ALL_PROXY": dead, "http_proxy": dead,
               "https_proxy": dead, "all_proxy": dead, "NO_PROXY": "", "no_proxy": ""}
    log = (tmp_path / "serve.log").open("w+b")
    proc = subprocess.Popen([sys.executable, "-m", "assistant", "serve", "--port", str(port)], stdout=log,
                            stderr=subprocess.STDOUT, env=proxied, cwd=ROOT)
    try:
        import httpx

        with httpx.Client(trust_env=False, timeout=5) as http:
            for _ in range(240):
                if proc.poll() is not None:
                    break
                try:
                    if http.get(f"http://127.0.0.1:{port}/").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                time.sleep(0.5)
            time.sleep(3)  # the old failure came right after "Running on local URL"
            log.seek(0)
            output = log.read().decode(errors="replace")
            assert proc.poll() is None, output  # still serving
            assert http.get(f"http://127.0.0.1:{port}/").status_code == 200
        assert "Running on local URL" in output and "gradio.live" not in output and "Traceback" not in output
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def test_chat_reads_undecodable_stdin_without_a_traceback(home: Path) -> None:
    proc = cli(["chat", "--json"], home, stdin=b"When did Macao sign?\n\xffand Serbia?\n")
    assert proc.returncode == 0 and b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    turns = [json.loads(line) for line in proc.stdout.decode("utf-8").splitlines()]
    assert [t["question"] for t in turns] == ["When did Macao sign?", "\ufffdand Serbia?"]
