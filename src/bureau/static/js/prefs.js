// 长者模式 (issue 17 item 6): applied before the page paints, from the choice remembered in this browser.
// Loaded in <head> of every page (a file, not an inline script: the CSP allows only our own files).
(function () {
  "use strict";
  var on = false;
  try { on = window.localStorage.getItem("bureau-elder") === "1"; } catch (e) { on = false; }
  if (!on) { on = /(?:^|;\s*)bureau_elder=1/.test(document.cookie); }
  if (on) { document.documentElement.classList.add("elder"); }
})();
