// Draws every chart on the page from figure data embedded with json_script, when the chart
// comes near the viewport (inside a <details>, once it opens): plotly.js (the bundle named by
// this script's data-plotly) loads only then, a chart nobody scrolls to costs nothing, and each
// chart is drawn in a task of its own so the page stays responsive while they draw.
(function () {
  "use strict";
  const charts = Array.from(document.querySelectorAll("[data-chart]"));
  const script = document.currentScript;
  const bundle = script && script.dataset.plotly;
  const queue = [];
  let loading = false;
  let scheduled = false;

  function draw(element) {
    const source = document.getElementById(element.dataset.chart);
    if (!source) return;
    const figure = JSON.parse(source.textContent);
    window.Plotly.newPlot(element, figure.data, figure.layout, {
      displayModeBar: false,
      responsive: true,
    });
  }

  function drawNext() {
    scheduled = false;
    const element = queue.shift();
    if (element) draw(element);
    if (queue.length) schedule();
  }

  function schedule() {
    if (scheduled) return;
    if (!window.Plotly) {
      if (loading || !bundle) return;
      loading = true;
      const tag = document.createElement("script");
      tag.src = bundle;
      tag.addEventListener("load", schedule);
      document.head.appendChild(tag);
      return;
    }
    scheduled = true;
    setTimeout(drawNext, 0);
  }

  function request(element) {
    queue.push(element);
    schedule();
  }

  if (!charts.length) return;
  if (!("IntersectionObserver" in window)) {
    charts.forEach(request);
    return;
  }
  const observer = new IntersectionObserver(
    function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        observer.unobserve(entry.target);
        request(entry.target);
      });
    },
    { rootMargin: "200px 0px" },
  );
  charts.forEach(function (element) {
    observer.observe(element);
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
