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
