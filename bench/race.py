#!/usr/bin/env python3
"""Race `clean` against its peers, or `clean -j 2` against `clean -j 1`, on generated
corpora, and print a Markdown table.

  peers  `clean` (default rules, --split pages) against `cat` (the ceiling), ripgrep and
         GNU grep (C and UTF-8 locales) dropping the peer pattern set, and the Python `re`
         script (in the first --py-runs rounds only: it takes half a minute a run).
  scale  `-j 2` against `-j 1`, on pages and on JSONL records; and the machine's own
         ceiling: two independent `-j 1` processes, one on each half of the pages, started
         together (no shared work, no hand-overs: what two cores give here).

Runs are interleaved (A B C A B C ...), so a machine whose speed drifts moves every command
alike, and medians are reported. Every command writes to a real file (GNU grep quits early
into /dev/null). Before each run its output file is removed and, unless --no-sync, the disk
is synced: otherwise the freeing of the last output's blocks (when a shell's `>` truncates
it: 25-35 ms for 93 MB here) or the kernel's writeback of earlier outputs lands inside a
run's time. --truncate keeps the last output for the run to truncate, as `>` does.

    python3 bench/race.py peers [--size 100M] [--runs 9] [--py-runs 3]
    python3 bench/race.py scale [--size 100M] [--runs 11]
    python3 bench/race.py linear [--size 1G] [--runs 5]

  linear `-j 1` and `-j 2` on 100 MB against the same on --size (1 GB by default): how time
         grows with input. Also CPU time (user + system), which the kernel's writeback of
         a large output moves less than wall time.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SHARED = os.path.join(ROOT, "..", "shared")
BENCH = os.path.join(SHARED, "bench")


def corpus(work, size, fmt):
    path = os.path.join(work, f"corpus-{size}.{fmt}")
    if not os.path.exists(path) or os.path.getsize(path) == 0:
        subprocess.run(
            [sys.executable, os.path.join(BENCH, "make_corpus.py"), "--size", size,
             "--seed", "1", "--seeds", os.path.join(SHARED, "seeds"), "--format", fmt,
             "-o", path],
            check=True)
    return path


def halves(pages, work):
    """The pages cut in two at the page separator nearest past the middle."""
    data = open(pages, "rb").read()
    cut = data.find(b"\n=== page ", len(data) // 2) + 1
    if cut <= 0:
        sys.exit("no page separator past the middle")
    paths = []
    for name, part in (("half-a.txt", data[:cut]), ("half-b.txt", data[cut:])):
        path = os.path.join(work, name)
        if not os.path.exists(path) or os.path.getsize(path) != len(part):
            open(path, "wb").write(part)
        paths.append(path)
    return paths


class Proc:
    """One process of a command: argv, environment additions, stdin file, output file."""

    def __init__(self, argv, out, stdin=None, env=None):
        self.argv, self.out, self.stdin, self.env = argv, out, stdin, env or {}


def race(cmds, runs, args, only_first=None):
    """Run every command `runs` times, interleaved; a command in `only_first` (name ->
    rounds) runs in that many first rounds only. Returns name -> (wall times, CPU times)."""
    times = {n: ([], []) for n in cmds}
    for r in range(runs):
        for name, procs in cmds.items():
            if only_first and r >= only_first.get(name, runs):
                continue
            if not args.truncate:
                for p in procs:
                    if os.path.exists(p.out):
                        os.unlink(p.out)
            if not args.no_sync:
                os.sync()
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            running = []
            for p in procs:
                fin = open(p.stdin, "rb") if p.stdin else subprocess.DEVNULL
                fout = open(p.out, "wb")
                env = dict(os.environ, **p.env)
                running.append((subprocess.Popen(p.argv, stdin=fin, stdout=fout, env=env), fin, fout))
            for proc, fin, fout in running:
                if proc.wait() != 0:
                    sys.exit(f"{name} failed: {' '.join(proc.args)}")
                fout.close()
                if fin is not subprocess.DEVNULL:
                    fin.close()
            wall = time.perf_counter() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            times[name][0].append(wall)
            times[name][1].append(r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime)
    return times


def how(args, runs):
    h = "output truncated by the run" if args.truncate else "a fresh output file each run"
    h += ", not synced" if args.no_sync else ", disk synced before each run"
    return f"medians of {runs} interleaved runs; {h}"


def peers(args, clean, work):
    pages = corpus(work, args.size, "txt")
    pat = os.path.join(BENCH, "patterns.txt")
    out = lambda n: os.path.join(work, f"out-{n}")
    split = ["--split", "^=== page "]
    cmds = {
        "cat": [Proc(["cat", pages], out("cat"))],
        "clean -j1": [Proc([clean, *split, "-j", "1", pages], out("clean1"))],
        "clean -j2": [Proc([clean, *split, "-j", "2", pages], out("clean2"))],
        "rg -v -f": [Proc(["rg", "-v", "-f", pat, pages], out("rg"))],
        "grep -vE (C)": [Proc(["grep", "-v", "-E", "-f", pat, pages], out("grepc"), env={"LC_ALL": "C"})],
        "grep -vE (UTF-8)": [Proc(["grep", "-v", "-E", "-f", pat, pages], out("grepu"),
                                  env={"LC_ALL": "C.UTF-8"})],
    }
    if args.py_runs > 0:
        cmds["python re"] = [Proc([sys.executable, os.path.join(BENCH, "peer_filter.py"), pat],
                                  out("py"), stdin=pages)]
    race(cmds, 1, args, {"python re": 0})  # warm-up: the corpus into the page cache
    t = race(cmds, args.runs, args, {"python re": args.py_runs})
    mb = os.path.getsize(pages) / 1e6
    med = {n: statistics.median(w) for n, (w, _) in t.items()}
    c1 = med["clean -j1"]
    print(f"corpus: {mb:.0f} MB of pages; {how(args, args.runs)} (python: {args.py_runs})")
    print("| command | time (s) | MB/s | clean -j1 is N× faster |")
    print("|---|---:|---:|---:|")
    for n, s in med.items():
        print(f"| {n} | {s:.3f} | {mb / s:.0f} | {s / c1:.2f} |")


def scale(args, clean, work):
    pages = corpus(work, args.size, "txt")
    jsonl = corpus(work, args.size, "jsonl")
    half_a, half_b = halves(pages, work)
    out = lambda n: os.path.join(work, f"scale-{n}")
    split = ["--split", "^=== page "]
    rec = ["--jsonl", "--url-field", "url"]
    cmds = {
        "pages -j1": [Proc([clean, *split, "-j", "1", pages], out("p1"))],
        "pages -j2": [Proc([clean, *split, "-j", "2", pages], out("p2"))],
        "pages, two -j1 on halves": [Proc([clean, *split, "-j", "1", half_a], out("ha")),
                                     Proc([clean, *split, "-j", "1", half_b], out("hb"))],
        "jsonl -j1": [Proc([clean, *rec, "-j", "1"], out("j1"), stdin=jsonl)],
        "jsonl -j2": [Proc([clean, *rec, "-j", "2"], out("j2"), stdin=jsonl)],
    }
    race(cmds, 1, args)
    t = race(cmds, args.runs, args)
    med = {n: statistics.median(w) for n, (w, _) in t.items()}
    print(f"{args.size} of pages and of JSONL; {how(args, args.runs)}")
    print("| command | wall (s) | CPU (s) | MB/s |")
    print("|---|---:|---:|---:|")
    for n, (_, cpu) in t.items():
        mb = os.path.getsize(jsonl if n.startswith("jsonl") else pages) / 1e6
        print(f"| {n} | {med[n]:.3f} | {statistics.median(cpu):.3f} | {mb / med[n]:.0f} |")
    print()
    print(f"pages: -j2 is {med['pages -j1'] / med['pages -j2']:.2f}x -j1 "
          f"(the machine's ceiling, two processes on halves: "
          f"{med['pages -j1'] / med['pages, two -j1 on halves']:.2f}x)")
    print(f"JSONL: -j2 is {med['jsonl -j1'] / med['jsonl -j2']:.2f}x -j1")


def linear(args, clean, work):
    small = corpus(work, "100M", "txt")
    size = args.size if args.size != "100M" else "1G"
    large = corpus(work, size, "txt")
    out = lambda n: os.path.join(work, f"linear-{n}")
    split = ["--split", "^=== page "]
    cmds = {}
    for j in ["1", "2"]:
        cmds[f"100M -j{j}"] = [Proc([clean, *split, "-j", j, small], out(f"s{j}"))]
        cmds[f"{size} -j{j}"] = [Proc([clean, *split, "-j", j, large], out(f"l{j}"))]
    race(cmds, 1, args)
    t = race(cmds, args.runs, args)
    print(f"100M and {size} of pages; {how(args, args.runs)}")
    print("| command | wall (s) | CPU (s) | MB/s |")
    print("|---|---:|---:|---:|")
    for n, (w, cpu) in t.items():
        mb = os.path.getsize(small if n.startswith("100M") else large) / 1e6
        print(f"| {n} | {statistics.median(w):.3f} | {statistics.median(cpu):.3f} | "
              f"{mb / statistics.median(w):.0f} |")
    print()
    ratio = os.path.getsize(large) / os.path.getsize(small)
    for j in ["1", "2"]:
        ws, cs = (statistics.median(x) for x in t[f"100M -j{j}"])
        wl, cl = (statistics.median(x) for x in t[f"{size} -j{j}"])
        print(f"-j{j}: {size} takes {wl / ws:.1f}x the wall time of 100M "
              f"({cl / cs:.1f}x the CPU time) for {ratio:.1f}x the bytes")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mode", choices=["peers", "scale", "linear"])
    ap.add_argument("--size", default="100M")
    ap.add_argument("--runs", type=int, default=None, help="rounds (peers 9, scale 11)")
    ap.add_argument("--py-runs", type=int, default=3, help="peers: rounds the Python script runs in")
    ap.add_argument("--no-sync", action="store_true", help="do not sync before each run")
    ap.add_argument("--truncate", action="store_true",
                    help="keep the last output for the run to truncate, as `>` does")
    ap.add_argument("--work", default=os.environ.get("BENCH_DIR", "/tmp/clean-bench"))
    args = ap.parse_args()
    args.runs = args.runs or {"peers": 9, "scale": 11, "linear": 5}[args.mode]
    for tool in ["rg", "grep"] if args.mode == "peers" else []:
        if not shutil.which(tool):
            sys.exit(f"{tool} not found (apt-get install ripgrep grep)")
    os.makedirs(args.work, exist_ok=True)
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    clean = os.path.join(ROOT, "target", "release", "clean")
    {"peers": peers, "scale": scale, "linear": linear}[args.mode](args, clean, args.work)


if __name__ == "__main__":
    main()
