// Lighthouse (mobile) on the built site, served with gzip as a CDN would.
//
//   node tests/browser/lighthouse.mjs SITE_DIR [PATH ...]
//
// Serves SITE_DIR on 127.0.0.1 (gzip for text types, ETag-free, no cache
// tricks), runs Lighthouse's default mobile audit on each path (by default
// the home page, a guide and the decision tree) in Debian's Chromium, prints
// one line per page and fails (exit 1) when a category scores below 100 or
// the cumulative layout shift is above 0.02. Run by .ci/run after the build.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import lighthouse from "lighthouse";
import * as chromeLauncher from "chrome-launcher";

const MIN_SCORE = 1.0;
const MAX_CLS = 0.02;
const DEFAULT_PATHS = ["/", "/providers/stripe/", "/troubleshoot/402/"];

const [siteDir, ...rest] = process.argv.slice(2);
if (!siteDir) {
  console.error("usage: node lighthouse.mjs SITE_DIR [PATH ...]");
  process.exit(2);
}
const paths = rest.length ? rest : DEFAULT_PATHS;
const root = path.resolve(siteDir);

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".svg": "image/svg+xml",
  ".xml": "application/xml",
  ".txt": "text/plain; charset=utf-8",
  ".json": "application/json",
  ".png": "image/png",
};

const server = http.createServer((req, res) => {
  const url = new URL(req.url, "http://localhost");
  let file = path.join(root, decodeURIComponent(url.pathname));
  if (!file.startsWith(root)) {
    res.writeHead(403).end();
    return;
  }
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, "index.html");
  let status = 200;
  if (!fs.existsSync(file)) {
    status = 404;
    file = path.join(root, "404.html");
  }
  const type = TYPES[path.extname(file)] || "application/octet-stream";
  let body = fs.readFileSync(file);
  const headers = { "Content-Type": type, "Cache-Control": "public, max-age=3600" };
  if (/gzip/.test(req.headers["accept-encoding"] || "") && /text|javascript|svg|xml|json/.test(type)) {
    body = zlib.gzipSync(body, { level: 9 });
    headers["Content-Encoding"] = "gzip";
    headers["Vary"] = "Accept-Encoding";
  }
  headers["Content-Length"] = body.length;
  res.writeHead(status, headers);
  res.end(req.method === "HEAD" ? undefined : body);
});
await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
const base = `http://127.0.0.1:${server.address().port}`;

const chromePath = process.env.CHROME_PATH || ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => fs.existsSync(p));
const chrome = await chromeLauncher.launch({
  chromePath,
  chromeFlags: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
});

let failed = false;
try {
  for (const p of paths) {
    const result = await lighthouse(`${base}${p}`, { port: chrome.port, output: "json", logLevel: "error" });
    const lhr = result.lhr;
    if (lhr.runtimeError) {
      console.log(`lighthouse ${p}: ${lhr.runtimeError.code} ${lhr.runtimeError.message}`);
      failed = true;
      continue;
    }
    const scores = Object.values(lhr.categories).map((c) => [c.id, c.score]);
    const cls = lhr.audits["cumulative-layout-shift"].numericValue;
    const line = scores.map(([id, s]) => `${id} ${Math.round(s * 100)}`).join(", ");
    const low = scores.filter(([, s]) => s < MIN_SCORE);
    console.log(`lighthouse ${p}: ${line}, CLS ${cls.toFixed(3)}`);
    for (const [id] of low) {
      failed = true;
      const cat = lhr.categories[id];
      const weak = cat.auditRefs
        .map((r) => lhr.audits[r.id])
        .filter((a) => a.score !== null && a.score < 1 && a.scoreDisplayMode !== "informative" && a.scoreDisplayMode !== "notApplicable")
        .map((a) => `    ${a.id}: ${a.score} ${a.displayValue || ""}`);
      console.log(`  ${id} below ${MIN_SCORE * 100}:\n${weak.join("\n")}`);
    }
    if (cls > MAX_CLS) {
      failed = true;
      const shifts = lhr.audits["layout-shifts"];
      const items = (shifts && shifts.details && shifts.details.items) || [];
      console.log(`  CLS ${cls.toFixed(3)} above ${MAX_CLS}:`);
      for (const it of items.slice(0, 5)) console.log(`    ${it.score && it.score.toFixed(3)} ${it.node && it.node.snippet}`);
    }
  }
} finally {
  await chrome.kill();
  server.close();
}
process.exit(failed ? 1 : 0);
