// 综合考核 charts: the score composition of every unit of a category (stacked horizontal bars, one
// row per unit, one colour per first-level indicator, the bonus apart) and a unit's rank over the
// years (a line with rank 1 on top). Data from the page's json_script "assessment-charts".
(function () {
  "use strict";
  var source = document.getElementById("assessment-charts");
  if (!source || !window.GanbuCharts) return;
  var data = JSON.parse(source.textContent);

  (data.compositions || []).forEach(function (c) {
    var el = document.getElementById(c.id);
    if (!el) return;
    GanbuCharts.fitRows(el, c.units.length, 26, 90);
    GanbuCharts.make(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { top: 0, type: "scroll" },
      grid: { left: GanbuCharts.labelRoom(el, c.units), right: 16, top: 36, bottom: 24 },
      xAxis: { type: "value", name: "分", max: function (v) { return Math.ceil(v.max / 100) * 100; } },
      yAxis: { type: "category", data: c.units, inverse: true },
      series: c.series.map(function (s) {
        return { name: s.name, type: "bar", stack: "total", data: s.data };
      })
    });
  });

  var trend = data.trend;
  var el = trend && document.getElementById("chart-rank-trend");
  if (el && trend.years.length) {
    GanbuCharts.make(el, {
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 24, top: 24, bottom: 32 },
      xAxis: { type: "category", data: trend.years },
      yAxis: {
        type: "value", name: "名次", inverse: true, min: 1, max: Math.max.apply(null, trend.ranks.concat([2])),
        minInterval: 1, axisLabel: { formatter: function (v) { return Number.isInteger(v) ? String(v) : ""; } }
      },
      series: [{ name: "名次", type: "line", data: trend.ranks, label: { show: true } }]
    });
  }
})();
