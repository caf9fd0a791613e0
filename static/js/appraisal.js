// Appraisal pages, driven by data attributes (no inline handlers: see app.js).
//   <input data-weight="CODE">   a scheme's weights; <span data-weight-sum> shows their sum as
//                                you type, green at exactly 100, red otherwise.
//   <script id="chart-data">     the trend chart's figures (json_script) for #chart-trend.
(function () {
  "use strict";
  var sum = document.querySelector("[data-weight-sum]");
  function cents(text) {
    var value = String(text || "").trim();
    if (!/^-?\d+(\.\d{1,2})?$/.test(value)) return value === "" ? 0 : NaN;
    var parts = value.replace("-", "").split(".");
    var whole = parseInt(parts[0], 10) * 100 + (parts[1] ? parseInt((parts[1] + "0").slice(0, 2), 10) : 0);
    return value.charAt(0) === "-" ? -whole : whole;
  }
  function refresh() {
    var total = 0;
    document.querySelectorAll("[data-weight]").forEach(function (input) { total += cents(input.value); });
    var ok = total === 10000;
    sum.textContent = isNaN(total) ? "?" : (total / 100).toFixed(2);
    sum.classList.toggle(sum.dataset.okClass, ok);
    sum.classList.toggle(sum.dataset.badClass, !ok);
  }
  if (sum) {
    document.addEventListener("input", function (event) {
      if (event.target instanceof HTMLElement && event.target.hasAttribute("data-weight")) refresh();
    });
    refresh();
  }
  var data = document.getElementById("chart-data");
  var canvas = document.getElementById("chart-trend");
  if (data && canvas && window.Chart) {
    var chart = JSON.parse(data.textContent);
    new window.Chart(canvas, {
      data: {
        labels: chart.labels,
        datasets: [
          {type: "line", label: chart.total_label, data: chart.totals, borderColor: "#0d6efd", yAxisID: "y"},
          {type: "line", label: chart.rank_label, data: chart.ranks, borderColor: "#dc3545", borderDash: [6, 4], yAxisID: "rank"},
        ],
      },
      options: {
        maintainAspectRatio: false,
        scales: {
          y: {beginAtZero: true, position: "left"},
          rank: {reverse: true, min: 1, ticks: {precision: 0}, position: "right", grid: {drawOnChartArea: false}},
        },
      },
    });
  }
})();
