// Busy indicator: a form marked data-busy disables its button and says it is working until the
// answer comes (uploads and questions can take seconds).
(function () {
  document.querySelectorAll("form[data-busy]").forEach(function (form) {
    form.addEventListener("submit", function () {
      form.setAttribute("aria-busy", "true");
      form.querySelectorAll("button[type=submit]").forEach(function (b) {
        b.disabled = true;
        b.textContent = form.getAttribute("data-busy");
      });
      var note = form.querySelector(".busy");
      if (note) { note.hidden = false; }
    });
  });
})();
