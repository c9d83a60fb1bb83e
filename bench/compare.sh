#!/usr/bin/env bash
# Compare `clean` (full rule semantics, default rules, --split pages) with the peers on the
# same generated corpus: cat (the ceiling), ripgrep and GNU grep dropping the peer pattern
# set, and the Python `re` script. Every command writes to a real file (GNU grep quits
# early into /dev/null). hyperfine interleaves nothing by itself, so each command runs
# RUNS times after a warm-up and we report medians and ratios from the same session.
#
#   bash bench/compare.sh [SIZE=100M] [RUNS=5]      # needs hyperfine, ripgrep (apt-get install)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-100M}
runs=${2:-5}
bench=../shared/bench
work=${BENCH_DIR:-/tmp/clean-bench}
mkdir -p "$work"
corpus="$work/corpus-$size.txt"
[ -s "$corpus" ] || python3 "$bench/make_corpus.py" --size "$size" --seed 1 --seeds ../shared/seeds -o "$corpus"
cargo build --release --quiet
clean=$PWD/target/release/clean
pat=$bench/patterns.txt
json="$work/hyperfine.json"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$json" \
  -n cat "cat $corpus > $work/out-cat" \
  -n "clean -j1" "$clean --split '^=== page ' -j 1 $corpus > $work/out-clean1" \
  -n "clean -j2" "$clean --split '^=== page ' -j 2 $corpus > $work/out-clean2" \
  -n "rg -v -f" "rg -v -f $pat $corpus > $work/out-rg" \
  -n "grep -vE (C)" "LC_ALL=C grep -v -E -f $pat $corpus > $work/out-grepc" \
  -n "grep -vE (UTF-8)" "LC_ALL=C.UTF-8 grep -v -E -f $pat $corpus > $work/out-grepu" \
  >/dev/null
if [ "${PYTHON_PEER:-1}" = 1 ]; then
  hyperfine --style basic --runs 1 --export-json "$work/py.json" \
    -n "python re" "python3 $bench/peer_filter.py $pat < $corpus > $work/out-py" >/dev/null
fi
python3 - "$json" "$work/py.json" "$corpus" <<'PY'
import json, os, statistics, sys
rows = json.load(open(sys.argv[1]))["results"]
if os.path.exists(sys.argv[2]):
    rows += json.load(open(sys.argv[2]))["results"]
mb = os.path.getsize(sys.argv[3]) / 1e6
med = {r["command"]: statistics.median(r["times"]) for r in rows}
c1 = med["clean -j1"]
print(f"corpus: {mb:.0f} MB; median wall time of {len(rows[0]['times'])} runs")
print("| command | time (s) | MB/s | clean -j1 is N× faster |")
print("|---|---:|---:|---:|")
for name, t in med.items():
    print(f"| {name} | {t:.3f} | {mb / t:.0f} | {t / c1:.2f} |")
PY
