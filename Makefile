# CloudFabric developer commands. `make demo` and `make test` work on a fresh machine:
# they install uv from PyPI when it is missing, then the locked dependencies.

UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif

.PHONY: demo test test-instants lint bench setup iam-policy graphviz faketime

# The time-sensitive tests also run with the clock at each of these instants (CF_TEST_NOW):
# the first second of a month, the last minute of a year, a leap day; the whole suite's run is
# the ordinary day (whatever day it is). One runs at a time unless CF_TEST_JOBS says otherwise.
TEST_INSTANTS ?= 2027-03-01T00:00:00Z 2026-12-31T23:59:00Z 2028-02-29T12:00:00Z

setup:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@command -v dot >/dev/null 2>&1 || $(MAKE) --no-print-directory graphviz
	@command -v faketime >/dev/null 2>&1 || $(MAKE) --no-print-directory faketime
	@$(UV) sync --frozen --quiet

demo: setup
	@$(UV) run --frozen cloudfabric demo

test: setup
	@$(UV) run --frozen pytest
	@$(MAKE) --no-print-directory test-instants

test-instants: setup
	@UV="$(UV)" bash tests/instants.sh $(TEST_INSTANTS)

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports --no-cache

bench: setup
	$(UV) run --frozen python -m bench $(BENCH_ARGS)

iam-policy: setup
	$(UV) run --frozen cloudfabric iam-policy > deploy/iam/cloudfabric-policy.json
	$(UV) run --frozen cloudfabric iam-policy --deploy-role > deploy/iam/architecture-deploy-role.json
	$(UV) run --frozen cloudfabric iam-policy --action-role > deploy/iam/action-role.json

# Graphviz's `dot` (Debian package) draws graph.diagram pictures; without it that one tool says
# what to install and everything else works, so a failed install only warns.
graphviz:
	@echo "installing graphviz (Debian package) for graph diagrams"
	@apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1 \
	  || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1) \
	  || echo "warning: could not install graphviz; graph.diagram will ask for it"

# libfaketime (Debian package) lets a test run the whole demo process at another date; without
# it that one test says what to install (and fails under CF_REQUIRE_SERVICES=1).
faketime:
	@echo "installing faketime (Debian package) for the any-date demo test"
	@apt-get install -y --no-install-recommends faketime >/dev/null 2>&1 \
	  || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends faketime >/dev/null 2>&1) \
	  || echo "warning: could not install faketime; the any-date demo test will ask for it"
