// Search pickers (bureau.kernel.pickers): a <select data-picker-url> becomes a combobox (WAI-ARIA 1.2 pattern).
// Without this script the select itself is the fallback (a short list). With it: type part of a name or number;
// results come from the JSON endpoint (scoped to the user on the server); ↑/↓ move, Enter chooses, Escape closes;
// the number of results is announced. The chosen id is written into the (hidden) select, so the form posts as before.
(function () {
  "use strict";
  var counter = 0;

  function enhance(select) {
    if (select.dataset.pickerReady) { return; }
    select.dataset.pickerReady = "1";
    counter += 1;
    var id = select.id || ("picker-" + counter);
    var listId = id + "-list";
    var statusId = id + "-status";
    var minChars = parseInt(select.dataset.pickerMin || "1", 10);
    var params = select.dataset.pickerParams ? JSON.parse(select.dataset.pickerParams) : {};
    var urls = select.dataset.pickerUrls ? JSON.parse(select.dataset.pickerUrls) : null;
    var kindSelect = select.dataset.pickerKind ? document.getElementById(select.dataset.pickerKind) : null;

    var wrap = document.createElement("div");
    wrap.className = "picker";
    var input = document.createElement("input");
    input.type = "text";
    input.id = id;  // the field's <label for> now names the text input
    input.className = "picker-input";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("autocomplete", "off");
    input.setAttribute("placeholder", select.dataset.pickerPlaceholder || "");
    if (select.required) { input.setAttribute("aria-required", "true"); }
    var describedBy = select.getAttribute("aria-describedby");
    if (describedBy) { input.setAttribute("aria-describedby", describedBy); }
    var list = document.createElement("ul");
    list.id = listId;
    list.className = "picker-list";
    list.setAttribute("role", "listbox");
    list.hidden = true;
    var status = document.createElement("div");
    status.id = statusId;
    status.className = "picker-status";
    status.setAttribute("role", "status");
    status.setAttribute("aria-live", "polite");

    select.id = id + "-value";
    select.required = false;  // a hidden control must not block the submit; the server checks the choice
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");
    select.parentNode.insertBefore(wrap, select);
    wrap.appendChild(input);
    wrap.appendChild(list);
    wrap.appendChild(status);
    wrap.appendChild(select);

    var chosen = select.options[select.selectedIndex];
    if (chosen && chosen.value) { input.value = chosen.textContent; }
    var results = [];
    var active = -1;
    var timer = null;
    var serial = 0;

    function kind() { return kindSelect ? kindSelect.value : ""; }
    function endpoint() { return urls ? (urls[kind()] || "") : (select.dataset.pickerUrl || ""); }
    function valueOf(result) { return urls ? kind() + ":" + result.id : String(result.id); }

    function setValue(value, label) {
      var option = null;
      for (var i = 0; i < select.options.length; i += 1) {
        if (select.options[i].value === value) { option = select.options[i]; }
      }
      if (!option && value) {
        option = document.createElement("option");
        option.value = value;
        option.textContent = label;
        select.appendChild(option);
      }
      select.value = value;
      select.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = list.querySelectorAll("[role=option]");
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
      items[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var result = results[index];
      if (!result) { return; }
      setValue(valueOf(result), result.label);
      input.value = result.label;
      status.textContent = "已选择：" + result.label;
      close();
    }

    function render(data) {
      results = data.results || [];
      list.innerHTML = "";
      results.forEach(function (result, i) {
        var item = document.createElement("li");
        item.id = listId + "-" + i;
        item.setAttribute("role", "option");
        item.setAttribute("aria-selected", "false");
        var label = document.createElement("span");
        label.className = "picker-label";
        label.textContent = result.label;
        item.appendChild(label);
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "picker-detail";
          detail.textContent = result.detail;
          item.appendChild(detail);
        }
        item.addEventListener("mousedown", function (event) { event.preventDefault(); choose(i); });
        list.appendChild(item);
      });
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "picker-empty";
        empty.textContent = "没有匹配的记录（只显示您管辖范围内的）";
        list.appendChild(empty);
      }
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      status.textContent = results.length ? "找到 " + results.length + (data.more ? " 项以上，请输入更多字缩小范围" : " 项") +
        "，用上下方向键选择，回车确认" : "没有匹配的记录";
    }

    function search() {
      var term = input.value.trim();
      var url = endpoint();
      if (!url) { status.textContent = "请先选择来源类型"; close(); return; }
      if (term.length < minChars) { close(); return; }
      var query = new URLSearchParams({ q: term });
      Object.keys(params).forEach(function (name) {
        var source = document.getElementById(params[name]);
        if (source && source.value) { query.set(name, source.value); }
      });
      serial += 1;
      var mine = serial;
      status.textContent = "正在搜索…";
      fetch(url + (url.indexOf("?") < 0 ? "?" : "&") + query.toString(), { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok || (response.headers.get("Content-Type") || "").indexOf("json") < 0) { throw new Error(); }
          return response.json();
        })
        .then(function (data) { if (mine === serial) { render(data); } })
        .catch(function () { if (mine === serial) { close(); status.textContent = "搜索失败，请稍后重试或刷新页面"; } });
    }

    input.addEventListener("input", function () {
      if (select.value) { setValue("", ""); }  // the typed text no longer names the chosen record
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (list.hidden) { search(); } else { highlight(active + 1); }
      } else if (event.key === "ArrowUp") {
        event.preventDefault();
        if (!list.hidden) { highlight(active - 1); }
      } else if (event.key === "Enter") {
        if (!list.hidden && active >= 0) { event.preventDefault(); choose(active); }
      } else if (event.key === "Escape") {
        if (!list.hidden) { event.preventDefault(); close(); }
      }
    });
    input.addEventListener("blur", function () { window.setTimeout(close, 100); });
    if (kindSelect) {
      kindSelect.addEventListener("change", function () {
        setValue("", "");
        input.value = "";
        input.disabled = !kind();
        close();
      });
      input.disabled = !kind() && !select.value;
    }
  }

  function start() { document.querySelectorAll("select[data-picker-url]").forEach(enhance); }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); } else { start(); }
})();
