"""Screenshots of the built site in Chromium: home, digest, paper, week and search pages (the search
with a query's results shown), desktop (1366x900) and phone (390x844), light and dark, first screen only.

    python bench/screenshots.py OUTPUT_DIR docs/screenshots
"""
from __future__ import annotations

import functools
import http.server
import sys
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {"home": "", "digest": "digests/2026-03-13/",
         "paper": "papers/deconstructing-attention-investigating-design-principles-for-effective-language/",
         "week": "weeks/2026-W27/", "search": "search/?q=attention"}
SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102
        pass


def main(site: str, target: str, only: str = "") -> None:
    out = Path(target)
    out.mkdir(parents=True, exist_ok=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=site))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for scheme in ("light", "dark"):
            for size, (w, h) in SIZES.items():
                context = browser.new_context(viewport={"width": w, "height": h}, color_scheme=scheme)
                page = context.new_page()
                for name, path in PAGES.items():
                    if only and name != only:
                        continue
                    page.goto(base + path, wait_until="networkidle")
                    if name == "search":  # the results are drawn once the index files have come
                        page.wait_for_selector("#search-results li", timeout=10_000)
                    page.screenshot(path=str(out / f"{name}-{size}-{scheme}.png"))
                context.close()
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main(*sys.argv[1:])
