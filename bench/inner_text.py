#!/usr/bin/env python3
"""Print a page's text as a browser lays it out (`document.body.innerText`, what a
Playwright or Puppeteer scraper reads), from the HTML on stdin: Debian's chromium
(or the one in $CHROMIUM), driven by the playwright package, with scripts and network
off. Used by render_shapes.py for its `chromium-innertext` shape."""

import os
import sys

from playwright.sync_api import sync_playwright


def main():
    html = sys.stdin.buffer.read().decode("utf-8", "replace")
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
            args=["--no-sandbox"],
        )
        page = browser.new_context(java_script_enabled=False).new_page()
        # The page's own style sheets and images are not fetched: the browser's defaults.
        page.route("**/*", lambda r: r.abort() if r.request.url.startswith("http") else r.continue_())
        page.set_content(html, wait_until="domcontentloaded", timeout=30000)
        sys.stdout.write(page.evaluate("document.body ? document.body.innerText : ''"))
        browser.close()


if __name__ == "__main__":
    main()
