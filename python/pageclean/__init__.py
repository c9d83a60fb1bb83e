"""Strip page chrome from scraped web-page text, in-process: the library behind `clean`.

    import pageclean
    rules = pageclean.Rules()                       # the embedded default rules
    rules.clean(text, url="https://example.org/a")  # as `clean --url URL`
    rules.clean_batch(texts, urls)                  # many at once, on every core
    rules.explain(text)                             # as `clean --explain --format json`

`str` in gives `str` out; `bytes` in gives `bytes` out, every kept byte as it came.
"""

from ._native import RuleError, Rules

__all__ = ["RuleError", "Rules"]
