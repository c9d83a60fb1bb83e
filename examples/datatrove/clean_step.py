"""A datatrove pipeline step that strips page chrome from each Document.text with pageclean.

    from clean_step import PageClean
    pipeline = [JsonlReader(...), PageClean(url_key="url"), JsonlWriter(...)]

Documents are cleaned in batches with `Rules.clean_batch` (no GIL, every core of the task's
process). Each document's metadata gets `pageclean`: the ids of the rules that removed
something and the number of lines and characters removed; with `explain=False` only the
counts are recorded (one pass instead of two).
"""

from __future__ import annotations

from itertools import islice

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.base import PipelineStep


class PageClean(PipelineStep):
    name = "🧽 pageclean"
    type = "✂️ - FORMAT"
    _requires_dependencies = ["pageclean"]

    def __init__(self, rule_paths=None, defaults=True, url_key="url", batch_size=256,
                 threads=None, explain=True, drop_empty=False):
        """rule_paths/defaults: as pageclean.Rules; url_key: the metadata field holding the
        page URL (its host selects site rules); drop_empty: drop documents left empty."""
        super().__init__()
        self.rule_paths = list(rule_paths or [])
        self.defaults = defaults
        self.url_key = url_key
        self.batch_size = batch_size
        self.threads = threads
        self.explain = explain
        self.drop_empty = drop_empty
        self._rules = None

    @property
    def rules(self):
        # Built in the worker (the step is pickled to it); compiled once per process.
        if self._rules is None:
            import pageclean

            self._rules = pageclean.Rules(paths=self.rule_paths, defaults=self.defaults)
        return self._rules

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_rules"] = None
        return state

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        data = iter(data)
        while batch := list(islice(data, self.batch_size)):
            urls = [d.metadata.get(self.url_key) if self.url_key else None for d in batch]
            with self.track_time():
                cleaned = self.rules.clean_batch([d.text for d in batch], urls, self.threads)
            for doc, url, text in zip(batch, urls, cleaned):
                self.stat_update("documents")
                info = {
                    "removed_chars": len(doc.text) - len(text),
                    "removed_lines": doc.text.count("\n") - text.count("\n"),
                }
                if self.explain:
                    info["rules"] = sorted({e["rule"] for e in self.rules.explain(doc.text, url)})
                if text != doc.text:
                    self.stat_update("changed")
                doc.metadata["pageclean"] = info
                doc.text = text
                if self.drop_empty and not text.strip():
                    self.stat_update("dropped_empty")
                    continue
                yield doc
