#!/usr/bin/env python3
"""Write N JSONL records built from the seed pages, with varied ids and other fields.

    python3 make_sample.py SEEDS_DIR N OUT.jsonl
"""
import json
import pathlib
import random
import sys

seeds_dir, n, out = pathlib.Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
pages = [p.read_text(encoding="utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
r = random.Random(1)
with open(out, "w", encoding="utf-8") as f:
    for i in range(n):
        text = pages[i % len(pages)]
        # Vary the text a little so records differ: a numbered paragraph in the middle.
        lines = text.split("\n")
        k = r.randrange(1, max(2, len(lines) - 1))
        lines.insert(k, f"Paragraph {i} of the sample, with a number {r.randint(0, 10**6)}.")
        rec = {"id": f"rec-{i:06d}", "score": r.random(), "text": "\n".join(lines),
               "url": r.choice([None, "https://www.npr.org/x", "https://example.com/a"])}
        f.write(json.dumps(rec, ensure_ascii=False) + "\n")
