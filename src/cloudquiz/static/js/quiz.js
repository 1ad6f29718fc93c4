// Quiz keyboard shortcuts and the exam countdown. No inline scripts (strict CSP); everything
// works without this file: the forms post, the links navigate, the server enforces the timer.
"use strict";
(function () {
  var PANEL = "#question-panel";

  function panel() { return document.querySelector(PANEL); }

  function typing(target) {
    if (!target || !target.tagName) return false;
    var tag = target.tagName.toLowerCase();
    if (tag === "textarea" || tag === "select" || target.isContentEditable) return true;
    return tag === "input" && !/^(radio|checkbox|submit|button)$/i.test(target.type);
  }

  function options(form) {
    return Array.prototype.filter.call(
      form.querySelectorAll("input[name='choice']"), function (i) { return !i.disabled; });
  }

  // A fast key press can land between htmx's swap and its processing of the new content;
  // processing is idempotent, so make sure before acting (else the form would post natively).
  function ready(elt) {
    if (window.htmx && elt) window.htmx.process(elt);
    return elt;
  }

  function onKey(event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.defaultPrevented) return;
    if (typing(event.target)) return;
    var root = panel();
    if (!root) return;
    var form = root.querySelector("form[data-quiz-form]");
    var key = event.key;
    if (/^[1-9]$/.test(key) && form) {
      var inputs = options(form);
      var input = inputs[Number(key) - 1];
      if (!input) return;
      event.preventDefault();
      input.checked = input.type === "checkbox" ? !input.checked : true;
      input.focus();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    } else if (key === "Enter" && form && options(form).length) {
      var tag = (event.target.tagName || "").toLowerCase();
      if (tag === "a" || tag === "button") return; // let links and buttons do their own thing
      event.preventDefault();
      ready(form).requestSubmit();
    } else if (key === "n" || key === "N") {
      var next = root.querySelector("[data-next]");
      if (!next) return;
      event.preventDefault();
      ready(next).click();
    } else if (key === "f" || key === "F") {
      // The flag button belongs to the answer form: clicking it sends the current selection
      // along (htmx includes the form), and the panel comes back with it still selected.
      var flag = root.querySelector("button[data-flag]");
      if (!flag) return;
      event.preventDefault();
      ready(flag).click();
    }
  }

  // htmx does not swap error responses by default; the question panel is designed to be
  // swapped in with its message (400 tampered input, 409 conflict, 422 empty answer).
  function onBeforeSwap(event) {
    var detail = event.detail;
    var target = detail.target;
    var status = detail.xhr && detail.xhr.status;
    if (target && target.matches && target.matches("[data-report-box]")) {
      // A report form comes back in place with its message (422 no reason, 429 too many).
      if (/^\s*<div class="report-box"/.test(detail.serverResponse || "") && status < 500) {
        detail.shouldSwap = true;
        detail.isError = false;
      }
      return;
    }
    if (!target || target.id !== "question-panel") return;
    if (status !== 400 && status !== 409 && status !== 422) return;
    if (/^\s*<div id="question-panel"/.test(detail.serverResponse || "")) {
      detail.shouldSwap = true;
      detail.isError = false;
    } else {
      // A whole error page (e.g. an expired CSRF token): reload the question for a fresh form.
      window.location.reload();
    }
  }

  // After a swap the focused element is gone: move focus to what the learner needs next.
  function onAfterSettle(event) {
    var elt = event.detail && event.detail.elt;
    if (elt && elt.matches && elt.matches("[data-report-box]")) {
      // The report form opened in place: focus its first choice (or its message); once sent,
      // the status line (a live region) says it is saved.
      var first = elt.querySelector("[role='alert'], input[type='radio'], [data-reported]");
      if (first && first.tagName.toLowerCase() !== "input") first.tabIndex = -1;
      if (first) first.focus();
      return;
    }
    if (elt && elt.matches && elt.matches("[data-timer-box]")) {
      // An extension swapped the countdown (and the dialog it came from): keep focus on the
      // extend button, or on the countdown when no extension is left; the note is a status.
      var focus = elt.querySelector("[data-extend='bar']");
      if (!focus) { focus = elt.querySelector("[data-deadline]"); if (focus) focus.tabIndex = -1; }
      if (focus) focus.focus();
      tick();
      return;
    }
    var root = panel();
    if (!root || !elt) return;
    if (event.detail.elt.id !== "question-panel" && !root.contains(event.detail.elt)) return;
    var target = root.querySelector("[data-autofocus]");
    if (target) target.focus({ preventScroll: false });
    // Keep "Next" in view below the feedback, so the next step is on screen.
    var next = root.querySelector("[data-next]");
    if (next && target && target.id === "feedback") next.scrollIntoView({ block: "nearest" });
    tick();
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  // Screen readers hear the time left only when it crosses a threshold (the timer itself is
  // role=timer, which is not read out by itself), and a learner who chose "let me extend" gets
  // a dialog 20 seconds before the end. State is keyed by deadline: an htmx swap re-renders the
  // countdown without repeating an announcement, and an extension (a new deadline) starts over.
  // The first tick of a deadline only records where it stands, so opening a question at
  // 4 minutes left says nothing until 1 minute is left.
  var THRESHOLDS = [10, 5, 1];
  var spoken = {};
  var warned = {};

  function crossed(left) {
    var current = null;
    THRESHOLDS.forEach(function (minutes) { if (left <= minutes * 60) current = minutes; });
    return current;
  }

  function announce(box, key, left) {
    var current = crossed(left);
    if (!(key in spoken)) { spoken[key] = current; return; }
    if (current === null || (spoken[key] !== null && current >= spoken[key])) return;
    spoken[key] = current;
    var region = box && box.querySelector("[data-timer-announce]");
    if (region) region.textContent = current === 1 ? "1 minute left." : current + " minutes left.";
  }

  function warn(timer, box, key, left) {
    var dialog = box && box.querySelector("dialog[data-time-warning]");
    if (!dialog || !timer.hasAttribute("data-extendable")) return;
    var out = dialog.querySelector("[data-warning-left]");
    if (out) out.textContent = String(left);
    var seconds = Number(timer.getAttribute("data-warn-seconds")) || 20;
    if (left > seconds || left === 0 || warned[key] || typeof dialog.showModal !== "function") return;
    warned[key] = true;
    dialog.showModal();
    var button = dialog.querySelector("[data-extend]");
    if (button) button.focus();
  }

  var leaving = false;
  function tick() {
    var timers = document.querySelectorAll("[data-deadline]");
    Array.prototype.forEach.call(timers, function (timer) {
      var key = timer.getAttribute("data-deadline");
      var deadline = Date.parse(key);
      if (isNaN(deadline)) return;
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var out = timer.querySelector("[data-remaining]");
      if (out) out.textContent = format(left);
      timer.classList.toggle("timer-low", left <= 300);
      var box = timer.closest("[data-timer-box]");
      announce(box, key, left);
      warn(timer, box, key, left);
      if (left === 0 && !leaving) {
        leaving = true;
        var url = timer.getAttribute("data-expired-url");
        if (url) window.location.assign(url);
      }
    });
  }

  document.addEventListener("keydown", onKey);
  document.addEventListener("htmx:beforeSwap", onBeforeSwap);
  document.addEventListener("htmx:afterSettle", onAfterSettle);
  document.addEventListener("DOMContentLoaded", tick);
  window.setInterval(tick, 1000);
})();
