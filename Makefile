# postfix-enrich: build, test, run, bench.
#
#   make setup run   install the toolchain pieces and run the enricher on the bundled sample
#   make test        every test: unit, corpus, front ends (native, WASI command, library component), live Postfix
#   make bench       lines/s and CPU seconds against the Exabeam regex baseline (not a test)

CARGO   ?= cargo
RELEASE := target/release
SAMPLE  ?= examples/sample.log
YEAR    ?= $(shell date -u +%Y)

.PHONY: setup build run test test-unit test-live lint bench clean-bench

## Installs everything the build and the tests need on a fresh Debian machine with rustup (idempotent).
setup:
	rustup target add wasm32-wasip2 wasm32-unknown-unknown
	rustup component add rustfmt clippy
	bash scripts/install-postfix.sh

build:
	$(CARGO) build --release

## Enriches the bundled sample log (a real Postfix run) and prints the records.
run: build
	$(RELEASE)/postfix-enrich --year 2026 < $(SAMPLE)

## All tests. The wasm artifacts and the host are built first: the front-end tests compare them.
test: lint build wasm host
	$(CARGO) test --release --workspace
	@echo "all tests passed"

test-unit:
	$(CARGO) test --release --lib

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --release --workspace --all-targets -- -D warnings

bench: build wasm host
	bash scripts/bench.sh

-include mk/wasm.mk
