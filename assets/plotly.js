// The plotly.js the web pages draw charts with: plotly.js's core (which holds the scatter
// trace) and the other trace types the app's figures use, bar and heatmap. `npm run build`
// (run by `make setup`) bundles it from the npm package plotly.js into
// assets/dist/plotly-valuecurve.min.js; valuecurve/charts.py PLOTLY_BUNDLE_TRACES lists the
// same types and tests/test_chart_bundle.py checks both against the figures the pages embed.
"use strict";

const Plotly = require("plotly.js/lib/core");

Plotly.register([require("plotly.js/lib/bar"), require("plotly.js/lib/heatmap")]);

module.exports = Plotly;
