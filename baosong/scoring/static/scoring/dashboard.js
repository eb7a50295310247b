// Dashboard charts (ECharts, served locally). Data comes from the page's json_script block.
(function () {
  const el = document.getElementById("charts-data");
  if (!el || !window.echarts) return;
  const data = JSON.parse(el.textContent);
  const red = "#b3261e", blue = "#1f5fa8";
  const font = { fontFamily: "Noto Sans CJK SC, Microsoft YaHei, sans-serif" };
  function chart(id, option) {
    const node = document.getElementById(id);
    if (!node) return;
    // Canvas, and a tooltip drawn on it (richText): the SVG renderer and the HTML tooltip write style
    // attributes, which the Content-Security-Policy refuses.
    const c = echarts.init(node, null, { renderer: "canvas" });
    if (option.tooltip) option.tooltip = Object.assign({ renderMode: "richText" }, option.tooltip);
    c.setOption(Object.assign({ textStyle: font, animation: false }, option));
    window.addEventListener("resize", () => c.resize());
  }
  chart("chart-trend", {
    tooltip: { trigger: "axis" }, legend: { data: ["报送", "采用"] }, grid: { left: 40, right: 16, bottom: 30 },
    xAxis: { type: "category", data: data.trend.map((t) => t.label) }, yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "报送", type: "line", data: data.trend.map((t) => t.submitted), color: blue },
      { name: "采用", type: "line", data: data.trend.map((t) => t.adopted), color: red },
    ],
  });
  chart("chart-levels", {
    tooltip: {}, grid: { left: 40, right: 16, bottom: 30 },
    xAxis: { type: "category", data: data.levels.map((l) => l.name) }, yAxis: { type: "value", minInterval: 1 },
    series: [{ type: "bar", data: data.levels.map((l) => l.value), color: red, barMaxWidth: 40 }],
  });
  // On a phone the labels beside a full-size ring were cut to "工…": a smaller ring, name over percentage.
  const narrow = window.matchMedia("(max-width: 640px)").matches;
  chart("chart-categories", {
    tooltip: { trigger: "item" },
    series: [{
      type: "pie", radius: narrow ? ["25%", "45%"] : ["35%", "65%"], data: data.categories,
      label: { formatter: narrow ? "{b}\n{d}%" : "{b} {d}%" },
    }],
  });
  chart("chart-units", {
    tooltip: { trigger: "axis" }, legend: { data: ["报送", "采用"] }, grid: { left: 40, right: 16, bottom: 60 },
    xAxis: { type: "category", data: data.units.map((u) => u.name), axisLabel: { interval: 0, rotate: 30 } },
    yAxis: { type: "value", minInterval: 1 },
    series: [
      { name: "报送", type: "bar", data: data.units.map((u) => u.submitted), color: blue },
      { name: "采用", type: "bar", data: data.units.map((u) => u.adopted), color: red },
    ],
  });
})();
