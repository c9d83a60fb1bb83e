#!/usr/bin/env python3
"""Documents per second: pageclean in-process vs one `clean` process per document vs
`clean --jsonl` through a pipe, on the same generated JSONL corpus (not a timed test).

    python3 bench/python.py [--size 100M] [--runs 3] [--per-process 300] [--clean-bin target/release/clean]

Run with the Python that has pageclean installed. The corpus comes from
/work/shared/bench/make_corpus.py (or --corpus FILE). Every variant reads the JSONL file
and writes the cleaned JSONL to a file on disk; in-process includes json parsing and
writing in Python. One-process-per-document runs on the first --per-process records only
(it is slow), and is also timed with the wheel's `clean` command (Python start-up). Runs
are interleaved and the median is reported; the cleaned texts are checked equal.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import pageclean

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def in_process(rules, corpus, out, chunk=4096, threads=None, clean_times=None):
    """Read, clean and write the corpus; the clean_batch calls' own time goes to clean_times."""
    n, t_clean = 0, 0.0
    with open(corpus, encoding="utf-8") as f, open(out, "w", encoding="utf-8") as w:
        while True:
            recs = [json.loads(l) for _, l in zip(range(chunk), f)]
            if not recs:
                if clean_times is not None:
                    clean_times.append(t_clean)
                return n
            t = time.perf_counter()
            texts = rules.clean_batch([r["text"] for r in recs], [r.get("url") for r in recs], threads)
            t_clean += time.perf_counter() - t
            for r, t in zip(recs, texts):
                r["text"] = t
                w.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += len(recs)


def pipe(clean_bin, corpus, out):
    with open(corpus, "rb") as f, open(out, "wb") as w:
        cat = subprocess.Popen(["cat"], stdin=f, stdout=subprocess.PIPE)
        subprocess.run([clean_bin, "--jsonl", "--url-field", "url"], stdin=cat.stdout, stdout=w, check=True)
        cat.stdout.close()
        cat.wait()


def per_process(clean_bin, recs, out):
    with open(out, "w", encoding="utf-8") as w:
        for r in recs:
            args = [clean_bin] + (["--url", r["url"]] if r.get("url") else []) + ["-"]
            t = subprocess.run(args, input=r["text"].encode(), capture_output=True, check=True).stdout
            r = dict(r, text=t.decode("utf-8"))
            w.write(json.dumps(r, ensure_ascii=False) + "\n")


def timed(f, *a):
    t = time.perf_counter()
    f(*a)
    return time.perf_counter() - t


def texts(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(l)["text"] for l in f]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", default="100M")
    ap.add_argument("--corpus", help="an existing JSONL corpus (id, url, text)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--per-process", type=int, default=300)
    ap.add_argument("--clean-bin", default=os.path.join(ROOT, "target/release/clean"))
    ap.add_argument("--make-corpus", default="/work/shared/bench/make_corpus.py")
    a = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="pageclean-bench-")
    try:
        corpus = a.corpus
        if not corpus:
            corpus = os.path.join(tmp, f"corpus-{a.size}.jsonl")
            subprocess.run([sys.executable, a.make_corpus, "--size", a.size, "--seed", "1", "--format", "jsonl",
                            "--seeds", os.path.join(ROOT, "seeds"), "-o", corpus], check=True)
        with open(corpus, encoding="utf-8") as f:
            n = sum(1 for _ in f)
        mb = os.path.getsize(corpus) / 1e6
        rules = pageclean.Rules()
        cores = os.cpu_count()
        print(f"corpus: {corpus}, {mb:.0f} MB, {n} documents; {cores} cores; runs interleaved, median of {a.runs}")
        outs = {k: os.path.join(tmp, k + ".jsonl") for k in ("inproc", "inproc1", "pipe", "proc", "proc-py")}
        t_in, t_in1, t_pipe, c_in, c_in1 = [], [], [], [], []
        for _ in range(a.runs):
            t_in.append(timed(in_process, rules, corpus, outs["inproc"], 4096, None, c_in))
            t_pipe.append(timed(pipe, a.clean_bin, corpus, outs["pipe"]))
            t_in1.append(timed(in_process, rules, corpus, outs["inproc1"], 4096, 1, c_in1))
        if texts(outs["inproc"]) != texts(outs["pipe"]) or texts(outs["inproc1"]) != texts(outs["pipe"]):
            sys.exit("in-process and `clean --jsonl` outputs differ")
        with open(corpus, encoding="utf-8") as f:
            sample = [json.loads(l) for _, l in zip(range(a.per_process), f)]
        t_proc = timed(per_process, a.clean_bin, sample, outs["proc"])
        rows = [
            ("clean --jsonl through a pipe (all cores)", n / statistics.median(t_pipe)),
            ("pageclean in-process, JSON read/write in Python, all cores", n / statistics.median(t_in)),
            ("pageclean in-process, JSON read/write in Python, threads=1", n / statistics.median(t_in1)),
            ("  of which the clean_batch calls alone, all cores", n / statistics.median(c_in)),
            ("  of which the clean_batch calls alone, threads=1", n / statistics.median(c_in1)),
            (f"one `clean` process per document (Rust binary, {len(sample)} docs)", len(sample) / t_proc),
        ]
        script = shutil.which("clean")
        if script and os.path.realpath(script) != os.path.realpath(a.clean_bin):
            t_py = timed(per_process, script, sample, outs["proc-py"])
            rows.append((f"one `clean` process per document (wheel's command, {len(sample)} docs)", len(sample) / t_py))
        if texts(outs["proc"]) != texts(outs["inproc"])[: len(sample)]:
            sys.exit("one-process-per-document output differs")
        base = rows[0][1]
        print(f"{'variant':<72} {'docs/s':>9} {'vs pipe':>8}")
        for name, v in rows:
            print(f"{name:<72} {v:>9.0f} {v / base:>7.2f}x")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
