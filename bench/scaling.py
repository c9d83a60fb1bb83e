#!/usr/bin/env python3
"""Linear time on lines no converter prints: `clean` on a page holding one odd line (or
many odd lines) of N and of 4N repeated pieces; the time should grow about 4x, not 16x.

    python3 bench/scaling.py [--bin target/release/clean] [--n 20000] [--max-ratio 8]

Each piece is syntax the engine reads (Markdown links and images, bracketed addresses,
raw HTML comments and tags, pandoc spans and attributes, list bullets, box drawing),
repeated with nothing to close it, where a search from every opening to the line's end
would make reading quadratic. Prints one row per piece; exits 1 when the 4N run takes
more than `--max-ratio` times the N run and more than `--min-seconds` (so that start-up
and noise on tiny runs do not count). A script, not a test: `cargo test` times nothing.
"""
import argparse
import subprocess
import sys
import time

PIECES = [
    b"[a](", b"[a](b", b"![a](", b"[http://", b")http://x", b">.http://x", b"[a",
    b"a](", b"[[", b"]]", b"((", b"<!--", b"<a href=\"", b"<a b=\"x ", b"{#a .b",
    b"a]{.b} ", b"[x]{.b} ", b":::", b"**a", b"`", b"[1][2]", b"|", b"\\[",
    b"\xe2\x94\x82 cell ", b"  \xe2\x80\xa2 x\n", b"<!-- \n", b"<a href=\"\n",
    b"[a\n", b"a](\n", b"Read more: ", b"[IMG] ",
    # Lines of their own: grid-table borders without rows, a wrapped block of spans.
    b"\n+--+", b"\n\xe2\x94\x8c\xe2\x94\x80\xe2\x94\x90", b"\n<!-->#![",
]

PROSE = b"The council met on Monday and agreed to the plan for the harbour.\n\n"


def run(binary, data):
    t = time.perf_counter()
    subprocess.run([binary], input=data, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, check=False, timeout=600)
    return time.perf_counter() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--bin", default="target/release/clean")
    ap.add_argument("--n", type=int, default=20000, help="pieces in the smaller run")
    ap.add_argument("--max-ratio", type=float, default=8.0)
    ap.add_argument("--min-seconds", type=float, default=0.5)
    a = ap.parse_args()
    bad = []
    print("| piece | %d | %d | ratio |" % (a.n, 4 * a.n))
    print("|---|---:|---:|---:|")
    for piece in PIECES:
        small, large = (run(a.bin, PROSE * 3 + piece * n + b"\n" + PROSE)
                        for n in (a.n, 4 * a.n))
        ratio = large / max(small, 1e-3)
        shown = piece.decode("utf-8", "replace").replace("\n", "\\n")
        print("| `%s` | %.3f s | %.3f s | %.1fx |" % (shown, small, large, ratio))
        if ratio > a.max_ratio and large > a.min_seconds:
            bad.append(piece)
    if bad:
        sys.exit("superlinear: %s" % ", ".join(repr(p) for p in bad))


if __name__ == "__main__":
    main()
