// remedy default theme: progressive enhancements. The site works without
// this file; it adds the colour-scheme switch, the mobile menu, folding
// sidebar sections, the "On this page" highlight and copy buttons. The
// class "js" (and "can-copy") is set by the script in <head>, so the space
// for what appears here is kept from the first paint.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function storedTheme() {
    try { return localStorage.getItem("remedy-theme"); } catch (e) { return null; }
  }
  // "light", "dark" or "system" (no choice stored).
  function chosenTheme() {
    var t = root.dataset.theme || storedTheme();
    return t === "dark" || t === "light" ? t : "system";
  }

  function setupThemeSwitch() {
    var group = document.getElementById("rm-theme-switch");
    if (!group) return;
    var buttons = group.querySelectorAll("[data-theme-choice]");
    function show() {
      var chosen = chosenTheme();
      Array.prototype.forEach.call(buttons, function (b) {
        b.setAttribute("aria-pressed", b.dataset.themeChoice === chosen ? "true" : "false");
      });
    }
    Array.prototype.forEach.call(buttons, function (b) {
      b.addEventListener("click", function () {
        var choice = b.dataset.themeChoice;
        if (choice === "system") {
          delete root.dataset.theme;
          try { localStorage.removeItem("remedy-theme"); } catch (e) { /* private mode */ }
        } else {
          root.dataset.theme = choice;
          try { localStorage.setItem("remedy-theme", choice); } catch (e) { /* private mode: not persisted */ }
        }
        show();
      });
    });
    show();
    group.hidden = false;
  }

  function setupMenu() {
    var button = document.getElementById("rm-menu-toggle");
    var sidebar = document.getElementById("rm-sidebar");
    if (!button || !sidebar) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
      if (open) keepCurrentInView(sidebar);
    });
  }

  var CHEVRON = '<svg aria-hidden="true" viewBox="0 0 12 12" width="12" height="12"><path d="M2.5 4.5 6 8l3.5-3.5" fill="none" stroke="currentColor" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round"/></svg>';

  // Each sidebar section that shows its pages gets a button to fold them.
  function setupSidebarSections() {
    var sidebar = document.getElementById("rm-sidebar");
    if (!sidebar) return;
    var sections = sidebar.querySelectorAll("li.nav-section");
    Array.prototype.forEach.call(sections, function (li, i) {
      var link = li.querySelector(":scope > a");
      var list = li.querySelector(":scope > ul");
      if (!link || !list) return;
      if (!list.id) list.id = "rm-nav-list-" + i;
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nav-toggle";
      button.setAttribute("aria-expanded", "true");
      button.setAttribute("aria-controls", list.id);
      button.setAttribute("aria-label", "Show or hide the pages of " + link.textContent);
      button.innerHTML = CHEVRON;
      button.addEventListener("click", function () {
        var folded = li.classList.toggle("collapsed");
        button.setAttribute("aria-expanded", folded ? "false" : "true");
      });
      li.insertBefore(button, list);
    });
    keepCurrentInView(sidebar);
  }

  // Scrolls the sidebar (not the page) so the current page's entry shows.
  function keepCurrentInView(sidebar) {
    var current = sidebar.querySelector('[aria-current="page"]');
    if (!current || sidebar.scrollHeight <= sidebar.clientHeight) return;
    var top = current.getBoundingClientRect().top - sidebar.getBoundingClientRect().top + sidebar.scrollTop;
    if (top < sidebar.scrollTop || top + current.offsetHeight > sidebar.scrollTop + sidebar.clientHeight) {
      sidebar.scrollTop = Math.max(0, top - sidebar.clientHeight / 3);
    }
  }

  // "On this page" column: marks the section being read.
  function setupTocHighlight() {
    var toc = document.getElementById("rm-toc-side");
    if (!toc || !window.IntersectionObserver) return;
    var links = {};
    var headings = [];
    Array.prototype.forEach.call(toc.querySelectorAll('a[href^="#"]'), function (a) {
      var id = decodeURIComponent(a.getAttribute("href").slice(1));
      var h = document.getElementById(id);
      if (h) { links[id] = a; headings.push(h); }
    });
    if (!headings.length) return;
    var visible = {};
    var active = null;
    function mark() {
      // The first heading in the upper part of the view; else the last one
      // above it; at the end of the page, the last heading in view.
      var pick = null;
      var atEnd = window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 2;
      if (atEnd) {
        for (var k = 0; k < headings.length; k++) {
          if (headings[k].getBoundingClientRect().top < window.innerHeight) pick = headings[k];
        }
      }
      for (var i = 0; i < headings.length && !pick; i++) {
        if (visible[headings[i].id]) pick = headings[i];
      }
      if (!pick) {
        for (var j = 0; j < headings.length; j++) {
          if (headings[j].getBoundingClientRect().top < 80) pick = headings[j];
        }
      }
      var link = links[(pick || headings[0]).id];
      if (link === active) return;
      if (active) { active.classList.remove("active"); active.removeAttribute("aria-current"); }
      active = link;
      if (active) { active.classList.add("active"); active.setAttribute("aria-current", "location"); }
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (e) { visible[e.target.id] = e.isIntersecting; });
      mark();
    }, { rootMargin: "-56px 0px -45% 0px" });
    headings.forEach(function (h) { observer.observe(h); });
    var queued = false;
    window.addEventListener("scroll", function () {
      if (queued) return;
      queued = true;
      requestAnimationFrame(function () { queued = false; mark(); });
    }, { passive: true });
  }

  // Code wider than its box scrolls; keyboard users reach it with Tab.
  function focusableScrollers() {
    Array.prototype.forEach.call(document.querySelectorAll("pre.hl-code"), function (box) {
      if (box.scrollWidth > box.clientWidth + 1) box.setAttribute("tabindex", "0");
      else if (box.getAttribute("tabindex") === "0") box.removeAttribute("tabindex");
    });
  }

  function setupCopyButtons() {
    if (!navigator.clipboard) return;
    var blocks = document.querySelectorAll("pre.hl-code");
    Array.prototype.forEach.call(blocks, function (pre) {
      // A wrapper holds the button, so it stays in place when the code
      // scrolls sideways. It has no box of its own: nothing moves.
      var wrap = document.createElement("div");
      wrap.className = "code-block";
      pre.parentNode.insertBefore(wrap, pre);
      wrap.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", "Copy code to clipboard");
      button.addEventListener("click", function () {
        var code = pre.querySelector("code");
        navigator.clipboard.writeText(code ? code.innerText : pre.innerText).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () {
          button.textContent = "Copy failed";
        });
      });
      wrap.appendChild(button);
    });
  }

  // Opened from disk (file://), a link to a folder shows a file listing, not
  // the page: point such links at the folder's index.html instead. Servers
  // never see this; they answer folder URLs with index.html themselves.
  function fixFileLinks() {
    if (location.protocol !== "file:") return;
    Array.prototype.forEach.call(document.querySelectorAll("a[href]"), function (a) {
      var href = a.getAttribute("href");
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.charAt(0) === "#") return;
      var hash = href.indexOf("#");
      var path = hash < 0 ? href : href.slice(0, hash);
      var rest = hash < 0 ? "" : href.slice(hash);
      if (path === "" || path.slice(-1) === "/") a.setAttribute("href", path + "index.html" + rest);
    });
  }

  function init() {
    fixFileLinks();
    setupThemeSwitch();
    setupMenu();
    setupSidebarSections();
    setupTocHighlight();
    setupCopyButtons();
    focusableScrollers();
    var resized = null;
    window.addEventListener("resize", function () {
      clearTimeout(resized);
      resized = setTimeout(focusableScrollers, 200);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
