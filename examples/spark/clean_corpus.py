#!/usr/bin/env python3
"""Clean a JSON Lines corpus on Apache Spark with the `clean` binary.

    spark-submit --files target/release/clean examples/spark/clean_corpus.py IN OUT [-- CLEAN_ARGS...]

IN is a JSONL file, folder or glob that Spark can read (local, HDFS, S3, GCS...); OUT is
the output folder (Spark writes part-* files of JSONL). Each partition is piped through ONE
`clean --jsonl` process, fed from a thread; the job fails if that process exits non-zero,
so a crash can never silently truncate a partition.

The binary is looked up as: the file shipped with `--files` (SparkFiles.get("clean")),
then $CLEAN_BIN, then `clean` on the executor's PATH. Extra arguments after `--` go to
`clean` (e.g. `-- --field body --url-field url --rules site.toml`; a rule file must then
be shipped with --files too and named by its bare file name).
"""
import os
import shutil
import subprocess
import sys
import threading


def find_clean():
    try:
        from pyspark import SparkFiles
        p = SparkFiles.get("clean")
        if os.path.isfile(p) and os.access(p, os.X_OK):
            return p
    except Exception:
        pass
    env = os.environ.get("CLEAN_BIN")
    if env and os.path.isfile(env):
        return env
    found = shutil.which("clean")
    if found:
        return found
    raise RuntimeError("clean binary not found: ship it with --files, set CLEAN_BIN, or put it on PATH")


def resolve_arg(a):
    """Shipped files (rule files) are named by their bare name: map them to their path."""
    try:
        from pyspark import SparkFiles
        p = SparkFiles.get(a)
        if os.path.isfile(p):
            return p
    except Exception:
        pass
    return a


def clean_partition(extra_args):
    def run(lines):
        exe = find_clean()
        cmd = [exe, "--jsonl", "-j", "1"] + [resolve_arg(a) for a in extra_args]
        proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE)
        errors = []

        def feed():
            try:
                for line in lines:
                    proc.stdin.write(line.encode("utf-8"))
                    proc.stdin.write(b"\n")
            except BrokenPipeError:
                pass  # clean stopped early; its exit code says why
            except Exception as e:  # noqa: BLE001 - re-raised below
                errors.append(e)
            finally:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass

        stderr_chunks = []
        t = threading.Thread(target=feed, daemon=True)
        t.start()
        e = threading.Thread(target=lambda: stderr_chunks.append(proc.stderr.read()), daemon=True)
        e.start()
        for out in proc.stdout:
            yield out.decode("utf-8").rstrip("\n")
        t.join()
        code = proc.wait()
        e.join()
        if errors:
            raise errors[0]
        if code != 0:
            msg = b"".join(stderr_chunks).decode("utf-8", "replace")
            raise RuntimeError(f"clean exited with {code}: {msg.strip()}")
    return run


def main(argv):
    if "--" in argv:
        i = argv.index("--")
        argv, extra = argv[:i], argv[i + 1:]
    else:
        extra = []
    if len(argv) != 3:
        sys.exit(__doc__)
    src, dst = argv[1], argv[2]
    from pyspark.sql import SparkSession
    spark = SparkSession.builder.appName("clean-corpus").getOrCreate()
    sc = spark.sparkContext
    sc.textFile(src).mapPartitions(clean_partition(extra)).saveAsTextFile(dst)
    spark.stop()


if __name__ == "__main__":
    main(sys.argv)
