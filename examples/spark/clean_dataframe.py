#!/usr/bin/env python3
"""Clean a text column of a Spark DataFrame with pageclean, in-process on the executors.

    spark-submit examples/spark/clean_dataframe.py IN OUT [--text-col text] [--url-col url]
                 [--rules PATH ...]

IN is JSON Lines Spark can read; OUT gets JSON Lines part files with the text column
cleaned and every other column as it was. Needs `pip install pageclean pyarrow` in the
Python environment of the driver and the executors (no binary to ship). Each Arrow batch
goes to `Rules.clean_batch` (no GIL); the rules are compiled once per Python worker.
Rule files must be readable on the executors (ship them with --files and pass bare names).
"""

import argparse
import os

_rules = {}


def rules_for(paths, defaults=True):
    key = (tuple(paths), defaults)
    if key not in _rules:
        import pageclean

        try:
            from pyspark import SparkFiles

            paths = [p if os.path.exists(p) else SparkFiles.get(p) for p in paths]
        except Exception:  # noqa: BLE001 - not inside Spark: paths as given
            pass
        _rules[key] = pageclean.Rules(paths=list(paths), defaults=defaults)
    return _rules[key]


def clean_column(df, text_col="text", url_col=None, rule_paths=(), threads=1):
    """`df` with `text_col` cleaned (nulls stay null), by mapInArrow. `threads` per task:
    Spark already runs one task per core, so 1 keeps the cores from being oversubscribed."""
    import pyarrow as pa

    rule_paths = list(rule_paths)

    def clean_batches(batches):
        rules = rules_for(rule_paths)
        for b in batches:
            texts = b.column(text_col).to_pylist()
            urls = b.column(url_col).to_pylist() if url_col else None
            todo = [i for i, t in enumerate(texts) if t is not None]
            out = rules.clean_batch([texts[i] for i in todo],
                                    [urls[i] for i in todo] if urls else None, threads)
            for i, t in zip(todo, out):
                texts[i] = t
            i = b.schema.get_field_index(text_col)
            yield b.set_column(i, b.schema.field(i), pa.array(texts, pa.string()))

    return df.mapInArrow(clean_batches, df.schema)


def main():
    from pyspark.sql import SparkSession

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--text-col", default="text")
    ap.add_argument("--url-col", default=None)
    ap.add_argument("--rules", action="append", default=[], help="rule file (bare name if shipped with --files)")
    a = ap.parse_args()
    spark = SparkSession.builder.appName("pageclean").getOrCreate()
    df = spark.read.json(a.input)
    clean_column(df, a.text_col, a.url_col, a.rules).write.mode("overwrite").json(a.output)
    spark.stop()


if __name__ == "__main__":
    main()
