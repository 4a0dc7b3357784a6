"""How long after saving a digest file `digest serve` shows the edited page.

    python bench/serve_latency.py bench/out/10k      # a folder holding content/ (bench/run.py makes one)

Starts the dev server (as `digest serve` does, on 127.0.0.1, a free port) over a
copy of the site, waits for the first build, then edits one note five times. For
each edit it prints the time from the save until the digest page served over
HTTP shows the new text, and until the search index has caught up. Every wait
is bounded. This is a benchmark, not a test.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generator.serve import DevServer  # noqa: E402


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # 127.0.0.1 only
        return response.read().decode("utf-8", "replace")


def wait_for(check, limit: float) -> float | None:
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        if check():
            return time.perf_counter() - started
        time.sleep(0.02)
    return None


def main(site: Path, edits: int = 5) -> None:
    work = Path(tempfile.mkdtemp(prefix="digest-serve-bench-"))
    try:
        shutil.copytree(site / "content", work / "content")
        if (site / "themes").is_dir():
            shutil.copytree(site / "themes", work / "themes")
        messages: list[tuple[float, str]] = []
        server = DevServer(work / "content", work / "output", 0,
                           report=lambda text: messages.append((time.perf_counter(), text)))
        thread = threading.Thread(target=server.run, daemon=True)
        started = time.perf_counter()
        thread.start()
        if wait_for(lambda: any(m.startswith("serving") for _, m in messages), 900) is None:
            raise SystemExit("the first build did not finish in 15 minutes")
        print(f"first build: {time.perf_counter() - started:.1f} s")
        digests = sorted((work / "content" / "digests").glob("*.yaml"))
        digest = digests[len(digests) // 2]
        page = f"{server.url}digests/{digest.stem}/"
        print("| edit | page updated s | everything (search too) rebuilt s |")
        print("|---:|---:|---:|")
        for n in range(1, edits + 1):
            time.sleep(1.0)  # let the watcher settle
            word = f"Bench{n}x{time.time_ns()}"
            before = len(messages)
            text = digest.read_text(encoding="utf-8")
            saved = time.perf_counter()
            digest.write_text(text.replace("    note: ", f"    note: {word} ", 1), encoding="utf-8")
            shown = wait_for(lambda w=word: w in fetch(page), 60)
            done = wait_for(lambda b=before: _finished(messages[b:]) is not None, 60)
            finished = _finished(messages[before:])
            print(f"| {n} | {'timeout' if shown is None else f'{shown:.2f}'} | "
                  f"{'timeout' if done is None or finished is None else f'{finished - saved:.2f}'} |", flush=True)
        server.stop()
        thread.join(timeout=30)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _finished(messages: list[tuple[float, str]]) -> float | None:
    """When the rebuild after an edit was complete: its search pass, when the server
    defers search, else the one rebuild."""
    for at, text in messages:
        if text.startswith("search index"):
            return at
        if text.startswith("rebuilt") and "search follows" not in text:
            return at
    return None


if __name__ == "__main__":
    main(Path(sys.argv[1]))
