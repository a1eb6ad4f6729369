// Diagram controls: fit to width, zoom in/out, actual size. The diagram stays a scrollable,
// focusable region, so arrow keys scroll it; its boxes are links to the steps table.
(function () {
  document.querySelectorAll("[data-diagram-controls]").forEach(function (bar) {
    var region = document.getElementById(bar.getAttribute("data-diagram-controls"));
    var svg = region && region.querySelector("svg");
    if (!svg) { return; }
    var natural = parseFloat(svg.getAttribute("width")) || svg.getBoundingClientRect().width;
    var ratio = (parseFloat(svg.getAttribute("height")) || svg.getBoundingClientRect().height) / natural;
    if (!svg.getAttribute("viewBox")) { svg.setAttribute("viewBox", "0 0 " + natural + " " + natural * ratio); }
    var scale = 1;
    function apply(next) {
      scale = Math.min(4, Math.max(0.1, next));
      svg.setAttribute("width", String(natural * scale));
      svg.setAttribute("height", String(natural * ratio * scale));
      bar.querySelector("[data-zoom-level]").textContent = Math.round(scale * 100) + "%";
    }
    function fit() { apply((region.clientWidth - 2) / natural); }
    bar.addEventListener("click", function (e) {
      var action = e.target.closest("button") && e.target.closest("button").getAttribute("data-zoom");
      if (action === "fit") { fit(); }
      if (action === "in") { apply(scale * 1.25); }
      if (action === "out") { apply(scale / 1.25); }
      if (action === "actual") { apply(1); }
    });
    bar.hidden = false;
    if (natural > region.clientWidth) { fit(); }  // a wide blueprint opens fitted; zoom in to read
    else { apply(1); }
  });
})();
