// Every chart's first paint is drawn on the server (static SVG), so the page is whole without
// this script. When a pointer first comes onto a chart (a mouse over it, a finger on it),
// plotly.js (the bundle named by this script's data-plotly) loads and redraws that chart from
// the figure data embedded with json_script, with its hover values: a page nobody points at
// never loads plotly.js.
(function () {
  "use strict";
  const script = document.currentScript;
  const bundle = script && script.dataset.plotly;
  let loading = null;

  function loadPlotly() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        const tag = document.createElement("script");
        tag.src = bundle;
        tag.addEventListener("load", resolve);
        tag.addEventListener("error", reject);
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source || !window.Plotly) return;
    const figure = JSON.parse(source.textContent);
    element.replaceChildren();
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
    });
  }

  function makeInteractive(element) {
    if (!bundle || element.dataset.interactive) return;
    element.dataset.interactive = "true";
    loadPlotly().then(function () {
      draw(element);
    }, function () {
      delete element.dataset.interactive; // the static chart stays; try again next time
      loading = null;
    });
  }

  document.querySelectorAll("[data-chart]").forEach(function (element) {
    element.addEventListener("pointerenter", function () {
      makeInteractive(element);
    });
  });
  // A chart drawn, then hidden in a closed <details>, fits its width again when it opens.
  document.querySelectorAll("details").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || !window.Plotly) return;
      details.querySelectorAll("[data-chart].js-plotly-plot").forEach(function (element) {
        window.Plotly.Plots.resize(element);
      });
    });
  });
})();
