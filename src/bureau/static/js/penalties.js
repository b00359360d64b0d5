// The propose step's violation picker: search the benchmark (GET /api/v1/penalties/violations, in force on the
// filing date) by penalty provision or text, fill the select, and show the chosen violation's quantity unit and
// named facts. Without JavaScript the 「查找」 button does the same on the server.
(function () {
  "use strict";
  var form = document.querySelector("form.proposal-form");
  if (!form) { return; }
  var search = form.querySelector("[name=violation_search]");
  var select = form.querySelector("[name=violation_code]");
  var quantityLabel = form.querySelector("#quantity-field label");
  var quantityHelp = form.querySelector("#quantity-field .help");
  var factsBox = form.querySelector("#id_facts");
  var known = {};
  var timer = null;

  function get(params) {
    params.set("on", form.dataset.on);
    params.set("limit", "100");
    return fetch(form.dataset.violationsUrl + "?" + params.toString(), {credentials: "same-origin",
      headers: {"Accept": "application/json"}}).then(function (r) { return r.ok ? r.json() : []; });
  }

  function remember(list) { list.forEach(function (v) { known[v.code] = v; }); return list; }

  function fill(list) {
    var chosen = select.value;
    var keep = chosen && !list.some(function (v) { return v.code === chosen; }) ? select.querySelector(
      "option[value='" + CSS.escape(chosen) + "']") : null;
    select.innerHTML = "";
    var first = document.createElement("option");
    first.value = ""; first.textContent = list.length ? "请选择（" + list.length + "项）" : "没有找到，请换个说法";
    select.appendChild(first);
    if (keep) { select.appendChild(keep); }
    list.forEach(function (v) {
      if (!v.tiers.some(function (t) { return t.code !== "exempt"; })) { return; }
      var o = document.createElement("option");
      o.value = v.code; o.textContent = v.violation + "（" + v.penalty_provision + "）";
      select.appendChild(o);
    });
    select.value = chosen;
  }

  function showFacts(v) {
    if (!v) { return; }
    if (quantityLabel) {
      quantityLabel.textContent = v.quantity_unit_label ? "违法数量（" + v.quantity_unit_label + "）" : "违法数量";
    }
    if (quantityHelp) {
      quantityHelp.textContent = v.quantity_unit_label ? "按该违法行为基准的计量单位「" + v.quantity_unit_label +
        "」填写，系统据此确定阶次" : "该违法行为的阶次不按数量确定时可不填";
    }
    if (!factsBox) { return; }
    var ticked = Array.prototype.map.call(factsBox.querySelectorAll("input:checked"), function (i) { return i.value; });
    factsBox.innerHTML = "";
    v.facts.forEach(function (fact, i) {
      var row = document.createElement("div");
      var label = document.createElement("label");
      var box = document.createElement("input");
      box.type = "checkbox"; box.name = "facts"; box.value = fact; box.id = "id_facts_" + i;
      box.checked = ticked.indexOf(fact) >= 0;
      label.htmlFor = box.id;
      label.appendChild(box); label.appendChild(document.createTextNode(" " + fact));
      row.appendChild(label); factsBox.appendChild(row);
    });
    var wrap = form.querySelector("#facts-field");
    if (wrap) { wrap.hidden = v.facts.length === 0; }
  }

  function lookup() {
    var text = search.value.trim();
    if (!text) { return; }
    var byText = new URLSearchParams(); byText.set("q", text);
    get(byText).then(function (list) {
      if (list.length) { return list; }
      var byProvision = new URLSearchParams(); byProvision.set("provision", text);
      return get(byProvision);
    }).then(remember).then(fill);
  }

  if (search) {
    search.addEventListener("input", function () { window.clearTimeout(timer); timer = window.setTimeout(lookup, 300); });
    search.addEventListener("keydown", function (e) { if (e.key === "Enter") { e.preventDefault(); lookup(); } });
  }
  select.addEventListener("change", function () {
    var code = select.value;
    if (!code) { return; }
    if (known[code]) { showFacts(known[code]); return; }
    var params = new URLSearchParams(); params.set("q", code);
    get(params).then(remember).then(function () { showFacts(known[code]); });
  });
  var wrap = form.querySelector("#facts-field");
  if (wrap && factsBox && !factsBox.querySelector("input")) { wrap.hidden = true; }
})();
