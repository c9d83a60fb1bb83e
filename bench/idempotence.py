#!/usr/bin/env python3
"""Clean pages twice and count the pages the second pass changes.

    python3 bench/idempotence.py CORPUS.txt            # pages split on `=== page` lines
    python3 bench/idempotence.py DIR...                # every DIR/input/*.txt (or DIR/*.txt)
    python3 bench/idempotence.py --url https://example.org/ DIR...

A corpus file (as `bench/race.py` generates) is cleaned with `--split '^=== page '` and both
outputs are compared page by page; a folder's pages are cleaned one at a time. Prints the
counts per argument and, with `--list`, the pages that change.
"""
import argparse
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SEP = b"=== page "


def run(clean, args, data):
    return subprocess.run([clean, *args], input=data, stdout=subprocess.PIPE, check=True).stdout


def pages(data):
    out, cur, buf = {}, None, []
    for line in data.split(b"\n"):
        if line.startswith(SEP):
            if cur is not None:
                out[cur] = b"\n".join(buf)
            cur, buf = line, []
        else:
            buf.append(line)
    if cur is not None:
        out[cur] = b"\n".join(buf)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "clean"))
    ap.add_argument("--url", help="pass --url URL to both passes")
    ap.add_argument("--list", action="store_true", help="print the pages that change")
    a = ap.parse_args()
    flags = ["--url", a.url] if a.url else []
    for path in a.paths:
        changed = []
        if os.path.isdir(path):
            sub = os.path.join(path, "input")
            folder = sub if os.path.isdir(sub) else path
            names = sorted(n for n in os.listdir(folder) if n.endswith(".txt"))
            for n in names:
                with open(os.path.join(folder, n), "rb") as f:
                    once = run(a.bin, flags, f.read())
                if run(a.bin, flags, once) != once:
                    changed.append(n)
            total = len(names)
        else:
            split = ["--split", "^" + SEP.decode()] + flags
            with open(path, "rb") as f:
                once = run(a.bin, split, f.read())
            first, second = pages(once), pages(run(a.bin, split, once))
            changed = [k.decode(errors="replace") for k in first if first[k] != second.get(k)]
            total = len(first)
        print(f"{path}: {len(changed)} of {total} pages change on a second pass")
        if a.list:
            for c in changed:
                print("  " + c)
    return 0


if __name__ == "__main__":
    sys.exit(main())
