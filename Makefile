# The README's two commands: `make demo` and `make test`. Both set up everything they need
# on a fresh machine with Python 3.11: a virtualenv, pip packages and Debian packages.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
SUDO   := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
REPORT_DEBS := libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk \
	fonts-symbola poppler-utils chromium

.PHONY: i18n demo test install install-dev system-deps report-deps lint format docs clean \
	bench-attribution bench-clv bench-import bench-report

demo: install report-deps
	$(BIN)/socialroi demo

test: install-dev system-deps
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/pytest -q

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

# The reference implementations (ChannelAttribution compiles C++) are installed when they
# build; where they do not, their comparison tests skip and say why.
$(VENV)/.installed-dev: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install -q -e ".[dev]"
	$(BIN)/pip install -q -e ".[dev,reference]" || \
		echo "note: reference implementations did not install; their tests will skip"
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

# The report: Pango for WeasyPrint's PDF, a CJK font for Chinese and Symbola for emoji in
# captions, poppler-utils (pdftoppm) to look at rendered pages, Debian's chromium for the
# no-network HTML test.
report-deps:
	@dpkg -s $(REPORT_DEBS) >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends $(REPORT_DEBS); }

# Java runs PySpark's local mode for the `spark` tests (the same Ibis code on Spark).
# Chromium (Debian's, driven by Playwright) runs the dashboard's end-to-end tests.
system-deps: report-deps
	@command -v java >/dev/null 2>&1 || { $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends openjdk-17-jre-headless; }
	@test -x /usr/bin/chromium || { $(SUDO) apt-get update -q && \
		$(SUDO) apt-get install -y -q --no-install-recommends chromium fonts-dejavu-core; }

bench-attribution: install-dev
	$(BIN)/python benchmarks/attribution/run.py

bench-clv: install-dev
	$(BIN)/python benchmarks/clv/run.py $(if $(CLV_WORKSPACE),--workspace $(CLV_WORKSPACE))

bench-import: install-dev
	$(BIN)/python benchmarks/import/run.py --scale medium

bench-report: install-dev report-deps
	$(BIN)/python benchmarks/report/run.py

lint: install-dev
	$(BIN)/ruff check src tests benchmarks

format: install-dev
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks

docs: install
	$(BIN)/python -m socialroi.model.docs > docs/data-model.md
	$(BIN)/python -m socialroi.deliver.cli.doc > docs/cli.md
	$(BIN)/python -m socialroi.model.metrics.docs > docs/metrics.md

clean:
	rm -rf $(VENV) .pytest_cache demo-exports socialroi.duckdb

# The catalogue: every English text into model/locale/messages.pot, each language's PO updated.
i18n: install
	$(BIN)/python -m socialroi.deliver.i18n.extract
