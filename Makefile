# Front door: `make run` serves the app on SQLite, `make test` runs every test.
# Both install what is missing first (scripts/install-deps, apt-get; sudo only when not root).
SHELL := /bin/bash
.DEFAULT_GOAL := help

PRESET_TEST := ci
# Let builds in other clones of the repository (CI's fresh clone) reuse the compiler cache.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
BIN_RELEASE := build/release/vitalis
ARGS ?=

.PHONY: help deps run test build release web bench format format-check clean

help:
	@echo "make run           install deps, build, migrate and serve on http://127.0.0.1:8080 (SQLite)"
	@echo "make test          install deps, check the module contract, build with sanitizers, run unit, API, PostgreSQL, web unit and browser tests"
	@echo "make bench         build release, run benchmarks and print a table (docs/PERFORMANCE.md)"
	@echo "make format        apply .clang-format to src/ and bench/, and Prettier to web/"
	@echo "make clean         remove build/ and web/dist/"

deps:
	@scripts/install-deps

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

build: deps
	@cmake --preset $(PRESET_TEST) >/dev/null
	@cmake --build --preset $(PRESET_TEST)

# The web app (web/, React + TypeScript + Vite; Node >= 20.19). `npm ci` runs only when
# node_modules is missing or older than the lock file; the build only when a source changed.
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/scripts/precompress.mjs web/package.json \
  web/vite.config.ts web/tsconfig.json $(wildcard models/*/MODEL_CARD.md)
web: web/dist/index.html
web/node_modules/.package-lock.json: web/package.json web/package-lock.json
	@scripts/check-node
	@cd web && npm ci --no-audit --no-fund
	@touch $@
web/dist/index.html: web/node_modules/.package-lock.json $(WEB_SOURCES)
	@cd web && npm run build

# On first start (no accounts yet) the demo clinic is loaded and its sign-ins are printed.
run: release web
	@$(BIN_RELEASE) demo-data --only-if-empty=true --log-level=warn
	$(BIN_RELEASE) serve $(ARGS)

test: deps web
	@scripts/run-tests

bench: release
	@bench/run

format:
	@find src bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format -i
	@cd web && npm run format --silent

format-check:
	@find src bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build web/dist web/e2e-artifacts
