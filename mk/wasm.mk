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

wasm:
	cargo build --release --target $(WASM_TARGET)

host:
	cargo build --release -p host-test

trap-guest:
	cargo build --release --target $(WASM_TARGET) --lib --features trap-marker --target-dir $(TRAP_GUEST_DIR)

# The trap test builds the trap guest itself (so that it always matches the core); `trap-guest` is for
# running it by hand.
test-wasm: wasm host
	cargo build --release --bin postfix-enrich
	cargo test --release -p host-test --tests
