#!/usr/bin/env bash
# Spark end-to-end check: clean a generated JSONL sample with examples/spark/clean_corpus.py
# in local[2] mode and compare every record with what the CLI produces for it.
# Installs what it needs: Java 17 (apt, only where missing) and pyspark in a cached venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PYSPARK_VERSION=4.3.0
venv="${CLEAN_CI_CACHE:-$HOME/.cache/clean-ci}/venv-pyspark-$PYSPARK_VERSION"

. .ci/lib.sh
need_java
cached_venv "$venv" "pyspark==$PYSPARK_VERSION"

bin=target/release/clean
[ -x "$bin" ] || cargo build --release --quiet
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 examples/spark/make_sample.py seeds 3000 "$work/in.jsonl"
"$bin" --jsonl --url-field url < "$work/in.jsonl" > "$work/cli.jsonl"

echo "== spark-submit local[2], 3000 records"
start=$(date +%s)
SPARK_LOCAL_IP=127.0.0.1 PYSPARK_PYTHON="$venv/bin/python" PYSPARK_DRIVER_PYTHON="$venv/bin/python" \
  "$venv/bin/spark-submit" --master 'local[2]' --conf spark.ui.enabled=false \
  --conf spark.default.parallelism=4 \
  --files "$bin" examples/spark/clean_corpus.py "$work/in.jsonl" "$work/out" -- --url-field url \
  2> "$work/spark.log" || { tail -40 "$work/spark.log"; exit 1; }
echo "spark job: $(( $(date +%s) - start )) s"
python3 examples/spark/check_output.py "$work/in.jsonl" "$work/cli.jsonl" "$work/out"
