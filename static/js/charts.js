// Draws every chart on the page from figure data embedded with json_script.
(function () {
  "use strict";
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) return;
    const figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
    });
  });
})();
// A chart drawn inside a closed <details> has no width yet: fit it when the details open.
document.querySelectorAll("details").forEach(function (details) {
  details.addEventListener("toggle", function () {
    if (!details.open || !window.Plotly) return;
    details.querySelectorAll("[data-chart]").forEach(function (element) {
      window.Plotly.Plots.resize(element);
    });
  });
});
