// A table wider than the screen scrolls sideways inside its container. Keyboard users can
// scroll it only if the container takes focus (WCAG 2.1.1), and a focusable region needs a
// name: its table's caption, or the page's general label for tables. Containers that do
// not scroll stay out of the tab order.
(function () {
  "use strict";

  function label(container) {
    var caption = container.querySelector("caption");
    var text = caption ? caption.textContent.trim() : "";
    return text || document.body.getAttribute("data-scrolling-table-label") || "";
  }

  function mark(container) {
    if (container.scrollWidth > container.clientWidth + 1) {
      container.setAttribute("tabindex", "0");
      container.setAttribute("role", "region");
      container.setAttribute("aria-label", label(container));
    } else {
      container.removeAttribute("tabindex");
      container.removeAttribute("role");
      container.removeAttribute("aria-label");
    }
  }

  function markAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-container"), mark);
  }

  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(markAll, 100);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markAll);
  } else {
    markAll();
  }
  // Web fonts arrive after the document: a table may be wider once they are in.
  window.addEventListener("load", markAll);
})();
