// Behaviour of kgbp's pages, from a file: the Content-Security-Policy allows no inline script.
document.addEventListener("DOMContentLoaded", function () {
  // a select marked data-autosubmit sends its form when changed (the impact view's system)
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
});
