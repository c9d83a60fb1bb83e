#!/usr/bin/env python3
"""Clean a JSONL shard with datatrove's local executor and the PageClean step.

    python3 examples/datatrove/clean_shard.py IN_DIR OUT_DIR [--tasks N] [--rules PATH ...]

IN_DIR holds *.jsonl files of records with `id`, `text` and (optionally) `url`; OUT_DIR
gets datatrove's JSONL (`text`, `id`, `metadata` with the other fields and `pageclean`).
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from clean_step import PageClean  # noqa: E402
from datatrove.executor import LocalPipelineExecutor  # noqa: E402
from datatrove.pipeline.readers import JsonlReader  # noqa: E402
from datatrove.pipeline.writers import JsonlWriter  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("input")
    ap.add_argument("output")
    ap.add_argument("--tasks", type=int, default=1)
    ap.add_argument("--rules", action="append", default=[], help="rule file or folder")
    ap.add_argument("--logs", default=None, help="datatrove logging folder")
    a = ap.parse_args()
    LocalPipelineExecutor(
        pipeline=[
            JsonlReader(a.input, glob_pattern="*.jsonl", add_file_path=False),
            PageClean(rule_paths=a.rules, url_key="url"),
            JsonlWriter(a.output, compression=None),
        ],
        tasks=a.tasks,
        logging_dir=a.logs or os.path.join(a.output, ".logs"),
        skip_completed=False,
    ).run()


if __name__ == "__main__":
    main()
