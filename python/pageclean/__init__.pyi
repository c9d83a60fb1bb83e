from os import PathLike
from typing import Iterable, List, Literal, Optional, Sequence, TypedDict, TypeVar, Union

_Text = TypeVar("_Text", str, bytes)

class Removal(TypedDict):
    """One entry of `Rules.explain`, as `clean --explain --format json` prints it."""

    lines: List[int]  # [first, last], 1-based
    rule: str
    why: str
    action: Literal["site", "removed", "stripped", "backed-off"]
    text: str

class RuleError(ValueError):
    """A rule file was rejected: `file:line:col: what (rule id)`."""

class Rules:
    """A compiled rule set. Safe to share between threads."""

    def __init__(
        self,
        paths: Optional[Sequence[Union[str, PathLike[str]]]] = None,
        defaults: bool = True,
        disable: Optional[Sequence[str]] = None,
    ) -> None:
        """Load the embedded rules (unless `defaults=False`), then each path in order: a
        TOML file, or every *.toml under a folder; leave out the rules whose ids are in
        `disable`. Raises RuleError for a bad rule file or an unknown id to disable,
        OSError (FileNotFoundError) for a path that cannot be read."""
    def clean(self, text: _Text, url: Optional[str] = None) -> _Text:
        """Clean one document, as `clean --url URL`."""
    def clean_batch(
        self,
        texts: Iterable[_Text],
        urls: Optional[Sequence[Optional[str]]] = None,
        threads: Optional[int] = None,
    ) -> List[_Text]:
        """Clean many documents without the GIL on `threads` threads (default: all
        cores); results in input order, each the type of its input."""
    def explain(self, text: Union[str, bytes], url: Optional[str] = None) -> List[Removal]:
        """Every removal of one document, in page order."""
    def rule_ids(self) -> List[str]:
        """The loaded rules' ids, in load order."""

__all__ = ["RuleError", "Rules"]
