// Charts of the 驻村 report pages (ECharts, through GanbuCharts.make: tooltips drawn in the canvas,
// no inline styles under the CSP). Data comes from the <script type="application/json"
// id="report-data"> block written by json_script; no inline scripts (CSP).
(function () {
  "use strict";
  if (typeof GanbuCharts === "undefined") return;
  var RED = "#b71c1c";
  var BLUE = "#1565c0";
  var GREY = "#9e9e9e";
  var STATUS_COLORS = { accepted: "#f9a825", in_progress: BLUE, resolved: "#2e7d32", escalated: "#6a1b9a" };
  var source = document.getElementById("report-data");
  if (!source) return;
  var data = JSON.parse(source.textContent);

  function make(id, option) {
    var el = document.getElementById(id);
    if (!el) return;
    GanbuCharts.make(el, typeof option === "function" ? option(el) : option);
  }

  if (data.coverage) {
    make("chart-coverage", function (el) {
      var c = data.coverage;
      var tooltip = { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v + "%"; } };
      var legend = { data: ["走访覆盖率", "周走访达标率"], bottom: 0 };
      var coverage = { name: "走访覆盖率", type: "bar", data: c.coverage.map(Number), itemStyle: { color: RED } };
      var quota = { name: "周走访达标率", type: "bar", data: c.quota.map(Number), itemStyle: { color: BLUE } };
      if (GanbuCharts.narrow(el)) {
        // a phone: one row per township (village), the rates at the ends of the bars
        GanbuCharts.fitRows(el, c.labels.length, 40, 70);
        coverage.label = { show: true, position: "right", formatter: "{c}%" };
        quota.label = { show: true, position: "right", formatter: "{c}%", color: BLUE };
        var room = GanbuCharts.labelRoom(el, c.labels);
        return {
          tooltip: tooltip, legend: legend,
          grid: { left: room, right: 50, top: 10, bottom: 40 },
          xAxis: { type: "value", max: 100, show: false },
          yAxis: { type: "category", inverse: true, data: c.labels,
            axisLabel: { interval: 0, width: room - 10, overflow: "truncate" } },
          series: [coverage, quota]
        };
      }
      coverage.label = { show: c.labels.length <= 15, position: "top", formatter: "{c}%" };
      return {
        tooltip: tooltip, legend: legend,
        grid: { left: 40, right: 10, top: 20, bottom: 70, containLabel: true },
        xAxis: { type: "category", data: c.labels, axisLabel: { interval: 0, rotate: c.labels.length > 6 ? 40 : 0 } },
        yAxis: { type: "value", max: 100, axisLabel: { formatter: "{value}%" } },
        series: [coverage, quota]
      };
    });
  }

  if (data.statuses) {
    make("chart-status", {
      tooltip: { trigger: "item", formatter: "{b}：{c} 件（{d}%）" },
      legend: { bottom: 0 },
      series: [{
        type: "pie", radius: ["35%", "65%"], center: ["50%", "45%"],
        label: { formatter: "{b}\n{c}件", overflow: "break" },
        data: data.statuses.map(function (s) {
          return { name: s.label, value: s.count, itemStyle: { color: STATUS_COLORS[s.status] || GREY } };
        })
      }]
    });
  }

  if (data.weekly) {
    make("chart-weekly", {
      tooltip: { trigger: "axis" },
      legend: { data: ["走访户次", "要求"], bottom: 0 },
      grid: { left: 36, right: 10, top: 20, bottom: 60 },
      xAxis: { type: "category", data: data.weekly.labels },
      yAxis: { type: "value", minInterval: 1 },
      dataZoom: data.weekly.labels.length > 26 ? [{ type: "inside" }, { type: "slider", height: 14, bottom: 24 }] : [],
      series: [
        { name: "走访户次", type: "bar", itemStyle: { color: RED }, data: data.weekly.visits.map(function (v, i) {
            var need = data.weekly.required[i];
            return { value: v, itemStyle: { color: need === null ? GREY : (v >= need ? "#2e7d32" : RED) } };
          }) },
        { name: "要求", type: "line", step: "middle", symbol: "none", connectNulls: false, data: data.weekly.required,
          itemStyle: { color: "#212121" }, lineStyle: { type: "dashed" } }
      ]
    });
  }

  if (data.monthly) {
    make("chart-monthly", {
      tooltip: { trigger: "axis" },
      legend: { data: ["工作记录", "走访户次", "诉求"], bottom: 0 },
      grid: { left: 36, right: 10, top: 20, bottom: 70 },
      xAxis: { type: "category", data: data.monthly.labels, axisLabel: { interval: 0, rotate: data.monthly.labels.length > 6 ? 40 : 0 } },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: "工作记录", type: "bar", data: data.monthly.logs, itemStyle: { color: BLUE } },
        { name: "走访户次", type: "bar", data: data.monthly.visits, itemStyle: { color: RED } },
        { name: "诉求", type: "line", data: data.monthly.requests, itemStyle: { color: "#f9a825" } }
      ]
    });
  }
})();
