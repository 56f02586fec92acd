// Where keyboard and screen-reader users land when the page changes under them.
//
// - On load, an error summary (a form sent back with errors) or an error message of the page
//   takes the focus: otherwise focus stays on the top of the page and the problem goes unheard.
// - After an htmx swap, the new content marked [data-focus-after-swap] (an upload accepted or
//   refused, filter results) takes the focus when the user submitted or clicked (the button
//   they used may be gone); when the swap came from typing, focus stays where they type. In
//   both cases the result is read out through one polite live region (#announcer): live regions
//   that arrive inside swapped content are not announced reliably.
//
// Text comes from the templates (data-announce, or the marked element's own text). No inline
// script: the content security policy forbids it.
(function () {
  "use strict";

  function focusOn(element) {
    if (!element) {
      return;
    }
    if (!element.matches("a[href], button, input, select, textarea, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus();
  }

  function announcer() {
    var region = document.getElementById("announcer");
    if (!region) {
      region = document.createElement("div");
      region.id = "announcer";
      region.className = "visually-hidden";
      region.setAttribute("role", "status");
      region.setAttribute("aria-live", "polite");
      document.body.appendChild(region);
    }
    return region;
  }

  function announce(text) {
    var region = announcer();
    region.textContent = "";
    // A change after an empty pause is read even when the text is the same as before.
    window.setTimeout(function () {
      region.textContent = text;
    }, 100);
  }

  function pageProblem() {
    var summary = document.querySelector(".error-summary");
    if (summary) {
      return summary;
    }
    var error = document.querySelector(".messages .message-error");
    return error ? error.closest(".messages") : null;
  }

  document.addEventListener("DOMContentLoaded", function () {
    announcer();
    focusOn(pageProblem());
  });

  function byUser(detail) {
    var config = detail.requestConfig || {};
    var trigger = config.triggeringEvent;
    return !trigger || trigger.type === "submit" || trigger.type === "click";
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail || {};
    var root = detail.target || detail.elt;
    if (!root || !root.querySelector) {
      return;
    }
    var target = root.matches("[data-focus-after-swap]")
      ? root
      : root.querySelector("[data-focus-after-swap]");
    if (!target) {
      return;
    }
    if (byUser(detail)) {
      focusOn(target);
    }
    var text = target.getAttribute("data-announce") || target.textContent;
    announce(text.replace(/\s+/g, " ").trim());
  });
})();
