/* Draws a PlanView (lib/indicators/plan-view.ts) into a container: the balance before and after
 * placement (uPlot), a Gantt strip per device, and the warnings. Shared by the editor sidebar and
 * the /elfe/plan page. Browser code, no build step. */
(function (global) {
  "use strict";
  var COLORS = { start: "#3a7bd5", on: "#2e9e5b", power: "#e08a1e" };
  /** Width of the y axis, where the device names of the Gantt rows also go, so strips align with the curves. */
  var GUTTER = 130;

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      e.setAttribute(k, attrs[k]);
    });
    if (text !== undefined) e.textContent = text;
    return e;
  }

  function draw(container, view, uPlot, options) {
    options = options || {};
    container.innerHTML = "";
    if (!view) {
      container.appendChild(el("p", { class: "elfe-plan-empty" }, options.emptyText || "No plan yet."));
      return null;
    }
    var width = Math.max(280, options.width || container.clientWidth || 600);
    var head = el("div", { class: "elfe-plan-head" });
    head.appendChild(el("b", {}, view.territory + " · " + view.firstValidTimestamp));
    head.appendChild(
      el("span", { class: "elfe-plan-summary" },
        " · " + view.summary.deviceCount + " devices · imports " + (view.summary.objectiveWh / 1000).toFixed(1) + " kWh · " +
        view.summary.method + " " + view.summary.solveMs + " ms"),
    );
    container.appendChild(head);

    var chartBox = el("div", { class: "elfe-plan-curves" });
    container.appendChild(chartBox);

    var slots = view.times.length;
    var gantt = el("div", { class: "elfe-plan-gantt" });
    view.devices.forEach(function (d) {
      var row = el("div", { class: "elfe-plan-row", "data-device": d.deviceId });
      row.appendChild(el("span", { class: "elfe-plan-device", title: d.kind + " · " + d.deviceId }, d.name || d.deviceId));
      var strip = el("span", { class: "elfe-plan-strip" });
      d.spans.forEach(function (s) {
        var bar = el("i", {
          class: "elfe-plan-span elfe-plan-" + s.kind,
          title: view.labels[s.from] + "–" + (view.labels[s.to] || "end") + (s.powerW ? " · " + s.powerW + " W" : ""),
        });
        bar.style.left = (100 * s.from) / slots + "%";
        bar.style.width = Math.max(0.6, (100 * (s.to - s.from)) / slots) + "%";
        bar.style.background = COLORS[s.kind];
        strip.appendChild(bar);
      });
      row.appendChild(strip);
      gantt.appendChild(row);
    });
    container.appendChild(gantt);

    /** The strips span exactly the plotting area of the curves above them, the names sit under the y axis. */
    function alignGantt(u) {
      var left = parseFloat(u.over.style.left) || 0;
      var width = parseFloat(u.over.style.width) || 0;
      Array.prototype.forEach.call(gantt.children, function (row) {
        row.children[0].style.width = left + "px";
        row.children[1].style.width = width + "px";
      });
    }

    var names = options.curveNames || ["balance without flexible loads (W)", "balance with flexible loads (W)"];
    var plot = new uPlot(
      {
        width: width,
        height: options.height || 220,
        scales: { x: { time: true } },
        // Times on the axis in the territory's zone, whatever the browser's zone.
        tzDate: function (ts) {
          return uPlot.tzDate(new Date(ts * 1e3), view.zone);
        },
        series: [
          {},
          { label: names[0], stroke: "#8c8c8c", width: 1.5, dash: [6, 4] },
          { label: names[1], stroke: "#2e9e5b", width: 2, fill: "rgba(46,158,91,0.12)" },
        ],
        axes: [{}, { size: options.gutter || GUTTER }],
        legend: { live: false },
        hooks: { ready: [alignGantt], setSize: [alignGantt] },
      },
      [view.times, view.withoutFlexW, view.withFlexW],
      chartBox,
    );

    if (view.warnings.length) {
      var list = el("ul", { class: "elfe-plan-warnings" });
      view.warnings.forEach(function (w) {
        list.appendChild(el("li", {}, w.code + (w.deviceId ? " · " + w.deviceId : "") + ": " + w.message));
      });
      container.appendChild(list);
    }
    return plot;
  }

  global.ElfePlanChart = { draw: draw };
})(typeof window !== "undefined" ? window : this);
