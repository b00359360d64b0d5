// Small behaviours shared by every page (no inline scripts: the CSP allows only our own files).
(function () {
  "use strict";
  var root = document.documentElement;

  function setExpanded(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  // 长者模式: larger text and stronger contrast, remembered in this browser (localStorage and a cookie).
  function syncElder() {
    var on = root.classList.contains("elder");
    document.querySelectorAll("[data-elder-toggle]").forEach(function (b) {
      b.setAttribute("aria-pressed", on ? "true" : "false");
      b.textContent = on ? "标准模式" : "长者模式";
    });
  }
  function toggleElder() {
    var on = root.classList.toggle("elder");
    try { window.localStorage.setItem("bureau-elder", on ? "1" : "0"); } catch (e) { /* private mode */ }
    document.cookie = "bureau_elder=" + (on ? "1" : "0") + "; path=/; max-age=31536000; SameSite=Lax";
    syncElder();
  }

  document.addEventListener("click", function (event) {
    var toggle = event.target.closest("[data-toggle-menu]");
    if (toggle) {
      var open = document.body.classList.toggle("menu-open");
      setExpanded(toggle, open);
      return;
    }
    if (event.target.closest("[data-elder-toggle]")) { toggleElder(); return; }
    var confirmEl = event.target.closest("[data-confirm]");
    if (confirmEl && !window.confirm(confirmEl.getAttribute("data-confirm"))) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Escape closes the phone menu and gives the focus back to its button.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || !document.body.classList.contains("menu-open")) { return; }
    document.body.classList.remove("menu-open");
    var button = document.querySelector("[data-toggle-menu]");
    if (button) { setExpanded(button, false); button.focus(); }
  });

  // Double-submit guard: a submitted form's buttons are disabled until the page changes.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented) { return; }
    var confirmText = form.getAttribute("data-confirm-submit");
    if (confirmText && !window.confirm(confirmText)) { event.preventDefault(); return; }
    if (form.dataset.submitted === "1") { event.preventDefault(); return; }
    form.dataset.submitted = "1";
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
    }, 0);
  });

  // File inputs: a Chinese button and the list of chosen files instead of the browser's 「Choose File」.
  function describeFiles(input, list) {
    list.textContent = "";
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) {
      var none = document.createElement("li");
      none.className = "muted";
      // files kept from a refused submission (kernel/staging.py) are listed right after the control
      var kept = input.parentNode.nextElementSibling;
      none.textContent = kept && kept.classList.contains("staged-files") ? "未选择新文件" : "未选择文件";
      list.appendChild(none);
      return;
    }
    files.forEach(function (f) {
      var li = document.createElement("li");
      var kb = Math.max(1, Math.round(f.size / 1024));
      li.textContent = f.name + "（" + (kb >= 1024 ? (kb / 1024).toFixed(1) + " MB" : kb + " KB") + "）";
      list.appendChild(li);
    });
  }
  function enhanceFile(input) {
    if (input.dataset.enhanced) { return; }
    input.dataset.enhanced = "1";
    var wrap = document.createElement("div");
    wrap.className = "file-pick";
    input.parentNode.insertBefore(wrap, input);
    wrap.appendChild(input);
    var label = document.createElement("label");
    label.className = "btn btn-light file-button";
    label.setAttribute("for", input.id || "");
    label.textContent = input.multiple ? "选择文件（可多选）" : "选择文件";
    if (!input.id) { input.id = "file-" + Math.random().toString(36).slice(2); label.setAttribute("for", input.id); }
    label.setAttribute("aria-hidden", "true");
    wrap.insertBefore(label, input);
    var list = document.createElement("ul");
    list.className = "file-list";
    list.setAttribute("aria-live", "polite");
    wrap.appendChild(list);
    describeFiles(input, list);
    input.addEventListener("change", function () { describeFiles(input, list); });
  }

  function enhance(scope) {
    scope.querySelectorAll("input[type=file]").forEach(enhanceFile);
    // A table that scrolls sideways can be scrolled with the keyboard.
    scope.querySelectorAll(".table-wrap").forEach(function (w) {
      if (!w.hasAttribute("tabindex")) { w.tabIndex = 0; }
      if (!w.hasAttribute("role")) { w.setAttribute("role", "region"); w.setAttribute("aria-label", "表格"); }
    });
  }

  // The error summary at the top of a refused form takes the focus; its links lead to the fields.
  function focusErrors() {
    var summary = document.querySelector(".error-summary");
    if (summary) { summary.focus(); return; }
    var first = document.querySelector(".has-error input, .has-error select, .has-error textarea");
    if (first) { first.focus(); }
  }

  syncElder();
  enhance(document);
  focusErrors();
  document.body.addEventListener("htmx:afterSwap", function (event) { enhance(event.target); });
})();
