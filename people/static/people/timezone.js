// The browser's time zone (an IANA name such as "America/Chicago"), so pages show local
// times: remembered in the `tz` cookie for pages read before signing in, and saved on the
// account (PATCH /api/v1/me/) the first time a signed-in account has none. No library.
(function () {
  "use strict";
  var zone;
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    return;
  }
  if (!zone || !/^[A-Za-z0-9_+\-\/]{1,64}$/.test(zone)) {
    return;
  }
  var cookie = "tz=" + encodeURIComponent(zone);
  if (document.cookie.split("; ").indexOf(cookie) === -1) {
    document.cookie = cookie + "; path=/; max-age=31536000; samesite=lax" +
      (location.protocol === "https:" ? "; secure" : "");
  }
  var body = document.body;
  if (!body || body.getAttribute("data-time-zone-missing") !== "1") {
    return;
  }
  var meta = document.querySelector('meta[name="csrf-token"]');
  if (!meta || !window.fetch) {
    return;
  }
  fetch("/api/v1/me/", {
    method: "PATCH",
    credentials: "same-origin",
    headers: {"Content-Type": "application/json", "X-CSRFToken": meta.getAttribute("content")},
    body: JSON.stringify({time_zone: zone})
  }).then(function (response) {
    if (response.ok) {
      body.setAttribute("data-time-zone-missing", "0");
      body.setAttribute("data-time-zone", zone);
    }
  }).catch(function () { /* the next page tries again */ });
})();
