#!/usr/bin/env bash
# make bench: CPU seconds and lines/s of the native CLI and of the library component (through postfix-host),
# against the Exabeam regex baseline on the same corpus in the same run, printed as ratios (these machines are
# shared and noisy: absolute times mean little, ratios of runs taken side by side mean more).
# Then the in-process stage benchmark: what correlation adds to parsing.
set -euo pipefail
cd "$(dirname "$0")/.."

REPEAT=${REPEAT:-11}     # copies of the 95k-line real log: ~1M lines
RUNS=${RUNS:-3}          # best of N
corpus=target/bench/corpus.log
mkdir -p target/bench
if [ ! -s "$corpus" ]; then
  gz=tests/corpus/public/fgforrest-real-mail.log.2.gz
  for _ in $(seq "$REPEAT"); do gzip -dc "$gz"; done > "$corpus"
fi
lines=$(wc -l < "$corpus")
echo "corpus: $corpus, $lines lines ($(du -h "$corpus" | cut -f1)), best of $RUNS runs"

baseline=""
if [ -f ../shared/baseline/Cargo.toml ]; then
  cargo build --quiet --release --manifest-path ../shared/baseline/Cargo.toml --target-dir target/baseline
  baseline=target/baseline/release/exabeam-regex-baseline
else
  echo "baseline: ../shared/baseline is not here (it sits beside a checkout in the team's workspace);"
  echo "          the ratios against the Exabeam regex baseline are skipped."
fi

# best CPU seconds (user+sys) of RUNS runs of "$@" < corpus > /dev/null
cpu() {
  local best="" t
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -f "%U %S" -o target/bench/time.txt "$@" < "$corpus" > /dev/null
    t=$(awk '{printf "%.3f", $1 + $2}' target/bench/time.txt)
    if [ -z "$best" ] || awk -v a="$t" -v b="$best" 'BEGIN{exit !(a < b)}'; then best=$t; fi
  done
  echo "$best"
}

native=target/release/postfix-enrich
component=target/wasm32-wasip2/release/postfix_enrich.wasm
host=target/release/postfix-host

declare -A secs
[ -n "$baseline" ] && secs[baseline]=$(cpu "$baseline" --json)
secs[native]=$(cpu "$native" --year 2013)
secs[native-no-lines]=$(cpu "$native" --year 2013 --no-lines)
if [ -x "$host" ] && [ -f "$component" ]; then
  # A shipper compiles the component once and keeps the machine code; so does this run.
  "$host" compile --component "$component" -o target/bench/postfix_enrich.cwasm
  secs[component]=$(cpu "$host" enrich --component target/bench/postfix_enrich.cwasm --year 2013)
else
  echo "component: $component or $host missing (make wasm host)"
fi

# "A/Bx", or "-" when there is no B (no baseline beside this checkout).
ratio() {
  if [ -n "$2" ]; then awk -v a="$1" -v b="$2" 'BEGIN{printf "%.3fx", a / b}'; else echo "-"; fi
}

printf '\n%-46s %10s %12s %14s %12s\n' run "cpu s" "lines/s" "vs baseline" "vs native"
for k in baseline native native-no-lines component; do
  [ -n "${secs[$k]:-}" ] || continue
  s=${secs[$k]}
  lps=$(awk -v n="$lines" -v s="$s" 'BEGIN{printf "%.0f", n / s}')
  vb=$(ratio "$s" "${secs[baseline]:-}")
  vn=$(ratio "$s" "${secs[native]}")
  case $k in
    baseline) name="exabeam-regex-baseline --json";;
    native) name="postfix-enrich (full NDJSON)";;
    native-no-lines) name="postfix-enrich --no-lines";;
    component) name="postfix-host enrich (component, precompiled)";;
  esac
  printf '%-46s %10s %12s %14s %12s\n' "$name" "$s" "$lps" "$vb" "$vn"
done
echo
echo "targets: native <= 0.35x baseline CPU; component <= 1.5x native CPU"

# Instructions executed (callgrind) on the first lines of the corpus: exact and repeatable whatever else the
# machine is doing, so they tell where a ratio's gap comes from (code executed, not time waited).
# ICOUNT_LINES=0 skips it.
ICOUNT_LINES=${ICOUNT_LINES:-20000}
counting=""
slice=target/bench/icount.log
if [ "$ICOUNT_LINES" -gt 0 ] && command -v valgrind > /dev/null; then
  counting=yes
  head -n "$ICOUNT_LINES" "$corpus" > "$slice"
fi
# Instructions callgrind counts for "$@" with the slice on stdin (--smc-check=all: the component's code is
# compiled at run time).
instructions() {
  valgrind --tool=callgrind --smc-check=all --callgrind-out-file=target/bench/callgrind.out "$@" \
    < "$slice" > /dev/null 2> /dev/null
  awk '/^summary:/{print $2}' target/bench/callgrind.out
}

if [ -n "$counting" ] && [ -x "$host" ] && [ -f "$component" ]; then
  # Valgrind's virtual CPU lacks some of the host's features: the component is compiled under it as well.
  valgrind --tool=none -q "$host" compile --component "$component" -o target/bench/icount.cwasm
  declare -A ins
  [ -n "$baseline" ] && ins[baseline]=$(instructions "$baseline" --json)
  ins[native]=$(instructions "$native" --year 2013)
  ins[component]=$(instructions "$host" enrich --component target/bench/icount.cwasm --year 2013)
  printf '\ninstructions per line (callgrind, first %s lines)    per line  vs baseline    vs native\n' "$ICOUNT_LINES"
  for k in baseline native component; do
    [ -n "${ins[$k]:-}" ] || continue
    per=$(awk -v i="${ins[$k]}" -v n="$ICOUNT_LINES" 'BEGIN{printf "%.0f", i / n}')
    vb=$(ratio "${ins[$k]}" "${ins[baseline]:-}")
    vn=$(ratio "${ins[$k]}" "${ins[native]}")
    printf '%-46s %10s %12s %12s\n' "$k" "$per" "$vb" "$vn"
  done
fi

echo
cargo bench --quiet --bench pipeline -- "$corpus"

# The same question in instructions, exact and repeatable where the times above move by twenty points
# between runs: each stage run once under callgrind on the first lines, less the run that only reads them.
# Correlation's work is look-ups and branches that depend on the data, which run fewer instructions per
# cycle than parsing's byte loops: its share in time is larger than in instructions.
if [ -n "$counting" ]; then
  bench_bin=$(cargo bench --bench pipeline --no-run 2>&1 | sed -n 's/.*Executable .*(\(.*\)).*/\1/p')
  read_ins=$(instructions "$bench_bin" "$slice" --only read)
  parse_ins=$(instructions "$bench_bin" "$slice" --only parse)
  corr_ins=$(instructions "$bench_bin" "$slice" --only correlate)
  awk -v r="$read_ins" -v p="$parse_ins" -v c="$corr_ins" -v n="$ICOUNT_LINES" 'BEGIN {
    printf "instructions per line (callgrind, first %d lines): parsing %.0f, correlation %.0f more: adds %.1f%%\n",
      n, (p - r) / n, (c - p) / n, (c - p) / (p - r) * 100 }'
fi
