// The report form: add table rows without saving, and open on the summary of errors.
// A progressive enhancement (the form works without JavaScript: saving the draft adds blank rows);
// no inline script, so the content security policy (script-src 'self') holds.
(function () {
  "use strict";

  // t__<code>__<row>__<column>: the row index of a cell's name
  var CELL = /^(t__[a-z0-9_]+?__)(\d+)(__[a-z0-9_]+)$/;

  function addRow(button) {
    var counter = document.getElementById(button.getAttribute("data-table-for"));
    var table = document.querySelector("table[data-rows-input='" + counter.id + "']");
    if (!counter || !table) { return; }
    var body = table.tBodies[0];
    var last = body.rows[body.rows.length - 1];
    if (!last) { return; }
    var index = parseInt(counter.value, 10) || body.rows.length;
    var row = last.cloneNode(true);
    row.querySelectorAll("input, select, textarea").forEach(function (input) {
      var match = CELL.exec(input.name || "");
      if (match) { input.name = match[1] + index + match[3]; }
      if (input.tagName === "SELECT") { input.selectedIndex = 0; } else { input.value = ""; }
      var label = input.getAttribute("aria-label");
      if (label) { input.setAttribute("aria-label", label.replace(/\d+$/, String(index + 1))); }
      input.removeAttribute("id");
    });
    if (row.cells.length) { row.cells[0].textContent = String(index + 1); }
    body.appendChild(row);
    counter.value = String(index + 1);
    var first = row.querySelector("input, select, textarea");
    if (first) { first.focus(); }
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.add-row") : null;
    if (button) { event.preventDefault(); addRow(button); }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("button.add-row").forEach(function (button) { button.hidden = false; });
    document.querySelectorAll(".no-js-only").forEach(function (el) { el.hidden = true; });
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  });
})();
