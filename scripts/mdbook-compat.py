#!/usr/bin/env python3
"""mdBook 0.5.4's own test books, built by mdBook and by remedy, compared.

    scripts/mdbook-compat.sh [MDBOOK_TREE]       (the wrapper installs what is needed)
    python3 scripts/mdbook-compat.py MDBOOK_TREE --mdbook BIN --remedy BIN [--markdown]

A test book is every folder under MDBOOK_TREE/tests that holds a `book.toml`
or a `src/SUMMARY.md` (mdBook builds a folder without `book.toml` with the
defaults). Each book is copied twice into a temporary folder (mdBook's files
are never written into this repository), built by `mdbook build` and by
`remedy build`, and compared: the chapter URLs (every HTML page except
mdBook's own `print.html`, `toc.html` and `404.html`, redirect pages and
theme files) and, for every chapter, the ids of its headings and definition
terms in document order. Prints one row per book and a summary line.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import tomllib
from html.parser import HTMLParser

SKIP = {"print.html", "toc.html", "404.html"}
SKIP_DIRS = ("static/", "search/", "css/", "fonts/", "FontAwesome/", "theme/")


class Ids(HTMLParser):
    """Ids of h1-h6 and dt inside mdBook's <main> or remedy's <article>."""

    def __init__(self, container):
        super().__init__()
        self.container = container
        self.inside = 0
        self.ids = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == self.container:
            self.inside += 1
        if self.inside and tag in ("h1", "h2", "h3", "h4", "h5", "h6", "dt"):
            i = a.get("id")
            if i and not i.startswith("rm-"):
                self.ids.append(i)

    def handle_endtag(self, tag):
        if tag == self.container and self.inside:
            self.inside -= 1


def chapters(out, container):
    """url -> ids of every chapter page in the output folder `out`."""
    pages = {}
    for d, _, files in os.walk(out):
        for f in files:
            if not f.endswith(".html"):
                continue
            rel = os.path.relpath(os.path.join(d, f), out).replace(os.sep, "/")
            if rel in SKIP or rel.startswith(SKIP_DIRS):
                continue
            with open(os.path.join(d, f), encoding="utf-8", errors="replace") as fh:
                text = fh.read()
            if 'http-equiv="refresh"' in text:
                # mdBook's index.html copies the first chapter; a redirect
                # to it serves the same URL.
                if rel == "index.html":
                    pages[rel] = None
                continue
            p = Ids(container)
            p.feed(text)
            pages[rel] = p.ids
    return pages


def build_dir(book):
    """mdBook writes into build-dir, or build-dir/html beside other renderers."""
    try:
        with open(os.path.join(book, "book.toml"), "rb") as fh:
            out = tomllib.load(fh).get("build", {}).get("build-dir", "book")
    except (OSError, tomllib.TOMLDecodeError):
        out = "book"
    html = os.path.join(out, "html")
    return html if os.path.isfile(os.path.join(book, html, "index.html")) else out


def run(cmd, cwd, timeout=120):
    try:
        p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout)
        return p.returncode == 0, p.stderr
    except subprocess.TimeoutExpired:
        return False, "timed out"


def books(tree):
    found = set()
    for d, dirs, files in os.walk(os.path.join(tree, "tests")):
        dirs.sort()
        if "book.toml" in files or (os.path.basename(d) == "src" and "SUMMARY.md" in files):
            book = d if "book.toml" in files else os.path.dirname(d)
            if not any(book.startswith(f + os.sep) for f in found):
                found.add(book)
    return sorted(found)


def first_line(text, needle):
    for line in text.splitlines():
        if needle in line:
            return line.strip()
    lines = [l.strip() for l in text.splitlines() if l.strip()]
    return lines[0] if lines else ""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tree", help="a checkout of rust-lang/mdBook at v0.5.4")
    ap.add_argument("--mdbook", required=True)
    ap.add_argument("--remedy", required=True)
    ap.add_argument("--markdown", action="store_true", help="print a Markdown table")
    ap.add_argument("--keep", help="build in this folder and keep it")
    args = ap.parse_args()
    tree = os.path.abspath(args.tree)
    work = args.keep or tempfile.mkdtemp(prefix="mdbook-compat-")
    rows = []
    for book in books(tree):
        name = os.path.relpath(book, os.path.join(tree, "tests")).replace(os.sep, "/")
        slug = name.replace("/", "__")
        a, b = os.path.join(work, "mdbook", slug), os.path.join(work, "remedy", slug)
        for to in (a, b):
            shutil.rmtree(to, ignore_errors=True)
            shutil.copytree(book, to, symlinks=True)
        m_ok, m_err = run([args.mdbook, "build"], a)
        r_ok, r_err = run([args.remedy, "build", "--color=never", "--quiet"], b)
        urls = ids = "-"
        note = ""
        if m_ok and r_ok:
            mp = chapters(os.path.join(a, build_dir(a)), "main")
            rp = chapters(os.path.join(b, build_dir(b)), "article")
            urls = "yes" if set(mp) == set(rp) else "no"
            same = [u for u in mp if u in rp and (None in (mp[u], rp[u]) or mp[u] == rp[u])]
            ids = "yes" if urls == "yes" and len(same) == len(mp) else "no"
            if urls == "no":
                only_m = sorted(set(mp) - set(rp))
                only_r = sorted(set(rp) - set(mp))
                note = f"only mdBook: {' '.join(only_m[:4])}; only remedy: {' '.join(only_r[:4])}"
            elif ids == "no":
                u = next(u for u in sorted(mp) if u not in same)
                note = f"{u}: mdBook {' '.join(mp[u][:6])} / remedy {' '.join(rp[u][:6])}"
        elif m_ok:
            note = "remedy: " + first_line(r_err, "error")
        elif r_ok:
            note = "mdBook: " + first_line(m_err, "ERROR")
        else:
            note = "neither: " + first_line(r_err, "error")
        rows.append((name, m_ok, r_ok, urls, ids, note[:160]))
    yes = lambda v: "yes" if v else "no"
    if args.markdown:
        print("| book | mdBook builds | remedy builds | same URLs | same ids | note |")
        print("| --- | --- | --- | --- | --- | --- |")
        for n, m, r, u, i, note in rows:
            print(f"| {n} | {yes(m)} | {yes(r)} | {u} | {i} | {note.replace('|', '/')} |")
    else:
        w = max(len(r[0]) for r in rows)
        print(f"{'book':<{w}}  mdbook remedy urls ids  note")
        for n, m, r, u, i, note in rows:
            print(f"{n:<{w}}  {yes(m):<6} {yes(r):<6} {u:<4} {i:<4} {note}")
    built = [r for r in rows if r[1]]
    both = [r for r in built if r[2]]
    same = [r for r in both if r[3] == "yes" and r[4] == "yes"]
    print(
        f"\n{len(rows)} test books; mdBook builds {len(built)}; remedy builds {len(both)} of them, "
        f"{len(same)} with the same chapter URLs and heading ids; "
        f"remedy builds {sum(1 for r in rows if r[2] and not r[1])} that mdBook does not"
    )
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
