// Progressive enhancement only: every form also works without JavaScript.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // Language switcher: submit as soon as a language is chosen.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches && target.matches("select[data-autosubmit]")) {
      target.form.submit();
    }
  });
})();
