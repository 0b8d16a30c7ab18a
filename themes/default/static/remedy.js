// remedy default theme: progressive enhancements. The site works without
// this file; it adds the theme toggle, the mobile menu and copy buttons.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function storedTheme() {
    try { return localStorage.getItem("remedy-theme"); } catch (e) { return null; }
  }
  function currentTheme() {
    var t = root.dataset.theme || storedTheme();
    if (t === "dark" || t === "light") return t;
    return window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  }

  function setupThemeToggle() {
    var button = document.getElementById("rm-theme-toggle");
    if (!button) return;
    function show() {
      button.setAttribute("aria-pressed", currentTheme() === "dark" ? "true" : "false");
    }
    button.hidden = false;
    show();
    button.addEventListener("click", function () {
      var next = currentTheme() === "dark" ? "light" : "dark";
      root.dataset.theme = next;
      try { localStorage.setItem("remedy-theme", next); } catch (e) { /* private mode: not persisted */ }
      show();
    });
  }

  function setupMenu() {
    var button = document.getElementById("rm-menu-toggle");
    var sidebar = document.getElementById("rm-sidebar");
    if (!button || !sidebar) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var open = sidebar.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function setupCopyButtons() {
    if (!navigator.clipboard) return;
    var blocks = document.querySelectorAll("pre.hl-code");
    Array.prototype.forEach.call(blocks, function (pre) {
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
      pre.appendChild(button);
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
    setupThemeToggle();
    setupMenu();
    setupCopyButtons();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
