"""Above-the-fold measurements of a built site, with Chromium (Playwright).

    python bench/fold.py OUTPUT_DIR

Serves OUTPUT_DIR on 127.0.0.1 and prints, for the home page at 1366x900 and
390x844, how many papers (entry titles) are fully or partly above the fold
and whether the first pick is on the first screen; and the height in pixels
of the longest digest page at both sizes.
"""
from __future__ import annotations

import functools
import http.server
import json
import sys
import threading

from playwright.sync_api import sync_playwright

SIZES = {"desktop": (1366, 900), "phone": (390, 844)}


def main(out: str, digest: str = "digests/2026-03-13/") -> None:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):  # noqa: D102
            pass
    handler = functools.partial(Quiet, directory=out)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
        for name, (w, h) in SIZES.items():
            page = browser.new_page(viewport={"width": w, "height": h})
            page.goto(base, wait_until="networkidle")
            results[f"home {name} {w}x{h}"] = page.evaluate("""(h) => {
                const titles = [...document.querySelectorAll('.entry__title, .pick__title, .item__title')];
                const above = titles.filter(t => t.getBoundingClientRect().bottom <= h).length;
                const pick = document.querySelector('.entry--pick .entry__title, .pick .entry__title');
                const visible = !!pick && pick.getBoundingClientRect().bottom <= h;
                return {papers_above_fold: above, first_pick_visible: visible};
            }""", h)
            page.goto(base + digest, wait_until="networkidle")
            results[f"digest {digest} {name} height"] = page.evaluate("document.documentElement.scrollHeight")
            page.close()
        browser.close()
    server.shutdown()
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main(*sys.argv[1:])
