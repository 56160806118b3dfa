(function () {
  "use strict";
  // A table wider than the page is split into tables of as many columns as fit, each repeating
  // the row labels, so no column is cut off on paper (or hidden behind a scroll bar).
  function cells(row) { return Array.prototype.slice.call(row.cells); }
  function splitWide(table) {
    var room = table.parentElement.clientWidth;
    if (table.scrollWidth <= room + 1) { return; }
    var rows = Array.prototype.slice.call(table.rows);
    var n = rows.length ? rows[0].cells.length : 0;
    var plain = n > 1 && rows.every(function (r) {
      return r.cells.length === n && cells(r).every(function (c) {
        return c.colSpan === 1 && c.rowSpan === 1;
      });
    });
    if (!plain) { table.classList.add("am-wide"); return; }
    var labels = rows.slice(1).every(function (r) { return r.cells[0].tagName === "TH"; }) ? 1 : 0;
    var widths = cells(rows[0]).map(function (c) { return c.getBoundingClientRect().width; });
    var lead = labels ? widths[0] : 0, groups = [[]], used = lead;
    for (var j = labels; j < n; j++) {
      var group = groups[groups.length - 1];
      if (group.length && used + widths[j] > room) { groups.push([]); used = lead; }
      groups[groups.length - 1].push(j);
      used += widths[j];
    }
    groups.forEach(function (columns, g) {
      var part = table.cloneNode(false);
      part.classList.add("am-split");
      if (g > 0) { part.createCaption().textContent = "(continued)"; }
      Array.prototype.forEach.call(table.children, function (section) {
        if (section.tagName === "CAPTION") { return; }
        var copy = section.cloneNode(false);
        Array.prototype.forEach.call(section.rows, function (row) {
          var line = row.cloneNode(false);
          (labels ? [0] : []).concat(columns).forEach(function (k) {
            line.appendChild(row.cells[k].cloneNode(true));
          });
          copy.appendChild(line);
        });
        part.appendChild(copy);
      });
      table.parentNode.insertBefore(part, table);
    });
    table.parentNode.removeChild(table);
  }
  document.querySelectorAll(".jp-OutputArea table, .jp-RenderedMarkdown table").forEach(
    splitWide);
  // A heading cell and the short cell it introduces (a finding and its chart) are kept on one
  // page; a taller pair would leave most of a page blank, so it may break.
  var KEEP_PX = 480;
  document.querySelectorAll(".jp-MarkdownCell").forEach(function (cell) {
    var next = cell.nextElementSibling;
    if (cell.querySelector("h3") && next && next.classList.contains("jp-CodeCell") &&
        cell.offsetHeight + next.offsetHeight < KEEP_PX) {
      var keep = document.createElement("div");
      keep.className = "am-keep";
      cell.parentNode.insertBefore(keep, cell);
      keep.appendChild(cell);
      keep.appendChild(next);
    }
  });
  // A long title on lines of at most ``width`` characters (Plotly does not wrap titles).
  function wrapped(text, width) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > width) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    lines.push(line);
    return lines.join("<br>");
  }
  var charts = document.querySelectorAll(".am-chart[data-figure]");
  var pending = [];
  if (charts.length && typeof Plotly !== "undefined") {
    charts.forEach(function (el) {
      var figure = JSON.parse(el.getAttribute("data-figure"));
      var layout = Object.assign({ autosize: true }, figure.layout || {});
      if (el.closest(".celltag_am-summary-charts")) {  // small multiples: small titles
        var title = (layout.title && layout.title.text) || "";
        layout.title = Object.assign({}, layout.title, { text: wrapped(title, 34),
                                                          font: { size: 12 } });
        layout.margin = { l: 48, r: 12, t: 44, b: 56 };
      }
      pending.push(Plotly.newPlot(el, figure.data || [], layout,
        { responsive: true, displaylogo: false }));
    });
  }
  // Printed from a browser at another width than the window's: charts follow the paper.
  window.addEventListener("beforeprint", function () {
    charts.forEach(function (el) { if (el.data) { Plotly.Plots.resize(el); } });
  });
  Promise.all(pending).then(function () {
    document.documentElement.setAttribute("data-charts-drawn", String(pending.length));
  });
})();
