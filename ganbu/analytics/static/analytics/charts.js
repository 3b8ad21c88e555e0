// Charts of the analysis pages (ECharts, through GanbuCharts.make: tooltips drawn in the canvas,
// no inline styles under the CSP). Data comes from <script type="application/json"> blocks written
// by json_script; no inline scripts (CSP).
(function () {
  "use strict";
  if (typeof GanbuCharts === "undefined") return;
  var RED = "#b71c1c";
  var PALETTE = ["#b71c1c", "#1565c0", "#f9a825", "#2e7d32", "#6a1b9a", "#00838f", "#8d6e63"];
  var PIE_DIMENSIONS = { gender: 1, political: 1, ethnicity: 1, leadership: 1 };

  function data(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function percent(v) {
    return v + "%";
  }

  function make(el, option) {
    option.color = option.color || PALETTE;
    return GanbuCharts.make(el, option);
  }

  function dimensionChart(el, dimension) {
    var labels = dimension.categories.map(function (c) { return c.label; });
    if (PIE_DIMENSIONS[dimension.key]) {
      make(el, {
        tooltip: { trigger: "item", formatter: "{b}：{c} 人（{d}%）" },
        legend: { bottom: 0 },
        series: [{
          type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
          // break a long name (「非领导职务」) rather than cut it at a phone's edge
          label: { formatter: "{b}\n{c}人", overflow: "break" },
          data: dimension.categories.map(function (c) {
            var item = { name: c.label, value: c.count };
            if (dimension.key === "gender" && GanbuCharts.GENDER[c.label]) {
              item.itemStyle = { color: GanbuCharts.GENDER[c.label] };
            }
            return item;
          })
        }]
      });
      return;
    }
    make(el, {
      tooltip: { trigger: "axis" },
      grid: { left: 40, right: 10, top: 20, bottom: 40 },
      xAxis: { type: "category", data: labels, axisLabel: { interval: 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [{
        type: "bar", data: dimension.categories.map(function (c) { return c.count; }),
        itemStyle: { color: RED },
        label: { show: true, position: "top", formatter: function (p) {
          return p.value + "人\n" + dimension.categories[p.dataIndex].percent + "%";
        } }
      }]
    });
  }

  // A symmetric axis with room beyond the longest bar for its figure (on a phone the figure of a
  // bar that reached the edge ran into the age labels).
  function pyramidAxis(rows) {
    var longest = Math.max.apply(null, rows.map(function (r) { return Math.max(r.men, r.women); }).concat([1]));
    var reach = longest * 1.2;  // a fifth more for the figure
    var power = Math.pow(10, Math.floor(Math.log(reach / 3) / Math.LN10));
    var step = [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].map(function (m) { return m * power; }).filter(function (s) {
      return s % 1 === 0 && s * 3 >= reach;  // whole people, about three steps a side
    })[0] || 1;
    var bound = Math.ceil(reach / step) * step;
    return { min: -bound, max: bound, interval: step };
  }

  function pyramid(el, rows) {
    var axis = pyramidAxis(rows);
    make(el, {
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (items) {
        return items[0].axisValue + "\n" + items.map(function (i) {
          return i.seriesName + "：" + Math.abs(i.value) + " 人";
        }).join("\n");
      } },
      legend: { data: ["男", "女"], bottom: 0 },
      grid: { left: 84, right: 20, top: 10, bottom: 40 },
      xAxis: { type: "value", min: axis.min, max: axis.max, interval: axis.interval,
        axisLabel: { formatter: function (v) { return Math.abs(v); } } },
      yAxis: { type: "category", data: rows.map(function (r) { return r.band; }) },
      series: [
        { name: "男", type: "bar", stack: "p", data: rows.map(function (r) { return -r.men; }), itemStyle: { color: GanbuCharts.GENDER["男"] },
          label: { show: true, position: "left", formatter: function (p) { return Math.abs(p.value); } } },
        { name: "女", type: "bar", stack: "p", data: rows.map(function (r) { return r.women; }), itemStyle: { color: GanbuCharts.GENDER["女"] },
          label: { show: true, position: "right" } }
      ]
    });
  }

  var structure = data("structure-data");
  if (structure) {
    structure.dimensions.forEach(function (d) {
      var el = document.getElementById("chart-" + d.key);
      if (el) dimensionChart(el, d);
    });
    var py = document.getElementById("chart-pyramid");
    if (py) pyramid(py, structure.pyramid);
  }

  var comparison = data("compare-data");
  if (comparison) {
    comparison.dimensions.forEach(function (d) {
      var el = document.getElementById("compare-" + d.key);
      if (!el) return;
      make(el, {
        tooltip: { trigger: "axis", valueFormatter: percent },
        legend: { data: [comparison.before, comparison.after], bottom: 0 },
        grid: { left: 40, right: 10, top: 20, bottom: 50 },
        xAxis: { type: "category", data: d.categories, axisLabel: { interval: 0 } },
        yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
        series: [
          { name: comparison.before, type: "bar", data: d.before.map(Number), itemStyle: { color: "#9e9e9e" } },
          { name: comparison.after, type: "bar", data: d.after.map(Number), itemStyle: { color: RED } }
        ]
      });
    });
  }

  var composition = data("composition-data");
  var popEl = document.getElementById("chart-population");
  if (composition && popEl) {
    var rows = composition.population;
    make(popEl, {
      tooltip: { trigger: "axis", valueFormatter: percent },
      legend: { data: ["实际占比", "目标"], bottom: 0 },
      grid: { left: 40, right: 10, top: 20, bottom: 90 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.label; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
      series: [
        { name: "实际占比", type: "bar", data: rows.map(function (r) {
            return { value: Number(r.percent), itemStyle: { color: r.passed ? "#2e7d32" : RED } };
          }), label: { show: true, position: "top", formatter: "{c}%" } },
        { name: "目标", type: "scatter", symbol: "rect", symbolSize: [28, 3], itemStyle: { color: "#212121" },
          data: rows.map(function (r) { return Number(r.target); }) }
      ]
    });
  }

  var forecast = data("forecast-data");
  var fEl = document.getElementById("chart-forecast");
  if (forecast && fEl) {
    make(fEl, {
      tooltip: { trigger: "axis" },
      legend: { data: ["当年到龄", "其中妇女", "累计占比"], bottom: 0 },
      grid: { left: 40, right: 50, top: 30, bottom: 40 },
      xAxis: { type: "category", data: forecast.years },
      yAxis: [
        { type: "value", minInterval: 1, name: "人" },
        { type: "value", name: "%", axisLabel: { formatter: "{value}%" } }
      ],
      series: [
        { name: "当年到龄", type: "bar", data: forecast.reaching, itemStyle: { color: "#8d6e63" }, label: { show: true, position: "top" } },
        { name: "其中妇女", type: "bar", data: forecast.women, itemStyle: { color: GanbuCharts.GENDER["女"] } },
        { name: "累计占比", type: "line", yAxisIndex: 1, data: forecast.share.map(Number), itemStyle: { color: "#6a1b9a" }, tooltip: { valueFormatter: percent },
          label: { show: true, formatter: "{c}%" } }
      ]
    });
  }
})();
