#!/usr/bin/env python3
"""Side-by-side build benchmark of remedy against Hugo + Pagefind (and Zola
when installed), on the synthetic corpus of ../shared/bench/gen-corpus.py.

    scripts/bench.py [N ...]          (scripts/bench.sh builds remedy first)

Prints, per N, one table: wall time (median of RUNS), peak memory, files,
bytes on disk, and the search bytes of each query as a reader's first one
(gzip, as a server sends them), with remedy's ratios to Hugo + Pagefind.
Builds are timed two ways: "rebuild" over the previous output (what an
author does all day) and "fresh" into an empty folder (a CI job). Machines
are noisy: compare tools within one run, never across runs.

Fresh builds move the previous output aside rather than delete it right
before the run (see `timed`).

Environment: RUNS (3), BENCH_DIR (../shared/bench), PEERS_DIR
(/tmp/remedy-peers), WORK (/tmp/remedy-bench), REMEDY (target/release/remedy),
TOOLS (all found; e.g. TOOLS=remedy,hugo at 100,000 pages, where Pagefind
would need about 28 GiB going by its 13.8 GiB at 50,000).
"""
import json, os, shutil, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BENCH = os.environ.get("BENCH_DIR", os.path.join(ROOT, "..", "shared", "bench"))
BIN = os.path.join(os.environ.get("PEERS_DIR", "/tmp/remedy-peers"), "bin")
WORK = os.environ.get("WORK", "/tmp/remedy-bench")
RUNS = int(os.environ.get("RUNS", "3"))
REMEDY = os.environ.get("REMEDY", os.path.join(ROOT, "target", "release", "remedy"))
QUERIES = ["idempotency key", "retry after", "stale etag", "insufficient_quota"]


def run(cmd, cwd=None):
    """Wall seconds, peak RSS (MiB) and CPU seconds (user + system) of one
    whole process. CPU time is far less disturbed by a busy machine than
    wall time, so both are printed."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    err = p.stderr.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"failed: {' '.join(cmd)}\n{err}")
    return wall, ru.ru_maxrss / 1024.0, ru.ru_utime + ru.ru_stime


def timed(cmd, out, fresh, cwd=None):
    """Median wall and peak memory of RUNS runs after one warm-up.

    A fresh build writes into an empty folder. The previous output is moved
    aside, not deleted, until the tool's runs are over: on ext4 without a
    journal (this machine's root) the kernel skips every inode freed in the
    last 60 seconds when it allocates one (`recently_deleted`), so a build
    right after `rm -rf` of its previous output paid for the deletion, more
    the more files it writes (perf: half of a 10,000-page fresh build's
    samples). A CI job or a new checkout never pays it. FRESH=rm measures
    the old way; SETTLE (61) is the pause after deleting, so that the next
    tool starts clear of it too."""
    results = []
    aside = []
    for i in range(RUNS + 1):
        if fresh:
            for d in out:
                if os.environ.get("FRESH") == "rm":
                    shutil.rmtree(d, ignore_errors=True)
                elif os.path.exists(d):
                    aside.append(f"{d}.before-{i}")
                    shutil.rmtree(aside[-1], ignore_errors=True)
                    os.rename(d, aside[-1])
            subprocess.run(["sync"])
        r = run(cmd, cwd)
        if i:
            results.append(r)
    if aside:
        for d in aside:
            shutil.rmtree(d, ignore_errors=True)
        subprocess.run(["sync"])
        time.sleep(float(os.environ.get("SETTLE", "61")))
    return tuple(statistics.median(r[i] for r in results) for i in range(3))


def disk(d):
    files = size = 0
    for a, _, fs in os.walk(d):
        for f in fs:
            files += 1
            size += os.path.getsize(os.path.join(a, f))
    return files, size


def node_json(script, *args):
    out = subprocess.run(["node", os.path.join(ROOT, "scripts", script), *args],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


def bench(n):
    w = os.path.join(WORK, f"N-{n}")
    corpus, out = os.path.join(w, "corpus"), os.path.join(w, "out")
    if not os.path.isdir(corpus):
        subprocess.run([sys.executable, os.path.join(BENCH, "gen-corpus.py"), str(n), corpus],
                       check=True, stdout=subprocess.DEVNULL)
    os.makedirs(out, exist_ok=True)
    o = {t: os.path.join(out, t) for t in ("remedy", "hugo", "pagefind", "zola")}
    tools = {"remedy": ([REMEDY, "build", "--quiet", "--output", o["remedy"]], os.path.join(corpus, "remedy"))}
    if os.access(os.path.join(BIN, "hugo"), os.X_OK):
        tools["hugo"] = ([os.path.join(BIN, "hugo"), "--source", os.path.join(corpus, "hugo"),
                          "--destination", o["hugo"], "--quiet"], None)
        if os.access(os.path.join(BIN, "pagefind"), os.X_OK):
            tools["pagefind"] = ([os.path.join(BIN, "pagefind"), "--site", o["hugo"],
                                  "--output-path", o["pagefind"]], None)
    zola = shutil.which("zola") or os.path.join(BIN, "zola")
    if os.access(zola, os.X_OK):
        tools["zola"] = ([zola, "--root", os.path.join(corpus, "zola"), "build", "--force",
                          "--output-dir", o["zola"]], None)
    only = [t for t in os.environ.get("TOOLS", "").split(",") if t]
    if only:
        tools = {k: v for k, v in tools.items() if k in only}
    rows = {}
    for name, (cmd, cwd) in tools.items():
        rebuild = timed(cmd, [], False, cwd)
        fresh = timed(cmd, [o[name]], True, cwd)
        files, size = disk(o[name])
        rows[name] = {"rebuild": rebuild, "fresh": fresh, "files": files, "bytes": size}
    # Pages as remedy counts them (the corpus's N guides plus section pages).
    rows["remedy"]["pages"] = sum(
        1 for a, _, fs in os.walk(o["remedy"]) for f in fs if f == "index.html")
    search = {}
    budget = node_json("search-budget.mjs", "--json", o["remedy"], *QUERIES)
    search["remedy"] = {q["q"]: q["pasted"] + budget["before"] for q in budget["queries"]}
    typed = {q["q"]: q["typed_every_key"] / max(q["pasted"], 1) for q in budget["queries"]}
    if "pagefind" in rows:
        search["pagefind"] = {}
        for q in QUERIES:
            r = node_json("pagefind-budget.mjs", "--json", o["pagefind"], q)
            search["pagefind"][q] = r["total"]
    return rows, search, budget, typed


def table(n, rows, search, budget, typed):
    print(f"\n== N = {n} ({rows['remedy']['pages']} pages with section pages; median of {RUNS} runs, 1 warm-up; "
          "cpu = user + system of a fresh build; search bytes: gzip, a reader's first query)")
    pages = rows["remedy"]["pages"]
    head = ["tool", "rebuild s", "fresh s", "cpu s", "peak MiB", "files", "files/page", "MiB on disk"] + [f"'{q}' KB" for q in QUERIES]
    lines = []
    for name, r in rows.items():
        s = search.get(name, {})
        lines.append([name, f"{r['rebuild'][0]:.2f}", f"{r['fresh'][0]:.2f}", f"{r['fresh'][2]:.2f}",
                      f"{max(r['rebuild'][1], r['fresh'][1]):.0f}",
                      str(r["files"]), f"{r['files'] / pages:.2f}", f"{r['bytes'] / 2**20:.1f}"]
                     + [f"{s[q] / 1024:.1f}" if q in s else "-" for q in QUERIES])
    if "hugo" in rows and "pagefind" in rows:
        h, p = rows["hugo"], rows["pagefind"]
        pair = {"rebuild": h["rebuild"][0] + p["rebuild"][0], "fresh": h["fresh"][0] + p["fresh"][0],
                "cpu": h["fresh"][2] + p["fresh"][2],
                "peak": max(h["rebuild"][1], h["fresh"][1], p["rebuild"][1], p["fresh"][1]),
                "files": h["files"] + p["files"], "bytes": h["bytes"] + p["bytes"]}
        lines.append(["hugo + pagefind", f"{pair['rebuild']:.2f}", f"{pair['fresh']:.2f}", f"{pair['cpu']:.2f}",
                      f"{pair['peak']:.0f}",
                      str(pair["files"]), f"{pair['files'] / pages:.2f}", f"{pair['bytes'] / 2**20:.1f}"]
                     + [f"{search['pagefind'][q] / 1024:.1f}" for q in QUERIES])
        r = rows["remedy"]
        lines.append(["remedy / (hugo + pagefind)", f"{r['rebuild'][0] / pair['rebuild']:.2f}x",
                      f"{r['fresh'][0] / pair['fresh']:.2f}x", f"{r['fresh'][2] / pair['cpu']:.2f}x",
                      f"{max(r['rebuild'][1], r['fresh'][1]) / pair['peak']:.2f}x",
                      f"{r['files'] / pair['files']:.2f}x", "", f"{r['bytes'] / pair['bytes']:.2f}x"]
                     + [f"{search['remedy'][q] / search['pagefind'][q]:.2f}x" for q in QUERIES])
    if "hugo" in rows:
        # Hugo alone has no search: remedy's build, search included, against
        # a build without one (issue 21's goal is at most 1.0x).
        h, r = rows["hugo"], rows["remedy"]
        lines.append(["remedy / hugo (no search)", f"{r['rebuild'][0] / h['rebuild'][0]:.2f}x",
                      f"{r['fresh'][0] / h['fresh'][0]:.2f}x", f"{r['fresh'][2] / h['fresh'][2]:.2f}x",
                      f"{max(r['rebuild'][1], r['fresh'][1]) / max(h['rebuild'][1], h['fresh'][1]):.2f}x",
                      f"{r['files'] / h['files']:.2f}x", "", f"{r['bytes'] / h['bytes']:.2f}x"]
                     + ["" for _ in QUERIES])
    widths = [max(len(x[i]) for x in lines + [head]) for i in range(len(head))]
    for row in [head] + lines:
        print("  ".join(c.rjust(wd) if i else c.ljust(wd) for i, (c, wd) in enumerate(zip(row, widths))))
    print(f"remedy search before the first keystroke: {budget['before'] / 1024:.1f} KB (search.js); "
          f"the first keystroke adds search-engine.js {budget['engine'] / 1024:.1f} + meta.js {budget['meta'] / 1024:.1f} KB "
          f"(counted in each query's bytes); "
          f"on disk: browser index {budget['disk']['browser']['bytes'] / 2**20:.1f} MiB in {budget['disk']['browser']['files']} files, "
          f"tantivy {budget['disk']['tantivy']['bytes'] / 2**20:.1f} MiB in {budget['disk']['tantivy']['files']} files")
    print("typed one key every 120 ms (debounce %d ms): one search, x1.00 of pasted; a search after every key: %s"
          % (budget["debounce"], ", ".join(f"'{q}' x{t:.2f}" for q, t in typed.items())))


def main():
    if not os.access(REMEDY, os.X_OK):
        sys.exit(f"no remedy binary at {REMEDY}: run scripts/bench.sh, or cargo build --release")
    for n in [int(a) for a in sys.argv[1:]] or [1000, 10000]:
        table(n, *bench(n))


if __name__ == "__main__":
    main()
