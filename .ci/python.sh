#!/usr/bin/env bash
# The Python package end to end: build the pageclean wheel (maturin), install it alone in a
# fresh virtualenv (`clean` on PATH, `import pageclean`), run its pytest suite, then the
# datatrove example (local executor) and the Spark DataFrame example (local[2]) for real,
# checking every output record equals the CLI's. Tool venvs are cached (.ci/lib.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
PYSPARK_VERSION=4.3.0
DATATROVE_VERSION=0.10.1
MATURIN_VERSION=1.16.0
cache="${CLEAN_CI_CACHE:-$HOME/.cache/clean-ci}"
venv="$cache/venv-python"

. .ci/lib.sh
need_java
cached_venv "$venv" "maturin==$MATURIN_VERSION" pytest \
  "datatrove==$DATATROVE_VERSION" orjson pyarrow "pandas>=2.2,<3" "pyspark==$PYSPARK_VERSION"

bin=target/release/clean
[ -x "$bin" ] || cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== maturin build --release"
start=$(date +%s)
"$venv/bin/maturin" build --release --out "$work/wheels" > "$work/maturin.log" 2>&1 \
  || { tail -40 "$work/maturin.log"; exit 1; }
wheel=$(ls "$work"/wheels/pageclean-*.whl)
echo "built $(basename "$wheel") in $(( $(date +%s) - start )) s"

echo "== fresh virtualenv: pip install the wheel alone"
python3 -m venv "$work/fresh"
"$work/fresh/bin/pip" install -q --no-index "$wheel"
for f in seeds/*.txt; do
  "$work/fresh/bin/clean" "$f" | cmp - "seeds/expected/$(basename "$f")"
done
"$work/fresh/bin/python" -c 'import pageclean, sys; r = pageclean.Rules(); sys.exit(0 if r.clean(b"a\n") == b"a\n" else 1)'
echo "fresh venv: clean on PATH gives the seeds' expected output; import pageclean works"

echo "== pytest python/tests"
"$venv/bin/pip" install -q --no-deps --force-reinstall "$wheel"
PATH="$venv/bin:$PATH" CLEAN_BIN="$PWD/$bin" "$venv/bin/python" -m pytest -q -p no:cacheprovider python/tests

mkdir -p "$work/in"
python3 examples/spark/make_sample.py seeds 3000 "$work/in/shard-0.jsonl"
"$bin" --jsonl --url-field url < "$work/in/shard-0.jsonl" > "$work/cli.jsonl"

echo "== datatrove: LocalPipelineExecutor with the PageClean step, 3000 records, 2 tasks"
start=$(date +%s)
python3 - "$work/in/shard-0.jsonl" "$work/in" <<'PY'
import sys
# Two shards, so the two tasks each get a file.
lines = open(sys.argv[1], encoding="utf-8").readlines()
open(sys.argv[1], "w", encoding="utf-8").writelines(lines[:1500])
open(sys.argv[2] + "/shard-1.jsonl", "w", encoding="utf-8").writelines(lines[1500:])
PY
"$venv/bin/python" examples/datatrove/clean_shard.py "$work/in" "$work/dt" --tasks 2 \
  --logs "$work/dt-logs" > "$work/dt.log" 2>&1 || { tail -40 "$work/dt.log"; exit 1; }
echo "datatrove job: $(( $(date +%s) - start )) s"
cat "$work"/in/shard-*.jsonl > "$work/in.jsonl"
python3 examples/check_records.py "$work/in.jsonl" "$work/cli.jsonl" "$work/dt/*.jsonl" --datatrove

echo "== Spark DataFrame (mapInArrow), local[2], 3000 records"
start=$(date +%s)
SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python" \
  "$venv/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false \
  examples/spark/clean_dataframe.py "$work/in.jsonl" "$work/df" --url-col url \
  2> "$work/spark.log" || { tail -40 "$work/spark.log"; exit 1; }
echo "spark job: $(( $(date +%s) - start )) s"
python3 examples/check_records.py "$work/in.jsonl" "$work/cli.jsonl" "$work/df/part-*"
