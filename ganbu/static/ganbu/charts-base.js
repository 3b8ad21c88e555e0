// What every ECharts chart of the site goes through (GanbuCharts.make), loaded after the vendored
// echarts.min.js and before a page's chart script.
//
// The Content-Security-Policy (style-src 'self', no 'unsafe-inline') refuses style="…" markup.
// ECharts' canvas renderer only sets element styles through the CSSOM (el.style.x = …, cssText),
// which the policy allows, but its default HTML tooltip writes its content with innerHTML full of
// style attributes: hundreds of refused inline styles per page as the pointer moves. make() draws
// every tooltip into the canvas instead (renderMode "richText": no markup at all, so a unit name
// is never parsed as HTML either). Tooltip formatters therefore return plain text ("\n", not
// "<br>"). The SVG renderer is not used: it writes style attributes on its elements.
(function () {
  "use strict";
  if (typeof echarts === "undefined") return;
  var charts = [];

  function make(el, option) {
    var tooltips = option.tooltip ? [].concat(option.tooltip) : [];
    tooltips.forEach(function (t) {
      t.renderMode = "richText";
      t.confine = true; // drawn in the canvas: keep it inside the chart
    });
    option.animation = false;
    var chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    charts.push(chart);
    return chart;
  }

  // A phone-width chart (the 360 px phone gives a container of about 330 px): scripts switch to
  // a layout that stays readable there (horizontal bars, one row per category).
  function narrow(el) {
    return el.clientWidth < 520;
  }

  // Height for a horizontal bar chart with one row per category (CSSOM, allowed by the policy).
  function fitRows(el, rows, rowHeight, extra) {
    el.style.height = Math.max(200, rows * rowHeight + extra) + "px";
  }

  // Room for the category names left of horizontal bars: the longest name as ECharts draws it
  // (12px sans-serif), at most half the chart; a longer one is cut with an ellipsis (the tooltip
  // shows it whole). ECharts' own containLabel samples every other name past 40 and cut some.
  function labelRoom(el, labels) {
    var ctx = document.createElement("canvas").getContext("2d");
    ctx.font = "12px sans-serif";
    var widest = Math.max.apply(null, labels.map(function (s) { return ctx.measureText(String(s)).width; }).concat([0]));
    return Math.ceil(Math.min(widest, el.clientWidth * 0.5)) + 12;
  }

  window.addEventListener("resize", function () {
    charts.forEach(function (c) { c.resize(); });
  });

  // One colour per gender on every chart of the site (the pyramid, the gender pie, the forecast).
  var GENDER = { "男": "#1565c0", "女": "#b71c1c" };

  window.GanbuCharts = { make: make, narrow: narrow, fitRows: fitRows, labelRoom: labelRoom, GENDER: GENDER };
})();
