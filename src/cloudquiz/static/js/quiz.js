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
    if (!target || target.id !== "question-panel") return;
    var status = detail.xhr && detail.xhr.status;
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
    var root = panel();
    if (!root || !event.detail || !event.detail.elt) return;
    if (event.detail.elt.id !== "question-panel" && !root.contains(event.detail.elt)) return;
    var target = root.querySelector("[data-autofocus]");
    if (target) target.focus({ preventScroll: false });
    tick();
  }

  function format(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  var leaving = false;
  function tick() {
    var timers = document.querySelectorAll("[data-deadline]");
    Array.prototype.forEach.call(timers, function (timer) {
      var deadline = Date.parse(timer.getAttribute("data-deadline"));
      if (isNaN(deadline)) return;
      var left = Math.max(0, Math.round((deadline - Date.now()) / 1000));
      var out = timer.querySelector("[data-remaining]");
      if (out) out.textContent = format(left);
      timer.classList.toggle("timer-low", left <= 300);
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
