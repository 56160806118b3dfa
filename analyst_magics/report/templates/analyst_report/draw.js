(function () {
  "use strict";
  var charts = document.querySelectorAll(".am-chart[data-figure]");
  var pending = [];
  charts.forEach(function (el) {
    var figure = JSON.parse(el.getAttribute("data-figure"));
    var layout = Object.assign({ autosize: true }, figure.layout || {});
    pending.push(Plotly.newPlot(el, figure.data || [], layout,
      { responsive: true, displaylogo: false }));
  });
  Promise.all(pending).then(function () {
    document.documentElement.setAttribute("data-charts-drawn", String(charts.length));
  });
})();
