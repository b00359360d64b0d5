/* Public petition statistics: two charts from the JSON data block (no inline script; strict CSP; vendored ECharts). */
(function () {
  "use strict";
  var block = document.getElementById("petition-stats");
  if (!block || typeof echarts === "undefined") { return; }
  var d = JSON.parse(block.textContent);
  var charts = [];
  function pct(v) { return v === null || v === undefined ? "暂无数据" : v + "%"; }
  function draw(id, labels, volume, onTime, satisfaction, rotate) {
    var el = document.getElementById(id);
    if (!el) { return; }
    if (!volume.some(function (v) { return v > 0; })) { el.classList.add("pet-chart-empty"); el.textContent = "暂无数据"; return; }
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption({
      legend: { top: 0, textStyle: { fontSize: 11 } },
      grid: { left: 40, right: 40, top: 34, bottom: rotate ? 64 : 28 },
      tooltip: { trigger: "axis" },
      xAxis: { type: "category", data: labels, axisLabel: { fontSize: 10, rotate: rotate ? 40 : 0 } },
      yAxis: [{ type: "value", name: "件", minInterval: 1 }, { type: "value", name: "%", min: 0, max: 100 }],
      series: [
        { name: "受理量", type: "bar", data: volume, itemStyle: { color: "#1f4e9c" }, barMaxWidth: 24 },
        { name: "按时答复率", type: "line", yAxisIndex: 1, data: onTime, itemStyle: { color: "#2e8b57" }, tooltip: { valueFormatter: pct } },
        { name: "满意率", type: "line", yAxisIndex: 1, data: satisfaction, itemStyle: { color: "#d4822a" }, tooltip: { valueFormatter: pct } }
      ]
    });
    el.setAttribute("data-rendered", "chart");
    charts.push(chart);
  }
  draw("month-chart", d.months.map(function (m) { return m.slice(2).replace("-", "/"); }), d.volume, d.on_time, d.satisfaction, false);
  draw("county-chart", d.counties, d.county_volume, d.county_on_time, d.county_satisfaction, true);
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
