# CloudFabric developer commands. `make demo` and `make test` work on a fresh machine:
# they install uv from PyPI when it is missing, then the locked dependencies.

UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := python3 -m uv
endif

.PHONY: demo test lint bench setup iam-policy graphviz

setup:
	@$(UV) --version >/dev/null 2>&1 || python3 -m pip install --quiet uv
	@command -v dot >/dev/null 2>&1 || $(MAKE) --no-print-directory graphviz
	@$(UV) sync --frozen --quiet

demo: setup
	@$(UV) run --frozen cloudfabric demo

test: setup
	@$(UV) run --frozen pytest

lint: setup
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .
	$(UV) run --frozen mypy
	$(UV) run --frozen lint-imports --no-cache

bench: setup
	$(UV) run --frozen python -m bench $(BENCH_ARGS)

iam-policy: setup
	$(UV) run --frozen cloudfabric iam-policy > deploy/iam/cloudfabric-policy.json

# Graphviz's `dot` (Debian package) draws graph.diagram pictures; without it that one tool says
# what to install and everything else works, so a failed install only warns.
graphviz:
	@echo "installing graphviz (Debian package) for graph diagrams"
	@apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1 \
	  || (apt-get update -qq >/dev/null 2>&1 && apt-get install -y --no-install-recommends graphviz >/dev/null 2>&1) \
	  || echo "warning: could not install graphviz; graph.diagram will ask for it"
