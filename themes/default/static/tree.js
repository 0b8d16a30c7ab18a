// Decision-tree page: keeps the answers given so far, back and restart,
// and highlights the path on the map. The page works without this script:
// every step is a section, answers are links to #step, CSS shows the target.
(function () {
  "use strict";
  var tree = document.getElementById("rm-tree");
  if (!tree) return;
  var start = tree.dataset.start;
  var trail = document.getElementById("rm-tree-trail");
  var trailList = document.getElementById("rm-tree-trail-list");
  var fold = document.getElementById("rm-tree-trail-fold");
  var foldSummary = document.getElementById("rm-tree-trail-summary");
  var back = document.getElementById("rm-tree-back");
  var restart = document.getElementById("rm-tree-restart");

  // The graph, read from the answer links: node -> [{to, label}].
  var edges = {};
  var nodes = tree.querySelectorAll(".tree-node");
  Array.prototype.forEach.call(nodes, function (section) {
    edges[section.id] = Array.prototype.map.call(
      section.querySelectorAll("a.tree-answer"),
      function (a) { return { to: a.dataset.target, label: a.textContent }; }
    );
  });
  function isNode(id) { return Object.prototype.hasOwnProperty.call(edges, id); }
  function heading(id) {
    var h = document.getElementById(id + "-title");
    return h ? h.textContent : id;
  }
  function labelOf(from, to) {
    var list = edges[from] || [];
    for (var i = 0; i < list.length; i++) if (list[i].to === to) return list[i].label;
    return "";
  }
  // Shortest path from the start, for a step opened from a shared link.
  function shortestPath(target) {
    var prev = {}; prev[start] = null;
    var queue = [start];
    while (queue.length) {
      var u = queue.shift();
      if (u === target) break;
      (edges[u] || []).forEach(function (e) {
        if (!(e.to in prev)) { prev[e.to] = u; queue.push(e.to); }
      });
    }
    if (!(target in prev)) return [start];
    var path = [];
    for (var v = target; v !== null; v = prev[v]) path.unshift(v);
    return path;
  }

  var path = [start];
  // Which signal of a pasted response chose an answer, by "from to"
  // (set by triage.js; an answer chosen by hand has none).
  var notes = {};
  // Where a paste stopped: that question's answers by likelihood, and the
  // remedies under it that the paste resembles most (triage.js).
  var hint = null;
  var originalOrder = {};
  function current() { return location.hash.slice(1); }

  function update(fromUser) {
    var id = decodeURIComponent(current());
    if (!isNode(id)) id = start;
    var at = path.indexOf(id);
    // Whether this history entry was made by answering on this page: then
    // "Back one step" is the browser's back, not one more entry.
    var stepped = !!(history.state && history.state.remedyStepped);
    if (at >= 0) {
      path = path.slice(0, at + 1);
    } else if (labelOf(path[path.length - 1], id)) {
      path.push(id);
      stepped = fromUser;
    } else {
      var saved = history.state && history.state.remedyPath;
      path = saved && saved[saved.length - 1] === id ? saved.slice() : shortestPath(id);
    }
    try { history.replaceState({ remedyPath: path, remedyStepped: stepped }, ""); } catch (e) { /* file:// in some browsers */ }
    render(id, fromUser);
  }

  function render(id, fromUser) {
    trailList.textContent = "";
    for (var i = 0; i + 1 < path.length; i++) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = "#" + path[i];
      a.textContent = heading(path[i]);
      li.appendChild(a);
      li.appendChild(document.createTextNode(" → " + labelOf(path[i], path[i + 1])));
      var note = notes[path[i] + " " + path[i + 1]];
      if (note) {
        var why = document.createElement("span");
        why.className = note.evidence ? "tree-signal tree-evidence" : "tree-signal";
        why.textContent = (note.evidence ? "likely, from the guides: " : "from the paste: ") + note.text;
        li.appendChild(why);
      }
      trailList.appendChild(li);
    }
    trail.hidden = path.length < 2;
    // After a paste the step comes first: its answers fold into one line.
    var pasted = 0;
    for (var k = 0; k + 1 < path.length; k++) if (notes[path[k] + " " + path[k + 1]]) pasted++;
    var mine = path.length - 1 - pasted;
    if (foldSummary) {
      foldSummary.textContent = pasted
        ? pasted + (pasted === 1 ? " answer" : " answers") + " from your paste" + (mine ? ", " + mine + " of yours" : "")
        : "Your answers";
    }
    back.disabled = path.length < 2;
    var onPath = {};
    path.forEach(function (p) { onPath[p] = true; });
    Array.prototype.forEach.call(tree.parentNode.querySelectorAll(".map-node"), function (n) {
      n.classList.toggle("on-path", !!onPath[n.dataset.node]);
      n.classList.toggle("current", n.dataset.node === id);
      if (n.dataset.node === id) n.setAttribute("aria-current", "step"); else n.removeAttribute("aria-current");
    });
    Array.prototype.forEach.call(tree.parentNode.querySelectorAll(".map-edge, .tree-outline li[data-from]"), function (e) {
      var i = path.indexOf(e.dataset.from);
      e.classList.toggle("on-path", i >= 0 && path[i + 1] === e.dataset.to);
    });
    Array.prototype.forEach.call(tree.parentNode.querySelectorAll(".tree-outline li[data-node]"), function (n) {
      n.classList.toggle("on-path", !!onPath[n.dataset.node]);
      n.classList.toggle("current", n.dataset.node === id);
    });
    showHint(id);
    if (fromUser) {
      var section = document.getElementById(id);
      if (section) section.focus();
    }
    centerMapOn(id);
  }

  // At the question a paste stopped at: its answers, likeliest first, and
  // the likeliest remedies as links. Anywhere else, the page's own order.
  function showHint(id) {
    Array.prototype.forEach.call(tree.querySelectorAll(".tree-likely"), function (b) { b.remove(); });
    Object.keys(originalOrder).forEach(function (q) {
      var list = document.querySelector("#" + CSS.escape(q) + " .tree-answers");
      if (list) originalOrder[q].forEach(function (li) { list.appendChild(li); });
    });
    originalOrder = {};
    if (!hint || hint.node !== id || !isNode(id)) return;
    var section = document.getElementById(id);
    var list = section && section.querySelector(".tree-answers");
    if (!list) return;
    var items = Array.prototype.slice.call(list.children);
    originalOrder[id] = items;
    hint.order.forEach(function (i) { if (items[i]) list.appendChild(items[i]); });
    if (!hint.candidates.length) return;
    var box = document.createElement("div");
    box.className = "tree-likely";
    var p = document.createElement("p");
    p.textContent = "Most likely, from what your paste shares with the guides:";
    box.appendChild(p);
    var ul = document.createElement("ul");
    hint.candidates.forEach(function (c) {
      var a = document.createElement("a");
      a.href = "#" + c.node;
      a.textContent = heading(c.node);
      ul.appendChild(document.createElement("li")).appendChild(a);
    });
    box.appendChild(ul);
    list.parentNode.insertBefore(box, list);
  }

  // The map's zoom: 1 is the drawn size (labels at 12 px). No zoom takes
  // the labels below 11 px: "Fit" shows the whole width where it fits at
  // that size, else the smallest legible size, and the box pans (it
  // scrolls both ways, the current step in view).
  var wrap = document.querySelector(".tree-map-wrap");
  var svg = wrap && wrap.querySelector("svg.tree-map");
  var natural = svg ? [svg.width.baseVal.value, svg.height.baseVal.value] : [1, 1];
  var scale = 1, LEGIBLE = 11 / 12;
  function zoom(to) {
    scale = Math.min(1.6, Math.max(LEGIBLE, to));
    svg.setAttribute("width", Math.round(natural[0] * scale));
    svg.setAttribute("height", Math.round(natural[1] * scale));
  }
  var zoomBar = document.getElementById("rm-tree-zoom");
  if (svg && zoomBar) {
    zoomBar.addEventListener("click", function (e) {
      var b = e.target.closest("button[data-zoom]");
      if (!b) return;
      var how = b.dataset.zoom;
      zoom(how === "in" ? scale * 1.25 : how === "out" ? scale / 1.25 : Math.min(1, wrap.clientWidth / natural[0]));
      centerMapOn(current() || start);
    });
    zoomBar.hidden = false;
  }

  // Scrolls the map (not the page) so the current step is in view.
  function centerMapOn(id) {
    var node = wrap && wrap.querySelector('.map-node[data-node="' + id + '"] rect');
    if (!node || !node.getBBox) return;
    var box = node.getBBox();
    wrap.scrollLeft = Math.max(0, (box.x + box.width / 2) * scale - wrap.clientWidth / 2);
    wrap.scrollTop = Math.max(0, (box.y + box.height / 2) * scale - wrap.clientHeight / 2);
  }

  // One step back without a new history entry: the browser's back when the
  // reader got here by answering, else the URL is replaced in place.
  back.addEventListener("click", function () {
    if (path.length < 2) return;
    if (history.state && history.state.remedyStepped) {
      history.back();
      return;
    }
    var prev = path[path.length - 2];
    try {
      history.replaceState({ remedyPath: path.slice(0, -1) }, "", "#" + prev);
      update(true);
    } catch (e) {
      location.replace("#" + prev);
    }
  });
  restart.addEventListener("click", function () { notes = {}; hint = null; if (fold) fold.open = true; location.hash = "#" + start; });
  window.addEventListener("hashchange", function () { update(true); });
  // triage.js walked the tree from a paste: take its path as the reader's.
  tree.addEventListener("rm-tree-walk", function (e) {
    var walked = e.detail.path.filter(isNode);
    if (!walked.length || walked[0] !== start) return;
    path = walked;
    notes = e.detail.notes || {};
    if (fold) fold.open = false;
    hint = e.detail.candidates ? { node: walked[walked.length - 1], order: e.detail.order || [], candidates: e.detail.candidates } : null;
    var target = "#" + path[path.length - 1];
    if (location.hash !== target) {
      location.hash = target;
      return;
    }
    // The same step as before: no navigation scrolls to it, so scroll here.
    update(true);
    var step = document.getElementById(path[path.length - 1]);
    if (step) step.scrollIntoView({ block: "start" });
  });
  tree.classList.add("tree-js");
  update(false);
})();
