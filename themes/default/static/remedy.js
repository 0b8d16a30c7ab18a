// remedy default theme: progressive enhancements. The site works without
// this file; it adds the colour-scheme switch, the drawer menu and the
// search button of narrow screens, folding sidebar sections, the "On this
// page" highlight and copy buttons. The
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

  var CLOSE = '<svg aria-hidden="true" viewBox="0 0 24 24" width="22" height="22"><path d="m6 6 12 12M18 6 6 18" stroke="currentColor" stroke-width="2" stroke-linecap="round"/></svg>';

  // Below the breakpoint the sidebar is a drawer. It opens over the page
  // where the reader is (it is fixed to the viewport), and while it is open
  // it is the page: the rest is inert, Tab cycles inside it, Esc, the close
  // button and the backdrop close it and focus returns to the Menu button.
  function setupMenu() {
    var button = document.getElementById("rm-menu-toggle");
    var sidebar = document.getElementById("rm-sidebar");
    if (!button || !sidebar) return;
    var narrow = window.matchMedia("(max-width: 52rem)");
    var head = document.createElement("div");
    head.className = "drawer-head";
    var title = document.querySelector(".site-header .site-title");
    if (title) head.appendChild(title.cloneNode(true));
    var close = document.createElement("button");
    close.type = "button";
    close.className = "header-button drawer-close";
    close.innerHTML = CLOSE + '<span class="visually-hidden">Close the menu</span>';
    head.appendChild(close);
    sidebar.insertBefore(head, sidebar.firstChild);
    var repo = document.querySelector(".site-header > .repository-link");
    if (repo) sidebar.appendChild(repo.cloneNode(true)).className = "repository-link drawer-repository";
    var backdrop = document.createElement("div");
    backdrop.className = "drawer-backdrop";
    backdrop.hidden = true;
    document.body.appendChild(backdrop);
    var still = function (e) { e.preventDefault(); };
    backdrop.addEventListener("wheel", still, { passive: false });
    backdrop.addEventListener("touchmove", still, { passive: false });
    var inert = [];

    function isOpen() { return sidebar.classList.contains("open"); }
    function open() {
      sidebar.classList.add("open");
      button.setAttribute("aria-expanded", "true");
      backdrop.hidden = false;
      var outside = Array.prototype.slice.call(document.body.children)
        .concat(Array.prototype.slice.call(sidebar.parentNode.children));
      outside.forEach(function (e) {
        if (e === backdrop || e.contains(sidebar) || e.inert) return;
        e.inert = true;
        inert.push(e);
      });
      keepCurrentInView(sidebar);
      close.focus({ preventScroll: true });
    }
    function shut(refocus) {
      if (!isOpen()) return;
      sidebar.classList.remove("open");
      button.setAttribute("aria-expanded", "false");
      backdrop.hidden = true;
      inert.forEach(function (e) { e.inert = false; });
      inert = [];
      if (refocus) button.focus({ preventScroll: true });
    }
    // What Tab can reach in the drawer (folded sections hide their links).
    function stops() {
      return Array.prototype.filter.call(sidebar.querySelectorAll("a[href], button"), function (e) {
        return e.getClientRects().length > 0;
      });
    }
    button.addEventListener("click", function () {
      if (isOpen()) shut(true); else open();
    });
    close.addEventListener("click", function () { shut(true); });
    backdrop.addEventListener("click", function () { shut(true); });
    document.addEventListener("keydown", function (e) {
      if (!isOpen()) return;
      if (e.key === "Escape") {
        e.preventDefault();
        shut(true);
      } else if (e.key === "Tab") {
        var list = stops(), first = list[0], last = list[list.length - 1];
        var at = document.activeElement;
        if (!first) return;
        if (!sidebar.contains(at) || (e.shiftKey && at === first) || (!e.shiftKey && at === last)) {
          e.preventDefault();
          (e.shiftKey ? last : first).focus();
        }
      }
    });
    // A link may only change the #fragment: the drawer gets out of the way.
    sidebar.addEventListener("click", function (e) {
      if (e.target.closest && e.target.closest("a[href]")) shut(false);
    });
    var widened = function () { if (!narrow.matches) shut(false); };
    if (narrow.addEventListener) narrow.addEventListener("change", widened);
    button.hidden = false;
  }

  // Phones show a search button instead of the box; it turns the header
  // row into the box. search.js runs the search itself.
  function setupSearchButton() {
    var form = document.getElementById("rm-search");
    var opener = document.getElementById("rm-search-open");
    var closer = document.getElementById("rm-search-close");
    var input = document.getElementById("rm-search-input");
    var panel = document.getElementById("rm-search-results");
    if (!form || !opener || !closer || !input || !panel) return;
    function shown() { return form.classList.contains("is-open"); }
    function open() {
      form.classList.add("is-open");
      opener.setAttribute("aria-expanded", "true");
      input.focus();
    }
    function shut(refocus) {
      if (!shown()) return;
      form.classList.remove("is-open");
      opener.setAttribute("aria-expanded", "false");
      if (refocus) opener.focus();
    }
    opener.addEventListener("click", open);
    closer.addEventListener("click", function () {
      panel.hidden = true;
      shut(true);
    });
    // The first Esc is search.js's (it empties the box); with no results
    // left open, Esc closes the box.
    form.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && shown() && panel.hidden) shut(true);
    });
    document.addEventListener("click", function (e) {
      if (!form.contains(e.target)) shut(false);
    });
    // "/" (search.js focuses the box) first opens it where it is a button.
    document.addEventListener("keydown", function (e) {
      var t = e.target;
      if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey || shown() || !opener.getClientRects().length) return;
      if (/^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName) || t.isContentEditable) return;
      form.classList.add("is-open");
      opener.setAttribute("aria-expanded", "true");
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
    setupSearchButton();
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
