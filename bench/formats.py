#!/usr/bin/env python3
"""Throughput and peak memory of `clean` on the corpus formats of issue 21: JSON Lines
plain, gzip and zstd; a WET file (WARC `conversion` records) plain, gzip per record and
zstd. The same pages in every format (bench/make_corpus.py of the shared folder, JSONL
form), each run writing a fresh file on disk; runs interleaved, median wall time and the
largest peak RSS (GNU time) reported as a Markdown table. Not a test: run it by hand.

    python3 bench/formats.py [--size 100M] [--runs 3] [--jobs 2] [--shared ../shared]
"""
import argparse
import base64
import gzip
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def wet_record(uri, text):
    block = text.encode("utf-8")
    digest = base64.b32encode(hashlib.sha1(block).digest()).decode()
    head = (
        "WARC/1.0\r\nWARC-Type: conversion\r\n"
        f"WARC-Target-URI: {uri}\r\n"
        "WARC-Date: 2026-01-01T00:00:00Z\r\n"
        f"WARC-Block-Digest: sha1:{digest}\r\n"
        "Content-Type: text/plain\r\n"
        f"Content-Length: {len(block)}\r\n\r\n"
    )
    return head.encode() + block + b"\r\n\r\n"


def make_inputs(work, size, shared):
    jsonl = work / "corpus.jsonl"
    subprocess.run(
        [sys.executable, str(shared / "bench" / "make_corpus.py"), "--size", size,
         "--format", "jsonl", "--seed", "1", "--seeds", str(ROOT / "seeds"), "-o", str(jsonl)],
        check=True,
    )
    wet, wet_gz = work / "corpus.warc", work / "corpus.warc.gz"
    with open(jsonl, encoding="utf-8") as f, open(wet, "wb") as w, open(wet_gz, "wb") as wg:
        for line in f:
            r = json.loads(line)
            rec = wet_record(r["url"], r["text"])
            w.write(rec)
            wg.write(gzip.compress(rec, compresslevel=6))
    with open(str(jsonl) + ".gz", "wb") as o:
        subprocess.run(["gzip", "-6", "-c", str(jsonl)], stdout=o, check=True)
    for src in (jsonl, wet):
        subprocess.run(["zstd", "-q", "-3", "-f", str(src), "-o", str(src) + ".zst"], check=True)
    return [
        ("JSONL", ["--jsonl", "--url-field", "url"], jsonl),
        ("JSONL gzip", ["--jsonl", "--url-field", "url"], Path(str(jsonl) + ".gz")),
        ("JSONL zstd", ["--jsonl", "--url-field", "url"], Path(str(jsonl) + ".zst")),
        ("WET", ["--warc"], wet),
        ("WET gzip/record", ["--warc"], wet_gz),
        ("WET zstd", ["--warc"], Path(str(wet) + ".zst")),
    ]


def timed(cmd, out):
    with open(out, "wb") as o:
        p = subprocess.run(["/usr/bin/time", "-f", "%e %M"] + cmd, stdout=o,
                           stderr=subprocess.PIPE, check=True)
    wall, rss = p.stderr.decode().strip().splitlines()[-1].split()
    os.remove(out)
    return float(wall), int(rss) // 1024


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="100M")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--jobs", default="2")
    ap.add_argument("--shared", default=str(ROOT.parent / "shared"))
    ap.add_argument("--bin", default=str(ROOT / "target" / "release" / "clean"))
    a = ap.parse_args()
    with tempfile.TemporaryDirectory(dir=ROOT / "target") as t:
        work = Path(t)
        inputs = make_inputs(work, a.size, Path(a.shared))
        pages_mb = inputs[0][2].stat().st_size / 1e6
        times = {name: [] for name, _, _ in inputs}
        rss = {name: 0 for name, _, _ in inputs}
        for _ in range(a.runs):
            for name, flags, path in inputs:
                w, m = timed([a.bin, "--no-progress", "-j", a.jobs] + flags + [str(path)],
                             work / "out")
                times[name].append(w)
                rss[name] = max(rss[name], m)
        base = statistics.median(times["JSONL"])
        print(f"{a.size} of JSONL ({pages_mb:.0f} MB), -j {a.jobs}, median of {a.runs} runs\n")
        print("| input | file MB | wall s | MB/s of JSONL text | vs JSONL | peak RSS MB |")
        print("|---|---:|---:|---:|---:|---:|")
        for name, _, path in inputs:
            med = statistics.median(times[name])
            print(f"| {name} | {path.stat().st_size / 1e6:.1f} | {med:.2f} | "
                  f"{pages_mb / med:.0f} | {med / base:.2f}x | {rss[name]} |")


if __name__ == "__main__":
    main()
