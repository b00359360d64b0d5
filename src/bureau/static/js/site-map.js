/* The four-colour site map (安全风险四色分布图): the enterprise's own plan image with its risk points drawn as
   coloured markers in SVG. No map tiles, no outside requests: the plan comes from this site's storage. Positions are
   fractions of the plan's width and height. When the placement form is on the page, a click (or tap) on the map
   fills its x/y fields (in %); the fields can also be typed, so placing works without a pointer. */
(function () {
  "use strict";
  var block = document.getElementById("site-map-data");
  var host = document.getElementById("site-map");
  if (!block || !host) { return; }
  var data = JSON.parse(block.textContent);
  if (!data.plan) { return; }
  var NS = "http://www.w3.org/2000/svg";
  var COLOURS = { red: "#b42318", orange: "#9a4a00", yellow: "#f5c518", blue: "#1f6fd1" };  // as the risk-* classes
  var W = data.plan.width, H = data.plan.height;
  var unit = Math.max(W, H) / 100;

  function el(name, attrs) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  var svg = el("svg", { viewBox: "0 0 " + W + " " + H, preserveAspectRatio: "xMidYMid meet", focusable: "false",
                        "aria-hidden": "true" });
  svg.appendChild(el("image", { href: data.plan.url, x: 0, y: 0, width: W, height: H }));
  var layer = el("g", {});
  svg.appendChild(layer);
  host.appendChild(svg);

  function marker(point, extra) {
    var g = el("g", { "class": "site-map-point", "data-id": point.id });
    var cx = point.x * W, cy = point.y * H;
    var title = el("title", {});
    title.textContent = point.name + "（" + point.level_label + "）";
    g.appendChild(title);
    g.appendChild(el("circle", { cx: cx, cy: cy, r: 1.6 * unit, fill: COLOURS[point.level] || "#666",
                                 "fill-opacity": 0.85, stroke: "#fff", "stroke-width": 0.35 * unit }));
    var label = el("text", { x: cx + 2.2 * unit, y: cy + 0.8 * unit, "font-size": 2.2 * unit,
                             "paint-order": "stroke", stroke: "#fff", "stroke-width": 0.5 * unit, fill: "#1b1f29" });
    label.textContent = point.name;
    g.appendChild(label);
    if (extra) { g.setAttribute("class", "site-map-point site-map-pending"); }
    return g;
  }

  function draw(pending) {
    while (layer.firstChild) { layer.removeChild(layer.firstChild); }
    data.points.forEach(function (p) {
      if (p.x === null || p.y === null) { return; }
      if (pending && pending.id === p.id) { return; }
      layer.appendChild(marker(p));
    });
    if (pending) { layer.appendChild(marker(pending, true)); }
  }
  draw(null);

  var form = document.getElementById("place-form");
  if (!data.editable || !form) { return; }
  var select = form.querySelector("select[name=risk_point]");
  var fx = form.querySelector("input[name=x]");
  var fy = form.querySelector("input[name=y]");
  if (!select || !fx || !fy) { return; }
  host.classList.add("site-map-editable");

  function selected() {
    var id = parseInt(select.value, 10);
    for (var i = 0; i < data.points.length; i++) { if (data.points[i].id === id) { return data.points[i]; } }
    return null;
  }
  function preview() {
    var p = selected();
    var x = parseFloat(fx.value), y = parseFloat(fy.value);
    if (!p || isNaN(x) || isNaN(y) || x < 0 || x > 100 || y < 0 || y > 100) { draw(null); return; }
    draw({ id: p.id, name: p.name, level: p.level, level_label: p.level_label, x: x / 100, y: y / 100 });
  }
  function fill() {
    var p = selected();
    fx.value = p && p.x !== null ? (p.x * 100).toFixed(1) : "";
    fy.value = p && p.y !== null ? (p.y * 100).toFixed(1) : "";
    preview();
  }
  select.addEventListener("change", fill);
  fx.addEventListener("input", preview);
  fy.addEventListener("input", preview);
  svg.addEventListener("click", function (event) {
    var box = svg.getBoundingClientRect();
    // the drawing keeps its proportions inside the box (xMidYMid meet): find the drawn area first
    var scale = Math.min(box.width / W, box.height / H);
    var left = box.left + (box.width - W * scale) / 2, top = box.top + (box.height - H * scale) / 2;
    var x = (event.clientX - left) / (W * scale), y = (event.clientY - top) / (H * scale);
    if (x < 0 || x > 1 || y < 0 || y > 1) { return; }
    fx.value = (x * 100).toFixed(1);
    fy.value = (y * 100).toFixed(1);
    preview();
  });
  fill();
}());
