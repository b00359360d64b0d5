// Progress of a benchmark import (penalties.workbook): polls the small JSON endpoint and moves the <progress>
// element; reloads the page once the job has finished (the page then shows the preview or the result).
(function () {
  "use strict";
  var bar = document.getElementById("import-progress");
  var text = document.getElementById("import-progress-text");
  if (!bar || !bar.dataset.url) { return; }
  function poll() {
    fetch(bar.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) { window.setTimeout(poll, 3000); return; }
        if (!p.running) { window.location.reload(); return; }
        if (p.status === "writing" || p.status === "confirmed") {
          bar.removeAttribute("value");
          text.textContent = "正在写入 " + p.total + " 条……";
        } else {
          bar.value = p.percent;
          bar.textContent = p.percent + "%";
          text.textContent = "已处理 " + p.processed + " / " + (p.total || "?") + " 行（" + p.percent + "%）";
        }
        window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
