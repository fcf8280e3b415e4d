// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Put keyboard focus on the first field with an error so screen-reader users hear it.
  var firstError = document.querySelector(".field.has-error input, .field.has-error select, .field.has-error textarea");
  if (firstError) { firstError.focus(); }
});

// Buttons that print the page (no inline onclick: the content security policy forbids inline scripts).
document.addEventListener("click", function (event) {
  var target = event.target.closest ? event.target.closest("[data-action='print']") : null;
  if (target) { event.preventDefault(); window.print(); }
});

// Navigation menus (<details>): close the open one when clicking elsewhere or pressing Escape.
document.addEventListener("click", function (event) {
  document.querySelectorAll(".mainnav details[open]").forEach(function (menu) {
    if (!menu.contains(event.target)) { menu.removeAttribute("open"); }
  });
});
document.addEventListener("keydown", function (event) {
  if (event.key !== "Escape") { return; }
  document.querySelectorAll(".mainnav details[open]").forEach(function (menu) {
    menu.removeAttribute("open");
    menu.querySelector("summary").focus();
  });
});
