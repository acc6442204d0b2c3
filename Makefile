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
	@echo "make test          install deps, build with sanitizers, run unit, API and PostgreSQL tests"
	@echo "make bench         build release, run benchmarks and print a table (docs/PERFORMANCE.md)"
	@echo "make format        apply .clang-format to src/ and bench/"
	@echo "make clean         remove build/ and web/dist/"

deps:
	@scripts/install-deps

release: deps
	@cmake --preset release >/dev/null
	@cmake --build --preset release

build: deps
	@cmake --preset $(PRESET_TEST) >/dev/null
	@cmake --build --preset $(PRESET_TEST)

# The web app's build output. Until the web app exists (issue 6) it is the placeholder page.
web: web/dist/index.html
web/dist/index.html: $(wildcard web/placeholder/*)
	@mkdir -p web/dist
	@cp web/placeholder/* web/dist/

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

format-check:
	@find src bench -name '*.cpp' -o -name '*.hpp' | xargs clang-format --dry-run --Werror

clean:
	rm -rf build web/dist
