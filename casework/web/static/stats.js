// The statistics page's chart (统计分析): ECharts over the figures the page carries in a
// non-executed JSON block (<script type="application/json" id="stats-data">): the CSP allows
// no inline script. A bar (offices, kinds) or line (months, quarters) of the chosen metric;
// ungrouped, the chosen family's figures side by side. Clicking a bar or point opens the
// cases behind that figure, the page the table's link opens.
(function () {
  "use strict";
  function family(metric) { return metric.split(".")[0]; }

  function options(select, data) {
    if (data.by) {
      data.series.forEach(function (s, i) {
        var opt = document.createElement("option");
        opt.value = String(i);
        opt.textContent = s.label + " (" + s.metric + ")";
        select.appendChild(opt);
      });
      return;
    }
    var seen = {};
    data.series.forEach(function (s) {
      var f = family(s.metric);
      if (seen[f]) { return; }
      seen[f] = true;
      var opt = document.createElement("option");
      opt.value = f;
      opt.textContent = f;
      select.appendChild(opt);
    });
  }

  function picture(data, choice) {
    if (data.by) {
      var s = data.series[Number(choice)] || data.series[0];
      var line = data.by === "month" || data.by === "quarter";
      return {
        names: data.groups, values: s.values, links: s.links, title: s.label,
        type: line ? "line" : "bar"
      };
    }
    var chosen = data.series.filter(function (s) { return family(s.metric) === choice; });
    return {
      names: chosen.map(function (s) { return s.label; }),
      values: chosen.map(function (s) { return s.values[0]; }),
      links: chosen.map(function (s) { return s.links[0]; }),
      title: choice, type: "bar"
    };
  }

  function draw(chart, p) {
    chart.setOption({
      title: { text: p.title, left: "center", textStyle: { fontSize: 14 } },
      tooltip: { trigger: "axis" },
      grid: { left: 48, right: 16, bottom: 90, top: 40 },
      xAxis: { type: "category", data: p.names, axisLabel: { rotate: 40, interval: 0 } },
      yAxis: { type: "value" },
      series: [{ type: p.type, data: p.values, name: p.title }]
    }, true);
    chart.off("click");
    chart.on("click", function (event) {
      var link = p.links[event.dataIndex];
      if (link) { window.location.assign(link); }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var box = document.querySelector("[data-chart]");
    if (!box || typeof echarts === "undefined") { return; }
    var block = document.getElementById(box.getAttribute("data-chart"));
    var data = JSON.parse(block.textContent);
    if (!data.series.length) { return; }
    var select = document.querySelector("[data-chart-select]");
    options(select, data);
    var chart = echarts.init(box, null, { renderer: "canvas" });
    draw(chart, picture(data, select.value));
    select.addEventListener("change", function () { draw(chart, picture(data, select.value)); });
    window.addEventListener("resize", function () { chart.resize(); });
    box.setAttribute("data-ready", "1");
  });
})();
