// The paste box of a decision-tree page: reads a pasted response with the
// triage engine (triage-engine.js, loaded when the box is first used) and
// the tree's triage data (signals and evidence, triage-data.js beside the
// page), then walks the tree as far as the paste decides. Nothing leaves the
// browser; the paste is only ever shown with textContent.
(function () {
  "use strict";
  var box = document.getElementById("rm-paste");
  var tree = document.getElementById("rm-tree");
  if (!box || !tree || !window.Promise) return;
  var input = document.getElementById("rm-paste-input");
  var go = document.getElementById("rm-paste-go");
  var result = document.getElementById("rm-paste-result");
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
        return window.RemedyTriage.load(box.dataset.triage);
      });
      ready.catch(function () { ready = null; });
    }
    return ready;
  }
  input.addEventListener("focus", load);

  function headingOf(id) {
    var h = document.getElementById(id + "-title");
    return h ? h.textContent : id;
  }
  function run() {
    if (!input.value.trim()) {
      result.textContent = "Paste a response or an error message into the box first.";
      input.focus();
      return;
    }
    var text = input.value;
    result.textContent = "Reading the paste\u2026";
    load().then(function (data) {
      var t0 = performance.now();
      var outcome = window.RemedyTriage.run(data, text);
      var path = [data.start], notes = {};
      outcome.steps.forEach(function (s) {
        notes[s.question + " " + s.next] = { text: s.signal, evidence: s.decidedBy === "evidence" };
        path.push(s.next);
      });
      var remedy = !Object.prototype.hasOwnProperty.call(data.questions, outcome.node);
      var n = outcome.steps.length;
      var words = n === 1 ? "1 question" : n + " questions";
      result.textContent = n === 0 && !outcome.candidates.length
        ? "The paste did not decide any question. Start with the first question below."
        : remedy
          ? "The paste answered " + words + " and leads to the remedy: " + headingOf(outcome.node) + "."
          : "The paste answered " + words + ". The next question needs you: " + headingOf(outcome.node);
      result.dataset.node = outcome.node;
      result.dataset.ms = String(Math.round(performance.now() - t0));
      tree.dispatchEvent(new CustomEvent("rm-tree-walk", {
        detail: { path: path, notes: notes, order: outcome.order, candidates: outcome.candidates }
      }));
    }, function () {
      result.textContent = "The paste reader could not be loaded. Answer the questions below.";
    });
  }
  go.addEventListener("click", run);
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); run(); }
  });
})();
