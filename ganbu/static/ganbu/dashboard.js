// The dashboard's chart: active cadres per unit (data from json_script "by-unit-data").
(function () {
  var dataEl = document.getElementById("by-unit-data");
  var chartEl = document.getElementById("chart-by-unit");
  if (!dataEl || !chartEl || typeof GanbuCharts === "undefined") return;
  var rows = JSON.parse(dataEl.textContent);
  var names = rows.map(function (r) { return r.name; });
  var bars = { type: "bar", data: rows.map(function (r) { return r.count; }), itemStyle: { color: "#b71c1c" } };
  if (GanbuCharts.narrow(chartEl)) {
    // a phone: one row per unit, its name on the left and its count at the end of the bar
    GanbuCharts.fitRows(chartEl, rows.length, 22, 30);
    bars.label = { show: true, position: "right" };
    var room = GanbuCharts.labelRoom(chartEl, names);
    GanbuCharts.make(chartEl, {
      grid: { left: room, right: 30, top: 10, bottom: 10 },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", show: false },
      yAxis: { type: "category", inverse: true, data: names,
        axisLabel: { interval: 0, width: room - 10, overflow: "truncate" } },
      series: [bars]
    });
    return;
  }
  GanbuCharts.make(chartEl, {
    grid: { left: 10, right: 10, top: 20, bottom: 10, containLabel: true },
    tooltip: { trigger: "axis" },
    xAxis: { type: "category", data: names, axisLabel: { rotate: 45, interval: 0 } },
    yAxis: { type: "value" },
    series: [bars]
  });
})();
