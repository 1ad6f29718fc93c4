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
