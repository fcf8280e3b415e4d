// Small progressive enhancements; every page works without JavaScript.
document.addEventListener("DOMContentLoaded", function () {
  // Put keyboard focus on the first field with an error so screen-reader users hear it.
  var firstError = document.querySelector(".field.has-error input, .field.has-error select, .field.has-error textarea");
  if (firstError) { firstError.focus(); }
});
