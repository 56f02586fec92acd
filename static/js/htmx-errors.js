// When an htmx request fails (an error answer, no network, a timeout), say so where the user
// acted: htmx itself swaps nothing and shows nothing, so an autosave or an upload would fail
// in silence. Nothing typed is lost: the form is left as it is.
//
// The messages come translated from the template (data attributes of #request-error in
// base.html); that element is also the page-level alert used when the request did not come
// from a form. No inline script: the content security policy forbids it.
(function () {
  "use strict";

  var FAILURES = ["htmx:responseError", "htmx:sendError", "htmx:timeout"];

  function pageRegion() {
    return document.getElementById("request-error");
  }

  function messageFor(detail) {
    var region = pageRegion();
    var verb = detail && detail.requestConfig ? detail.requestConfig.verb : "post";
    if (!region) {
      return "";
    }
    return verb === "get" ? region.dataset.loadMessage : region.dataset.saveMessage;
  }

  // The status area of the form the request came from: one marked [data-request-error] inside
  // it, or one made at its end. Outside any form, the page-level alert.
  function regionNear(element) {
    var form = element && element.closest ? element.closest("form") : null;
    if (!form) {
      return pageRegion();
    }
    var region = form.querySelector("[data-request-error]");
    if (!region) {
      region = document.createElement("p");
      region.className = "errorlist request-error";
      region.setAttribute("role", "alert");
      region.setAttribute("data-request-error", "");
      region.hidden = true;
      form.appendChild(region);
    }
    return region;
  }

  function show(event) {
    var detail = event.detail || {};
    var region = regionNear(detail.elt);
    var text = messageFor(detail);
    if (!region || !text) {
      return;
    }
    region.hidden = false;
    region.textContent = "";
    // Set the text after the region is in the accessibility tree, so it is announced.
    window.setTimeout(function () {
      region.textContent = text;
    }, 50);
  }

  function clear(event) {
    var detail = event.detail || {};
    if (!detail.successful) {
      return;
    }
    var region = regionNear(detail.elt);
    if (region && !region.hidden) {
      region.hidden = true;
      region.textContent = "";
    }
  }

  FAILURES.forEach(function (name) {
    document.addEventListener(name, show);
  });
  document.addEventListener("htmx:afterRequest", clear);
})();
