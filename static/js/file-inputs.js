// File inputs in the page's language: the browser writes "Choose File / No file chosen" in its
// own language, whatever the page's. With JavaScript the native input is made transparent over
// a button and a line of text written by the server in the page's language (see .file-picker
// in portal.css); this keeps the line up to date with the file chosen. Without JavaScript the
// native input shows as usual.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".file-picker input[type=file]")) {
      return;
    }
    var current = input.parentNode.querySelector(".file-current");
    if (!current) {
      return;
    }
    if (!current.dataset.initial) {
      current.dataset.initial = current.textContent;
    }
    var names = Array.prototype.map.call(input.files || [], function (file) {
      return file.name;
    });
    current.textContent = names.length
      ? current.dataset.chosen + " " + names.join(", ")
      : current.dataset.initial;
  });
})();
