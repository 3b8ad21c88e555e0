(function () {
  var dataEl = document.getElementById("by-unit-data");
  var chartEl = document.getElementById("chart-by-unit");
  if (!dataEl || !chartEl || typeof echarts === "undefined") return;
  var rows = JSON.parse(dataEl.textContent);
  var chart = echarts.init(chartEl);
  chart.setOption({
    grid: { left: 40, right: 10, top: 20, bottom: 80 },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { rotate: 45, interval: 0 } },
    yAxis: { type: "value" },
    series: [{ type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#b71c1c" } }]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
