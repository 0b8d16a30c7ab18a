// Added to an mdBook book's pages only: the button under a code block with
// hidden lines (Rust's `# ` lines, `[output.html.code.hidelines]`) that
// shows and hides them, as mdBook's eye button does. Without JavaScript the
// lines stay hidden, as in mdBook.
(function () {
  "use strict";
  function setup() {
    Array.prototype.forEach.call(document.querySelectorAll("pre.has-hidden"), function (pre) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "hidden-lines-button";
      button.setAttribute("aria-pressed", "false");
      button.textContent = "Show hidden lines";
      button.addEventListener("click", function () {
        var shown = pre.classList.toggle("show-hidden");
        button.setAttribute("aria-pressed", shown ? "true" : "false");
        button.textContent = shown ? "Hide lines" : "Show hidden lines";
      });
      var after = pre.parentNode && pre.parentNode.classList.contains("code-block") ? pre.parentNode : pre;
      after.parentNode.insertBefore(button, after.nextSibling);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
