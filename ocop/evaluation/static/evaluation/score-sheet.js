// The member's score sheet: the running total as options are chosen (the server computes the
// total again on submit; this is only a guide). Loaded as a static file (CSP: no inline script).
(function () {
  "use strict";
  function init() {
    var form = document.querySelector("[data-score-form]");
    if (!form) { return; }
    var out = document.querySelector("[data-running-total]");
    var answered = document.querySelector("[data-answered]");
    var names = {};
    form.querySelectorAll("input[type=radio][data-points]").forEach(function (input) { names[input.name] = true; });
    var count = Object.keys(names).length;
    function update() {
      var total = 0, done = 0;
      Object.keys(names).forEach(function (name) {
        var checked = form.querySelector("input[type=radio][name='" + name + "']:checked");
        if (checked) {
          done += 1;
          total += parseFloat(checked.getAttribute("data-points")) || 0;
        }
      });
      if (out) { out.textContent = (Math.round(total * 100) / 100).toLocaleString("vi-VN"); }
      if (answered) { answered.textContent = done + "/" + count; }
    }
    form.addEventListener("change", update);
    update();
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
