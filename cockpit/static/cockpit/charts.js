// The 效果 panel's charts: Plotly (served from our static files), data from json_script.
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("cockpit-chart-data");
    if (!source || typeof window.Plotly === "undefined") return;
    var charts = JSON.parse(source.textContent);
    var colours = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa"];
    document.querySelectorAll("[data-cockpit-chart]").forEach(function (node) {
      var table = charts[node.getAttribute("data-cockpit-chart")];
      if (!table) return;
      var line = node.getAttribute("data-cockpit-kind") === "line";
      var traces = table.series.map(function (series, i) {
        return {
          type: line ? "scatter" : "bar",
          mode: line ? "lines+markers" : undefined,
          name: series.name,
          x: table.labels,
          y: series.values,
          marker: { color: colours[i % colours.length] },
          line: line ? { color: colours[i % colours.length] } : undefined,
        };
      });
      window.Plotly.newPlot(
        node,
        traces,
        {
          barmode: "group",
          height: 280,
          margin: { l: 48, r: 12, t: 12, b: 48 },
          legend: { orientation: "h", y: -0.2 },
          font: { family: '"Noto Sans CJK SC", "Noto Sans SC", system-ui, sans-serif', size: 12 },
          xaxis: { type: "category", automargin: true },
          yaxis: { rangemode: "tozero", automargin: true },
        },
        { displayModeBar: false, responsive: true, locale: "zh-CN" }
      );
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
