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
