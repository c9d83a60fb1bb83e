#!/usr/bin/env python3
"""Check a Spark output folder against the CLI: every input record comes out exactly once,
each equal to what `clean --jsonl` produces for it.

    python3 check_output.py INPUT.jsonl CLI_OUTPUT.jsonl SPARK_OUT_DIR
"""
import collections
import glob
import json
import sys

inp, cli, out_dir = sys.argv[1:4]
n_in = sum(1 for l in open(inp, encoding="utf-8") if l.strip())
want = [l.rstrip("\n") for l in open(cli, encoding="utf-8")]
got = []
for part in sorted(glob.glob(f"{out_dir}/part-*")):
    got += [l.rstrip("\n") for l in open(part, encoding="utf-8")]
ids = collections.Counter(json.loads(l)["id"] for l in got)
dups = [i for i, c in ids.items() if c > 1]
missing = set(json.loads(l)["id"] for l in want) - set(ids)
problems = []
if len(want) != n_in:
    problems.append(f"the CLI gave {len(want)} records for {n_in} inputs")
if dups:
    problems.append(f"{len(dups)} records duplicated, e.g. {dups[:3]}")
if missing:
    problems.append(f"{len(missing)} records lost, e.g. {sorted(missing)[:3]}")
if collections.Counter(got) != collections.Counter(want):
    problems.append("records differ from the CLI's output")
if problems:
    sys.exit("spark check FAILED: " + "; ".join(problems))
print(f"spark check: {len(got)} records in, {len(got)} out, each equal to the CLI's; 0 lost, 0 duplicated")
