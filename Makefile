# Kumo: one-command set-up. Every target installs what it needs into the
# project (.venv, .collections, .venv/bin/ecspresso); nothing is installed by hand.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
ECSPRESSO_MODULE := github.com/kayac/ecspresso/v2/cmd/ecspresso
ECSPRESSO_VERSION ?= v2.8.7
# A release source archive to build from where `go install` fails (see the ecspresso target).
ECSPRESSO_SRC ?=
ECSPRESSO_SRC_PATH = $(if $(ECSPRESSO_SRC),$(abspath $(ECSPRESSO_SRC)))
EMULATOR_PORT ?= 5000
PYTEST_ARGS ?=
AUDIT_ENV ?= prod

export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg

.PHONY: help install ecspresso app emulator emulator-stop demo test test-all lint sanity unit e2e molecule bench audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/.installed: requirements.txt
	@echo "==> creating $(VENV) and installing pinned Python packages"
	@test -x $(VENV)/bin/python || $(PYTHON) -m venv $(VENV)
	@$(VENV)/bin/pip install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

.collections/ansible_collections/kumo/platform:
	@mkdir -p .collections/ansible_collections/kumo
	@ln -sfn ../../.. $@

install: $(VENV)/.installed .collections/ansible_collections/kumo/platform ecspresso ## create .venv, link the collection, build ecspresso

ecspresso: ## build ecspresso v2 into .venv/bin (go install, else the archive ECSPRESSO_SRC names); fails when neither works
	@BIN="$(BIN)" MODULE="$(ECSPRESSO_MODULE)" VERSION="$(ECSPRESSO_VERSION)" ECSPRESSO_SRC="$(ECSPRESSO_SRC_PATH)" \
	  scripts/install-ecspresso.sh

emulator: install ## run the AWS emulator in the foreground on 127.0.0.1:$EMULATOR_PORT
	$(BIN)/python -m emulator --port $(EMULATOR_PORT)

emulator-stop: ## stop the emulator that `make demo` left running
	@scripts/emulator.sh stop

app: ## the sample application (examples/app): npm ci from the lock files, the backend's tests, the frontend's build
	@examples/app/build.sh >/dev/null

demo: install ## start the emulator, build the dev stack, build the sample app (examples/app) and deploy it
	@scripts/demo.sh

lint: install ## ansible-lint (production profile), yamllint, ruff
	@echo "==> ruff"; $(BIN)/ruff check . && $(BIN)/ruff format --check .
	@echo "==> yamllint"; $(BIN)/yamllint --strict .
	@echo "==> ansible-lint"; $(BIN)/ansible-lint --profile production
	@echo "==> changelog fragments"; $(BIN)/antsibull-changelog lint

unit: install ## unit tests (modules, module_utils, emulator patches)
	$(BIN)/pytest tests/unit tests/emulator $(PYTEST_ARGS)

e2e: install ## end-to-end tests on the emulator (a fixed sample)
	$(BIN)/pytest tests/e2e $(PYTEST_ARGS)

sanity: install ## ansible-test sanity on the built collection (no containers)
	@scripts/sanity.sh

molecule: install ## one molecule scenario per role, on the emulator
	@scripts/molecule.sh

# `make test` runs the molecule scenario of the smallest role (the end-to-end
# suites cover every layer); `make test-all` and CI's molecule job run all of them.
MOLECULE_SAMPLE := network

# Three workers on two cores: each end-to-end group (the dev stack, the prod
# stack, prod's release story) runs on a worker of its own, and a converge
# waits on the emulator about a third of its time.
test: lint sanity app ## everything: lint, sanity, the sample app's tests and build, unit, end-to-end (a fixed sample of dev and prod), a molecule sample
	$(BIN)/pytest tests -n 3 --durations=15 $(PYTEST_ARGS)
	@MOLECULE_SCENARIOS="$(MOLECULE_SAMPLE)" scripts/molecule.sh

test-all: lint sanity app ## the exhaustive runs (every environment, every crash point, every molecule scenario)
	KUMO_TEST_ALL=1 $(BIN)/pytest tests -n 3 $(PYTEST_ARGS)
	@scripts/molecule.sh

# Prowler pins its own boto3 and botocore: a virtualenv of its own.
.audit/.installed: audit/requirements.txt
	@echo "==> creating .audit and installing Prowler (audit/requirements.txt)"
	@test -x .audit/bin/python || $(PYTHON) -m venv .audit
	@.audit/bin/pip install --quiet --disable-pip-version-check -r audit/requirements.txt
	@touch $@

audit: install .audit/.installed ## converge prod (AUDIT_ENV) on a private emulator and scan it with Prowler (.audit); fails on a finding audit/mutelist.yml does not accept
	@AUDIT_ENV=$(AUDIT_ENV) scripts/audit.sh

bench: install app ## time the converges (build, no-op, one layer, plan) with each strategy; writes docs/BENCHMARKS.md
	$(BIN)/python bench/bench.py $(BENCH_ARGS)

clean: ## remove everything make created
	rm -rf $(VENV) .audit .collections .emulator .pytest_cache .ruff_cache
