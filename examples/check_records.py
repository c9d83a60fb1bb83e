#!/usr/bin/env python3
"""Check a pipeline's JSONL output against the CLI's, record for record, by `id`.

    python3 examples/check_records.py INPUT.jsonl CLI_OUTPUT.jsonl 'OUT_GLOB' [--datatrove]

Every input record must come out exactly once, with the text the CLI gave it and its other
fields unchanged. Spark's JSON writer drops null fields and reorders keys, so records are
compared as values with nulls left out. With --datatrove, output records are datatrove's
(`text`, `id`, `metadata` holding the other fields plus `pageclean`).
"""
import collections
import glob
import json
import sys


def flat(rec, datatrove):
    if datatrove:
        meta = dict(rec.get("metadata") or {})
        meta.pop("pageclean", None)
        rec = {"id": rec["id"], "text": rec["text"], **meta}
    return {k: v for k, v in rec.items() if v is not None}


def main():
    inp, cli, pattern = sys.argv[1:4]
    datatrove = "--datatrove" in sys.argv[4:]
    n_in = sum(1 for l in open(inp, encoding="utf-8") if l.strip())
    want = {}
    for l in open(cli, encoding="utf-8"):
        r = json.loads(l)
        want[r["id"]] = flat(r, False)
    got, ids = {}, collections.Counter()
    files = sorted(f for f in glob.glob(pattern, recursive=True) if not f.endswith(".crc"))
    for f in files:
        for l in open(f, encoding="utf-8"):
            if l.strip():
                r = json.loads(l)
                ids[r["id"]] += 1
                got[r["id"]] = flat(r, datatrove)
    problems = []
    if len(want) != n_in:
        problems.append(f"the CLI gave {len(want)} records for {n_in} inputs")
    dups = [i for i, c in ids.items() if c > 1]
    if dups:
        problems.append(f"{len(dups)} records duplicated, e.g. {dups[:3]}")
    missing = sorted(set(want) - set(got))
    if missing:
        problems.append(f"{len(missing)} records lost, e.g. {missing[:3]}")
    differ = sorted(i for i in set(want) & set(got) if want[i] != got[i])
    if differ:
        problems.append(f"{len(differ)} records differ from the CLI's, e.g. {differ[:3]}")
    if problems:
        sys.exit(f"check FAILED ({pattern}): " + "; ".join(problems))
    print(f"check: {sum(ids.values())} records out of {n_in}, each equal to the CLI's; "
          "0 lost, 0 duplicated")


if __name__ == "__main__":
    main()
