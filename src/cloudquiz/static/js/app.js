// Cloud Ecosystem Hub — the little that htmx cannot do on its own. No inline scripts (strict CSP).
//
// 1. Copy buttons on code samples (hidden without JavaScript, where they could not work).
// 2. Escape and a click elsewhere close the phone menu (which opens without JavaScript).
// 3. Form state in htmx history snapshots. htmx saves a page's HTML (attributes, not the live
//    checked/value state) just before it swaps in the next view — when the user has already
//    changed the filter that asked for it. So once a swap has settled, the filters that produced
//    the view on screen are written into the attributes: the snapshot taken later then holds
//    the filters of the results it holds, and "back" restores both together.
"use strict";

(function () {
  // Styles that only make sense with JavaScript running (e.g. the quiz's keyboard hints).
  document.documentElement.classList.add("js");
  function revealCopyButtons(root) {
    var scope = root && root.querySelectorAll ? root : document;
    scope.querySelectorAll("[data-copy-target][hidden]").forEach(function (button) {
      button.hidden = false;
    });
  }

  function announce(button, text) {
    var status = button.parentElement && button.parentElement.querySelector(".copy-status");
    if (status) {
      status.textContent = text;
      window.setTimeout(function () { status.textContent = ""; }, 2500);
    }
  }

  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.className = "offscreen";
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    document.body.removeChild(area);
    return ok;
  }

  function copy(button) {
    var target = document.getElementById(button.getAttribute("data-copy-target"));
    if (!target) { return; }
    var text = target.textContent;
    var done = function () {
      button.classList.add("copied");
      button.textContent = "Copied";
      announce(button, "Code copied to the clipboard");
      window.setTimeout(function () {
        button.classList.remove("copied");
        button.textContent = "Copy";
      }, 2000);
    };
    var failed = function () {
      if (fallbackCopy(text)) { done(); } else { announce(button, "Copy failed: select the code and copy it"); }
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, failed);
    } else {
      failed();
    }
  }

  function syncFormState() {
    document.querySelectorAll("input, option").forEach(function (el) {
      if (el.tagName === "OPTION") {
        el.toggleAttribute("selected", el.selected);
      } else if (el.type === "checkbox" || el.type === "radio") {
        el.toggleAttribute("checked", el.checked);
      } else if (el.type === "search" || el.type === "text") {
        el.setAttribute("value", el.value);
      }
    });
  }

  // The phone menu (a <details>, so it opens without JavaScript): Escape or a click outside
  // closes it, and Escape returns focus to its summary.
  function closeMenus(except, refocus) {
    document.querySelectorAll("details[data-nav-menu][open]").forEach(function (menu) {
      if (menu === except) return;
      menu.open = false;
      if (refocus) menu.querySelector("summary").focus();
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-copy-target]");
    if (button) { copy(button); }
    closeMenus(event.target.closest && event.target.closest("details[data-nav-menu]"), false);
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && document.querySelector("details[data-nav-menu][open]")) {
      closeMenus(null, true);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { revealCopyButtons(document); });
  document.addEventListener("htmx:load", function (event) { revealCopyButtons(event.target); });
  document.addEventListener("htmx:afterSettle", syncFormState);
})();
