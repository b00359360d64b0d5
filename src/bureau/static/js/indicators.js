/* Indicators dashboard: charts from the JSON data block (no inline script; strict CSP). */
(function () {
  "use strict";
  var block = document.getElementById("indicator-data");
  if (!block || typeof echarts === "undefined") { return; }
  var data = JSON.parse(block.textContent);
  var byCode = {};
  data.indicators.forEach(function (ind) { byCode[ind.code] = ind; });
  var charts = [];
  var blue = "#1f4e9c";

  function hasData(values) { return values.some(function (v) { return v !== null; }); }

  function empty(el) {
    el.classList.add("ind-chart-empty");
    el.textContent = "暂无数据";
    el.setAttribute("data-rendered", "empty");
  }

  document.querySelectorAll("[data-month-chart]").forEach(function (el) {
    var ind = byCode[el.getAttribute("data-month-chart")];
    if (!ind || !hasData(ind.months)) { empty(el); return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      grid: { left: 36, right: 8, top: 10, bottom: 22 },
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "暂无数据" : v + (ind.unit === "%" ? "%" : " " + ind.unit); } },
      xAxis: { type: "category", data: data.months.map(function (m) { return m.slice(5) + "月"; }), axisLabel: { fontSize: 10 } },
      yAxis: { type: "value", axisLabel: { fontSize: 10 } },
      series: [{ type: "line", data: ind.months, connectNulls: false, smooth: false, symbolSize: 5,  // straight segments: a rate never drawn below 0 or above 100
                 itemStyle: { color: blue }, areaStyle: { opacity: 0.08 } }]
    });
    el.setAttribute("data-rendered", "chart");
    charts.push(chart);
  });

  var countyEl = document.getElementById("county-chart");
  var select = document.getElementById("county-indicator");
  var countyChart = null;
  function drawCounty() {
    var ind = byCode[select.value];
    if (!ind || !hasData(ind.counties)) {
      if (countyChart) { charts.splice(charts.indexOf(countyChart), 1); countyChart.dispose(); countyChart = null; }
      empty(countyEl);
      return;
    }
    countyEl.classList.remove("ind-chart-empty");
    if (!countyChart) {
      countyEl.textContent = "";  // only before the chart exists: clearing later would remove the chart's own DOM
      countyChart = echarts.init(countyEl, null, { renderer: "svg" });
      charts.push(countyChart);
    }
    countyChart.setOption({
      grid: { left: 40, right: 10, top: 16, bottom: 60 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: data.counties, axisLabel: { rotate: 40, fontSize: 11 } },
      yAxis: { type: "value", name: ind.unit },
      series: [{ type: "bar", data: ind.counties, itemStyle: { color: blue }, barMaxWidth: 28 }]
    }, true);
    countyEl.setAttribute("data-rendered", "chart");
  }
  if (countyEl && select) { select.addEventListener("change", drawCounty); drawCounty(); }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
