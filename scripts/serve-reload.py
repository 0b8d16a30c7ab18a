#!/usr/bin/env python3
"""Save-to-reload time of `remedy serve`: the median of N edits.

Starts `remedy serve --port 0 SITE`, listens to /__remedy/events (the
stream the pages' reload script listens to), then N times appends a
paragraph to one page, saves it, and times until the event announcing the
new build arrives. The page is restored afterwards.

    scripts/serve-reload.py [--remedy target/release/remedy] [--edits 10] [--gap 0.5] SITE [PAGE]

--gap is the pause between the reload and the next save. With a short gap
the search index never gets to catch up between saves; with a gap longer
than the index takes (`--gap 6` at 10,000 pages) every save lands while,
or just after, the index is rebuilt, which shows what indexing costs.

PAGE is a Markdown file relative to SITE (default: the first .md under
content/ that is not an _index.md).
"""
import argparse
import http.client
import json
import pathlib
import statistics
import subprocess
import sys
import time


def events(host, port):
    conn = http.client.HTTPConnection(host, port, timeout=120)
    conn.request("GET", "/__remedy/events")
    resp = conn.getresponse()
    while True:
        line = resp.fp.readline()
        if not line:
            return
        line = line.decode().strip()
        if line.startswith("data:"):
            yield json.loads(line[5:])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--remedy", default="target/release/remedy")
    ap.add_argument("--edits", type=int, default=10)
    ap.add_argument("--gap", type=float, default=0.5)
    ap.add_argument("site")
    ap.add_argument("page", nargs="?")
    args = ap.parse_args()
    site = pathlib.Path(args.site)
    if args.page:
        page = site / args.page
    else:
        page = next(p for p in sorted((site / "content").rglob("*.md")) if p.name != "_index.md")
    original = page.read_bytes()
    proc = subprocess.Popen([args.remedy, "serve", "--port", "0", str(site)],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        line = proc.stdout.readline()
        addr = line.split("http://", 1)[1].split("/", 1)[0]
        host, port = addr.rsplit(":", 1)
        stream = events(host, int(port))
        status = next(stream)
        while status["version"] < 1:
            status = next(stream)
        # The first build may leave the index to catch up: wait for it, so
        # every edit starts from the same state.
        while status.get("indexed", status["version"]) < status["version"]:
            status = next(stream)
        times = []
        for i in range(args.edits):
            time.sleep(args.gap)
            page.write_bytes(original + f"\n\nEdit {i} for the reload benchmark.\n".encode())
            t0 = time.perf_counter()
            version = status["version"]
            while status["version"] == version and not status.get("errors"):
                status = next(stream)
            if status.get("errors"):
                sys.exit(f"the build failed: {status['errors']}")
            times.append((time.perf_counter() - t0) * 1000)
        print(f"{page}: save-to-reload over {len(times)} edits: median {statistics.median(times):.0f} ms "
              f"(min {min(times):.0f}, max {max(times):.0f})")
    finally:
        page.write_bytes(original)
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
