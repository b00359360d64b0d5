/* 局长信箱: the phone's coordinates, only when the user asks and allows (navigator.geolocation). No map tiles, no
   outside requests; the coordinates go into the form's hidden fields. Loaded as a file (strict CSP). */
(function () {
  "use strict";
  var box = document.getElementById("geo-box");
  var lat = document.getElementById("id_latitude");
  var lng = document.getElementById("id_longitude");
  if (!box || !lat || !lng || !("geolocation" in navigator)) { return; }
  var button = document.getElementById("geo-button");
  var status = document.getElementById("geo-status");
  var address = document.getElementById("id_location_address");
  var field = address && address.closest(".field");
  if (field) { field.insertAdjacentElement("afterend", box); }  // right under the address it completes
  box.hidden = false;
  function show(text) { status.textContent = text; }
  if (lat.value && lng.value) { show("已获取位置（纬度 " + lat.value + "，经度 " + lng.value + "）"); }
  button.addEventListener("click", function () {
    show("正在获取位置…");
    button.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      lat.value = pos.coords.latitude.toFixed(6);
      lng.value = pos.coords.longitude.toFixed(6);
      show("已获取位置（精度约 " + Math.round(pos.coords.accuracy) + " 米）");
      button.textContent = "重新获取位置";
      button.disabled = false;
    }, function (err) {
      lat.value = ""; lng.value = "";
      show(err.code === 1 ? "您未允许获取位置，可只填写地址" : "暂时无法获取位置，可只填写地址");
      button.disabled = false;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });
})();
