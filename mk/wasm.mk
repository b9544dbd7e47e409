# WASI component builds and their host tests; included by the top Makefile.
#
#   make wasm       both components: target/wasm32-wasip2/release/postfix-enrich.wasm (command)
#                   and target/wasm32-wasip2/release/postfix_enrich.wasm (library, the WIT world in wit/)
#   make host       the wasmtime host target/release/postfix-host (crate host-test)
#   make test-wasm  native command, command component and library component print the same bytes;
#                   trap recovery; configuration faults

WASM_TARGET ?= wasm32-wasip2
# A guest that traps on purpose (feature trap-marker), kept out of the shipped artifacts' target dir.
TRAP_GUEST_DIR ?= target/trap-guest

.PHONY: wasm host trap-guest test-wasm

# Two builds: the library component needs the `component` feature (its WIT exports), which the command
# component must not link (it would then import their `sink`). The library goes second, as both builds write
# target/$(WASM_TARGET)/release/postfix_enrich.wasm and the library's is the one to keep.
wasm:
	cargo build --release --target $(WASM_TARGET) --bin postfix-enrich
	cargo build --release --target $(WASM_TARGET) --lib --features component

host:
	cargo build --release -p host-test

trap-guest:
	cargo build --release --target $(WASM_TARGET) --lib --features component,trap-marker --target-dir $(TRAP_GUEST_DIR)

# The trap test builds the trap guest itself (so that it always matches the core); `trap-guest` is for
# running it by hand.
test-wasm: wasm host
	cargo build --release --bin postfix-enrich
	cargo test --release -p host-test --tests
