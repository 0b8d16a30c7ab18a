// The paste box, on a decision-tree page and on the home page: reads a
// pasted response with the triage engine (triage-engine.js, loaded when the
// box is first used) and each tree's data (signals and evidence,
// triage-data.js beside the tree's page), then walks the tree as far as the
// paste decides. On the home page the walk that gets furthest opens its
// tree at the step it reached, with the trail handed over for that tab.
// Nothing leaves the browser; the paste is only ever shown with textContent.
(function () {
  "use strict";
  var box = document.getElementById("rm-paste");
  var tree = document.getElementById("rm-tree");
  var HANDOFF = "remedy-paste:";
  if (!window.Promise) return;

  // Arriving from the home page's box: take the walk it handed over, if it
  // ends at the step this URL names.
  function arrive() {
    var key = HANDOFF + location.pathname, saved = null;
    try { saved = JSON.parse(sessionStorage.getItem(key)); sessionStorage.removeItem(key); } catch (e) { return; }
    if (!saved || !tree || location.hash !== "#" + saved.path[saved.path.length - 1]) return;
    tree.dispatchEvent(new CustomEvent("rm-tree-walk", { detail: saved }));
  }
  if (tree) arrive();
  if (!box) return;
  var input = document.getElementById("rm-paste-input");
  var result = document.getElementById("rm-paste-result");
  var home = !tree;
  // The trees: this page's, or on the home page every one it links.
  var trees = home
    ? Array.prototype.map.call(document.querySelectorAll(".home-trees a[data-triage]"), function (a) {
        return { data: a.dataset.triage, href: a.getAttribute("href") };
      })
    : [{ data: box.dataset.triage, href: "" }];
  box.hidden = false;

  // Scripts, not fetch: the site works from file:// too.
  function script(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = function () { resolve(s); };
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }
  var ready = null;
  function load() {
    if (!ready) {
      ready = script(box.dataset.engine).then(function () {
        return Promise.all(trees.map(function (t) { return window.RemedyTriage.load(t.data); }));
      });
      ready.catch(function () { ready = null; });
    }
    return ready;
  }
  input.addEventListener("focus", load);

  // What a walk hands to tree.js: the path, why each answer was taken, and
  // where it stopped, the answers' likelihood and the likeliest remedies.
  function walkOf(data, outcome) {
    var path = [data.start], notes = {};
    outcome.steps.forEach(function (s) {
      notes[s.question + " " + s.next] = { text: s.signal, evidence: s.decidedBy === "evidence" };
      path.push(s.next);
    });
    return { path: path, notes: notes, order: outcome.order, candidates: outcome.candidates };
  }

  function run(e) {
    if (e) e.preventDefault();
    if (!input.value.trim()) {
      result.textContent = "Paste a response or an error message into the box first.";
      input.focus();
      return;
    }
    var text = input.value;
    result.textContent = "Reading the paste\u2026";
    load().then(function (all) {
      var t0 = performance.now(), best = window.RemedyTriage.runAll(all, text);
      var data = all[best.index], outcome = best.outcome, n = outcome.steps.length;
      var heading = data.headings[outcome.node];
      var words = n === 1 ? "1 question" : n + " questions";
      result.textContent = n === 0 && !outcome.candidates.length
        ? "The paste did not decide any question. Start with the first question" + (home ? " of the troubleshooter." : " below.")
        : best.remedy
          ? "The paste answered " + words + " and leads to the remedy: " + heading + "."
          : "The paste answered " + words + ". The next question needs you: " + heading;
      result.dataset.node = outcome.node;
      result.dataset.ms = String(Math.round(performance.now() - t0));
      var walk = walkOf(data, outcome);
      if (home) {
        var url = new URL(trees[best.index].href + "#" + outcome.node, location.href);
        try { sessionStorage.setItem(HANDOFF + url.pathname, JSON.stringify(walk)); } catch (err) { /* the step alone */ }
        location.href = url.href;
        return;
      }
      tree.dispatchEvent(new CustomEvent("rm-tree-walk", { detail: walk }));
    }, function () {
      result.textContent = "The paste reader could not be loaded. " + (home ? "Open the troubleshooter below." : "Answer the questions below.");
    });
  }
  (box.tagName === "FORM" ? box : document.getElementById("rm-paste-go")).addEventListener(box.tagName === "FORM" ? "submit" : "click", run);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) run(e);
  });
})();
