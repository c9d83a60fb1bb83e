"""The `clean` console command: the CLI's own code, run inside the extension module."""

import signal
import sys

from ._native import main as _run


def main() -> None:
    # Behave as the binary does: Ctrl-C stops it at once (Python would only set a flag the
    # Rust code never looks at), and a closed pipe ends it quietly.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if hasattr(signal, "SIGPIPE"):
        signal.signal(signal.SIGPIPE, signal.SIG_DFL)
    sys.stdout.flush()
    sys.exit(_run(["clean", *sys.argv[1:]]))
