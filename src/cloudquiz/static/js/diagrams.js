// Diagrams: keep the highlighted node in step with the node panel after an htmx swap, and
// bring the panel into view when it sits below the picture (phones).
// The server marks the selected node on every full render and every diagram swap; a node click
// swaps only the panel, so this copies the panel's node id onto the diagram. Without JavaScript
// every node link loads the full page, which the server has already marked.
"use strict";

document.addEventListener("htmx:afterSettle", function (event) {
  var panel = document.getElementById("node-panel");
  if (!panel) {
    return;
  }
  if (event.target === panel && panel.getBoundingClientRect().top > window.innerHeight - 96) {
    panel.scrollIntoView({ block: "start" });
  }
  var selected = panel.getAttribute("data-node") || "";
  document.querySelectorAll(".diagram-svg [data-node]").forEach(function (node) {
    if (node.getAttribute("data-node") === selected) {
      node.setAttribute("aria-current", "true");
    } else {
      node.removeAttribute("aria-current");
    }
  });
});

// htmx cancels the browser's own navigation for HTML links only (tagName "A"); a click on an
// SVG <a> node would also follow its href (a full load, which the history push then races).
// Keep the swap in place; a modified click (new tab, new window) still follows the link.
document.addEventListener("click", function (event) {
  var link = event.target.closest && event.target.closest("svg a[hx-get]");
  if (!link || !window.htmx || event.defaultPrevented) {
    return;
  }
  if (event.button === 0 && !event.ctrlKey && !event.metaKey && !event.shiftKey && !event.altKey) {
    event.preventDefault();
  }
});
