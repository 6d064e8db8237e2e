# Two commands set everything up on a fresh machine:
#   make demo   - builds .venv and runs designkit end to end on samples/ (into build/demo)
#   make test   - builds .venv and runs the whole test suite (what CI runs)
#   make test-fast - the same without the RabbitMQ/PostgreSQL and Chromium tests
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test test-fast lint golden bench clean readme readme-images dist rules-doc

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@for f in samples/*.md; do \
	  echo "== designkit lint $$f"; $(BIN)/designkit lint "$$f" || true; \
	done
	@mkdir -p build/demo
	@for f in samples/*.md; do \
	  out=build/demo/$$(basename "$$f" .md).json; \
	  $(BIN)/designkit parse "$$f" > "$$out" 2>/dev/null && echo "wrote $$out"; \
	done
	@echo "== designkit score samples/*.md"
	@$(BIN)/designkit score samples/*.md --format text || true
	@$(BIN)/designkit score samples/*.md --format html -o build/demo/scorecards.html || true
	@$(BIN)/designkit score samples/*.md --format markdown -o build/demo/scorecards.md || true
	@echo "wrote build/demo/scorecards.html and build/demo/scorecards.md"
	@for f in samples/*.md; do \
	  out=build/demo/$$(basename "$$f" .md); \
	  $(BIN)/designkit diagram "$$f" --format mermaid -o "$$out.mmd"; \
	  if command -v dot >/dev/null; then $(BIN)/designkit diagram "$$f" -o "$$out.svg"; fi; \
	done
	@echo "wrote build/demo/*.mmd (and *.svg with Graphviz)"
	@echo "== designkit assess tests/data/exports -o build/demo/assessment (Talend, Workato, Mule exports)"
	@$(BIN)/designkit assess tests/data/exports -o build/demo/assessment | head -1
	@echo "== designkit new --answers tests/data/answers/event-driven.yaml"
	@$(BIN)/designkit new --answers tests/data/answers/event-driven.yaml -o build/demo/new-design.md --force
	@$(BIN)/designkit score build/demo/new-design.md --format text | head -3
	@echo "== designkit scaffold samples/event-driven-shopify-netsuite.md -o build/demo/orders-sync"
	@$(BIN)/designkit scaffold samples/event-driven-shopify-netsuite.md -o build/demo/orders-sync
	@echo "== orders-sync: run on its bundled sample data, then run again (every record a duplicate)"
	@cd build/demo/orders-sync && rm -rf var && \
	  PYTHONPATH=src $(CURDIR)/$(BIN)/python -m integration_pipeline run 2>var-run.log && \
	  PYTHONPATH=src $(CURDIR)/$(BIN)/python -m integration_pipeline run 2>>var-run.log
	@echo "(its JSON logs: build/demo/orders-sync/var-run.log)"

test: $(STAMP)
	$(BIN)/python -m pytest -q

# No broker, database or browser needed (markers `services` and `browser`, pyproject.toml).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -q -m "not services and not browser"

lint: $(STAMP)
	$(BIN)/ruff check designkit tests benchmarks templates/pipeline scripts
	$(BIN)/ruff format --check designkit tests benchmarks templates/pipeline scripts
	$(BIN)/mypy
	$(BIN)/check-jsonschema --builtin-schema vendor.github-actions action.yml
	$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows docs/github-actions/designkit.yml
	$(BIN)/zizmor --offline --min-severity medium action.yml docs/github-actions/designkit.yml

# The release's distribution files, checked as the package index will (docs/releasing.md).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist .
	$(BIN)/twine check --strict dist/*

golden: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_samples.py tests/test_score_golden.py tests/test_diagram.py tests/test_new.py tests/test_scaffold_golden.py tests/test_draft.py tests/test_portfolio.py --update-golden

bench: $(STAMP)
	$(BIN)/python benchmarks/parse_bench.py
	$(BIN)/python benchmarks/score_bench.py
	$(BIN)/python benchmarks/portfolio_bench.py
	$(BIN)/python benchmarks/startup_bench.py
	$(BIN)/python benchmarks/diagram_bench.py
	$(BIN)/python benchmarks/pipeline_bench.py
	$(BIN)/python benchmarks/scale_bench.py
	$(BIN)/python benchmarks/table_rows_bench.py
	$(BIN)/python benchmarks/assess_bench.py

# The README's CLI reference is generated from --help (a test fails when it is stale).
readme: $(STAMP)
	$(BIN)/python scripts/cli_reference.py

# docs/rules.md, the page SARIF rules link to, from the lint codes and the built-in rubric
# (a test fails when it is stale).
rules-doc: $(STAMP)
	$(BIN)/python scripts/rules_doc.py

# The README's pictures: the PR comment, the HTML report and every sample's diagram, from the samples
# by headless Chromium (apt-get install -y chromium fonts-dejavu-core).
readme-images: $(STAMP)
	$(BIN)/python scripts/readme_images.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .mypy_cache .ruff_cache
