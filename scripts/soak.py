#!/usr/bin/env python3
"""Soak of `remedy serve` (issue 22): the bundled site served for DURATION
seconds on loopback while client threads make requests and an editor loop
edits, breaks and repairs the content.

    scripts/soak.py [--remedy target/release/remedy] [--duration 600]
                    [--clients 6] [--gap 1.0] [--max-requests 3000000]

The project (book.toml, content/, themes/) is copied to a temporary folder
first: the repository is never edited. Requests: every page (GET, HEAD,
gzip/br), search packs (GET, byte ranges), conditional GETs (If-None-Match
with the ETag of an earlier answer, If-Modified-Since), the reload
endpoints, and bad paths (traversal, NUL, invalid UTF-8, a 4 KB name,
missing files), which must get 400 or 404 and never a file. The editor, in
a loop: append to a page, break its front matter, repair it; break the
tree's TOML, repair; add a broken link, repair. Each step waits for the
build (or the failed build) on /__remedy/events, and while the site is
broken the last good page must still be served.

Report: requests by kind and status, errors (anything but the expected
status), memory (VmRSS) after the first build and at the end with the
bound, reloads delivered on the event stream, and whether the served folder
equals a clean `remedy build` of the same project, byte for byte. Exits
non-zero when there were errors, memory grew past the bound, or the
folders differ.

Bound on memory: after the first two minutes (the first rebuilds, failed
builds and index writes, the server's threads started: RSS climbs from the
first build's to a plateau), the RSS sampled in the second half of the run
and at the end may be at most 1.25 x the peak of those two minutes, plus
32 MiB; the slope of RSS after them is printed in MiB per minute. Bounded
in time (--duration) and count (--max-requests).
"""
import argparse
import collections
import http.client
import json
import os
import pathlib
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent


def rss_kib(pid):
    for line in pathlib.Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


class Events(threading.Thread):
    """Follows /__remedy/events: the status the pages' reload script sees."""

    def __init__(self, host, port):
        super().__init__(daemon=True)
        self.host, self.port = host, port
        self.cond = threading.Condition()
        self.status = {"version": 0, "indexed": 0, "errors": None}
        self.reloads = 0  # events announcing a new version
        self.failures = 0  # events announcing a failed build
        self.stop = False

    def run(self):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=3600)
        conn.request("GET", "/__remedy/events")
        resp = conn.getresponse()
        while not self.stop:
            line = resp.fp.readline()
            if not line:
                return
            line = line.decode().strip()
            if not line.startswith("data:"):
                continue
            s = json.loads(line[5:])
            with self.cond:
                if s["version"] > self.status["version"]:
                    self.reloads += 1
                if s.get("errors") and s.get("errors") != self.status.get("errors"):
                    self.failures += 1
                self.status = s
                self.cond.notify_all()

    def wait(self, pred, timeout=120):
        end = time.time() + timeout
        with self.cond:
            while not pred(self.status):
                left = end - time.time()
                if left <= 0:
                    return None
                self.cond.wait(left)
            return dict(self.status)


def request(host, port, method, path, headers=None):
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.putrequest(method, path, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, dict((k.lower(), v) for k, v in resp.getheaders()), body
    finally:
        conn.close()


BAD = [
    "/../../../../etc/passwd",
    "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "/..%2f..%2f..%2fetc%2fpasswd",
    "/search/../../book.toml",
    "/%2e%2e%2fbook.toml",
    "/a%00b.html",
    "/%ff%fe.html",
    "/no-such-page/",
    "/no-such-file.js",
    "/" + "a" * 4096,
    "/codes/402/index.html/..%5c..%5cbook.toml",
]


class Client(threading.Thread):
    def __init__(self, soak, seed):
        super().__init__(daemon=True)
        self.soak, self.rng = soak, random.Random(seed)
        self.etags = {}

    def run(self):
        s = self.soak
        while not s.done.is_set():
            with s.lock:
                if s.requests >= s.max_requests:
                    return
                s.requests += 1
            kind, method, path, headers, ok = self.pick()
            try:
                status, hdrs, body = request(s.host, s.port, method, path, headers)
            except Exception as e:  # noqa: BLE001 - every failure is counted
                s.count(kind, f"exception {type(e).__name__}", error=f"{kind} {path[:80]}: {e}")
                continue
            if kind == "conditional-first" and "etag" in hdrs:
                self.etags[path] = hdrs["etag"]
            if status in ok:
                if kind == "bad" and b"[book]" in body:
                    s.count(kind, status, error=f"{path[:80]} served book.toml")
                else:
                    s.count(kind, status)
            elif status == 404 and kind in ("page", "pack", "range", "head") and not (s.out / path.lstrip("/").split("?")[0]).exists():
                # A rebuild removed it between the listing and the request.
                s.count(kind, "404 (gone)")
            else:
                s.count(kind, status, error=f"{kind} {method} {path[:80]} -> {status}")

    def pick(self):
        s, r = self.soak, self.rng
        x = r.random()
        if x < 0.40:
            enc = r.choice([None, "gzip", "br", "gzip, br"])
            return "page", "GET", r.choice(s.pages), ({"Accept-Encoding": enc} if enc else {}), (200,)
        if x < 0.50:
            return "head", "HEAD", r.choice(s.pages), {}, (200,)
        if x < 0.65:
            return "pack", "GET", r.choice(s.packs), {}, (200,)
        if x < 0.72:
            a = r.randrange(0, 200)
            return "range", "GET", r.choice(s.packs), {"Range": f"bytes={a}-{a + r.randrange(1, 500)}"}, (206, 200, 416)
        if x < 0.85:
            path = r.choice(s.pages)
            if path in self.etags:
                return "conditional", "GET", path, {"If-None-Match": self.etags[path]}, (304, 200)
            if r.random() < 0.3:
                return "conditional", "GET", path, {"If-Modified-Since": "Mon, 07 Dec 2026 00:00:00 GMT"}, (304, 200)
            return "conditional-first", "GET", path, {}, (200,)
        if x < 0.88:
            return "status", "GET", "/__remedy/status", {}, (200,)
        return "bad", "GET", r.choice(BAD), {}, (400, 404)


class Soak:
    def __init__(self, args):
        self.args = args
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.requests = 0
        self.max_requests = args.max_requests
        self.by = collections.Counter()
        self.errors = []
        self.edits = collections.Counter()

    def count(self, kind, status, error=None):
        with self.lock:
            self.by[(kind, str(status))] += 1
            if error:
                self.errors.append(error)

    def editor(self, events):
        """Edits, breaks and repairs three files in turn until done."""
        proj = self.proj
        page = proj / "content/codes/401.md"
        tree = proj / "content/troubleshoot/402.toml"
        other = proj / "content/codes/429.md"
        originals = {p: p.read_bytes() for p in (page, tree, other)}
        steps = [
            ("edit", page, lambda b: b + f"\n\nSoak edit {time.time()}.\n".encode()),
            ("break front matter", page, lambda b: b.replace(b"+++", b"+++\ntitle = ", 1)),
            ("repair", page, None),
            ("break tree", tree, lambda b: b + b"\n[[question]]\nid = \n"),
            ("repair", tree, None),
            ("break link", other, lambda b: b + b"\n\nSee [gone](no-such-page.md).\n"),
            ("repair", other, None),
        ]
        i = 0
        while not self.done.is_set():
            name, path, change = steps[i % len(steps)]
            i += 1
            before = events.status
            body = originals[path] if change is None else change(originals[path])
            path.write_bytes(body)
            if name.startswith("break"):
                got = events.wait(lambda s: bool(s.get("errors")))
                ok = got is not None
                # The last good page is still served while the site is broken.
                st, _, _ = request(self.host, self.port, "GET", "/codes/401/")
                if st != 200:
                    self.count("editor", st, error=f"{name}: the last good page answered {st}")
            else:
                v = before["version"]
                got = events.wait(lambda s: s["version"] > v and not s.get("errors"))
                ok = got is not None
            self.edits[(name, "ok" if ok else "timeout")] += 1
            if not ok:
                self.count("editor", "timeout", error=f"{name} {path.name}: no build announced in 120 s")
            time.sleep(self.args.gap)
        for p, b in originals.items():
            p.write_bytes(b)

    def run(self):
        a = self.args
        tmp = pathlib.Path(tempfile.mkdtemp(prefix="remedy-soak-"))
        try:
            return self._run(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)

    def _run(self, tmp):
        a = self.args
        self.proj = tmp / "project"
        self.proj.mkdir()
        shutil.copy(ROOT / "book.toml", self.proj)
        for d in ("content", "themes"):
            shutil.copytree(ROOT / d, self.proj / d)
        self.out = tmp / "served"
        proc = subprocess.Popen([a.remedy, "serve", "--port", "0", "-o", str(self.out), str(self.proj)],
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        try:
            line = proc.stdout.readline()
            addr = line.split("http://", 1)[1].split("/", 1)[0]
            self.host, port = addr.rsplit(":", 1)
            self.port = int(port)
            events = Events(self.host, self.port)
            events.start()
            first = events.wait(lambda s: s["version"] >= 1 and s.get("indexed", 0) >= s["version"], timeout=600)
            if first is None:
                sys.exit("soak: the first build and index did not finish in 600 s")
            reloads0 = events.reloads
            rss0 = rss_kib(proc.pid)
            self.pages = sorted("/" + str(p.relative_to(self.out)).replace("index.html", "")
                                for p in self.out.rglob("*.html"))
            self.packs = sorted("/" + str(p.relative_to(self.out))
                                for p in (self.out / "search").rglob("*.js"))
            t0 = time.time()
            clients = [Client(self, seed) for seed in range(a.clients)]
            for c in clients:
                c.start()
            ed = threading.Thread(target=self.editor, args=(events,), daemon=True)
            ed.start()
            samples = [(0, rss0)]
            while time.time() - t0 < a.duration and self.requests < self.max_requests:
                time.sleep(min(10, max(0.1, a.duration - (time.time() - t0))))
                samples.append((round(time.time() - t0), rss_kib(proc.pid)))
            self.done.set()
            for c in clients:
                c.join(60)
            ed.join(180)
            elapsed = time.time() - t0
            # The files are back as they were: wait for their build and index.
            final = events.wait(lambda s: not s.get("errors") and s.get("indexed", 0) >= s["version"], timeout=600)
            time.sleep(2)
            final = events.status
            rss1 = rss_kib(proc.pid)
            reloads = events.reloads - reloads0
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        clean = tmp / "clean"
        b = subprocess.run([a.remedy, "build", "-q", "--site-url", f"http://{self.host}:{self.port}/",
                            "-o", str(clean), str(self.proj)], capture_output=True, text=True)
        same, diffs = compare(self.out, clean) if b.returncode == 0 else (False, [b.stderr])

        print(f"soak: {elapsed:.0f} s, {a.clients} clients, {self.requests} requests "
              f"({self.requests / elapsed:.0f}/s), {len(self.pages)} pages, {len(self.packs)} search packs")
        print("| kind | status | count |\n|---|---|---|")
        for (kind, st), n in sorted(self.by.items()):
            print(f"| {kind} | {st} | {n} |")
        print("editor steps: " + ", ".join(f"{k[0]} {k[1]} {n}" for k, n in sorted(self.edits.items())))
        builds = sum(n for (k, r), n in self.edits.items() if r == "ok" and not k.startswith("break"))
        print(f"reloads delivered on /__remedy/events: {reloads} (successful builds the editor waited for: "
              f"{builds}); failed builds announced: {events.failures}; final version {final['version']}, "
              f"indexed {final.get('indexed')}")
        window = min(120, elapsed / 4)
        warm = max(r for t, r in samples if t <= window)
        late = [r for t, r in samples if t >= elapsed / 2] + [rss1]
        bound = warm * 1.25 + 32 * 1024
        mem_ok = max(late) <= bound
        after = [(t, r) for t, r in samples if t > window]
        print(f"memory (VmRSS): {rss0 / 1024:.0f} MiB after the first build, peak {warm / 1024:.0f} MiB in the "
              f"first {window:.0f} s, peak {max(late) / 1024:.0f} MiB in the second half, {rss1 / 1024:.0f} MiB at "
              f"the end; bound {bound / 1024:.0f} MiB (1.25 x the first peak + 32 MiB): {'ok' if mem_ok else 'OVER'}; "
              f"slope after {window:.0f} s: {slope(after) / 1024 * 60:+.1f} MiB/min")
        print("samples (s: MiB): " + " ".join(f"{t}:{r // 1024}" for t, r in samples))
        print(f"served folder equals a clean build: {'yes' if same else 'NO'}")
        for d in diffs[:20]:
            print(f"  differs: {d}")
        print(f"errors: {len(self.errors)}")
        for e in self.errors[:30]:
            print(f"  {e}")
        return 0 if not self.errors and same and mem_ok else 1


def slope(points):
    """Least-squares slope of (t, kib) points, KiB per second."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mt = sum(t for t, _ in points) / n
    mr = sum(r for _, r in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    return sum((t - mt) * (r - mr) for t, r in points) / var if var else 0.0


def compare(a, b):
    def files(d):
        return {str(p.relative_to(d)): p for p in d.rglob("*") if p.is_file()}
    fa, fb = files(a), files(b)
    diffs = [f"only served: {n}" for n in sorted(fa.keys() - fb.keys())]
    diffs += [f"only clean: {n}" for n in sorted(fb.keys() - fa.keys())]
    diffs += [f"bytes: {n}" for n in sorted(fa.keys() & fb.keys()) if fa[n].read_bytes() != fb[n].read_bytes()]
    return not diffs, diffs


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--remedy", default=str(ROOT / "target/release/remedy"))
    ap.add_argument("--duration", type=float, default=600)
    ap.add_argument("--clients", type=int, default=6)
    ap.add_argument("--gap", type=float, default=1.0, help="pause between editor steps (s)")
    ap.add_argument("--max-requests", type=int, default=3_000_000)
    sys.exit(Soak(ap.parse_args()).run())


if __name__ == "__main__":
    main()
