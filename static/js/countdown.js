// Live countdown to a call's deadline, in the page's language. The server renders the same
// text once, so the page reads correctly without JavaScript.
(function () {
  "use strict";
  var lang = document.documentElement.lang || "es";
  var words = {
    es: { closes: "Cierra en", opens: "Abre en", closed: "El plazo terminó." },
    en: { closes: "Closes in", opens: "Opens in", closed: "The deadline has passed." },
    "pt-br": { closes: "Fecha em", opens: "Abre em", closed: "O prazo terminou." }
  }[lang.toLowerCase()] || { closes: "", opens: "", closed: "" };
  var units = [["day", 86400], ["hour", 3600], ["minute", 60], ["second", 1]];

  function describe(seconds) {
    var parts = [];
    for (var i = 0; i < units.length && parts.length < 2; i++) {
      var amount = Math.floor(seconds / units[i][1]);
      if (amount > 0 || (parts.length === 0 && units[i][0] === "second")) {
        parts.push(new Intl.NumberFormat(lang, { style: "unit", unit: units[i][0], unitDisplay: "long" }).format(amount));
        seconds -= amount * units[i][1];
      }
    }
    return new Intl.ListFormat(lang, { style: "long", type: "conjunction" }).format(parts);
  }

  function tick() {
    document.querySelectorAll("[data-countdown]").forEach(function (el) {
      var target = new Date(el.getAttribute("data-countdown"));
      var seconds = Math.round((target - new Date()) / 1000);
      var kind = el.dataset.countdownKind === "opens" ? "opens" : "closes";
      if (seconds <= 0) {
        el.textContent = words.closed;
      } else if (words.closes) {
        el.textContent = words[kind] + " " + describe(seconds) + ".";
      }
    });
  }
  if (window.Intl && Intl.ListFormat) {
    tick();
    setInterval(tick, 1000);
  }
})();
