// A header checkbox [data-select-all="name"] ticks or clears the enabled checkboxes named `name` of its form.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    var all = event.target.closest("[data-select-all]");
    if (!all || !all.form) { return; }
    var name = all.getAttribute("data-select-all");
    all.form.querySelectorAll("input[type=checkbox]").forEach(function (box) {
      if (box.name === name && !box.disabled) { box.checked = all.checked; }
    });
  });
})();
