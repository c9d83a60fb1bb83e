#!/usr/bin/env python3
"""Render the DEV pages' HTML with converters the evaluation set does not ship, for
`clean eval`: each shape becomes a set folder with input/ (the converter's text, at its
defaults, lightly normalised as dev-shapes/ is) and gold/ (the DEV gold, copied).

    python3 bench/render_shapes.py ../shared/eval/dev /tmp/shapes            # every shape
    python3 bench/render_shapes.py ../shared/eval/dev /tmp/shapes pandoc-gfm w3m-60
    target/release/clean eval /tmp/shapes/*/

Needs: pandoc, w3m, lynx, elinks, links, html2text (Debian packages); beautifulsoup4, markdownify,
html2text, resiliparse (PyPI); html-to-text and turndown (npm: `npm install html-to-text turndown` in a
folder, then NODE_PATH=that folder/node_modules); for `html2text-rs`, the `html2text`
crate (`cargo build --release --manifest-path bench/html2text-rs/Cargo.toml`); for `chromium-innertext`, Debian's
chromium and playwright (PyPI; no browser download: it drives /usr/bin/chromium).
A shape whose tool is missing is skipped with a message. Nothing rendered is committed.
"""

import gzip
import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor


HERE = os.path.dirname(os.path.abspath(__file__))


def normalise(t):
    t = t.replace("\r\n", "\n").replace("\r", "\n")
    t = "\n".join(line.rstrip() for line in t.split("\n")).strip("\n")
    return re.sub(r"\n{4,}", "\n\n\n", t) + "\n"


def run(cmd):
    return lambda html: subprocess.run(
        cmd, input=html, capture_output=True, timeout=120
    ).stdout.decode("utf-8", "replace")


def run_file(cmd):
    """A tool that reads a file, not stdin: the page in a temporary .html file."""

    def render(html):
        import tempfile

        with tempfile.NamedTemporaryFile(suffix=".html") as f:
            f.write(html)
            f.flush()
            return run([*cmd, f.name])(b"")

    return render


def bs4_lines(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text("\n")


def bs4_strip(html):
    # The scraping idiom: one stripped text node a line, no blank lines.
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text("\n", strip=True)


def bs4(html):
    from bs4 import BeautifulSoup

    return BeautifulSoup(html, "html.parser").get_text()


def resiliparse(html):
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    return extract_plain_text(HTMLTree.parse_from_bytes(html))


def markdownify(html):
    from markdownify import markdownify

    return markdownify(html.decode("utf-8", "replace"))


def html2text(width, inline_links=True, links=True):
    def render(html):
        import html2text

        h = html2text.HTML2Text()
        h.body_width = width
        h.inline_links = inline_links
        h.ignore_links = h.ignore_images = not links
        return h.handle(html.decode("utf-8", "replace"))

    return render


# The `html2text` crate (Rust), built by `cargo build --release --manifest-path
# bench/html2text-rs/Cargo.toml`.
HTML2TEXT_RS = os.path.join(HERE, "html2text-rs", "target", "release", "html2text-rs")


SHAPES = {
    "pandoc-gfm": (run(["pandoc", "-f", "html", "-t", "gfm"]), "pandoc"),
    "pandoc-md": (run(["pandoc", "-f", "html", "-t", "markdown"]), "pandoc"),
    "pandoc-plain": (run(["pandoc", "-f", "html", "-t", "plain"]), "pandoc"),
    "w3m-60": (run(["w3m", "-dump", "-T", "text/html", "-cols", "60"]), "w3m"),
    "w3m-120": (run(["w3m", "-dump", "-T", "text/html", "-cols", "120"]), "w3m"),
    # Link numbers (`[12]Home`) and the References list at the end.
    "w3m-linknum": (
        run(["w3m", "-dump", "-T", "text/html", "-o", "display_link_number=1"]),
        "w3m",
    ),
    "lynxref": (run(["lynx", "-dump", "-stdin"]), "lynx"),
    "lynx-120": (run(["lynx", "-dump", "-nolist", "-stdin", "-width=120"]), "lynx"),
    "bs4": (bs4, "bs4"),
    "bs4-lines": (bs4_lines, "bs4"),
    "bs4-strip": (bs4_strip, "bs4"),
    "elinks": (run_file(["elinks", "-dump", "-dump-charset", "utf-8", "-no-references"]), "elinks"),
    "elinks-refs": (run_file(["elinks", "-dump", "-dump-charset", "utf-8"]), "elinks"),
    "links": (run_file(["links", "-dump", "-codepage", "utf-8"]), "links"),
    "html2text-deb": (run(["/usr/bin/html2text", "-utf8"]), "/usr/bin/html2text"),
    "html-to-text": (run(["node", os.path.join(HERE, "html_to_text.js")]), "html-to-text"),
    "turndown": (run(["node", os.path.join(HERE, "turndown.js")]), "turndown"),
    "markdownify": (markdownify, "markdownify"),
    "html2text-60": (html2text(60), "html2text"),
    "html2text-100": (html2text(100), "html2text"),
    # Reference-style links (`[text][12]`, the targets listed at the end).
    "html2text-refs": (html2text(78, inline_links=False), "html2text"),
    # Without links and images, as LangChain's `Html2TextTransformer` calls it by default.
    "html2text-nolinks": (html2text(78, links=False), "html2text"),
    # The Rust crate: `[text][12]` links, tables drawn without side borders (`Cell│Cell`).
    "html2text-rs": (run([HTML2TEXT_RS]), HTML2TEXT_RS),
    # Resiliparse's plain text at its defaults (the extractor of Common Crawl pipelines,
    # datatrove's among them), the whole page (not its main-content mode).
    "resiliparse": (resiliparse, "resiliparse"),
    # A browser's layout of the text (Playwright's `innerText`), no style sheets fetched.
    "chromium-innertext": (run([sys.executable, os.path.join(HERE, "inner_text.py")]), "playwright"),
}


def available(tool):
    if tool in ("pandoc", "w3m", "lynx", "elinks", "links", "/usr/bin/html2text"):
        return shutil.which(tool) is not None
    if tool == HTML2TEXT_RS:
        return os.access(tool, os.X_OK)
    if tool == "playwright":
        browser = os.environ.get("CHROMIUM", "/usr/bin/chromium")
        return os.path.exists(browser) and subprocess.run(
            [sys.executable, "-c", "import playwright"], capture_output=True
        ).returncode == 0
    if tool in ("html-to-text", "turndown"):
        # The npm package, found by node from the folder given in NODE_PATH.
        probe = ["node", "-e", f"require('{tool}')"]
        if shutil.which("node") is None:
            return False
        return subprocess.run(probe, capture_output=True).returncode == 0
    try:
        __import__(tool)
        return True
    except ImportError:
        return False


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    src, out, names = sys.argv[1], sys.argv[2], sys.argv[3:] or list(SHAPES)
    unknown = [n for n in names if n not in SHAPES]
    if unknown:
        sys.exit(f"unknown shape(s): {', '.join(unknown)}; known: {', '.join(SHAPES)}")
    ids = sorted(f[: -len(".html.gz")] for f in os.listdir(os.path.join(src, "html")))
    jobs = []
    for name in names:
        render, tool = SHAPES[name]
        if not available(tool):
            print(f"{name}: skipped, {tool} is not installed", file=sys.stderr)
            continue
        os.makedirs(os.path.join(out, name, "input"), exist_ok=True)
        shutil.copytree(os.path.join(src, "gold"), os.path.join(out, name, "gold"), dirs_exist_ok=True)
        jobs += [(name, render, i) for i in ids]

    def one(job):
        name, render, i = job
        with gzip.open(os.path.join(src, "html", i + ".html.gz")) as f:
            html = f.read()
        with open(os.path.join(out, name, "input", i + ".txt"), "w", encoding="utf-8") as f:
            f.write(normalise(render(html)))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(one, jobs))
    print(f"{len(jobs)} pages rendered into {out}", file=sys.stderr)


if __name__ == "__main__":
    main()
