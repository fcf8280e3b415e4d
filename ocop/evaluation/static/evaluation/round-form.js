// New round: the units offered are those valid on the meeting date. When the date typed falls on the
// other side of the 01/7/2025 reform than the list shown (63 provinces and their districts before,
// 34 provinces after), reload the form for that date, keeping the fields typed so far.
// Static file: the CSP allows no inline script.
(function () {
  "use strict";
  function init() {
    var form = document.querySelector("[data-testid=round-form]");
    var date = document.getElementById("id_held_on");
    if (!form || !date) { return; }
    date.addEventListener("change", function () {
      var m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(date.value.trim());
      if (!m) { return; }
      var iso = m[3] + "-" + ("0" + m[2]).slice(-2) + "-" + ("0" + m[1]).slice(-2);
      var era = iso >= form.getAttribute("data-reform") ? "current" : "legacy";
      if (era === form.getAttribute("data-units-era")) { return; }
      var params = new URLSearchParams();
      ["name", "level", "held_on"].forEach(function (name) {
        var field = form.elements[name];
        if (field) { params.set(name, field.value); }
      });
      window.location.assign(window.location.pathname + "?" + params.toString());
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
