#!/usr/bin/env python3
"""remedy beside mdBook 0.5.4 on real books: wall and CPU time, alternating.

    scripts/mdbook-bench.py [--runs N] [--mdbook BIN] [--remedy BIN] BOOK [BOOK ...]

Each book is copied twice into a temporary folder (one copy per tool), built
once by each to warm the disk cache and leave an output folder, then built
N times (default 15) by each tool in turn: mdBook, remedy, mdBook, ...
Prints the median wall time and median CPU time (user + system of the
child) of each, and remedy's ratio. Both tools rebuild over their previous
output, as an author does; remedy's figure includes syntax highlighting and
its search index. Not part of `cargo test`: timings on a shared machine are
noisy, so compare within one run.
"""
import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time


def timed(cmd, cwd):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if p.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}")
    return wall, cpu


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("books", nargs="+")
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--mdbook", default="/tmp/mdbook-venv/bin/mdbook")
    ap.add_argument("--remedy", default=os.path.join(os.path.dirname(__file__), "../target/release/remedy"))
    args = ap.parse_args()
    remedy = os.path.abspath(args.remedy)
    work = tempfile.mkdtemp(prefix="mdbook-bench-")
    print("| book | chapters | mdBook wall | remedy wall | ratio | mdBook CPU | remedy CPU | ratio |")
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")
    for book in args.books:
        name = os.path.basename(os.path.abspath(book))
        dirs = {}
        for tool in ("mdbook", "remedy"):
            d = os.path.join(work, tool, name)
            shutil.copytree(book, d, ignore=shutil.ignore_patterns("book", ".git"))
            dirs[tool] = d
        cmds = {"mdbook": [args.mdbook, "build"], "remedy": [remedy, "build", "--quiet"]}
        for tool in cmds:
            timed(cmds[tool], dirs[tool])
        times = {"mdbook": [], "remedy": []}
        for _ in range(args.runs):
            for tool in ("mdbook", "remedy"):
                times[tool].append(timed(cmds[tool], dirs[tool]))
        chapters = sum(
            1
            for d, _, fs in os.walk(os.path.join(dirs["remedy"], "src"))
            for f in fs
            if f.endswith(".md") and f != "SUMMARY.md"
        )
        med = {t: [statistics.median(x[i] for x in times[t]) for i in (0, 1)] for t in times}
        (mw, mc), (rw, rc) = med["mdbook"], med["remedy"]
        print(
            f"| {name} | {chapters} | {mw:.3f} s | {rw:.3f} s | {rw / mw:.2f}x | {mc:.3f} s | {rc:.3f} s | {rc / mc:.2f}x |"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
