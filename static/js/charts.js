// Draws every figure on the page. Figures arrive as JSON in <script type="application/json">
// elements (Django's json_script), so the page needs no inline script and a strict CSP holds.
(function () {
  "use strict";

  // A chart is an image: its name is the figure's title, its description the summary, and
  // the table beside it holds the numbers. The role goes on plotly's drawing, not on the
  // element plotly draws into, because that element also holds plotly's toolbar, and an
  // image's content is not interactive (axe: nested-interactive). The layers drawn over the
  // drawing (legend, hover labels) say again what the image says; screen readers skip them.
  function describe(element) {
    element.querySelectorAll(".svg-container > svg").forEach(function (layer, index) {
      if (index === 0) {
        layer.setAttribute("role", "img");
        layer.setAttribute("aria-labelledby", element.dataset.labelledby);
        layer.setAttribute("aria-describedby", element.dataset.describedby);
      } else {
        layer.setAttribute("aria-hidden", "true");
      }
    });
  }

  function draw() {
    if (typeof Plotly === "undefined") {
      return;
    }
    document.querySelectorAll("[data-figure]").forEach(function (element) {
      var source = document.getElementById(element.dataset.figure);
      if (!source) {
        return;
      }
      var figure = JSON.parse(source.textContent);
      Plotly.newPlot(element, figure.data, figure.layout, {
        responsive: true,
        displaylogo: false,
        // The page's language: plotly.js uses it when its locale file for it is loaded.
        locale: document.documentElement.lang || "en",
        // "Share chart..." would upload the figure to Plotly Cloud.
        modeBarButtonsToRemove: ["select2d", "lasso2d", "sendChartToCloud"],
      }).then(function () {
        describe(element);
        element.dataset.drawn = "true";
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
